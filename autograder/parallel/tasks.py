"""What travels between the coordinator and a worker: one :class:`Task` out, one :class:`Outcome` back.

A task carries everything a worker needs to grade one submission without the course directory: the
course's ``nbgrader_config.py``, the course secret (hidden test cases are drawn from it), the
assignment's source folder, the student's submitted folder and the gradebook data of
:mod:`.gradebook`. So workers need no shared filesystem, only the package installed. An outcome
carries the autograded folder's files and the private gradebook's state, or why grading failed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Outcome", "Task", "read_folder", "write_folder"]

Files = dict[str, tuple[int, bytes]]  # relative path -> (permission bits, content)


@dataclass(frozen=True)
class Task:
    """One submission to grade, and the course it belongs to."""

    assignment: str
    student: str
    config: str | None  # the text of the course's nbgrader_config.py
    secret: str | None  # the course secret (.autograder_secret), when the course's grading uses one
    structure: dict  # gradebook.structure()
    previous: dict | None  # gradebook.snapshot() of an earlier grading, or None
    source: Files  # <source>/<assignment>/, relative to the course root
    submitted: Files  # <submitted>/<student>/<assignment>/, relative to the course root
    timeout: float  # seconds for the whole submission on the worker
    overrides: dict = field(default_factory=dict)  # config the private course needs to see the real one
    attempt: int = 1

    @property
    def key(self) -> str:
        """The Dask key of this attempt: unique per assignment, student and attempt."""
        return f"autograde-{self.assignment}-{self.student}-{self.attempt}"

    def again(self) -> Task:
        """The same task, as its next attempt."""
        return Task(**{**self.__dict__, "attempt": self.attempt + 1})


@dataclass
class Outcome:
    """What a worker sends back for one task."""

    student: str
    ok: bool
    reason: str = ""  # why it failed, one line
    fatal: bool = False  # a failure of the grading set-up, not of this submission: stop the run
    graded: dict | None = None  # gradebook.snapshot() of the private gradebook after grading
    files: Files = field(default_factory=dict)  # the autograded folder, relative to it
    review: dict = field(default_factory=dict)  # the review notes the grading wrote (autograder.review_notes)
    sandbox: str = ""  # the sandbox level it was graded at (autograder.review_notes.read_level)
    log: str = ""  # nbgrader's warnings and errors
    seconds: float = 0.0
    worker: str = ""
    attempt: int = 1


def read_folder(folder: Path, relative_to: Path | None = None, ignore=lambda path: False) -> Files:
    """Every file under ``folder`` (paths relative to ``relative_to``, default ``folder``)."""
    base = relative_to or folder
    return {str(p.relative_to(base)): (stat.S_IMODE(p.stat().st_mode), p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file() and not ignore(p)}


def write_folder(folder: Path, files: Files) -> None:
    """Write ``files`` under ``folder`` with their permission bits; a path that would leave it is refused."""
    root = folder.resolve()
    for name, (mode, content) in files.items():
        path = (folder / name).resolve()
        if root not in path.parents:
            raise ValueError(f"refusing to write {name!r} outside {folder}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.chmod(0o644)
        path.write_bytes(content)
        os.chmod(path, mode)
