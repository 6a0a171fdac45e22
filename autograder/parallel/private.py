"""Grade one submission with nbgrader's own ``Autograde``, in a private course directory.

This is what ``nbgrader autograde ASSIGNMENT --student STUDENT`` does, in a throw-away course made
from a :class:`~.tasks.Task`: the course's ``nbgrader_config.py``, loaded the way nbgrader loads it
(Jupyter's config folders, then the course's own file, executed here as nbgrader would), with only
the course root and the database pointed at the private copy (and the course's roster given, which the
private course cannot see); the assignment's source folder; the
student's submitted folder; the course secret; and a private SQLite gradebook with the assignment
(:func:`.gradebook.seed_assignment`, made once per grading process) and the student's earlier state
(:func:`.gradebook.seed_student`). The same converter, preprocessors and sandbox then run as in the
course, and the autograded folder and the private gradebook's state go back as an :class:`~.tasks.Outcome`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import shutil
import tempfile
import time
import traceback
from pathlib import Path

from .. import review_notes
from ..course import SECRET_FILE
from . import gradebook, timing
from .tasks import Outcome, Task, read_folder, write_folder

__all__ = ["CONFIG_FILE", "SECRET_FILE", "empty_gradebook", "grade", "load_config", "throwaway_gradebooks"]

CONFIG_FILE = "nbgrader_config.py"
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b(:|$)")
STOPPED = "nbgrader autograde stopped:"  # how SandboxedExecute stops a whole run (the sandbox cannot start)


def load_config(root: Path):
    """The nbgrader config of the course in ``root``, as ``nbgrader`` run in that folder loads it."""
    from nbgrader.apps.baseapp import NbGrader

    app = NbGrader()
    with contextlib.chdir(root):
        app.load_config_file()
    config = app.config
    config.CourseDirectory.root = str(root)
    return config


def grade(task: Task, workdir: Path | None = None) -> Outcome:
    """Grade ``task`` in a fresh private course under ``workdir``; never raises for a bad submission."""
    start = time.monotonic()
    with timing.span("grading process: task", student=task.student), \
            tempfile.TemporaryDirectory(prefix="course-", dir=workdir) as tmp:
        try:
            outcome = _grade(task, Path(tmp))
        except Exception as err:  # a grading failure of this submission, not of the worker
            outcome = Outcome(task.student, ok=False, reason=_one_line(err), log=traceback.format_exc())
    outcome.seconds, outcome.attempt = time.monotonic() - start, task.attempt
    return outcome


def _grade(task: Task, root: Path) -> Outcome:
    """Lay out the private course in ``root``, run nbgrader's Autograde, collect what it wrote."""
    from nbgrader.api import Gradebook

    with timing.span("private course: lay out, load config", student=task.student):
        config = _private_course(task, root)
    db_url, course_id = config.CourseDirectory.db_url, config.CourseDirectory.course_id
    with timing.span("private course: gradebook copied and seeded", student=task.student):
        shutil.copyfile(_assignment_gradebook(root.parent, course_id, task.structure), root / "gradebook.db")
        with Gradebook(db_url, course_id) as private:
            gradebook.seed_student(private, task.assignment, task.student, task.previous)
    with timing.span("private course: nbgrader Autograde", student=task.student):
        result = _autograde(config, task)
    log = "\n".join(line for line in (result.get("log") or "").splitlines() if not line.startswith("[INFO]"))
    if not result["success"]:
        error = result.get("error") or log or "nbgrader autograde failed without a log"
        reason = _stop_reason(error) or _last_error(log) or error.strip().splitlines()[-1]
        return Outcome(task.student, ok=False, reason=reason, fatal=_stop_reason(error) is not None,
                       log=f"{log}\n{error}".strip())
    with timing.span("private course: outcome collected", student=task.student):
        return _collect(config, task, log)


def _collect(config, task: Task, log: str) -> Outcome:
    """The outcome of a graded submission: the private gradebook's state, the autograded folder, the notes."""
    from nbgrader.api import Gradebook

    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as private:
        graded = gradebook.snapshot(private, task.assignment, task.student)
    autograded = Path(config.CourseDirectory.root) / _dest(config, task)
    return Outcome(task.student, ok=True, graded=graded, files=read_folder(autograded), log=log,
                   review=review_notes.read(config.CourseDirectory.root, task.assignment, task.student),
                   sandbox=review_notes.read_level(config.CourseDirectory.root, task.assignment, task.student))


