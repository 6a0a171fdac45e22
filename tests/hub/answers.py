"""What the learners type, and what the grader must make of it, from the reference counter (never typed here).

alice answers three questions right on her own variant and three wrong, each wrong one with a catalogued
misconception's number for her variant; bob pastes alice's answers into his own notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.grading import all_questions
from autograder.grading.misconceptions import by_code, diagnose
from autograder.grading.variants import learner_key

# question id → the misconception alice's wrong answer comes from (the others she answers right)
MISTAKES = {"dense.seed.layer3": "BIAS_MISSING", "dense.seed.total": "INPUT_LAYER_COUNTED",
            "seed.batch32.total": "BATCH_DIM_COUNTED"}
FUNCTION = "def dense_params(inputs, units):\n    return units * (inputs + 1)"


@dataclass(frozen=True)
class Sheet:
    """One learner's answers: answer cell's grade_id → its source; and what they should score."""

    answers: dict[str, str]
    points: float
    right: frozenset[str]  # ids of the questions answered right


def alices(assignment: str, secret: str, student: str) -> Sheet:
    """Three right on ``student``'s own variant, three wrong with the misconceptions of ``MISTAKES``."""
    key = learner_key(secret, student)
    answers, right = {}, set()
    for question in all_questions(assignment):
        variant = question.variant(key)
        if question.kind == "function":
            answers[question.answer_cell] = FUNCTION
            right.add(question.id)
        elif question.id in MISTAKES:
            answers[question.answer_cell] = f"answer = {wrong(variant, MISTAKES[question.id])}"
        else:
            answers[question.answer_cell] = f"answer = {variant.solution}"
            right.add(question.id)
    assert len(right) == len(MISTAKES) == 3, "alice answers 3 right and 3 wrong"
    return Sheet(answers, _points(assignment, right), frozenset(right))


def wrong(variant, code: str) -> int:
    """The number ``code``'s wrong formula gives on ``variant``, checked to be diagnosed as ``code``."""
    number = by_code(code).number(variant.model, variant.asks)
    found = diagnose(variant.model, variant.asks, number)
    assert found is not None and found.code == code, f"{variant.id}: {number} is diagnosed as {found}"
    return number


def pasted(assignment: str, secret: str, student: str, sheet: Sheet) -> Sheet:
    """``sheet``'s answers in ``student``'s notebook: right only where they are right for ``student`` too."""
    key = learner_key(secret, student)
    right = set()
    for question in all_questions(assignment):
        number = sheet.answers[question.answer_cell].removeprefix("answer = ")
        if question.kind == "function" or number == str(question.variant(key).solution):
            right.add(question.id)
    return Sheet(sheet.answers, _points(assignment, right), frozenset(right))


def copied_from(assignment: str, secret: str, copier: str, source: str, source_sheet: Sheet) -> set[str]:
    """The grade ids where ``copier`` gave ``source``'s right answer, which is wrong for ``copier``'s own
    variant: what the instructor's review column should list."""
    mine, theirs = learner_key(secret, copier), learner_key(secret, source)
    return {q.grade_id for q in all_questions(assignment)
            if q.varies and q.id in source_sheet.right and q.variant(mine).solution != q.variant(theirs).solution}


def _points(assignment: str, right: set[str]) -> float:
    return sum(q.points for q in all_questions(assignment) if q.id in right)
