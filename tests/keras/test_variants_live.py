"""Learners' variants against live Keras: for a sample of 5 learners per question, the answer key the
grader uses equals what Keras counts, on the variant's config and on the code the learner is shown."""

from __future__ import annotations

import ast
import json

import keras
import pytest

from autograder.grading import all_questions
from autograder.grading.questions import amount
from autograder.grading.variants import learner_key
from autograder.reference import count

VARIED = [q for q in all_questions() if q.varies]
LEARNERS = ("ada", "grace", "alan", "edsger", "barbara")


def _keras_amount(model, asks: str) -> int:
    """The quantity a question asks for, as Keras counts it."""
    if asks.startswith("layer:"):
        return model.get_layer(asks.removeprefix("layer:")).count_params()
    weights = {"total": model.weights, "trainable": model.trainable_weights,
               "non_trainable": model.non_trainable_weights}[asks]
    return sum(int(keras.ops.size(w)) for w in weights)


def _model_from_code(code: str):
    """Run the model code a learner is shown; its last expression is the model."""
    tree = ast.parse(code)
    tree.body[-1] = ast.Assign([ast.Name("model", ast.Store())], tree.body[-1].value)
    namespace = {"keras": keras}
    exec(compile(ast.fix_missing_locations(tree), "<shown code>", "exec"), namespace)
    return namespace["model"]


@pytest.mark.parametrize("question", VARIED, ids=lambda q: q.id)
def test_five_variants_agree_with_live_keras(question):
    """For 5 learners: is the key the reference gives equal to Keras's count of the variant's config,
    and of the model built from the code the learner sees (with the budget's knob at its solution)?"""
    for student in LEARNERS:
        variant = question.variant(learner_key("keras-check", student))
        key = amount(count(variant.model), variant.asks)
        from_config = keras.models.model_from_json(json.dumps(variant.model))
        from_code = _model_from_code(variant.template.code.format(**variant.sizes))
        assert key == _keras_amount(from_config, variant.asks) == _keras_amount(from_code, variant.asks), student
        if question.kind == "budget":
            assert key == variant.target
