"""Convolutional layers against live Keras: counts, splits and output shapes."""

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


CONV1D = [
    dict(filters=4, kernel_size=3),
    dict(filters=4, kernel_size=3, padding="same", strides=2),
    dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2),
    dict(filters=6, kernel_size=2, groups=3),
    dict(filters=4, kernel_size=(5,), use_bias=False, strides=3),
    dict(filters=4, kernel_size=3, data_format="channels_first"),
]


@pytest.mark.parametrize("kwargs", CONV1D)
@pytest.mark.parametrize("shape", [(11, 6), (None, 6)])
def test_conv1d(kwargs, shape):
    """Does Conv1D match Keras for each padding, stride, dilation, groups and data format, on known
    and unknown lengths?"""
    if kwargs.get("data_format") == "channels_first":
        shape = (6, shape[0])
    check(L.Conv1D(**kwargs), shape)


CONV2D = [
    dict(filters=8, kernel_size=3),
    dict(filters=8, kernel_size=(3, 5), strides=(2, 1), padding="same"),
    dict(filters=8, kernel_size=3, dilation_rate=(2, 3)),
    dict(filters=8, kernel_size=3, groups=2, use_bias=False),
    dict(filters=8, kernel_size=1, strides=3),
    dict(filters=8, kernel_size=3, data_format="channels_first", padding="same", strides=2),
    dict(filters=8, kernel_size=3, lora_rank=2),
]


@pytest.mark.parametrize("kwargs", CONV2D)
@pytest.mark.parametrize("spatial", [(13, 12), (None, 12)])
def test_conv2d(kwargs, spatial):
    """Does Conv2D match Keras (kernel shapes, strides, dilation, groups, channels_first, LoRA)?"""
    channels_first = kwargs.get("data_format") == "channels_first"
    check(L.Conv2D(**kwargs), (4, *spatial) if channels_first else (*spatial, 4))


@pytest.mark.parametrize("kwargs", [
    dict(filters=2, kernel_size=3),
    dict(filters=4, kernel_size=(1, 2, 3), strides=2, padding="same", groups=2),
    dict(filters=2, kernel_size=2, dilation_rate=2, use_bias=False),
    dict(filters=2, kernel_size=3, data_format="channels_first"),
])
def test_conv3d(kwargs):
    """Does Conv3D match Keras, including groups and channels_first?"""
    channels_first = kwargs.get("data_format") == "channels_first"
    check(L.Conv3D(**kwargs), (2, 7, None, 6) if channels_first else (7, None, 6, 2))


TRANSPOSE = [
    dict(kernel_size=3),
    dict(kernel_size=3, strides=2),
    dict(kernel_size=2, strides=3),
    dict(kernel_size=3, strides=2, padding="same"),
    dict(kernel_size=4, strides=2, padding="same", output_padding=1),
    dict(kernel_size=3, strides=3, padding="valid", output_padding=2),
    dict(kernel_size=3, dilation_rate=2, use_bias=False),
    dict(kernel_size=3, strides=2, data_format="channels_first"),
]


@pytest.mark.parametrize("kwargs", TRANSPOSE)
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_conv_transpose(kwargs, rank):
    """Does ConvNDTranspose match Keras's counts and its exact output shapes (strides, output_padding,
    dilation, padding, data_format)?"""
    layer = getattr(L, f"Conv{rank}DTranspose")(filters=3, **kwargs)
    spatial = (5, None, 4)[:rank]
    check(layer, (2, *spatial) if kwargs.get("data_format") == "channels_first" else (*spatial, 2))


@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=3),
    dict(kernel_size=3, depth_multiplier=3, strides=2, padding="same"),
    dict(kernel_size=2, use_bias=False, dilation_rate=2),
    dict(kernel_size=3, data_format="channels_first", depth_multiplier=2),
])
@pytest.mark.parametrize("kind", ["DepthwiseConv", "SeparableConv"])
@pytest.mark.parametrize("rank", [1, 2])
def test_depthwise_and_separable(kwargs, kind, rank):
    """Do DepthwiseConvND and SeparableConvND match Keras, with depth multipliers and without bias?"""
    extra = {"filters": 5} if kind == "SeparableConv" else {}
    layer = getattr(L, f"{kind}{rank}D")(**extra, **kwargs)
    spatial = (9, None)[:rank]
    check(layer, (4, *spatial) if kwargs.get("data_format") == "channels_first" else (*spatial, 4))


def test_frozen_conv_is_non_trainable():
    """Does freezing a Conv2D move its kernel and bias to non-trainable, as in Keras?"""
    conv = L.Conv2D(8, 3, trainable=False)
    ours = check(conv, (8, 8, 3))
    assert ours.non_trainable == conv.count_params()


def test_small_cnn():
    """Does a small CNN (conv, pool, conv, flatten, dense) match Keras layer by layer?"""
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)), L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(),
        L.SeparableConv2D(32, 3, padding="same"), L.DepthwiseConv2D(3), L.GlobalAveragePooling2D(),
        L.Dense(10)])
    assert_matches_keras(model)


def keras_rejects(layer, shape) -> bool:
    """Does Keras itself refuse to apply ``layer`` to an input of ``shape`` (with a ValueError, or a
    TypeError where it does arithmetic on an unknown channel count)?"""
    try:
        layer(keras.KerasTensor((None, *shape)))
    except (ValueError, TypeError):
        return True
    return False


@pytest.mark.parametrize(("class_name", "config", "shape", "message"), [
    ("Conv2D", {"filters": 4, "kernel_size": 3}, (None, 8), "rank 4"),
    ("Conv1D", {"filters": 4, "kernel_size": 3}, (None, 4, 4, 3), "rank 3"),
    ("Conv2D", {"filters": 4, "kernel_size": 5}, (None, 3, 8, 3), "padding='same'"),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "dilation_rate": 3}, (None, 6, 6, 3), "dilated to 7"),
    ("Conv2D", {"filters": 4, "kernel_size": 3}, (None, 8, 8, None), "unknown (None)"),
    ("DepthwiseConv2D", {"kernel_size": 3}, (None, 8, 3), "rank 4"),
    ("Conv3DTranspose", {"filters": 4, "kernel_size": 3}, (None, 8, 8, 3), "rank 5"),
])
def test_shape_errors_name_the_layer(class_name, config, shape, message):
    """Does a convolution on an input it cannot take raise ShapeError naming the layer, where Keras
    also refuses?"""
    with pytest.raises(ShapeError, match=re.escape(message)) as err:
        reference.count_layer(class_name, {"name": "my_conv", **config}, shape)
    assert f"'my_conv' ({class_name})" in str(err.value)
    assert keras_rejects(getattr(L, class_name).from_config(config), shape[1:])


def test_groups_must_divide_channels():
    """Are groups that do not divide the input channels a ConfigError, as Keras refuses them too?"""
    with pytest.raises(ConfigError, match="groups=2"):
        reference.count_layer("Conv2D", {"filters": 4, "kernel_size": 3, "groups": 2}, (None, 8, 8, 3))
    assert keras_rejects(L.Conv2D(4, 3, groups=2), (8, 8, 3))


def test_causal_padding_is_conv1d_only():
    """Is padding='causal' on a Conv2D a ConfigError that lists the paddings Conv2D takes?"""
    with pytest.raises(ConfigError, match="'valid' or 'same'"):
        reference.count_layer("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, (None, 8, 8, 3))
