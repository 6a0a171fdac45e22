"""Normalization layers against live Keras."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers


def one_layer(shape, layer):
    return keras.Sequential([keras.Input(shape=shape), layer])


@pytest.mark.parametrize("kwargs", [
    {}, {"center": False}, {"scale": False}, {"center": False, "scale": False},
    {"axis": 1}, {"renorm": True},
])
def test_batch_normalization(kwargs):
    """Does BatchNormalization split gamma/beta (trainable) from the moving stats as Keras does?"""
    assert_matches_keras(one_layer((6, 5, 3), L.BatchNormalization(**kwargs)))


def test_frozen_batch_normalization():
    """Does a frozen BatchNormalization have only non-trainable weights, as in Keras?"""
    model = one_layer((4,), L.BatchNormalization())
    model.layers[0].trainable = False
    assert reference.count(model).trainable == 0
    assert_matches_keras(model)


@pytest.mark.parametrize("kwargs", [
    {}, {"axis": [1, 2]}, {"axis": -2}, {"center": False}, {"scale": False},
    {"rms_scaling": True}, {"center": False, "scale": False},
])
@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
def test_layer_normalization(kwargs):
    """Does LayerNormalization match Keras for this axis, center, scale and rms_scaling?"""
    assert_matches_keras(one_layer((6, 5, 3), L.LayerNormalization(**kwargs)))


@pytest.mark.parametrize("axis", [-1, [1, 2]])
def test_rms_normalization(axis):
    """Does RMSNormalization have one scale per normalised feature, as in Keras?"""
    assert_matches_keras(one_layer((6, 5, 3), L.RMSNormalization(axis=axis)))


@pytest.mark.parametrize("kwargs", [{"groups": 2}, {"groups": -1}, {"groups": 4, "center": False},
                                    {"groups": 1, "axis": 1}])
def test_group_normalization(kwargs):
    """Does GroupNormalization count a gamma and beta per channel, whatever the groups?"""
    assert_matches_keras(one_layer((6, 5, 8), L.GroupNormalization(**kwargs)))


def test_unit_normalization():
    """Does UnitNormalization have no weights, as in Keras?"""
    assert_matches_keras(one_layer((6, 5), L.UnitNormalization()))


@pytest.mark.parametrize(("shape", "inner"), [
    ((8,), lambda: L.Dense(4)),
    ((9, 9, 3), lambda: L.Conv2D(5, 3)),
    ((9, 9, 3), lambda: L.Conv2DTranspose(5, 3)),
    ((9, 9, 3), lambda: L.DepthwiseConv2D(3, depth_multiplier=2)),
    ((9, 3), lambda: L.Conv1D(5, 3, use_bias=False)),
])
def test_spectral_normalization(shape, inner):
    """Does SpectralNormalization add a non-trainable u of the kernel's last size, as Keras does?"""
    assert_matches_keras(one_layer(shape, L.SpectralNormalization(inner())))


def test_spectral_normalization_embedding():
    """Does SpectralNormalization around an Embedding use the embeddings' last size?"""
    model = keras.Sequential([keras.Input(shape=(5,), dtype="int32"),
                              L.SpectralNormalization(L.Embedding(20, 6))])
    assert_matches_keras(model)


def test_group_normalization_bad_groups_is_a_clear_error():
    """Is GroupNormalization with channels not a multiple of groups refused, naming the layer?"""
    with pytest.raises(ConfigError, match=r"GroupNormalization.*groups"):
        reference.count_layer("GroupNormalization", {"groups": 3}, (None, 8))


def test_batch_normalization_unknown_axis_is_a_shape_error():
    """Is BatchNormalization over an unknown axis refused as a ShapeError naming the layer?"""
    with pytest.raises(ShapeError, match="BatchNormalization"):
        reference.count_layer("BatchNormalization", {}, (None, None))


def test_layer_normalization_bad_axis_is_a_shape_error():
    """Is an out-of-range LayerNormalization axis refused with the allowed range?"""
    with pytest.raises(ShapeError, match=r"LayerNormalization.*axis=5"):
        reference.count_layer("LayerNormalization", {"axis": 5}, (None, 4))


@pytest.mark.parametrize("freeze", [True, False])
def test_spectral_normalization_of_frozen_or_lora_dense(freeze):
    """Does SpectralNormalization keep a frozen inner Dense non-trainable, and a LoRA Dense's split?"""
    inner = L.Dense(4) if freeze else L.Dense(4, lora_rank=2)
    inner.trainable = not freeze
    assert_matches_keras(one_layer((8,), L.SpectralNormalization(inner)))
