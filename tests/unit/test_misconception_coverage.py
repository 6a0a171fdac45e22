"""Every catalogued misconception is recognised on every bank question where it can occur (catalogue × bank)."""

from __future__ import annotations

import pytest

from autograder.grading import all_questions, verdict
from autograder.grading.functions import cases
from autograder.grading.misconceptions import CATALOGUE, by_code
from autograder.grading.misconceptions.mistake import meets
from autograder.reference import count


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "keys.json"))


def _of(kind: str) -> list:
    return [q for q in all_questions() if q.kind == kind]


@pytest.mark.parametrize("question", _of("count"), ids=lambda q: q.id)
def test_count_questions_name_every_misconception_that_gives_the_answer(question):
    """For each mistake that gives a wrong number on this question (everywhere or in one layer), does the
    verdict on that number name a misconception that gives it?"""
    right = count(question.model)
    for mistake in CATALOGUE:
        for layer, number in mistake.numbers(question.model, question.asks, right):
            if number < 0:
                continue
            result = verdict(question.id, number)
            named = by_code(result.mistake) if result.mistake else None
            assert named and number in [n for _, n in named.numbers(question.model, question.asks, right)], (
                mistake.code, layer, number, result.feedback)


@pytest.mark.parametrize("question", _of("function"), ids=lambda q: q.id)
def test_function_questions_name_every_misconception_written_as_code(question):
    """For each one-layer mistake (or wrong formula of this function) that changes this function's results,
    is a function written with it diagnosed as a misconception that gives the same wrong results?"""
    for mistake in (m for m in CATALOGUE if m.patches or question.function_name in m.functions):
        result = verdict(question.id, _written_with(mistake, question))
        if result.correct:
            continue  # this mistake never changes this function's results
        assert result.mistake, (mistake.code, result.feedback)
        named, written = _written_with(by_code(result.mistake), question), _written_with(mistake, question)
        assert all(named(**case.full) == written(**case.full) for case in cases(question, 20)), (
            mistake.code, result.mistake)


def _written_with(mistake, question):
    """The counting function a learner with this misconception writes (right where it does not apply)."""
    defaults = {arg.name: arg.default for arg in question.arguments if arg.optional}

    def wrong(**given):
        full = {**defaults, **given}
        number = mistake.function_number(question, full)
        return question.formula(**full).params.total if number is None else number

    return wrong


@pytest.mark.parametrize("question", _of("budget"), ids=lambda q: q.id)
def test_budget_questions_name_every_misconception_that_meets_the_target(question):
    """For each mistake under which some whole value meets this budget, is that value's verdict a
    misconception under which it meets the budget?"""
    for mistake in CATALOGUE:
        value = _crossing(mistake, question)
        if value is None or verdict(question.id, value).correct:
            continue
        result = verdict(question.id, value)
        assert result.mistake, (mistake.code, value, result.feedback)
        named = by_code(result.mistake)
        assert meets(named, question, value, nearest=named.budget is not None), (mistake.code, value, result.mistake)


def _crossing(mistake, question, largest: int = 4096) -> int | None:
    """A value where the mistake's count (made everywhere) meets the target: exact, or rounded for the
    budget-only mistakes. Binary search on the count, which grows with the value."""
    def number(value):
        return mistake.budget_numbers(question, value).get(None)

    low, high = 1, largest
    if number(low) is None or number(high) is None or not number(low) <= question.target < number(high):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if number(middle) <= question.target else (low, middle)
    for value in (low, high):
        if meets(mistake, question, value, nearest=mistake.budget is not None):
            return value
    return None
