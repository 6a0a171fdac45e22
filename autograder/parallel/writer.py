"""The one writer of a parallel run: each final outcome into the gradebook, the review notes and autograded/.

The coordinator hands :meth:`Writer.write` the outcomes that have arrived since it last wrote (one when the
workers are few, many when they outpace it). A batch of at most ``limit`` outcomes is written in two steps:

1. the grades of all its graded outcomes, through nbgrader's API, in one gradebook transaction
   (:func:`.gradebook.one_transaction`: one commit, where one by one each submission costs four, and one
   flush of the session per query instead of one per commit);
2. for each submission in turn: its review notes and sandbox level, then its autograded folder in one
   rename. The folder comes last because it is what marks a submission graded (:mod:`.plan`).

A :class:`Record` is yielded only once its submission is fully written: gradebook rows, notes, level and
folder. A run stopped at any point therefore loses nothing it reported: a submission whose folder is not in
place (its batch rolled back, or committed but not yet placed) is graded again by the next run, which writes
over whatever of it was written. ``limit=1`` is the one-by-one writer, exactly as the coordinator wrote before
batching (``gradebook.record`` with nbgrader's own commits). Should a batch's transaction fail, its outcomes
are written again one by one, so those before the faulty one are kept and the faulty one raises as it would
alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import review_notes
from ..inert import strip_controls
from . import gradebook
from .tasks import Outcome, write_folder

__all__ = ["BATCH", "Record", "Writer", "failed"]

BATCH = 64  # outcomes in one gradebook transaction at most: a second's worth of work at 64 workers


@dataclass
class Record:
    """One submission's result in this run (a row of autograde-ASSIGNMENT.csv)."""

    student: str
    status: str  # graded | failed
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    attempts: int = 1
    worker: str = ""
    reason: str = ""


class Writer:
    """Writes outcomes of ``assignment`` into the course ``coursedir`` (nbgrader's CourseDirectory) and its
    open gradebook ``book``, at most ``limit`` in one gradebook transaction."""

    def __init__(self, coursedir, book, assignment: str, limit: int = BATCH):
        if limit < 1:
            raise ValueError(f"a batch holds at least one outcome, not {limit}")
        self.coursedir, self.book, self.assignment, self.limit = coursedir, book, assignment, limit

    def write(self, outcomes: list[Outcome]) -> Iterator[Record]:
        """Each outcome's record, in order, as soon as its submission is fully written."""
        for start in range(0, len(outcomes), self.limit):
            yield from self._batch(outcomes[start:start + self.limit])

    def _batch(self, outcomes: list[Outcome]) -> Iterator[Record]:
        graded = [o for o in outcomes if o.ok]
        try:
            scores = self._commit(graded)
        except Exception:
            if len(outcomes) <= 1:
                raise
            for outcome in outcomes:
                yield from self._batch([outcome])
            return
        for outcome in outcomes:
            yield self._place(outcome, scores[outcome.student]) if outcome.ok else failed(outcome)

    def _commit(self, graded: list[Outcome]) -> dict[str, tuple[float, float]]:
        """Every graded outcome's rows, in one transaction (one by one: nbgrader's own commits); then each
        submission's (score, max score), as the committed gradebook computes them."""
        with gradebook.one_transaction(self.book) if self.limit > 1 else contextlib.nullcontext():
            for outcome in graded:
                gradebook.record(self.book, self.assignment, outcome.student, self._timestamp(outcome.student),
                                 outcome.graded)
        return {o.student: gradebook.score(self.book, self.assignment, o.student) for o in graded}

    def _timestamp(self, student: str):
        src = self.coursedir.format_path(self.coursedir.submitted_directory, student, self.assignment)
        return self.coursedir.get_existing_timestamp(src)

    def _place(self, outcome: Outcome, score: tuple[float, float]) -> Record:
        """The review notes and sandbox level, then the autograded folder (the mark of a graded submission)."""
        root, student = self.coursedir.root, outcome.student
        review_notes.write(root, self.assignment, student, outcome.review)
        review_notes.write_level(root, self.assignment, student, outcome.sandbox)
        place(Path(self.coursedir.format_path(self.coursedir.autograded_directory, student, self.assignment)),
              outcome.files)
        return Record(student, "graded", *score, outcome.seconds, outcome.attempt, outcome.worker)


def place(dest: Path, files) -> None:
    """Write the autograded folder beside ``dest``, then swap it in (what an interrupted run left there goes)."""
    for stale in dest.parent.glob(f".{dest.name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = dest.parent / f".{dest.name}.partial-{uuid.uuid4().hex[:8]}"
    write_folder(staging, files)
    if dest.exists():
        shutil.rmtree(dest)
    os.replace(staging, dest)


def failed(outcome: Outcome) -> Record:
    """The record of an outcome that was not graded (nothing of it is written but the CSV row)."""
    return Record(outcome.student, "failed", seconds=outcome.seconds, attempts=outcome.attempt,
                  worker=outcome.worker, reason=strip_controls(outcome.reason))  # the CSV and the terminal table
