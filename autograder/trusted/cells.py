"""Which cells of a submitted notebook are graded: decided from a trusted list, never from the file.

A learner controls the notebook file, metadata included. :func:`sanitize` keeps nbgrader
metadata only on cells the trusted list names (the gradebook in a course, the package in
self-study), one cell per id, and rewrites that metadata from the list: a renamed, duplicated,
unknown or malformed graded cell becomes an ordinary cell, worth nothing; a test cell's points
come from the list. What was changed is returned as notes for the log.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from ..grading.questions import MANUAL, Question, all_questions

__all__ = ["CellSpec", "assignment_of", "package_specs", "sanitize", "test_cells"]

_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")


@dataclass(frozen=True)
class CellSpec:
    """A graded or locked cell as the course defines it."""

    grade_id: str
    cell_type: str = "code"
    grade: bool = False
    solution: bool = False
    locked: bool = False
    points: float = 0.0
    source: str | None = None  # restored into the cell when given (test cells in self-study)

    def metadata(self) -> dict:
        meta = {"grade": self.grade, "grade_id": self.grade_id, "locked": self.locked,
                "schema_version": 3, "solution": self.solution, "task": False}
        if self.grade:
            meta["points"] = self.points
        return meta


def package_specs(questions: list[Question]) -> dict[str, CellSpec]:
    """The graded cells of an assignment as the package defines them (for self-study)."""
    specs = {}
    for q in questions:
        specs[q.answer_cell] = CellSpec(q.answer_cell, solution=True)
        specs[q.grade_id] = CellSpec(q.grade_id, grade=True, locked=True, points=q.points,
                                     source=f'check("{q.id}", {q.variable})')
    for grade_id, points in MANUAL.items():
        specs[grade_id] = CellSpec(grade_id, "markdown", grade=True, solution=True, points=points)
    return specs


def assignment_of(nb) -> str | None:
    """The assignment whose graded cells this notebook has most of (None: no known cell at all)."""
    ids = {_grade_id(cell) for cell in nb.cells} - {None}
    best = max(((len(ids & {q.grade_id for q in all_questions(a)}), a)
                for a in {q.assignment for q in all_questions()}), default=(0, None))
    return best[1] if best[0] else None


def sanitize(nb, specs: dict[str, CellSpec]) -> list[str]:
    """Keep nbgrader metadata only where ``specs`` says, once per id; return a note for each cell
    that claimed to be graded but is not (locked-only cells the list does not name are stripped silently)."""
    notes = []
    keep = _chosen(nb, specs)
    for index, cell in enumerate(nb.cells):
        grade_id = _grade_id(cell)
        if index in keep:
            _restore(cell, specs[grade_id])
        elif "nbgrader" in cell.get("metadata", {}):
            if _claims_points(cell):
                notes.append(f"cell {index + 1}: graded cell {grade_id!r} " +
                             ("is not part of the assignment" if grade_id not in specs else "appears again"))
            del cell.metadata["nbgrader"]
    _unique_ids(nb)
    return notes


def test_cells(nb) -> dict[str, int]:
    """grade_id → index of each autograded test cell of a sanitized notebook."""
    return {cell.metadata["nbgrader"]["grade_id"]: index for index, cell in enumerate(nb.cells)
            if _grade_id(cell) and cell.metadata["nbgrader"].get("grade")
            and not cell.metadata["nbgrader"].get("solution") and cell.cell_type == "code"}


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _claims_points(cell) -> bool:
    meta = cell.metadata["nbgrader"]
    return isinstance(meta, dict) and bool(meta.get("grade") or meta.get("solution"))


def _chosen(nb, specs: dict[str, CellSpec]) -> set[int]:
    """The one cell kept per id: the first, except that a test cell is the first after its answer."""
    where: dict[str, list[int]] = {}
    for index, cell in enumerate(nb.cells):
        if _grade_id(cell) in specs:
            where.setdefault(_grade_id(cell), []).append(index)
    chosen = {grade_id: spots[0] for grade_id, spots in where.items()}
    for grade_id, spots in where.items():
        answer = chosen.get(f"{grade_id}-answer")
        after = [i for i in spots if answer is not None and i > answer]
        if specs[grade_id].grade and not specs[grade_id].solution and after:
            chosen[grade_id] = after[0]
    return set(chosen.values())


def _restore(cell, spec: CellSpec) -> None:
    if cell.cell_type != spec.cell_type:
        cell.cell_type = spec.cell_type
        cell.pop("attachments", None)
        if spec.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        else:
            cell.pop("outputs", None), cell.pop("execution_count", None)
    cell.metadata["nbgrader"] = spec.metadata()
    if spec.source is not None:
        cell.source = spec.source


def _unique_ids(nb) -> None:
    """nbformat 4.5 cell ids: valid and unique (a hand-edited file may repeat one)."""
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
        return
    seen = set()
    for cell in nb.cells:
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or cell_id in seen or not _CELL_ID.fullmatch(cell_id):
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])
