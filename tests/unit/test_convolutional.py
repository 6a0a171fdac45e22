"""Convolution, pooling and reshaping formulas and shape arithmetic, without Keras."""

from __future__ import annotations

import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from autograder.reference import _shapes, convolutional, pooling, reshaping


@pytest.mark.parametrize(("derivation", "formula"), [
    (convolutional.conv2d(64, 3, 3), "3 × 3 × 3 × 64 + 64 = 1,792"),
    (convolutional.conv2d(64, (3, 3), 32, groups=2), "3 × 3 × (32 / 2) × 64 + 64 = 9,280"),
    (convolutional.conv2d(8, (1, 5), 4, use_bias=False), "1 × 5 × 4 × 8 = 160"),
    (convolutional.conv1d(32, 5, 16), "5 × 16 × 32 + 32 = 2,592"),
    (convolutional.conv3d(8, 3, 1), "3 × 3 × 3 × 1 × 8 + 8 = 224"),
    (convolutional.conv2d_transpose(16, 3, 32), "3 × 3 × 32 × 16 + 16 = 4,624"),
    (convolutional.conv1d_transpose(8, 3, 4, use_bias=False), "3 × 4 × 8 = 96"),
    (convolutional.depthwise_conv2d(3, 32), "3 × 3 × 32 + 32 = 320"),
    (convolutional.depthwise_conv1d(3, 8, depth_multiplier=2), "3 × 8 × 2 + 8 × 2 = 64"),
    (convolutional.separable_conv2d(64, 3, 32), "3 × 3 × 32 + 32 × 64 + 64 = 2,400"),
    (convolutional.separable_conv1d(16, 3, 8, depth_multiplier=2, use_bias=False),
     "3 × 8 × 2 + 8 × 2 × 16 = 304"),
])
def test_formula_text(derivation, formula):
    """Does each formula function write its derivation the way the book does, with the right total?"""
    assert derivation.formula == formula


def test_conv_lora_freezes_the_kernel():
    """Does Conv2D with LoRA count the kernel as non-trainable and A, B and the bias as trainable?"""
    d = convolutional.conv2d(8, 3, 4, lora_rank=2)
    assert (d.params.trainable, d.params.non_trainable) == (3 * 3 * 4 * 2 + 2 * 8 + 8, 3 * 3 * 4 * 8)
    assert "LoRA rank 2" in d.formula


@pytest.mark.parametrize(("groups", "channels", "filters"), [(2, 3, 4), (3, 6, 4), (0, 4, 4)])
def test_groups_must_divide(groups, channels, filters):
    """Are groups that do not divide the channels and the filters a ConfigError naming both?"""
    with pytest.raises(ConfigError, match=f"groups={groups}"):
        convolutional.conv2d(filters, 3, channels, groups=groups)


@pytest.mark.parametrize(("args", "kwargs", "expected"), [
    ((28, 3), {}, 26),
    ((28, 3, 2), {}, 13),
    ((28, 3, 2), {"padding": "same"}, 14),
    ((10, 3), {"padding": "causal", "dilation_rate": 4}, 10),
    ((10, 3), {"dilation_rate": 4}, 2),
    ((None, 3, 2), {}, None),
])
def test_conv_output_length(args, kwargs, expected):
    """Does one axis shrink as Keras's compute_conv_output_shape says, staying None when unknown?"""
    assert _shapes.conv_output_length(*args, **kwargs) == expected


def test_conv_output_length_too_small():
    """Is a window larger than the axis a ShapeError that suggests padding='same'?"""
    with pytest.raises(ShapeError, match="padding='same'"):
        _shapes.conv_output_length(4, 3, dilation_rate=2)


@pytest.mark.parametrize(("args", "kwargs", "expected"), [
    ((7, 3), {}, 9),
    ((7, 2, 3), {}, 21),  # max(k, s) - k extra when no output_padding
    ((7, 3, 2), {"padding": "same"}, 14),
    ((7, 4, 2), {"padding": "same", "output_padding": 1}, 13),
    ((7, 3, 3), {"output_padding": 2}, 23),
    ((7, 3), {"dilation_rate": 2}, 11),
    ((None, 3, 2), {}, None),
])
def test_conv_transpose_output_length(args, kwargs, expected):
    """Does one axis grow as Keras's compute_conv_transpose_output_shape says?"""
    assert _shapes.conv_transpose_output_length(*args, **kwargs) == expected


