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


def contrastive_loss(y_true, y_pred):
    """A loss the rebuilding process does not know (not registered with Keras)."""
    return keras.ops.mean(keras.ops.square(y_true - y_pred))


def test_live_ignores_the_compile_config(tmp_path, capsys):
    """Does --live count a model compiled with a custom loss (losses own no parameters) and agree?"""
    from autograder.cli import main

    inputs = keras.Input(shape=(8,))
    model = keras.Model(inputs, keras.layers.Dense(4)(inputs))
    model.compile(optimizer="adam", loss=contrastive_loss)
    config = json.loads(model.to_json())
    assert "compile_config" in config
    path = tmp_path / "model.json"
    path.write_text(json.dumps(config))
    assert main(["count", str(path), "--live", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["live"]["agrees"] is True
