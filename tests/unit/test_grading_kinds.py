"""The three kinds of question as classes: each grades its own answers and names its own misconceptions."""

from __future__ import annotations

import pytest

from autograder import reference
from autograder.grading import feedback as fb
from autograder.grading import get_question
from autograder.grading.kinds import BudgetQuestion, CountQuestion, FunctionQuestion
from autograder.grading.misconceptions import Diagnosis, by_code
from autograder.grading.questions import KINDS, POINTS, Question, all_questions, amount, with_knob

CLASSES = {"count": CountQuestion, "function": FunctionQuestion, "budget": BudgetQuestion}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "keys.json"))


def lstm_params(input_dim, units, use_bias=True):
    return 4 * (units * (input_dim + units) + units * use_bias)


def test_every_bank_question_is_an_instance_of_its_kinds_class():
    """Is each bank question built as the class of its kind, and does every kind have a class and points?"""
    assert set(CLASSES) == set(KINDS) == set(POINTS)
    for question in all_questions():
        assert type(question) is CLASSES[question.kind] and isinstance(question, Question)
        assert question.kind == type(question).kind


def test_the_base_question_cannot_grade():
    """Is Question abstract, so that every question the bank builds has a kind that grades it?"""
    with pytest.raises(TypeError):
        Question("x.y", "a02_dense", "total", "prompt")


def test_a_count_question_grades_its_own_answers():
    """Does a CountQuestion accept its key, refuse a wrong number, and name BIAS_MISSING in the usual sentence?"""
    q = get_question("dense.seed.layer1")
    key = amount(reference.count(q.model), q.asks)
    assert isinstance(q, CountQuestion) and q.grade(key).correct
    assert not q.grade(key + 1).correct and q.grade(key + 1).mistake is None
    mistake = by_code("BIAS_MISSING")
    result = q.grade(mistake.number(q.model, q.asks))
    assert not result.correct and result.mistake == "BIAS_MISSING"
    assert fb.misconception(Diagnosis(mistake)) in result.feedback
    assert q.diagnose(mistake.number(q.model, q.asks)).code == "BIAS_MISSING"


def test_a_function_question_grades_its_own_answers():
    """Does a FunctionQuestion accept a right function, refuse an off-by-one one, and name a three-gate LSTM?"""
    q = get_question("rnn.fn.lstm_params")
    assert isinstance(q, FunctionQuestion) and q.grade(lstm_params).correct
    off = q.grade(lambda input_dim, units, use_bias=True: lstm_params(input_dim, units, use_bias) + 1)
    assert not off.correct and off.mistake is None
    result = q.grade(lambda input_dim, units, use_bias=True: lstm_params(input_dim, units, use_bias) // 4 * 3)
    assert not result.correct and result.mistake == "LSTM_GATES_MISSING"
    assert fb.misconception(Diagnosis(by_code("LSTM_GATES_MISSING"))) in result.feedback


def test_a_budget_question_grades_its_own_answers():
    """Does a BudgetQuestion accept the stored knob, refuse another value, and name a value sized by a misconception?"""
    q = get_question("conv.budget.filters")
    stored = next(layer["config"] for layer in q.model["config"]["layers"] if layer["config"]["name"] == q.knob[0])
    value = stored[q.knob[1]]
    assert isinstance(q, BudgetQuestion) and q.grade(value).correct
    assert not q.grade(value + 1).correct and q.grade(value + 1).mistake is None
    mistake = by_code("CONV_INPUT_CHANNELS_MISSING")
    sized = next(f for f in range(1, 400) if mistake.number(with_knob(q, f), q.asks) == q.target)
    result = q.grade(sized)
    assert not result.correct and result.mistake == "CONV_INPUT_CHANNELS_MISSING"
    assert fb.misconception(Diagnosis(mistake), fb.MEETS_BUDGET) in result.feedback


def test_the_misconception_sentence_is_one_sentence():
    """Is a misconception named as `<lead> [CODE] in layer `name`: title. feedback`, the layer only when given?"""
    mistake = by_code("BIAS_MISSING")
    assert fb.misconception(Diagnosis(mistake, "dense_1")) == (
        f"Likely misconception [BIAS_MISSING] in layer `dense_1`: {mistake.title}. {mistake.feedback}")
    assert fb.misconception(Diagnosis(mistake), "Lead") == f"Lead [BIAS_MISSING]: {mistake.title}. {mistake.feedback}"
