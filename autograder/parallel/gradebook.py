"""The gradebook side of parallel autograding: what a worker is told, and what it sends back.

A worker grades one submission in a private course with a private SQLite gradebook. nbgrader's own steps read
that gradebook: the assignment's notebooks and cells (``OverwriteCells``, the course's ``TrustedCells``), its
due date and the submission's extension (``AssignLatePenalties``), earlier manual scores (``SaveAutoGrades``
marks those cells for review). So the coordinator sends, as plain data, the assignment's :func:`structure` and
the submission's earlier state (:func:`snapshot`, None for a first grading); the worker :func:`seed`\\ s its
private gradebook with them, runs nbgrader's ``Autograde``, and sends back the :func:`snapshot` of the private
gradebook. The coordinator alone writes the real gradebook (:func:`record`; many records in
:func:`one_transaction`), and only what ``nbgrader autograde`` itself writes: the student, the submission and
its timestamp, each grade's auto score and needs-manual-grade flag, each comment's auto comment, each
notebook's late penalty (and the course rows nbgrader's steps create).

Only nbgrader's ``Gradebook`` API is used on the real gradebook, so any database URL nbgrader accepts
(SQLite, or a server database) works; the workers never see it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["one_transaction", "record", "score", "seed", "seed_assignment", "seed_student", "snapshot", "structure"]

GRADE_FIELDS = ("auto_score", "manual_score", "extra_credit", "needs_manual_grade")
COMMENT_FIELDS = ("auto_comment", "manual_comment")
NOTEBOOK_FIELDS = ("flagged", "late_submission_penalty")
# What nbgrader autograde writes into an existing submission: all it changes, and all the coordinator copies.
AUTOGRADE_WRITES = {"grades": ("auto_score", "needs_manual_grade"), "comments": ("auto_comment",),
                    "notebook": ("late_submission_penalty",)}


def structure(gradebook, assignment: str) -> dict:
    """The assignment as the gradebook knows it: due date, notebooks and every cell with its points."""
    found = gradebook.find_assignment(assignment)
    return {"name": found.name, "duedate": found.duedate,
            "notebooks": [_notebook_structure(nb) for nb in found.notebooks]}


def _notebook_structure(nb) -> dict:
    return {
        "name": nb.name, "kernelspec": nb.kernelspec,
        "grade_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                        for c in nb.grade_cells],
        "solution_cells": [{"name": c.name} for c in nb.solution_cells],
        "task_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type} for c in nb.task_cells],
        "source_cells": [{"name": c.name, "cell_type": c.cell_type, "locked": c.locked, "source": c.source,
                          "checksum": c.checksum} for c in nb.source_cells],
    }


def snapshot(gradebook, assignment: str, student: str) -> dict | None:
    """A submission's state in a gradebook as plain data (None when there is no submission yet)."""
    from nbgrader.api import Course, MissingEntry

    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None
    return {
        "timestamp": submission.timestamp, "extension": submission.extension,
        "courses": sorted(c.id for c in gradebook.db.query(Course).all()),
        "notebooks": {nb.name: {
            **{f: getattr(nb, f) for f in NOTEBOOK_FIELDS},
            "grades": {g.name: {f: getattr(g, f) for f in GRADE_FIELDS} for g in nb.grades},
            "comments": {c.name: {f: getattr(c, f) for f in COMMENT_FIELDS} for c in nb.comments},
        } for nb in submission.notebooks},
    }


def seed(gradebook, assignment: dict, student: str, previous: dict | None) -> None:
    """Write an assignment's :func:`structure`, the student and the submission's earlier state (if any)
    into a fresh gradebook."""
    seed_assignment(gradebook, assignment)
    seed_student(gradebook, assignment["name"], student, previous)


