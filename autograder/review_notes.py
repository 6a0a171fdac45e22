"""The grader's notes for the instructor alone, kept in the course directory beside the gradebook.

A review note ("For review: this answer cell asks Keras for the count…", or whose variant a wrong answer
is the key of) is for the instructor only. nbgrader shows learners everything their graded notebook holds
and every comment in the gradebook (``generate_feedback``), and copies every other file of the
submission's ``autograded/`` folder into their ``feedback/`` folder. So the notes live in none of those:
one JSON file per submission, ``review/ASSIGNMENT/STUDENT.json`` in the course directory::

    {"NOTEBOOK": {"GRADE_ID": "the note", ...}, ...}

Written the same way by stock ``nbgrader autograde`` (``FlagForReview``, one notebook at a time) and by a
parallel run (its coordinator, from what the worker's private course wrote); read by the export's review
columns and the class report. A submission without notes has no file. Beside it, ``STUDENT.sandbox`` names the
sandbox level the submission was graded at (the export's ``sandbox`` column). Standard library only.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["FOLDER", "Notes", "path", "read", "read_level", "update", "write", "write_level"]

FOLDER = "review"
Notes = dict[str, dict[str, str]]  # notebook → grade id → note


def path(root: Path | str, assignment: str, student: str) -> Path:
    """Where a submission's notes are kept; a ``ValueError`` for a name that would leave the folder."""
    for name in (assignment, student):
        if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
            raise ValueError(f"{name!r} cannot name a folder of {FOLDER}/: expected an nbgrader assignment "
                             "or student id")
    return Path(root) / FOLDER / assignment / f"{student}.json"


def read(root: Path | str, assignment: str, student: str) -> Notes:
    """A submission's notes (empty when it has none, or its file is not notes)."""
    try:
        found = json.loads(path(root, assignment, student).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(nb): {str(k): str(v) for k, v in notes.items()} for nb, notes in found.items()
            if isinstance(notes, dict) and notes}


def write(root: Path | str, assignment: str, student: str, notes: Notes) -> None:
    """Replace a submission's notes (no notes: no file), in one rename."""
    target = path(root, assignment, student)
    notes = {nb: dict(found) for nb, found in notes.items() if found}
    if not notes:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{student}-", suffix=".json", dir=target.parent)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(notes, handle, indent=1, sort_keys=True, ensure_ascii=False)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)


def update(root: Path | str, assignment: str, student: str, notebook: str, notes: dict[str, str]) -> None:
    """Replace the notes of one notebook of a submission (how ``nbgrader autograde`` goes, a notebook at a time)."""
    write(root, assignment, student, {**read(root, assignment, student), notebook: notes})


def write_level(root: Path | str, assignment: str, student: str, level: str) -> None:
    """Record the sandbox level a submission was graded at (``review/ASSIGNMENT/STUDENT.sandbox``)."""
    target = path(root, assignment, student).with_suffix(".sandbox")
    if not level:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(level + "\n", encoding="utf-8")


def read_level(root: Path | str, assignment: str, student: str) -> str:
    """The sandbox level a submission was graded at ("" where none was recorded)."""
    try:
        return path(root, assignment, student).with_suffix(".sandbox").read_text(encoding="utf-8").strip()[:20]
    except OSError:
        return ""
