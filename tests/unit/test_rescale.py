"""Rescaling a config maps sizes, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from autograder import reference
from autograder.rescale import rescale

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "seed.json"


def test_rescaled_seed_counts_like_the_bigger_model():
    """Does mapping 256 → 1024 and 2 → 20 give the count of the model with those sizes?"""
    big = rescale(json.loads(SEED.read_text()), {256: 1024, 2: 20})
    layers = reference.count(big).layers
    assert layers[1].params.total == reference.dense(units=20, inputs=1024).total
    assert layers[2].params.total == reference.dense(units=3, inputs=20).total


def test_graph_indices_are_never_rescaled():
    """Are keras_history node and tensor indices left alone (they are not sizes)?"""
    config = json.loads(SEED.read_text())
    big = rescale(config, {0: 99})
    node = big["config"]["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"]
    assert node == ["input_layer", 0, 0]
