"""A user's layer that shares a built-in's name, built with live Keras: refused, never counted as the built-in."""

from __future__ import annotations

import json

import keras
import pytest

from autograder import reference
from autograder.errors import UnknownLayerError


class LayerNormalization(keras.layers.Layer):
    """A user's layer named like Keras's: one scale per feature, no centre (Keras's own has two vectors)."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.scale


def test_a_look_alike_layer_is_refused_where_keras_counts_it_differently():
    """Keras counts the user's LayerNormalization as 16 weights; is it refused rather than counted as 32?"""
    inputs = keras.Input(shape=(16,))
    model = keras.Model(inputs, LayerNormalization(name="norm")(keras.layers.Dense(16)(inputs)))
    assert model.get_layer("norm").count_params() == 16
    with pytest.raises(UnknownLayerError, match="custom class of the same name"):
        reference.count(json.loads(model.to_json()))
