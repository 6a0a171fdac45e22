"""Core layers against live Keras."""

from __future__ import annotations

import keras
import pytest

from tests.keras.compare import assert_matches_keras


def seed_model():
    inputs = keras.Input(shape=(256,))
    x = keras.layers.Dense(2, activation="relu")(inputs)
    x = keras.layers.Dense(3, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def test_seed_model_matches_keras():
    """Does the seed 256 → 2 → 3 → 4 model give 514, 9, 16 and 539, as Keras does?"""
    ours = assert_matches_keras(seed_model())
    assert [layer.params.total for layer in ours.layers] == [0, 514, 9, 16]
    assert ours.total == 539


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("lora_rank", [None, 3])
@pytest.mark.parametrize("shape", [(7,), (5, 7), (2, 3, 7)])
def test_dense_variants(use_bias, lora_rank, shape):
    """Does Dense match Keras with and without bias, with LoRA, and on inputs of higher rank?"""
    model = keras.Sequential([keras.Input(shape=shape),
                              keras.layers.Dense(4, use_bias=use_bias, lora_rank=lora_rank)])
    assert_matches_keras(model)


def test_frozen_dense_is_non_trainable():
    """Does freezing a Dense layer move all of its weights to non-trainable, as in Keras?"""
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.layers[0].trainable = False
    ours = assert_matches_keras(model)
    assert ours.non_trainable == 36
