"""The course side of the report: nbgrader's configuration, the gradebook, and the graded notebooks.

The course directory is configured by its own ``nbgrader_config.py`` (this repository's, copied there; the
repository's own when the directory has none), read as nbgrader reads it: ``CourseDirectory.root`` is the
directory given (default: the configured root, else the current directory), and ``db_url`` defaults to
``sqlite:///<root>/gradebook.db``. The gradebook is only read: it is opened only if it exists (opening
one creates it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .. import review_notes
from ..course import quiet_environment
from ..errors import ConfigError
from ..inert import strip_controls
from .summary import Mark, Submission
from .verdicts import read_notebooks

__all__ = ["CONFIG", "Roll", "course_directory", "read_class", "read_gradebook"]

CONFIG = "nbgrader_config.py"
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Roll:
    """Who submitted an assignment, with (score, max score) from the gradebook, and its notebooks' names."""

    scores: dict[str, tuple[float | None, float | None]]
    notebooks: tuple[str, ...]


def course_directory(root: Path | None = None):
    """nbgrader's ``CourseDirectory`` for the course at ``root``, configured by its ``nbgrader_config.py``."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    base = Path.cwd() if root is None else Path(root)
    if not base.is_dir():
        raise ConfigError(f"no course directory at {base}: give the folder that holds the course's "
                          f"gradebook.db and autograded/ with --course DIR")
    folder = base if (base / CONFIG).is_file() else REPOSITORY
    try:
        config = PyFileConfigLoader(CONFIG, path=str(folder)).load_config()
    except Exception as err:  # a config file can fail in any way: say which file, not a traceback
        raise ConfigError(f"could not load {folder / CONFIG}: {err}") from err
    if root is not None or "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(base.resolve())
    return CourseDirectory(config=config)


def read_class(coursedir, assignment: str, ids: dict[str, str]) -> list[Submission]:
    """Every submission of the assignment in the gradebook, with the marks of its graded notebook(s) and
    the grader's review notes (``ids``: grade id → question id, for verdicts that do not name their question)."""
    roll = read_gradebook(coursedir, assignment)
    submissions = []
    for student in sorted(roll.scores):
        folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
        marks = read_notebooks((folder / f"{name}.ipynb" for name in roll.notebooks), ids)
        notes = _notes(review_notes.read(coursedir.root, assignment, student), ids)
        submissions.append(Submission(student, *roll.scores[student], _flagged(marks, notes), tuple(notes.items())))
    return submissions


def _notes(found: review_notes.Notes, ids: Mapping[str, str]) -> dict[str, str]:
    """Question id → the review note on its answer."""
    return {ids.get(grade_id, grade_id): strip_controls(note) for notes in found.values()
            for grade_id, note in notes.items()}


def _flagged(marks: dict[str, Mark] | None, notes: Mapping[str, str]) -> dict[str, Mark] | None:
    """The marks, each answer with a review note flagged."""
    if not marks or not notes:
        return marks
    return {question: replace(mark, review=mark.review or question in notes) for question, mark in marks.items()}


def read_gradebook(coursedir, assignment: str) -> Roll:
    """Who submitted the assignment and their scores; :class:`ConfigError` if there is no gradebook, the
    assignment is not in it, or nobody submitted it."""
    _require_database(coursedir.db_url)
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    quiet_environment()  # nbgrader runs `alembic` by name on a gradebook with no tables yet
    try:
        with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
            return _roll(gradebook, assignment)
    except SQLAlchemyError as err:
        raise ConfigError(f"could not read the gradebook {coursedir.db_url}: {err}") from err


def _require_database(db_url: str) -> None:
    from sqlalchemy.engine import make_url

    try:
        url = make_url(db_url)
    except Exception as err:  # sqlalchemy raises several types for a malformed URL
        raise ConfigError(f"CourseDirectory.db_url {db_url!r} is not a database URL: {err}") from err
    path = url.database if url.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not Path(path).is_file():
        raise ConfigError(f"no gradebook at {path}: run this in an nbgrader course directory (where "
                          "`nbgrader autograde` keeps gradebook.db), or point to one with --course DIR")


def _roll(gradebook, assignment: str) -> Roll:
    from nbgrader.api import Assignment, MissingEntry, SubmittedAssignment

    try:
        found = gradebook.find_assignment(assignment)
    except MissingEntry:
        names = ", ".join(sorted(a.name for a in gradebook.assignments)) or "none"
        raise ConfigError(f"unknown assignment {assignment!r}: the gradebook has {names}") from None
    # One query with nbgrader's own score columns (Gradebook.submission_dicts takes 2 s for 1,000 submissions)
    rows = (gradebook.db.query(SubmittedAssignment.student_id, SubmittedAssignment.score, SubmittedAssignment.max_score)
            .join(Assignment).filter(Assignment.name == assignment).all())
    if not rows:
        raise ConfigError(f"nothing submitted for {assignment!r}: collect and autograde the submissions "
                          f"first (nbgrader collect {assignment}; nbgrader autograde {assignment})")
    return Roll({student: (score, max_score) for student, score, max_score in rows},
                tuple(n.name for n in found.notebooks) or (assignment,))
