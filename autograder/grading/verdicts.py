"""The verdict on one answer to one question, and ``check``, its one-line form for grade cells.

Grading itself belongs to each kind of question (:mod:`.kinds`): :func:`verdict` looks the
question up, refuses an answer cell that let Keras count, and asks the question to grade.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from . import feedback as fb
from .questions import Question, get_question

__all__ = ["Verdict", "check", "judge_function", "verdict"]


@dataclass(frozen=True)
class Verdict:
    """The grader's answer: is it correct, which misconception (a catalogue code), and the feedback."""

    question: str
    correct: bool
    mistake: str | None
    feedback: str

    def to_dict(self) -> dict:
        return asdict(self)


def verdict(question_id: str, answer: object, *, source: str | None = None, hidden: bool = False) -> Verdict:
    """Grade ``answer`` to the question ``question_id``; ``source`` is the answer cell's code,
    if given: an answer computed by asking Keras for the count gets no credit. ``hidden``
    (function questions) tries another set of seeded arguments, for nbgrader's hidden tests."""
    question = get_question(question_id)
    calls = fb.counting_calls(source) if source is not None else []
    if calls:
        return Verdict(question.id, False, None, fb.KERAS_USED.format(calls=", ".join(calls)))
    return question.grade(answer, hidden=hidden)


def check(question_id: str, answer: object, *, source: str | None = None, hidden: bool = False) -> None:
    """Return for a right answer; raise ``AssertionError(feedback)`` for a wrong one.
    An unknown ``question_id`` raises :class:`~autograder.errors.QuestionError`."""
    result = verdict(question_id, answer, source=source, hidden=hidden)
    if not result.correct:
        raise AssertionError(result.feedback)
    if result.feedback.startswith("GRADER BUG"):
        print(result.feedback)


def judge_function(question: Question, outcome, mismatches: list) -> Verdict:
    """The verdict on a function question from its cases' first failure and wrong results
    (for a grader that ran the cases itself; see :meth:`.kinds.FunctionQuestion.judge`)."""
    return question.judge(outcome, mismatches)