@pytest.mark.parametrize(("value", "n", "expected"), [
    (2, 1, ((2, 2),)), ((1, 3), 1, ((1, 3),)), (1, 2, ((1, 1), (1, 1))),
    ((1, 2), 2, ((1, 1), (2, 2))), (((0, 1), 2), 2, ((0, 1), (2, 2))), ((1, 0, 2), 3, ((1, 1), (0, 0), (2, 2))),
])
def test_normalize_pairs(value, n, expected):
    """Does every form Keras accepts for cropping and padding become (before, after) pairs?"""
    assert _shapes.normalize_pairs(value, n, "padding") == expected


@pytest.mark.parametrize("value", [(1, 2), "3", 2.0, True])
def test_normalize_tuple_rejects(value):
    """Is a wrong-length or non-int window argument a ConfigError that shows an example?"""
    with pytest.raises(ConfigError, match="kernel_size=\\(2, 2, 2\\)"):
        _shapes.normalize_tuple(value, 3, "kernel_size")


def test_channels_first_split():
    """Does channels_first put the channels right after the batch axis, and join put them back?"""
    parts = _shapes.split_spatial((None, 3, 32, 16), "channels_first")
    assert parts == (None, (32, 16), 3)
    assert _shapes.join_spatial(*parts, "channels_first") == (None, 3, 32, 16)


def test_pooling_shapes():
    """Do pooling, global pooling and adaptive pooling give their documented shapes?"""
    assert pooling.pooling_output_shape((None, 9, 3), 2, padding="same") == (None, 5, 3)
    assert pooling.global_pooling_output_shape((None, 3, 5, 5), True, "channels_first") == (None, 3, 1, 1)
    assert pooling.adaptive_pooling_output_shape((None, 9, 9, 9, 2), 4) == (None, 4, 4, 4, 2)


def test_reshaping_shapes():
    """Do Flatten, Reshape, Permute and padding keep unknown sizes unknown and infer the rest?"""
    assert reshaping.flatten_output_shape((None, 3, None)) == (None, None)
    assert reshaping.reshape_output_shape((None, None, 4), (-1, 2)) == (None, None, 2)
    assert reshaping.permute_output_shape((None, 2, 3, 4), (3, 1, 2)) == (None, 4, 2, 3)
    assert reshaping.zero_padding_output_shape((None, None, 4, 1), 1) == (None, None, 6, 1)


def test_count_layer_with_plain_arguments():
    """Does count_layer accept the int forms a learner writes, e.g. kernel_size=3?"""
    layer = reference.count_layer("Conv2D", {"filters": 64, "kernel_size": 3}, (None, 32, 32, 3))
    assert layer.output_shape == (None, 30, 30, 64)
    assert layer.formula == convolutional.conv2d(64, 3, 3).formula


def test_conv_on_rank_2_input_names_the_layer():
    """Does Conv2D on a rank-2 input raise a ShapeError naming the layer and the rank it expects?"""
    with pytest.raises(ShapeError, match=r"layer 'c' \(Conv2D\): Conv2D expects an input of rank 4"):
        reference.count_layer("Conv2D", {"name": "c", "filters": 4, "kernel_size": 3}, (None, 256))


@pytest.mark.parametrize(("class_name", "config", "message"), [
    ("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "cannot both exceed 1"),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": 2}, "less than strides"),
    ("Conv2D", {"filters": 4, "kernel_size": (3, 0)}, "must be > 0"),
    ("MaxPooling2D", {"pool_size": 2, "strides": (1, 2, 3)}, "tuple of 2 ints"),
    ("Cropping2D", {"cropping": (1, -1)}, "must be >= 0"),
])
def test_arguments_keras_refuses(class_name, config, message):
    """Is an argument that Keras itself would refuse a ConfigError saying what is allowed?"""
    with pytest.raises(ConfigError, match=message):
        reference.count_layer(class_name, config, (None, 8, 8, 3))
