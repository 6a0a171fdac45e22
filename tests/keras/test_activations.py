"""Activation layers against live Keras."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers


@pytest.mark.parametrize("layer", [
    lambda: L.Activation("relu"), L.ELU, L.LeakyReLU, L.ReLU, L.Softmax, lambda: L.Softmax(axis=1),
])
def test_zero_parameter_activations(layer):
    """Do Activation, ELU, LeakyReLU, ReLU and Softmax have no weights and keep the shape?"""
    model = keras.Sequential([keras.Input(shape=(4, 3)), layer(), L.Dense(2)])
    assert_matches_keras(model)


@pytest.mark.parametrize(("shape", "shared_axes"), [
    ((5,), None), ((6, 6, 3), None), ((6, 6, 3), [1, 2]), ((6, 6, 3), [1]), ((7, 4), 1),
])
def test_prelu(shape, shared_axes):
    """Does PReLU learn one alpha per input value, shared along shared_axes, as Keras does?"""
    model = keras.Sequential([keras.Input(shape=shape), L.PReLU(shared_axes=shared_axes)])
    assert_matches_keras(model)


def test_prelu_unknown_axis_is_a_shape_error():
    """Is PReLU over an unknown, unshared axis refused as a ShapeError naming PReLU?"""
    with pytest.raises(ShapeError, match="PReLU"):
        reference.count_layer("PReLU", {}, (None, None, 3))


def test_prelu_shared_unknown_axis_is_counted():
    """Does sharing the unknown axis make PReLU countable, with one alpha per channel?"""
    layer = reference.count_layer("PReLU", {"shared_axes": [1]}, (None, None, 3))
    assert layer.params.trainable == 3
