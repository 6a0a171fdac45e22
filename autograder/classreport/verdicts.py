"""The verdicts a graded notebook records: one :class:`~.summary.Mark` per autograded test cell.

The trusted pipeline writes each test cell's verdict into its outputs as a ``display_data`` of MIME type
``VERDICT_MIME`` (:mod:`autograder.trusted.pipeline`). Notebooks are read as plain JSON (``nbformat``
validates, which is slow over a class), and only test cells are read: an answer cell's outputs are the
learner's own, and could hold anything. A file that is missing or is not a notebook gives ``None``; a
verdict with odd fields is read as far as it makes sense.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..inert import strip_controls
from .summary import Mark

__all__ = ["VERDICT_MIME", "read_marks", "read_notebooks"]

VERDICT_MIME = "application/vnd.autograder.verdict+json"  # autograder.trusted.pipeline.VERDICT_MIME (not
# imported from there: that module loads nbformat and the grading code)


def read_notebooks(paths: Iterable[Path], ids: Mapping[str, str]) -> dict[str, Mark] | None:
    """The marks of an assignment's graded notebooks together; None if none of them could be read."""
    found = [marks for marks in (read_marks(path, ids) for path in paths) if marks is not None]
    if not found:
        return None
    merged: dict[str, Mark] = {}
    for marks in found:
        for question, mark in marks.items():
            merged.setdefault(question, mark)
    return merged


def read_marks(path: Path, ids: Mapping[str, str]) -> dict[str, Mark] | None:
    """Question id → mark of one graded notebook (``ids``: grade id → question id, for verdicts that do
    not name their question); None if the file is missing or is not a notebook."""
    try:
        with open(path, "rb") as handle:
            notebook = json.load(handle)
    except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON, absurdly nested
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    marks: dict[str, Mark] = {}
    for cell in cells:
        grade_id = _test_cell_id(cell)
        record = _verdict(cell) if grade_id else None
        if record is not None:
            mark = _mark(record, ids.get(grade_id, grade_id))
            marks.setdefault(mark.question, mark)
    return marks


def _test_cell_id(cell: object) -> str | None:
    """The grade id of an autograded test cell (graded, not a solution, code); None for any other cell."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    if not isinstance(nbgrader, dict) or cell.get("cell_type") != "code":
        return None
    grade_id = nbgrader.get("grade_id")
    is_test = nbgrader.get("grade") is True and not nbgrader.get("solution")
    return grade_id if is_test and isinstance(grade_id, str) and grade_id else None


def _verdict(cell: dict) -> dict | None:
    """The first verdict among a cell's outputs."""
    outputs = cell.get("outputs")
    for output in outputs if isinstance(outputs, list) else ():
        data = output.get("data") if isinstance(output, dict) else None
        record = data.get(VERDICT_MIME) if isinstance(data, dict) else None
        if isinstance(record, str):  # a JSON MIME type kept as text by some writer
            try:
                record = json.loads(record)
            except ValueError:
                record = None
        if isinstance(record, dict):
            return record
    return None


def _mark(record: dict, fallback: str) -> Mark:
    """A mark from a verdict record; ``fallback`` names the question when the record does not."""
    question, answer, mistake = record.get("question"), record.get("answer"), record.get("mistake")
    return Mark(strip_controls(question) if isinstance(question, str) and question else fallback,
                record.get("correct") is True,
                strip_controls(answer) if isinstance(answer, str) else "",
                strip_controls(mistake) if isinstance(mistake, str) and mistake else None,
                record.get("review") is not None)  # notebooks graded before notes left them
