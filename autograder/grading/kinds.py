"""The three kinds of question, each a :class:`~.questions.Question` that grades its own answers.

- :class:`CountQuestion`: a number about a model; a wrong number is matched to a misconception.
- :class:`FunctionQuestion`: a counting function, run on seeded random arguments
  (:mod:`.functions`); wrong results are matched to a misconception's wrong formula.
- :class:`BudgetQuestion`: a knob value; the model is rebuilt with it and counted, and a value
  that meets the budget only under a wrong formula names that misconception.

Each has ``grade(answer) -> Verdict`` and ``diagnose(...)``, its own way of asking the
catalogue (:mod:`.misconceptions`), and ``grade_trusted(grader)``: how trusted grading
(:mod:`autograder.trusted.pipeline`) judges its test cell, from the answer the kernel reported
(``grader.reported``) or by running the learner's function again (``grader.rerun``). The bank
(``bank/_spec.py``) builds them, and :func:`~.verdicts.verdict` looks a question up and calls its ``grade``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from ..errors import AutograderError
from ..reference import ModelCount, count
from . import feedback as fb
from . import variants
from .answers import Parsed, parse_count
from .functions import CASES, Outcome, run_cases
from .misconceptions import Diagnosis, diagnose, diagnose_budget, diagnose_function
from .questions import Question, amount, with_knob, with_knob_in
from .verdicts import Verdict
from .verify import disagreement

__all__ = ["BudgetQuestion", "CountQuestion", "FunctionQuestion"]


@dataclass(frozen=True, eq=False)
class CountQuestion(Question):
    """Derive a number about the model: ``asks`` is total, trainable, non_trainable or layer:<name>."""

    kind: ClassVar[str] = "count"
    runs_again: ClassVar[bool] = False  # trusted grading judges the answer the test cell reported

    def grade_trusted(self, grader):
        """Trusted grading's verdict: on the number the test cell reported."""
        return grader.reported(self)

    def grade(self, answer: object, *, hidden: bool = False) -> Verdict:
        """Right if ``answer`` is the model's count (``hidden`` changes nothing for a number)."""
        parsed = parse_count(answer)
        if not parsed.ok:
            return _wrong(self, parsed.problem)
        right = count(self.model)
        expected = amount(right, self.asks)
        bug = _grader_bug(self, right)
        if bug:
            return bug
        if parsed.value == expected:
            return _right(self, fb.correct(parsed.value))
        found = self.diagnose(parsed.value, right)
        return _wrong(self, fb.wrong_count(parsed.value, expected, self.asks, right, found), found)

    @cached_property
    def solution(self) -> int:
        """The model's count this question asks for (counted once per question object)."""
        return amount(count(self.model), self.asks)

    def diagnose(self, value: int, right: ModelCount | None = None) -> Diagnosis | None:
        """The misconception whose wrong formula gives ``value`` on this model, if any."""
        return diagnose(self.model, self.asks, value, right)


@dataclass(frozen=True, eq=False)
class FunctionQuestion(Question):
    """Implement ``signature``; ``formula(**args)`` is the reference, ``layer(**args)`` the layer it counts."""

    kind: ClassVar[str] = "function"
    runs_again: ClassVar[bool] = True  # trusted grading runs the learner's function again, in a fresh process

    def grade_trusted(self, grader):
        """Trusted grading's verdict: on the learner's function, run again on hidden cases."""
        return grader.rerun(self)

    @property
    def variable(self) -> str:
        return self.function_name

    def grade(self, answer: object, *, hidden: bool = False) -> Verdict:
        """Run the learner's function on the seeded cases (``hidden``: another seeded set)."""
        if not callable(answer) or isinstance(answer, type):
            return _wrong(self, fb.not_a_function(self.signature, answer))
        return self.judge(*run_cases(self, answer, hidden=hidden))

    def judge(self, outcome: Outcome, mismatches: list) -> Verdict:
        """The verdict from the cases' first failure and the wrong results ``(case, got, expected)``."""
        if outcome.case is None:
            return _right(self, fb.function_correct(CASES))
        found = self.diagnose(mismatches)
        return _wrong(self, fb.wrong_function(_smallest(self, outcome, mismatches), found, self.function_name),
                      found)

    def diagnose(self, mismatches: list) -> Diagnosis | None:
        """The misconception whose wrong formula gives every wrong result checked, if any."""
        return diagnose_function(self, mismatches)

    def _details(self) -> dict:
        return {"signature": self.signature}


