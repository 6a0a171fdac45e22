"""The verdict on one answer to one question, and ``check``, its one-line form for grade cells."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import AutograderError
from ..reference import count
from . import feedback as fb
from .answers import describe, parse_count
from .functions import CASES, run_cases
from .mistakes import CATALOGUE, diagnose
from .questions import Question, amount, get_question, with_knob
from .verify import disagreement

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
    if question.kind == "function":
        return _function(question, answer, hidden)
    return (_count if question.kind == "count" else _budget)(question, answer)


def check(question_id: str, answer: object, *, source: str | None = None, hidden: bool = False) -> None:
    """Return for a right answer; raise ``AssertionError(feedback)`` for a wrong one.
    An unknown ``question_id`` raises :class:`~autograder.errors.QuestionError`."""
    result = verdict(question_id, answer, source=source, hidden=hidden)
    if not result.correct:
        raise AssertionError(result.feedback)
    if result.feedback.startswith("GRADER BUG"):
        print(result.feedback)


def _count(question: Question, answer: object) -> Verdict:
    parsed = parse_count(answer)
    if not parsed.ok:
        return Verdict(question.id, False, None, parsed.problem)
    right = count(question.model)
    expected = amount(right, question.asks)
    bug = disagreement(question.model, right)
    if bug:
        return Verdict(question.id, True, None, fb.grader_bug(question.id, bug))
    if parsed.value == expected:
        return Verdict(question.id, True, None, fb.correct(parsed.value))
    found = diagnose(question.model, question.asks, parsed.value, right)
    return Verdict(question.id, False, found.mistake.code if found else None,
                   fb.wrong_count(parsed.value, expected, question.asks, right, found))


def _budget(question: Question, answer: object) -> Verdict:
    layer, key = question.knob
    parsed = parse_count(answer, f"a value for `{key}` of layer `{layer}`")
    if parsed.ok and parsed.value < 1:
        parsed = parsed.__class__(problem=f"`{key}` must be at least 1, got {parsed.value}.")
    if not parsed.ok:
        return Verdict(question.id, False, None, parsed.problem)
    bug = disagreement(question.model, count(question.model))
    if bug:
        return Verdict(question.id, True, None, fb.grader_bug(question.id, bug))
    return _judge_budget(question, parsed.value)


def _judge_budget(question: Question, value: int) -> Verdict:
    layer, key = question.knob
    model = with_knob(question, value)
    try:
        got = amount(count(model), question.asks)
    except AutograderError as err:
        return Verdict(question.id, False, None,
                       f"With {key}={value} the model cannot be built: {err}. Choose another value.")
    target = question.target
    if got == target:
        return Verdict(question.id, True, None, f"Correct: {key}={value} meets the budget exactly.")
    mistake = next((m for m in CATALOGUE if any(n == target for _, n in m.numbers(model, question.asks))), None)
    direction = "too many" if got > target else "too few"
    text = f"Not yet: with {key}={value}, `{layer}` gives the model {direction} parameters."
    if mistake:
        text += (f" Your value meets the budget under a known misconception [{mistake.code}]: "
                 f"{mistake.title}. {mistake.feedback}")
    else:
        text += f" Write the count as a function of `{key}` and solve for the target."
    return Verdict(question.id, False, mistake.code if mistake else None, text)


def _function(question: Question, answer: object, hidden: bool = False) -> Verdict:
    if not callable(answer) or isinstance(answer, type):
        return Verdict(question.id, False, None,
                       f"Expected a function, `def {question.signature}: ...`, got {describe(answer)}.")
    return judge_function(question, *run_cases(question, answer, hidden=hidden))


def judge_function(question: Question, outcome, mismatches: list) -> Verdict:
    """The verdict on a function question from its cases' first failure and wrong results."""
    if outcome.case is None:
        return Verdict(question.id, True, None, f"Correct on all {CASES} test cases.")
    mistake = _function_mistake(question, mismatches)
    text = f"Not yet: {outcome.problem}"
    if mistake:
        text += f" Likely misconception [{mistake.code}]: {mistake.title}. {mistake.feedback}"
    return Verdict(question.id, False, mistake.code if mistake else None, text)


def _function_mistake(question: Question, mismatches: list):
    """The misconception that explains every wrong result checked (up to ten of them)."""
    if not mismatches or question.layer is None:
        return None
    sample = mismatches[:10]
    for mistake in CATALOGUE:
        if all(mistake.layer_number(*question.layer(**case.full)) == got for case, got, _ in sample):
            return mistake
    return None
