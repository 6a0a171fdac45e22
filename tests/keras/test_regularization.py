"""Regularization layers against live Keras: no weights, same shape."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers


@pytest.mark.parametrize(("shape", "layer"), [
    ((5, 4), lambda: L.Dropout(0.5)),
    ((5, 4), lambda: L.GaussianDropout(0.3)),
    ((5, 4), lambda: L.GaussianNoise(0.1)),
    ((5, 4), lambda: L.AlphaDropout(0.2)),
    ((5, 4), lambda: L.ActivityRegularization(l1=0.01)),
    ((5, 4), lambda: L.SpatialDropout1D(0.2)),
    ((5, 5, 4), lambda: L.SpatialDropout2D(0.2)),
    ((3, 5, 5, 4), lambda: L.SpatialDropout3D(0.2)),
])
def test_regularization_layers(shape, layer):
    """Does this regularization layer hold no weights and pass its shape on to a Dense, as in Keras?"""
    model = keras.Sequential([keras.Input(shape=shape), layer(), L.Dense(3)])
    assert_matches_keras(model)


def test_spatial_dropout_wrong_rank_is_a_shape_error():
    """Is SpatialDropout2D on a rank-3 input refused as a ShapeError naming the layer?"""
    with pytest.raises(ShapeError, match="SpatialDropout2D"):
        reference.count_layer("SpatialDropout2D", {"rate": 0.1}, (None, 5, 4))
