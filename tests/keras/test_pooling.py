"""Pooling layers against live Keras: zero parameters, exact output shapes."""

from __future__ import annotations

import re

import keras
import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers
SPATIAL = {1: (11,), 2: (11, None), 3: (7, 9, None)}


def check(layer, rank: int, channels_first: bool = False):
    """``Input → layer`` on a 3-channel input of the given rank, compared with Keras."""
    spatial = SPATIAL[rank]
    shape = (3, *spatial) if channels_first else (*spatial, 3)
    return assert_matches_keras(keras.Sequential([keras.Input(shape=shape), layer]))


POOLING = [
    dict(pool_size=2),
    dict(pool_size=3),
    dict(pool_size=3, strides=1),
    dict(pool_size=2, strides=3, padding="same"),
    dict(pool_size=3, strides=2, padding="same", data_format="channels_first"),
]


@pytest.mark.parametrize("kwargs", POOLING)
@pytest.mark.parametrize("kind", ["Max", "Average"])
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_pooling(kwargs, kind, rank):
    """Do Max/AveragePoolingND give Keras's shapes, with strides defaulting to the pool size?"""
    if kind == "Max" and kwargs == {"pool_size": 2}:
        kwargs = {}  # MaxPooling's own default pool_size
    layer = getattr(L, f"{kind}Pooling{rank}D")(**kwargs)
    ours = check(layer, rank, kwargs.get("data_format") == "channels_first")
    assert ours.total == 0


@pytest.mark.parametrize("kwargs", [dict(), dict(keepdims=True), dict(data_format="channels_first"),
                                    dict(data_format="channels_first", keepdims=True)])
@pytest.mark.parametrize("kind", ["Max", "Average"])
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_global_pooling(kwargs, kind, rank):
    """Do GlobalMax/GlobalAveragePoolingND drop (or keep as 1) the spatial axes as Keras does?"""
    layer = getattr(L, f"Global{kind}Pooling{rank}D")(**kwargs)
    check(layer, rank, kwargs.get("data_format") == "channels_first")


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("kind", ["Max", "Average"])
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_adaptive_pooling(data_format, kind, rank):
    """Do AdaptiveMax/AdaptiveAveragePoolingND set the spatial axes to output_size, as Keras does?"""
    output_size = 4 if rank != 2 else (4, 2)
    layer = getattr(L, f"Adaptive{kind}Pooling{rank}D")(output_size, data_format=data_format)
    check(layer, rank, data_format == "channels_first")


def test_pooling_feeds_the_next_layer():
    """Does a pooled shape give the following Dense its right number of inputs, as in Keras?"""
    model = keras.Sequential([keras.Input(shape=(10, 10, 4)), L.MaxPooling2D(3, strides=2), L.Flatten(),
                              L.Dense(3)])
    assert_matches_keras(model)


@pytest.mark.parametrize(("class_name", "config", "shape", "message"), [
    ("MaxPooling2D", {}, (None, 8, 3), "rank 4"),
    ("GlobalAveragePooling1D", {}, (None, 4, 4, 3), "rank 3"),
    ("AveragePooling2D", {"pool_size": 5}, (None, 3, 8, 3), "smaller than the window"),
])
def test_shape_errors_name_the_layer(class_name, config, shape, message):
    """Does pooling an input it cannot take raise ShapeError naming the layer?"""
    with pytest.raises(ShapeError, match=re.escape(message)) as err:
        reference.count_layer(class_name, {"name": "pool", **config}, shape)
    assert f"'pool' ({class_name})" in str(err.value)


def test_pooling_rejects_causal_padding():
    """Is padding='causal' on a pooling layer a ConfigError listing the paddings it takes?"""
    with pytest.raises(ConfigError, match="'valid' or 'same'"):
        reference.count_layer("MaxPooling1D", {"padding": "causal"}, (None, 8, 3))
