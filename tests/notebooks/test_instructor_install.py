"""The instructor's install, as the README gives it: `pip install 'keras-params-course[course,keras]'` into a fresh
virtual environment, and nothing else. Does every command an instructor runs start there, and does the class
report, which needs matplotlib, actually write its files?

Slow: pip installs TensorFlow and nbgrader from the package index, 60 to 100 s of the module's 2 to 3 minutes on a busy
2-core machine (pip's `--no-compile` and a venv without a pip of its own save what can be saved). The venv sees no
package of this checkout's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.classreport.synthetic import make_class
from autograder.cli import COMMANDS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXTRAS = "[course,keras]"  # the README's instructor install
DASK = (("scheduler", "--help"), ("worker", "--help"))  # the README's grading on several machines


def _run(command: list, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _wheel(base: Path) -> Path:
    """The wheel of this checkout, built from a copy (setuptools builds in the source tree)."""
    source = base / "source"
    shutil.copytree(ROOT / "autograder", source / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", source], base)
    assert built.returncode == 0, built.stderr[-2000:]
    return next((base / "dist").glob("*.whl"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with only the wheel and its instructor extras; its bin folder. The install's seconds are
    printed (pytest -s shows them)."""
    base = tmp_path_factory.mktemp("instructor")
    wheel = _wheel(base)
    started = time.perf_counter()
    assert _run([sys.executable, "-m", "venv", "--without-pip", base / "venv"], base).returncode == 0
    python = base / "venv" / "bin" / "python"
    done = _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-compile",
                 f"{wheel}{EXTRAS}"], base, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    print(f"\ninstructor install: {time.perf_counter() - started:.0f} s")
    return python.parent


@pytest.mark.parametrize("command", COMMANDS)
def test_every_autograder_command_starts(venv, command, tmp_path):
    """Does `python -m autograder COMMAND --help` work for every command, each importing what it needs?"""
    done = _run([venv / "python", "-m", "autograder", command, "--help"], tmp_path)
    assert done.returncode == 0 and "usage:" in done.stdout, done.stderr[-2000:]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A small autograded class of a02_dense: the course's nbgrader_config.py, a gradebook, graded notebooks."""
    return make_class(tmp_path_factory.mktemp("course") / "course", students=6)


def test_the_tools_the_readme_names_start(venv, tmp_path):
    """Do the console script and Dask's scheduler and worker start from the same install, with Keras and
    TensorFlow installed (found, not imported: importing TensorFlow takes half a minute here)?"""
    find = "import importlib.util as u; assert all(map(u.find_spec, ('keras', 'tensorflow', 'matplotlib')))"
    commands = [[venv / "autograder", "--help"], [venv / "python", "-c", find]]
    commands += [[venv / "dask", *args] for args in DASK]
    failed = {" ".join(map(str, c[1:])): d.stderr[-500:] for c in commands if (d := _run(c, tmp_path)).returncode}
    assert failed == {}


def test_nbgrader_runs_with_the_courses_plugins(venv, course, tmp_path):
    """Does `nbgrader export` in the course directory load the course's config (its plugins import) and write
    the CSV with the review column?"""
    done = _run([venv / "nbgrader", "export", "--to", tmp_path / "grades.csv"], course)
    assert done.returncode == 0, done.stderr[-2000:]
    header = (tmp_path / "grades.csv").read_text().splitlines()[0].split(",")
    assert {"student_id", "score", "review"} <= set(header)


def test_the_class_report_runs(venv, course, tmp_path):
    """Does `python -m autograder report` write its page, CSV and chart for a small autograded class?"""
    done = _run([venv / "python", "-m", "autograder", "report", "a02_dense", "--out", tmp_path], course)
    assert done.returncode == 0, done.stderr[-2000:]
    written = {path.name: path.stat().st_size for path in tmp_path.iterdir()}
    assert set(written) == {"report.html", "report.csv", "chart.png"} and all(written.values()), written


def test_keys_and_doctor_run_in_a_course(venv, course, tmp_path):
    """Do `keys` and `doctor` agree in a course directory: the key `keys` prints passes the doctor's check?"""
    keys = _run([venv / "python", "-m", "autograder", "keys", "alice"], course)
    assert keys.returncode == 0, keys.stderr[-2000:]
    key = keys.stdout.split()[-1]
    doctor = _run([venv / "python", "-m", "autograder", "doctor", "--key", key, "--student", "alice"], course)
    assert doctor.returncode == 0 and doctor.stdout.startswith("ok:"), doctor.stdout + doctor.stderr