def _private_course(task: Task, root: Path):
    """Lay out the private course and load its config (root and database pointed here)."""
    from traitlets.config import Config

    if task.config is not None:
        (root / CONFIG_FILE).write_text(task.config)
    if task.secret is not None:
        descriptor = os.open(root / SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(task.secret)
    write_folder(root, task.source)
    write_folder(root, task.submitted)
    config = load_config(root)
    config.merge(Config(task.overrides))
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    return config


def empty_gradebook(folder: Path) -> Path:
    """An empty SQLite gradebook in ``folder``, made once per grading process; private gradebooks start
    from a copy of it."""
    return _once(folder / "empty-gradebook.db", _make_empty)


def _assignment_gradebook(folder: Path, course_id: str, structure: dict) -> Path:
    """A gradebook holding just the assignment's structure, made once per course and structure: each
    private course gets a copy, and only its student is added (seeding the cells each time costs more
    than grading a notebook takes nbgrader)."""
    digest = hashlib.sha256(pickle.dumps((course_id, structure))).hexdigest()[:16]

    def make(path: Path) -> None:
        from nbgrader.api import Gradebook

        shutil.copyfile(empty_gradebook(folder), path)
        with Gradebook(f"sqlite:///{path}", course_id) as book, gradebook.one_transaction(book):
            gradebook.seed_assignment(book, structure)  # one commit, not one per cell

    return _once(folder / f"gradebook-{digest}.db", make)


def throwaway_gradebooks() -> None:
    """Every SQLite database this process opens from now on skips waiting for the disk at each commit
    (``synchronous=OFF``, the rollback journal in memory). Call it only in a grading process: the only
    databases it opens are the private gradebooks, thrown away after each task (a crash loses nothing the
    coordinator has not got). nbgrader commits some 70 times per notebook; on a busy disk each commit's
    wait for the disk costs 10–20 ms."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _unsynced):
        event.listen(Engine, "connect", _unsynced)


def _unsynced(connection, record) -> None:
    import sqlite3

    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA journal_mode=MEMORY")


def _make_empty(path: Path) -> None:
    """nbgrader's schema, stamped with its version first: a database with no tables yet makes nbgrader ask
    ``alembic heads`` in a subprocess (3–4 s on a busy worker); one with a table is taken as existing."""
    import sqlite3

    from nbgrader.api import Course, Gradebook

    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (alembic_head(),))
    db.close()
    with Gradebook(f"sqlite:///{path}") as empty:  # makes the tables; nbgrader adds a course row: take it out
        empty.db.query(Course).delete()
        empty.db.commit()


def alembic_head() -> str:
    """The version of nbgrader's gradebook schema, as ``nbgrader.api.get_alembic_version`` finds it
    (the first of ``alembic heads``), read from nbgrader's migration scripts in this process."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    return ScriptDirectory(ALEMBIC_DIR).get_heads()[0]


def _once(path: Path, make) -> Path:
    """``path``, made by ``make(staging)`` and renamed into place if it does not exist yet."""
    if not path.exists():
        staging = path.with_name(f".{path.name}-{os.getpid()}")
        make(staging)
        os.replace(staging, path)
    return path


def _autograde(config, task: Task) -> dict:
    """nbgrader's ``Autograde`` converter for one student, as ``NbGraderAPI.autograde`` runs it."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = task.assignment, task.student
    app = Autograde(coursedir=coursedir, config=config)
    app.force, app.create_student = True, True
    return capture_log(app)


def _dest(config, task: Task) -> str:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    return os.path.relpath(coursedir.format_path(coursedir.autograded_directory, task.student, task.assignment),
                           coursedir.root)


def _stop_reason(error: str) -> str | None:
    """SandboxedExecute's message when it stops the whole run (the sandbox cannot start), else None."""
    lines = [line for line in error.splitlines() if STOPPED in line]
    return lines[-1].split(STOPPED, 1)[1].strip() if lines else None


def _last_error(log: str) -> str:
    """The exception line of the last traceback nbgrader logged, else its last error line."""
    exceptions = [line.strip() for line in log.splitlines() if EXCEPTION_LINE.match(line)]
    errors = [line.removeprefix("[ERROR] ").strip() for line in log.splitlines() if line.startswith("[ERROR]")]
    useful = [e for e in errors if not e.startswith(("There was an error processing", "Please see", "Traceback"))]
    return (exceptions or useful or errors or [""])[-1]


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}"[:300] if text else type(err).__name__
