"""The test suite's own set-up: xdist must keep an ``xdist_group`` on one worker.

`make test` runs ``pytest -n 2 --dist loadgroup``. The book's build and browser tests share one
build, and every test that starts Jupyter kernels shares the group "kernels"; if xdist spread a
group over both workers, two workers would build the book into the same _build at once and fail
at random. pytest 9.2 with pytest-xdist 3.8 does exactly that, silently (pytest-xdist#1386):
pyproject.toml pins pytest below 9.2, and this test catches the next such release."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytest.importorskip("xdist")

GROUPED = """
import pytest

pytestmark = pytest.mark.xdist_group("together")

@pytest.mark.parametrize("i", range(6))
def test_in_group(i):
    pass
"""


def test_loadgroup_keeps_a_group_on_one_worker(tmp_path):
    """Do twelve tests of one xdist_group, six in each of two files, all run on one worker under -n 2?"""
    (tmp_path / "test_a.py").write_text(GROUPED)
    (tmp_path / "test_b.py").write_text(GROUPED)
    done = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
                           "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    workers = set(re.findall(r"^\[(gw\d+)\].*PASSED", done.stdout, re.M))
    assert len(re.findall(r"PASSED", done.stdout)) == 12
    assert len(workers) == 1, (f"xdist spread one xdist_group over workers {sorted(workers)}: this pytest and "
                               "pytest-xdist do not honour --dist loadgroup (pytest-xdist#1386); pin pytest "
                               "as pyproject.toml does")
