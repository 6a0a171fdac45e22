"""The grader's side of per-learner variants: whose numbers a submission is graded on, and copies.

The grader never asks the notebook which variant it holds. It recomputes the learner's key from
the course secret and the learner's id (:func:`autograder.grading.variants.learner_key`), grades
every question against that variant, passes the variant's sizes into the kernel (so ``show``
returns them there), and rewrites each ``show`` cell's output with the variant it graded (the
feedback page shows the learner's own models). A wrong answer that is right for a classmate's
variant, or for the book's numbers, is noted in the feedback and flagged for the instructor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import nbformat

from ..grading.learner import ENV_SIZES, render
from ..grading.questions import Question
from ..grading.variants import learner_key

SHOW_CALL = re.compile(r"""^\s*(?:\w+\s*=\s*)?(?:autograder\.)?show\(\s*(["'])([^"']+)\1""", re.MULTILINE)
__all__ = ["COPY_NOTE", "COPY_REVIEW", "Learner", "copied_from", "render_prompts"]

COPY_NOTE = ("This number is the answer for other numbers than yours (another learner's variant of this question, "
             "or the book's): work from the model shown above this question.")
COPY_REVIEW = "For review: this answer is the key of {whose} variant of this question, not of this learner's."


@dataclass(frozen=True)
class Learner:
    """Whose numbers to grade on: ``key`` (None: the book's numbers) and, for spotting copied
    answers, the class's keys: ``(id, key)`` for every learner on the roster, in its order."""

    student: str = ""
    key: str | None = None
    class_keys: tuple[tuple[str, str], ...] = ()

    @classmethod
    def in_course(cls, secret: str, student: str, roster: list[str], enabled: bool = True) -> Learner:
        """A course's learner: keys from the course secret (none when variants are off)."""
        if not enabled:
            return cls(student)
        return cls(student, learner_key(secret, student), tuple((s, learner_key(secret, s)) for s in roster))

    def questions(self, questions: dict[str, Question]) -> dict[str, Question]:
        """Each question as this learner was asked it."""
        return {grade_id: q.variant(self.key) for grade_id, q in questions.items()}

    def env(self, questions: dict[str, Question]) -> dict[str, str]:
        """What the grading kernel is told: the sizes ``show`` returns there."""
        return {ENV_SIZES: json.dumps({q.id: q.shown_sizes for q in questions.values() if q.sizes})}

    def whose(self) -> str:
        return f"Numbers for {self.student}." if self.key and self.student else "The book's numbers."


def copied_from(question: Question, *, value: object, base: Question, learner: Learner) -> str | None:
    """Whose variant ``value`` answers, when it is not this learner's (``question``): a classmate's id
    ("bob's"), "the book's", or None. Only for questions that vary, and numbers."""
    if not base.varies or learner.key is None or not isinstance(value, int) or isinstance(value, bool):
        return None
    if base.grade(value).correct:
        return "the book's"
    whose = (s for s in _answered_by(base, learner.class_keys).get(value, ()) if s != learner.student)
    return next((f"{other}'s" for other in whose), None)


@lru_cache(maxsize=256)  # one question of one class: computed once per grading process, not per notebook
def _answered_by(base: Question, class_keys: tuple[tuple[str, str], ...]) -> dict[int, tuple[str, ...]]:
    """Each right answer of ``base``'s variants in the class, and whose variants it answers (roster order)."""
    found: dict[int, list[str]] = {}
    for student, key in class_keys:
        found.setdefault(base.variant(key).solution, []).append(student)
    return {value: tuple(students) for value, students in found.items()}


def render_prompts(nb, questions: dict[str, Question], learner: Learner) -> None:
    """Each ``show("<question>")`` cell shows the variant it was graded on, whatever the kernel printed."""
    by_id = {q.id: q for q in questions.values()}
    for cell in nb.cells:
        found = SHOW_CALL.search(cell.source) if cell.cell_type == "code" else None
        question = by_id.get(found.group(2)) if found else None
        if question is not None:
            markdown = render(question, whose=learner.whose())
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": markdown,
                                                                         "text/plain": markdown})]
