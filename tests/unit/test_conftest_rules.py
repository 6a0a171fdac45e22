"""The rules tests/conftest.py sets for root-only tests and for tests of a security guarantee.

Each case runs pytest on a small test file beside a copy of the project's conftest, in a subprocess that
believes it runs as an ordinary user (uid 1000) or as root, whatever user runs this test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
INI = """[pytest]
markers =
    slow: slow
    needs_root: only as root
    guarantee: a security guarantee
addopts = -p no:cacheprovider --strict-markers
"""
TESTS = '''
import pytest

def test_plain():
    """Plain."""

@pytest.mark.needs_root
def test_root_switches_user():
    """Needs root."""
'''


def _pytest(tmp_path: Path, tests: str, uid: int, *args: str) -> subprocess.CompletedProcess:
    """pytest on ``tests`` with the project's conftest, as if os.geteuid() were ``uid`` (workers too)."""
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text(INI)
    (tmp_path / "test_case.py").write_text(textwrap.dedent(tests))
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text(f"import os\nos.geteuid = lambda: {uid}\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(fake), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_an_ordinary_user_does_not_run_root_tests_and_is_told(tmp_path, workers):
    """As an ordinary user, is a needs_root test deselected (not skipped, not run) with a note in the summary?"""
    done = _pytest(tmp_path, TESTS, 1000, *workers)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout and "test_root_switches_user" not in done.stdout.replace("::", " ")
    assert "1 test(s) need root and were not run by this user (uid 1000): run `make test-root`" in done.stdout


def test_root_runs_root_tests(tmp_path):
    """As root, does the needs_root test run, with no note?"""
    done = _pytest(tmp_path, TESTS, 0)
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout
    assert "need root" not in done.stdout


def test_a_root_test_must_say_root_in_its_name(tmp_path):
    """Is a test marked needs_root without 'root' in its name refused before anything runs?"""
    tests = 'import pytest\n@pytest.mark.needs_root\ndef test_switches_user():\n    """?"""\n'
    done = _pytest(tmp_path, tests, 0)
    assert done.returncode != 0
    assert "tests marked needs_root must have 'root' in their name" in done.stdout + done.stderr


def test_a_skipped_guarantee_fails_the_run_with_its_reason(tmp_path):
    """Does a test of a security guarantee that skips (in its body or by a mark) fail the run and say why, while
    a plain skip, and a slow test left for --slow, stay skips?"""
    tests = '''
    import pytest

    @pytest.mark.guarantee
    def test_learner_code_cannot_read_the_secret():
        """Guarantee."""
        pytest.skip("no sandbox: setresuid failed")

    @pytest.mark.guarantee
    @pytest.mark.skipif(True, reason="no writable memory control group")
    def test_processes_share_one_memory_limit():
        """Guarantee, skipped by a mark."""

    @pytest.mark.guarantee
    @pytest.mark.slow
    def test_slow_guarantee():
        """Left for --slow, as every slow test is."""

    def test_nice_to_have():
        """Plain."""
        pytest.skip("no GPU")
    '''
    done = _pytest(tmp_path, tests, 1000)
    assert done.returncode == 1, done.stdout
    assert "2 skipped" in done.stdout and "passed" not in done.stdout
    assert "a security guarantee went untested here" in done.stdout and "setresuid failed" in done.stdout
    assert "no writable memory control group" in done.stdout
    assert "FAILED test_case.py::test_learner_code_cannot_read_the_secret" in done.stdout
    assert "test_case.py::test_processes_share_one_memory_limit" in done.stdout.split("short test summary")[1]
