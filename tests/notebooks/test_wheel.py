"""The package as a learner installs it: a wheel under its own name, in a fresh virtual environment with no
TensorFlow, used from a folder with no repository in sight."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import reference
from autograder.grading.questions import all_questions, amount, get_question

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "models" / "seed.json"
EXERCISE = ROOT / "exercises" / "a02_dense" / "a02_dense.ipynb"


def _run(command: list, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """A wheel built from this checkout, installed into a fresh venv; (its python, an empty work folder)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a copy: setuptools builds in the source tree, and the checkout stays clean
    shutil.copytree(ROOT / "autograder", source / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), str(source)], base)
    assert built.returncode == 0, built.stderr[-2000:]
    venv = base / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], base).returncode == 0
    python = venv / "bin" / "python"
    wheel = next((base / "dist").glob("*.whl"))
    done = _run([str(python), "-m", "pip", "install", "-q", str(wheel)], base, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    work = base / "work"
    work.mkdir()
    return python, work


def test_the_wheel_has_its_own_name_and_everything_grading_needs(installed):
    """Is the distribution called keras-params-course (PyPI's `autograder` is another project), and does its
    wheel hold the bank's models, the verified keys and the sandbox's stub package?"""
    wheel = next(installed[0].parents[2].glob("dist/*.whl"))
    assert wheel.name.startswith("keras_params_course-")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"autograder/grading/bank/verified.json", "autograder/grading/bank/models/seed.json",
            "autograder/trusted/kernel_init.py", "autograder/_capture.py", "autograder/_runner.py"} <= names


def test_no_tensorflow_comes_with_it(installed):
    """Does the installed package work without TensorFlow or Keras in the environment?"""
    python, work = installed
    code = "import importlib.util as u; print(u.find_spec('tensorflow'), u.find_spec('keras'))"
    probe = _run([str(python), "-c", code], work)
    assert probe.stdout.strip() == "None None"


def test_count_questions_and_check_work_from_any_folder(installed):
    """From a folder with no repository, do count, questions and check work?"""
    python, work = installed
    shutil.copy(SEED, work / "seed.json")
    counted = _run([str(python), "-m", "autograder", "count", "seed.json", "--json"], work)
    expected = reference.count(json.loads(SEED.read_text())).total  # the checkout's counter, not a typed number
    assert counted.returncode == 0 and json.loads(counted.stdout)["total"] == expected, counted.stderr
    listed = _run([str(python), "-m", "autograder", "questions", "--json"], work)
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == len(all_questions())
    question = get_question("dense.seed.layer1")
    key = amount(reference.count(question.model), question.asks)
    right = _run([str(python), "-m", "autograder", "check", "dense.seed.layer1", str(key)], work)
    wrong = _run([str(python), "-m", "autograder", "check", "dense.seed.layer1", str(key - 2)], work)
    assert (right.returncode, wrong.returncode) == (0, 1) and "BIAS_MISSING" in wrong.stdout


def test_grade_grades_a_downloaded_exercise(installed):
    """Does grade score a downloaded exercise notebook (nothing answered: 0 of 8) with no repository present?"""
    python, work = installed
    shutil.copy(EXERCISE, work / "a02_dense.ipynb")
    graded = _run([str(python), "-m", "autograder", "grade", "a02_dense.ipynb", "--json"], work)
    assert graded.returncode == 1, graded.stderr[-2000:]
    result = json.loads(graded.stdout)
    assert (result["score"], result["max_score"], result["assignment"]) == (0, 8, "a02_dense")
