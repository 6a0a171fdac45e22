"""Reshaping layers against live Keras: zero parameters, exact output shapes."""

from __future__ import annotations

import re

import keras
import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers


def check(layer, shape):
    """Build ``Input(shape) → layer`` and compare the reference counter with Keras."""
    return assert_matches_keras(keras.Sequential([keras.Input(shape=shape), layer]))


@pytest.mark.parametrize("shape", [(5,), (4, 6), (3, None, 2), (2, 3, 4, 5)])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_flatten(shape, data_format):
    """Does Flatten give Keras's (batch, product) shape, unknown when any axis is?"""
    check(L.Flatten(data_format=data_format), shape)


@pytest.mark.parametrize(("shape", "target"), [
    ((12,), (3, 4)), ((12,), (-1, 2)), ((4, 6), (-1,)), ((2, 3, 4), (4, -1, 2)), ((None, 4), (-1, 2)),
])
def test_reshape(shape, target):
    """Does Reshape infer its -1 from the input size as Keras does, and leave it unknown on unknown input?"""
    check(L.Reshape(target), shape)


@pytest.mark.parametrize(("shape", "dims"), [((3, 4), (2, 1)), ((2, None, 4), (3, 1, 2)), ((5,), (1,))])
def test_permute(shape, dims):
    """Does Permute reorder the non-batch axes as Keras does?"""
    check(L.Permute(dims), shape)


def test_repeat_vector_feeds_an_rnn_sized_dense():
    """Does RepeatVector give (batch, n, features), so a following Dense counts as in Keras?"""
    model = keras.Sequential([keras.Input(shape=(6,)), L.RepeatVector(4), L.Dense(3)])
    assert_matches_keras(model)


PAIRS = {1: [1, (1, 2), (0, 3)],
         2: [1, (1, 2), ((0, 1), (2, 3)), ((1, 1), 2)],
         3: [1, (1, 0, 2), ((0, 1), (2, 0), (1, 1))]}
CASES = [(rank, value) for rank, values in PAIRS.items() for value in values]
SPATIAL = {1: (9,), 2: (9, None), 3: (9, 8, None)}


def _shape(rank, channels_first):
    return (2, *SPATIAL[rank]) if channels_first else (*SPATIAL[rank], 2)


@pytest.mark.parametrize(("rank", "value"), CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_zero_padding(rank, value, data_format):
    """Does ZeroPaddingND grow each axis by its padding in every argument form Keras accepts?"""
    layer = getattr(L, f"ZeroPadding{rank}D")(value, data_format=data_format)
    check(layer, _shape(rank, data_format == "channels_first"))


@pytest.mark.parametrize(("rank", "value"), CASES)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_cropping(rank, value, data_format):
    """Does CroppingND shrink each axis by its cropping in every argument form Keras accepts?"""
    kwargs = {} if rank == 1 else {"data_format": data_format}
    layer = getattr(L, f"Cropping{rank}D")(value, **kwargs)
    check(layer, _shape(rank, rank > 1 and data_format == "channels_first"))


@pytest.mark.parametrize(("rank", "size"), [(1, 3), (2, 2), (2, (1, 3)), (3, 2), (3, (2, 1, 3))])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_up_sampling(rank, size, data_format):
    """Does UpSamplingND multiply each spatial axis by its size, keeping unknown axes unknown?"""
    kwargs = {} if rank == 1 else {"data_format": data_format}
    layer = getattr(L, f"UpSampling{rank}D")(size, **kwargs)
    check(layer, _shape(rank, rank > 1 and data_format == "channels_first"))


def test_default_arguments():
    """Do the layers' default arguments (as count_layer leaves them out) give Keras's shapes?"""
    for class_name, shape in [("Cropping1D", (None, 9, 2)), ("Cropping3D", (None, 5, 5, 5, 2)),
                              ("ZeroPadding2D", (None, 4, 4, 2)), ("UpSampling1D", (None, 4, 2))]:
        ours = reference.count_layer(class_name, {}, shape)
        theirs = getattr(L, class_name)().compute_output_shape(shape)
        assert list(ours.output_shape) == list(theirs), class_name


@pytest.mark.parametrize(("class_name", "config", "shape", "error", "message"), [
    ("Reshape", {"target_shape": [5, -1]}, (None, 12), ShapeError, "12 values per sample"),
    ("Reshape", {"target_shape": [3, 5]}, (None, 12), ShapeError, "multiply to 12"),
    ("Reshape", {"target_shape": [-1, -1]}, (None, 12), ConfigError, "at most one -1"),
    ("Permute", {"dims": [2, 1]}, (None, 3, 4, 5), ShapeError, "rank 3"),
    ("Permute", {"dims": [0, 1]}, (None, 3, 4), ConfigError, "permutation of 1..2"),
    ("RepeatVector", {"n": 3}, (None, 3, 4), ShapeError, "rank 2"),
    ("Cropping2D", {"cropping": ((2, 2), (0, 0))}, (None, 4, 4, 1), ShapeError, "crop less"),
    ("ZeroPadding2D", {"padding": (1, 2, 3)}, (None, 4, 4, 1), ConfigError, "tuple of 2 ints"),
    ("UpSampling3D", {}, (None, 4, 4, 1), ShapeError, "rank 5"),
])
def test_errors_name_the_layer(class_name, config, shape, error, message):
    """Does a reshaping layer given an impossible input or argument raise a clear error (naming the layer
    for a shape problem, the argument for a config problem)?"""
    with pytest.raises(error, match=re.escape(message)) as err:
        reference.count_layer(class_name, {"name": "shaper", **config}, shape)
    if error is ShapeError:
        assert f"'shaper' ({class_name})" in str(err.value)
    else:
        assert next(iter(config)) in str(err.value)


def test_convolutional_autoencoder():
    """Does a small autoencoder (pad, conv, pool, upsample, transpose, crop, reshape) match Keras
    layer by layer, in channels_first?"""
    cf = {"data_format": "channels_first"}
    model = keras.Sequential([
        keras.Input(shape=(1, 26, 26)), L.ZeroPadding2D(1, **cf), L.Conv2D(8, 3, padding="same", **cf),
        L.MaxPooling2D(2, **cf), L.Conv2D(4, 3, **cf), L.UpSampling2D(2, **cf),
        L.Conv2DTranspose(8, 3, strides=2, **cf), L.Cropping2D(((1, 2), (3, 0)), **cf),
        L.Flatten(), L.Reshape((-1, 8)), L.Permute((2, 1)), L.Dense(2)])
    assert_matches_keras(model)
