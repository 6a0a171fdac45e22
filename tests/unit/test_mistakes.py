"""The misconception catalogue: one fixture submission per code, and the verdict names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import reference
from autograder.grading import verdict
from autograder.grading.misconceptions import CATALOGUE, by_code
from autograder.grading.questions import amount, get_question, with_knob
from autograder.grading.refresh import mistake_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "submissions" / "mistakes"
REQUIRED = {
    "BIAS_MISSING", "BIAS_PER_INPUT", "INPUTS_ONLY", "UNITS_ONLY", "INPUT_LAYER_COUNTED", "BATCH_DIM_COUNTED",
    "CONV_INPUT_CHANNELS_MISSING", "CONV_OUTPUT_SIZE_FOR_KERNEL", "CONV_GROUPS_IGNORED", "DEPTHWISE_AS_FULL_CONV",
    "SEPARABLE_POINTWISE_MISSING", "TRANSPOSE_CHANNELS_SWAPPED", "BN_MOVING_STATS_TRAINABLE",
    "BN_MOVING_STATS_MISSING", "LSTM_GATES_MISSING", "GRU_RESET_AFTER_BIAS", "BIDIRECTIONAL_NOT_DOUBLED",
    "SHARED_LAYER_COUNTED_TWICE", "MHA_OUTPUT_PROJECTION_MISSING", "MHA_KEY_DIM_TOTAL", "EMBEDDING_WITH_BIAS",
    "FLATTEN_WRONG_PADDING", "TIED_OUTPUT_COUNTED_TWICE", "ADAM_TRIPLE", "ACTIVE_FOR_TOTAL", "GQA_FULL_KV_HEADS",
    "BIAS_IN_BIAS_FREE_BLOCK",
}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "keys.json"))


def test_the_catalogue_has_every_required_code_and_no_duplicates():
    """Does the catalogue hold at least 20 unique codes, including every one the course promises?"""
    codes = [m.code for m in CATALOGUE]
    assert len(codes) == len(set(codes)) >= 20
    assert set(codes) >= REQUIRED
    assert {p.stem for p in FIXTURES.glob("*.json")} == set(codes)


@pytest.mark.parametrize("mistake", CATALOGUE, ids=lambda m: m.code)
def test_each_misconception_fixture_is_named_by_the_verdict(mistake):
    """Is each fixture the number its wrong formula gives (not typed), and does grading it name its code
    with feedback that does not reveal the key?"""
    fixture = json.loads((FIXTURES / f"{mistake.code}.json").read_text())
    assert fixture == mistake_fixture(mistake), "stale fixture: run `python -m autograder questions --refresh`"
    result = verdict(fixture["question"], _submitted(fixture["answer"]))
    assert not result.correct and result.mistake == mistake.code
    assert mistake.code in result.feedback and mistake.feedback in result.feedback
    question = get_question(fixture["question"])
    if question.model is None:
        return  # a function question: its feedback shows one call's expected value, never a key
    key = amount(reference.count(question.model), question.asks)
    assert f"{key:,}" not in result.feedback and str(key) not in result.feedback


def _submitted(answer):
    """The fixture's answer as submitted: a number, or (a function question's sample) a function that
    returns the recorded results of the graded calls."""
    if not isinstance(answer, dict):
        return answer
    recorded = {json.dumps(given, sort_keys=True): result for given, result in answer["returns"]}

    def replayed(**given):
        return recorded[json.dumps(given, sort_keys=True)]

    return replayed


def test_a_mistake_that_does_not_apply_gives_nothing():
    """Does a convolution misconception give no number for a model without convolutions?"""
    seed = get_question("dense.seed.total")
    assert by_code("CONV_GROUPS_IGNORED").number(seed.model, seed.asks) is None
    assert by_code("LSTM_GATES_MISSING").number(seed.model, seed.asks) is None


def test_a_budget_sized_with_a_misconception_is_named():
    """When a budget answer meets the target only under a wrong formula, is that misconception named?"""
    q = get_question("conv.budget.filters")
    wrong = by_code("CONV_INPUT_CHANNELS_MISSING")
    hits = [f for f in range(1, 400) if wrong.number(with_knob(q, f), q.asks) == q.target]
    assert hits, "the bank's conv budget no longer has a value that fits under this misconception"
    result = verdict(q.id, hits[0])
    assert not result.correct and result.mistake == "CONV_INPUT_CHANNELS_MISSING"


def test_a_mistake_made_in_one_layer_only_is_named_with_that_layer():
    """When the bias is forgotten in one layer of several, is BIAS_MISSING named together with that layer?"""
    q = get_question("dense.seed.total")
    answer = reference.count(q.model, overrides=by_code("BIAS_MISSING").overrides("dense_1")).total
    result = verdict(q.id, answer)
    assert result.mistake == "BIAS_MISSING" and "`dense_1`" in result.feedback