@dataclass(frozen=True, eq=False)
class BudgetQuestion(Question):
    """Choose ``knob`` = (layer name, config key) so that the model's ``asks`` equals ``target``."""

    kind: ClassVar[str] = "budget"
    runs_again: ClassVar[bool] = False

    def grade_trusted(self, grader):
        """Trusted grading's verdict: on the knob value the test cell reported."""
        return grader.reported(self)

    @cached_property  # asked for by every misconception tried on a wrong value: count the model once
    def target(self) -> int:
        """The count of the model as stored in the bank: what the learner's value must give."""
        return amount(count(self.model), self.asks)

    def grade(self, answer: object, *, hidden: bool = False) -> Verdict:
        """Rebuild the model with ``answer`` as the knob's value and count it."""
        parsed = self._parse(answer)
        if not parsed.ok:
            return _wrong(self, parsed.problem)
        bug = _grader_bug(self, count(self.model))
        return bug if bug else self.judge(parsed.value)

    @property
    def solution(self) -> int:
        """The knob's value in the stored model: it meets the target by definition, and a learner's
        variant is drawn only where no other whole number does (:meth:`_sound`)."""
        value = variants.layer_config(self.model, self.knob[0])[self.knob[1]]
        return value[0] if isinstance(value, list) else value

    def judge(self, value: int) -> Verdict:
        """The verdict on a knob value that is a whole number of at least 1."""
        key = self.knob[1]
        try:
            got = amount(count(with_knob(self, value)), self.asks)
        except AutograderError as err:
            return _wrong(self, fb.unbuildable(key, value, err))
        target = self.target
        if got == target:
            return _right(self, fb.budget_met(key, value))
        found = self.diagnose(value)
        return _wrong(self, fb.wrong_budget(self.knob, value, got > target, found), found)

    def diagnose(self, value: int) -> Diagnosis | None:
        """The misconception under which ``value`` meets the budget, if any."""
        return diagnose_budget(self, value)

    def _parse(self, answer: object) -> Parsed:
        layer, key = self.knob
        parsed = parse_count(answer, f"a value for `{key}` of layer `{layer}`")
        if parsed.ok and parsed.value < 1:
            return Parsed(problem=f"`{key}` must be at least 1, got {parsed.value}.")
        return parsed

    def _details(self) -> dict:
        return {"knob": {"layer": self.knob[0], "key": self.knob[1]}, "target": self.target}

    @property
    def knob_size(self) -> str | None:
        """The name of the size that is the knob (shown as ``?``), if the model varies."""
        place = ".".join(self.knob)
        return next((s.name for s in self.template.sizes if place in s.at), None) if self.template else None

    def fill(self, text: str) -> str:
        return text.format(**{**self.sizes, "target": self.target})

    @property
    def shown_sizes(self) -> dict:
        shown = {k: v for k, v in self.sizes.items() if not k.startswith("_") and k != self.knob_size}
        return {**shown, "target": self.target}

    def _sound(self, sizes: dict) -> bool:
        """Exactly one whole-number solution: the count grows with the knob, and its neighbours miss."""
        model = variants.patch(self.model, self.template, sizes)
        value = sizes[self.knob_size]
        around = [amount(count(with_knob_in(model, self.knob, v)), self.asks) for v in (value - 1, value, value + 1)]
        return value > 1 and around[0] < around[1] < around[2]


def _right(question: Question, feedback: str) -> Verdict:
    return Verdict.said(question.id, True, feedback)


def _wrong(question: Question, words, found: Diagnosis | None = None) -> Verdict:
    return Verdict.said(question.id, False, words, found.code if found else None)


def _smallest(question: Question, outcome: Outcome, mismatches: list) -> str:
    """The failing call to show: the smallest wrong result (easiest to redo by hand), or the first
    failure when it was not a number at all (an exception, a timeout, an odd value)."""
    if outcome.got is None or not mismatches:
        return outcome.problem
    case, got, expected = min(mismatches, key=lambda m: (_size(m[0].given), m[2]))
    return f"{case.call_text(question.function_name)} returned {got:,}, expected {expected:,}."


def _size(arguments: dict) -> int:
    return sum(abs(v) for v in arguments.values() if isinstance(v, int) and not isinstance(v, bool))


def _grader_bug(question: Question, right: ModelCount) -> Verdict | None:
    """Credit and a GRADER BUG message when live Keras disagrees with the reference on the model
    (the bank's own models; learners' variants are sampled against Keras by the tests instead)."""
    bug = None if question.varied else disagreement(question.model, right)
    return _right(question, fb.grader_bug(question.id, bug)) if bug else None
