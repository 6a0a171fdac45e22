"""The verdict on one answer to one question, and ``check``, its one-line form for grade cells.

Grading itself belongs to each kind of question (:mod:`.kinds`): :func:`verdict` looks the
question up, refuses an answer cell that let Keras count, and asks the question to grade.
"""

from __future__ import annotations

from . import feedback as fb
from .questions import Question
from .verdict_type import Verdict

__all__ = ["NotYet", "Verdict", "check", "judge_function", "verdict"]


def verdict(question_id: str | Question, answer: object, *, source: str | None = None,
            hidden: bool = False) -> Verdict:
    """Grade ``answer`` to the question ``question_id`` (as this learner sees it: :mod:`.learner`; or a
    question given itself, e.g. a variant the grader chose); ``source`` is the answer cell's code,
    if given: an answer computed by asking Keras for the count gets no credit. ``hidden``
    (function questions) tries another set of seeded arguments, for nbgrader's hidden tests."""
    from .learner import learner_question

    question = question_id if isinstance(question_id, Question) else learner_question(question_id)
    calls = fb.counting_calls(source) if source is not None else []
    if calls:
        return Verdict(question.id, False, None, fb.KERAS_USED.format(calls=", ".join(calls)))
    return question.grade(answer, hidden=hidden)


class NotYet(AssertionError):
    """A wrong answer: the message is the feedback. In Jupyter the feedback block is shown above, and
    this adds one line instead of a traceback through the grader's code (IPython's ``_render_traceback_``)."""

    def _render_traceback_(self) -> list[str]:
        return ["✗ Not yet: see the feedback above."]


def check(question_id: str, answer: object, *, source: str | None = None, hidden: bool = False) -> None:
    """Show the feedback block; return for a right answer, raise :class:`NotYet` (an ``AssertionError``
    whose message is the feedback) for a wrong one. An unknown ``question_id`` raises
    :class:`~autograder.errors.QuestionError`."""
    result = verdict(question_id, answer, source=source, hidden=hidden)
    _show(result)
    if not result.correct:
        raise NotYet(result.feedback)


def _show(result: Verdict) -> None:
    """The feedback block in Jupyter (rich display), or its text elsewhere (and only when it matters)."""
    from . import block

    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python: the exception, or silence, says it
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(block.bundle(result), raw=True)
    elif result.feedback.startswith("GRADER BUG"):
        print(result.feedback)


def judge_function(question: Question, outcome, mismatches: list) -> Verdict:
    """The verdict on a function question from its cases' first failure and wrong results
    (for a grader that ran the cases itself; see :meth:`.kinds.FunctionQuestion.judge`)."""
    return question.judge(outcome, mismatches)
