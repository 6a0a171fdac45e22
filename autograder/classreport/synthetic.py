"""A made-up class, written as nbgrader leaves a course after ``nbgrader autograde``: for tests and timing.

Each graded notebook is a small JSON file holding only the test cells, each with its verdict output;
the gradebook is made with nbgrader's own ``Gradebook`` API (slow for a large class, but only the report
is timed). The course directory gets this repository's ``nbgrader_config.py``, as a real course has.
:func:`make_class` makes a class of any size with a spread of right answers, misconceptions, flagged
answers, notebooks that did not run and submissions with no graded notebook.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import review_notes
from ..course import quiet_environment
from .course import CONFIG, REPOSITORY, course_directory
from .verdicts import VERDICT_MIME

__all__ = ["make_class", "new_course", "verdict", "write_gradebook", "write_notebook"]

SLIP = "'about four thousand, I think: 64 inputs times 64 units plus the biases'"  # a long answer: its repr


def new_course(root: Path) -> Path:
    """An empty course directory configured as this course (its ``nbgrader_config.py``)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPOSITORY / CONFIG, root / CONFIG)
    return root


def verdict(question: str, correct: bool, answer: str = "", mistake: str | None = None, *,
            review: str | None = None, points: float = 1.0) -> dict:
    """A verdict record as the trusted pipeline writes it (grade id: the question id with - for .)."""
    return {"question": question, "grade_id": question.replace(".", "-"), "correct": correct,
            "points": points if correct else 0.0, "max_points": points, "mistake": mistake,
            "answer": answer, "review": review}


def write_notebook(path: Path, records: Sequence[dict], grade_ids: Sequence[str] = ()) -> None:
    """A graded notebook ``<root>/autograded/STUDENT/ASSIGNMENT/NOTEBOOK.ipynb`` with one test cell per verdict
    record (``grade_ids``: the cells' own, when the records do not say, as when the notebook could not be
    run); the records' review notes go where the grader keeps them, for the instructor alone."""
    ids = list(grade_ids) or [r["grade_id"] for r in records]
    shown = [{k: v for k, v in record.items() if k != "review"} for record in records]
    cells = [_test_cell(record, grade_id) for record, grade_id in zip(shown, ids, strict=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    notes = {grade_id: r["review"] for r, grade_id in zip(records, ids, strict=True) if r.get("review")}
    review_notes.update(path.parents[3], path.parent.name, path.parents[1].name, path.stem, notes)


def _test_cell(record: dict, grade_id: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "source": "check()",
            "metadata": {"nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                                      "points": record["max_points"]}},
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {VERDICT_MIME: record, "text/plain": ""}}]}


def write_gradebook(root: Path, assignment: str, points: Mapping[str, float],
                    scores: Mapping[str, Mapping[str, float]]) -> None:
    """The course's gradebook: the assignment with one grade cell per grade id in ``points`` (its max
    score), and a graded submission per student (``scores``: student → grade id → score)."""
    from nbgrader.api import Gradebook

    quiet_environment()  # nbgrader runs `alembic` by name to stamp a new gradebook
    coursedir = course_directory(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        gradebook.add_assignment(assignment)
        gradebook.add_notebook(assignment, assignment)
        for grade_id, max_score in points.items():
            gradebook.add_grade_cell(grade_id, assignment, assignment, max_score=max_score, cell_type="code")
        with gradebook.db.no_autoflush:  # nbgrader links new rows before adding them: SAWarnings otherwise
            for student, grades in scores.items():
                gradebook.add_student(student)
                submission = gradebook.add_submission(assignment, student)
                for grade in submission.notebooks[0].grades:
                    grade.auto_score = grades.get(grade.cell.name, 0.0)
        gradebook.db.commit()


def make_class(root: Path, assignment: str = "a02_dense", students: int = 1000, seed: int = 0) -> Path:
    """A course directory at ``root`` with ``students`` autograded submissions of ``assignment``."""
    from ..grading.misconceptions import CATALOGUE
    from ..grading.questions import all_questions

    rng = random.Random(seed)
    new_course(root)
    questions = [(q.id, q.kind, q.points) for q in all_questions(assignment)]
    codes = {qid: rng.sample([m.code for m in CATALOGUE], 3) for qid, _, _ in questions}
    scores = {}
    for number in range(1, students + 1):
        student = f"student{number:04d}"
        records = [_answer(rng, qid, kind, points, codes[qid]) for qid, kind, points in questions]
        grade_ids = [r["grade_id"] for r in records]
        graded = _leave(rng, root / "autograded" / student / assignment / f"{assignment}.ipynb", records)
        scores[student] = {grade_id: r["points"] for grade_id, r in zip(grade_ids, graded, strict=True)}
    write_gradebook(root, assignment, {qid.replace(".", "-"): p for qid, _, p in questions}, scores)
    return root


def _answer(rng: random.Random, question: str, kind: str, points: float, codes: list[str]) -> dict:
    """One learner's verdict: right more often on earlier questions, else a misconception or another slip."""
    review = "For review: this answer cell asks Keras for the count." if rng.random() < 0.03 else None
    if rng.random() < 0.85 - 0.08 * (sum(map(ord, question)) % 6):
        return verdict(question, True, "" if kind == "function" else "1234", review=review, points=points)
    mistake = rng.choices([*codes, None], weights=[6, 3, 1, 2])[0]
    slip = SLIP[:57] + "..." if rng.random() < 0.2 else str(rng.randrange(9999))  # cut as the grader cuts it
    answer = "" if kind == "function" else str(1000 + 97 * codes.index(mistake)) if mistake else slip
    return verdict(question, False, answer, mistake, review=review, points=points)


def _leave(rng: random.Random, path: Path, records: list[dict]) -> list[dict]:
    """Write the graded notebook, except for a few submissions: none, or one whose test cells did not run
    (verdicts with no question, as the pipeline's ``fail_all`` writes); the verdicts the gradebook scores."""
    chance = rng.random()
    if chance >= 0.02:
        write_notebook(path, records)
        return records
    failed = [dict(verdict("", False, points=r["max_points"]), grade_id="") for r in records]
    if chance >= 0.01:
        write_notebook(path, failed, [r["grade_id"] for r in records])
    return failed
