"""Matching a learner's result against the catalogue: which misconception explains it.

One function per question kind, each returning a :class:`Diagnosis` or None:

- :func:`diagnose`: a wrong number about a model (count questions);
- :func:`diagnose_budget`: a knob value that meets the budget only under a wrong formula;
- :func:`diagnose_function`: a counting function whose wrong results one wrong formula gives.

Each walks :data:`~.catalogue.CATALOGUE` in order and names the first (most specific) match.
The sentence the learner reads is written by :func:`autograder.grading.feedback.misconception`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...reference import ModelCount, count
from .catalogue import CATALOGUE
from .mistake import Mistake, meets

__all__ = ["Diagnosis", "diagnose", "diagnose_budget", "diagnose_function"]

SAMPLE = 10  # wrong results of a function that one misconception must explain, all of them


@dataclass(frozen=True)
class Diagnosis:
    """A misconception found in an answer, and the one layer it was made in (None: all of them)."""

    mistake: Mistake
    layer: str | None = None

    @property
    def code(self) -> str:
        return self.mistake.code


def diagnose(config: dict, asks: str, answer: int, right: ModelCount | None = None) -> Diagnosis | None:
    """The most specific misconception whose wrong formula gives ``answer``, made in every
    layer it concerns or in a single one (then named), if any."""
    right = right or count(config)
    for mistake in CATALOGUE:
        for layer, number in mistake.numbers(config, asks, right):
            if number == answer:
                return Diagnosis(mistake, layer)
    return None


def diagnose_budget(question, value: int) -> Diagnosis | None:
    """The most specific misconception under which the learner's knob ``value`` meets the budget
    question's target: exactly, or, for the budget-only mistakes, as the nearest whole value to the wrong
    equation's solution (any formula with a steep slope comes near some value, so only those are rounded).
    The layer is not named: the learner chose one value, and the feedback speaks of that value."""
    exact = next((m for m in CATALOGUE if meets(m, question, value)), None)
    rounded = exact or next((m for m in CATALOGUE if m.budget and meets(m, question, value, nearest=True)), None)
    return Diagnosis(rounded) if rounded else None


def diagnose_function(question, mismatches: list) -> Diagnosis | None:
    """The misconception that explains every wrong result checked (the first ``SAMPLE``) of a function
    question. ``mismatches`` are ``(case, got, expected)``; each mistake's wrong result for a case is
    :meth:`~.mistake.Mistake.function_number` (its own formula for the function, or the layer's)."""
    if not mismatches:
        return None
    sample = mismatches[:SAMPLE]
    for mistake in CATALOGUE:
        if all(mistake.function_number(question, case.full) == got for case, got, _ in sample):
            return Diagnosis(mistake)
    return None
