"""Run the course with nbgrader's own machinery, in a throw-away course directory.

The repository holds only ``solutions/`` (nbgrader's source, written by hand) and
``exercises/`` (its release, generated and committed). Everything else nbgrader
needs — a gradebook, ``submitted/``, ``autograded/``, ``feedback/`` — lives in a
temporary course directory, so nothing here ever touches a real gradebook::

    with temp_course() as grader:
        grader.generate("a01_the_question")
        grader.submit("alice", "a01_the_question", notebook_path)
        grader.autograde("a01_the_question")
        scores = grader.export()          # {(student, assignment): score}

Settings come from the repository's ``nbgrader_config.py``, the same file an
instructor's ``nbgrader`` reads. nbgrader is imported only when a course is made.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import AutograderError
from .secret import SECRET_FILE, course_secret

__all__ = [
    "ASSIGNMENTS", "ROOT", "SECRET_FILE", "Course", "CourseError", "course_secret", "quiet_environment", "release",
    "solution_path", "temp_course", "validate",
]

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = (
    "a01_the_question", "a02_dense", "a03_trainable", "a04_convolutions",
    "a05_embeddings_normalization", "a06_recurrent", "a07_attention", "a08_functional", "a09_language_models",
    "a10_fine_tuning_memory",
)
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"}


class CourseError(AutograderError, RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log."""


def quiet_environment() -> None:
    """Keep TensorFlow off stderr in every kernel started from this process (kernels inherit it),
    and put this interpreter's scripts on PATH (nbgrader runs ``alembic`` by name)."""
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])


def solution_path(assignment: str, root: Path = ROOT) -> Path:
    """The hand-written source notebook of an assignment."""
    return root / "solutions" / assignment / f"{assignment}.ipynb"


def _require_nbgrader() -> None:
    try:
        import nbgrader  # noqa: F401
    except ImportError as err:
        raise CourseError("this needs nbgrader, which is not installed; "
                          "install the course extra: pip install -e '.[course]'") from err


def _config(course_root: Path, timeout: int | None, stock: bool = False, variants: bool = True):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (ROOT / "nbgrader_config.py").exists():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config())
    if stock:  # nbgrader's own autograde pipeline, for comparison (benchmarks): no sandbox, verdicts in the kernel
        from nbgrader.converters import Autograde

        for name in ("sanitize_preprocessors", "autograde_preprocessors", "exporter_class"):
            config.Autograde[name] = Autograde.class_traits()[name].default()
    if not variants:  # everyone gets the book's numbers (sample submissions answer with them)
        config.Variants.enabled = False
    elif not config.Variants.get("keys"):  # the tests and benchmarks hand each learner their key themselves
        config.Variants.keys = "handed-out"
    config.CourseDirectory.root = str(course_root)
    config.CourseDirectory.db_url = f"sqlite:///{course_root / 'gradebook.db'}"
    config.CourseDirectory.source_directory = "solutions"
    config.CourseDirectory.release_directory = "exercises"
    if timeout is not None:
        config.Execute.timeout = timeout
        config.SandboxedExecute.cell_timeout = timeout
    return config


class Course:
    """One nbgrader course directory, driven through ``nbgrader.apps.NbGraderAPI``."""

    def __init__(self, root: Path, timeout: int | None = None, stock: bool = False, variants: bool = True):
        _require_nbgrader()
        quiet_environment()
        from nbgrader.apps import NbGraderAPI

        self.root = Path(root)
        self.config = _config(self.root, timeout, stock, variants)
        self.api = NbGraderAPI(config=self.config)

    def add_source(self, assignment: str, source: Path | None = None) -> None:
        """Copy an assignment's source notebook(s) into the course."""
        src = (source or solution_path(assignment)).parent
        if not src.is_dir():
            raise CourseError(f"no source for assignment '{assignment}': expected {src}/{assignment}.ipynb")
        shutil.copytree(src, self.root / "solutions" / assignment, dirs_exist_ok=True)

    def generate(self, assignment: str) -> Path:
        """``nbgrader generate_assignment``: the released notebook's path."""
        if not (self.root / "solutions" / assignment).is_dir():
            self.add_source(assignment)
        _ok(self.api.generate_assignment(assignment, force=True, create=True), "generate_assignment", assignment)
        return self.root / "exercises" / assignment / f"{assignment}.ipynb"

    def submit(self, student: str, assignment: str, notebook: Path) -> Path:
        """What ``nbgrader collect`` leaves: submitted/<student>/<assignment>/<assignment>.ipynb."""
        dest = self.root / "submitted" / student / assignment / f"{assignment}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, dest)
        return dest

    def autograde(self, assignment: str, student: str = "*") -> None:
        _ok(self.api.autograde(assignment, student, force=True, create=True), "autograde", assignment)

    def generate_feedback(self, assignment: str, student: str | None = None) -> Path:
        _ok(self.api.generate_feedback(assignment, student, force=True), "generate_feedback", assignment)
        return self.root / "feedback"

    def export(self, dest: Path | None = None) -> dict[tuple[str, str], float]:
        """Export the gradebook to CSV with the course's exporter (nbgrader's, plus a ``review`` column);
        read the scores back from the file."""
        from nbgrader.api import Gradebook

        from .nbgrader_plugins import ReviewCsvExport

        dest = dest or self.root / "grades.csv"
        plugin = ReviewCsvExport(config=self.config)
        plugin.to = str(dest)
        with Gradebook(self.config.CourseDirectory.db_url, self.config.CourseDirectory.course_id) as gradebook:
            plugin.export(gradebook)
        with open(dest, newline="") as handle:
            return {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(handle)}


def _ok(result: dict, step: str, assignment: str) -> None:
    if not result.get("success"):
        log = [line for line in (result.get("log") or "").splitlines() if "[INFO]" not in line]
        detail = "\n".join(log[-30:]) or result.get("error") or "no log"
        raise CourseError(f"nbgrader {step} failed for '{assignment}':\n{detail}")


@contextmanager
def temp_course(timeout: int | None = None, stock: bool = False, variants: bool = True) -> Iterator[Course]:
    """A fresh course directory with a fresh sqlite gradebook, removed afterwards (``stock``: with
    nbgrader's own autograde pipeline instead of this course's trusted one; ``variants=False``: every
    learner gets the book's numbers)."""
    with tempfile.TemporaryDirectory(prefix="course-") as tmp:
        yield Course(Path(tmp), timeout, stock, variants)


def release(dest: Path = ROOT / "exercises", assignments: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Regenerate the released notebooks into ``dest``/<assignment>/ with nbgrader."""
    written = []
    with temp_course() as course:
        for assignment in assignments:
            released = course.generate(assignment).parent
            target = Path(dest) / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(released, target)
            written.append(target / f"{assignment}.ipynb")
    return written


def validate(notebook: Path, timeout: int | None = None) -> dict:
    """nbgrader's Validator on one notebook (what JupyterLab's Validate button runs): its result dict,
    with a ``failed`` list when a test cell fails. Unlike ``nbgrader validate``, failure is visible."""
    _require_nbgrader()
    quiet_environment()
    from nbgrader.validator import Validator

    return Validator(config=_config(Path(notebook).parent, timeout)).validate(str(notebook))
