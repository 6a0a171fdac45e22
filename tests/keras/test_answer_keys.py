"""Every answer key against live Keras: the bank's models are what Keras writes, and every key
(and the committed verified.json) equals what Keras counts."""

from __future__ import annotations

import importlib
import json

import keras
import pytest

from autograder import live, reference
from autograder.grading import all_questions
from autograder.grading.functions import cases
from autograder.grading.questions import MODELS, amount
from autograder.grading.refresh import builders, config_of, render
from autograder.grading.verify import COMMITTED, fingerprint, record_of

MODEL_QUESTIONS = [q for q in all_questions() if q.model is not None]
FUNCTION_QUESTIONS = [q for q in all_questions() if q.kind == "function"]


@pytest.mark.parametrize("name", sorted(builders()))
def test_bank_model_matches_what_keras_writes_today(name):
    """Is each committed bank model exactly the config Keras writes for its builder (no drift)?
    If not: run `python -m autograder questions --refresh` and review the diff."""
    assert (MODELS / f"{name}.json").read_text() == render(config_of(builders()[name]))


@pytest.mark.parametrize("question", MODEL_QUESTIONS, ids=lambda q: q.id)
def test_answer_key_equals_live_keras(question):
    """Is each question's key, from the reference counter, what live Keras counts for that model?"""
    ours, theirs = reference.count(question.model), live.count(question.model)
    assert ours.params == theirs.params
    assert amount(ours, question.asks) == amount(theirs, question.asks)
    assert live.build(question.model).count_params() == ours.total


def test_committed_verified_keys_are_live_keras_counts():
    """Does bank/verified.json hold exactly the live record of every bank model (so grading needs no Keras)?"""
    models = {q.model_name: q.model for q in MODEL_QUESTIONS}
    expected = {fingerprint(config): record_of(live.count(config)) for config in models.values()}
    assert json.loads(COMMITTED.read_text()) == expected


def _live_layer(class_name: str, config: dict, *shapes) -> int:
    inputs = [keras.Input(shape=shape[1:]) for shape in shapes]
    layer = getattr(keras.layers, class_name)(**config)
    layer(*inputs)
    return layer.count_params()


@pytest.mark.parametrize("question", FUNCTION_QUESTIONS, ids=lambda q: q.id)
def test_function_reference_equals_live_keras_on_sampled_arguments(question):
    """Does each function question's reference formula equal live Keras on a few of its own graded cases
    (one layer, or, for a function that counts no single layer, its bank module's ``LIVE`` measure)?"""
    measure = _live_layer_of(question) if question.layer else _live_measure(question)
    smallest = sorted(cases(question), key=lambda c: question.formula(**c.full).params.total)
    small = [c for c in smallest if question.formula(**c.full).params.total < 2_000_000][:3] or smallest[:2]
    for case in small:
        assert measure(**case.full) == question.formula(**case.full).params.total, case


def _live_layer_of(question):
    return lambda **arguments: _live_layer(*question.layer(**arguments))


def _live_measure(question):
    """How the question's bank module measures it with live Keras (``LIVE``, by question id)."""
    module = importlib.import_module(f"autograder.grading.bank.{question.assignment}")
    return module.LIVE[question.id]