def seed_assignment(gradebook, assignment: dict) -> None:
    """Write an assignment's :func:`structure` into a fresh gradebook."""
    name = assignment["name"]
    gradebook.update_or_create_assignment(name, duedate=assignment["duedate"])
    for nb in assignment["notebooks"]:
        gradebook.update_or_create_notebook(nb["name"], name, kernelspec=nb["kernelspec"])
        for kind in ("grade_cells", "solution_cells", "task_cells", "source_cells"):
            create = getattr(gradebook, f"update_or_create_{kind[:-1]}")
            for cell in nb[kind]:
                create(cell["name"], nb["name"], name, **{k: v for k, v in cell.items() if k != "name"})


def seed_student(gradebook, assignment: str, student: str, previous: dict | None) -> None:
    """Write the student, and the submission's earlier state if there is one (a :func:`snapshot`)."""
    gradebook.update_or_create_student(student)
    if previous is not None:
        _restore(gradebook, assignment, student, previous)


def _restore(gradebook, assignment: str, student: str, previous: dict) -> None:
    submission = gradebook.update_or_create_submission(assignment, student, timestamp=previous["timestamp"],
                                                       extension=previous["extension"])
    for nb in submission.notebooks:
        state = previous["notebooks"].get(nb.name)
        if state is None:
            continue
        _assign(nb, state, NOTEBOOK_FIELDS)
        for grade in nb.grades:
            _assign(grade, state["grades"].get(grade.name), GRADE_FIELDS)
        for comment in nb.comments:
            _assign(comment, state["comments"].get(comment.name), COMMENT_FIELDS)
    gradebook.db.commit()


def _assign(row, values: dict | None, fields) -> None:
    for field in fields if values else ():
        setattr(row, field, values[field])


def record(gradebook, assignment: str, student: str, timestamp, graded: dict) -> None:
    """Write one graded submission into the real gradebook as ``nbgrader autograde`` would: create the
    student and the submission (with the submitted timestamp, when there is one), then copy what
    autograding wrote in the worker's private gradebook (``graded``, its :func:`snapshot`). One commit."""
    for course_id in graded.get("courses", ()):
        gradebook.check_course(course_id)
    gradebook.update_or_create_student(student)
    if timestamp:
        gradebook.update_or_create_submission(assignment, student, timestamp=timestamp)
    else:
        gradebook.update_or_create_submission(assignment, student)
    for nb in gradebook.find_submission(assignment, student).notebooks:
        state = graded["notebooks"][nb.name]
        _assign(nb, state, AUTOGRADE_WRITES["notebook"])
        for grade in nb.grades:
            _assign(grade, state["grades"][grade.name], AUTOGRADE_WRITES["grades"])
        for comment in nb.comments:
            _assign(comment, state["comments"][comment.name], AUTOGRADE_WRITES["comments"])
    gradebook.db.commit()


@contextlib.contextmanager
def one_transaction(gradebook) -> Iterator[None]:
    """Everything written through ``gradebook`` inside the block is committed once, at its end, or not at
    all (an exception rolls the whole block back). nbgrader's API commits after each row it touches, four
    commits per :func:`record`; inside the block those commits do nothing, and the session's autoflush sends
    the changes to the database before each query, as a commit would have. Read scores after the block:
    nbgrader's scores are column properties, brought up to date by the commit."""
    session = gradebook.db
    gradebook.db = _CommitAtEnd(session)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        # Forget every object: those the rolled-back block touched are expired, and which of them the session
        # still holds depends on the garbage collector; a later flush of one whose row the rollback removed
        # raised ObjectDeletedError (seen once in a full run). nbgrader queries afresh on each call.
        session.expunge_all()
        raise
    finally:
        gradebook.db = session


class _CommitAtEnd:
    """A gradebook session whose ``commit`` waits for the end of :func:`one_transaction`."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        pass

    def __getattr__(self, name: str):
        return getattr(self._session, name)


def score(gradebook, assignment: str, student: str) -> tuple[float, float]:
    """(score, max score) of a submission, as nbgrader computes them."""
    submission = gradebook.find_submission(assignment, student)
    return float(submission.score), float(submission.max_score)
