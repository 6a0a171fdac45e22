"""Assignment 4, convolutions: kernels, channels, groups, depthwise, separable and transposed."""

from __future__ import annotations

from ...reference.convolutional import conv2d
from ..variants import Size, Template
from ._spec import Arg, Bank

bank = Bank("a04_convolutions")


def _one(layer, shape, name):
    import keras

    return keras.Sequential([keras.Input(shape=shape, name="image"), layer], name=name)


def _rgb(filters=64, name="rgb_conv"):
    import keras

    return _one(keras.layers.Conv2D(filters, 3, name="conv"), (32, 32, 3), name)


def _cnn():
    import keras

    return keras.Sequential([
        keras.Input(shape=(28, 28, 1), name="image"),
        keras.layers.Conv2D(16, 5, activation="relu", name="conv"),
        keras.layers.MaxPooling2D(3, name="pool"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, name="dense"),
    ], name="small_cnn")


def _kinds():
    import keras

    return {
        "grouped_conv": lambda: _one(keras.layers.Conv2D(64, 3, groups=4, name="conv"), (16, 16, 32),
                                     "grouped_conv"),
        "depthwise_conv": lambda: _one(keras.layers.DepthwiseConv2D(3, depth_multiplier=2, name="conv"),
                                       (16, 16, 32), "depthwise_conv"),
        "separable_conv": lambda: _one(keras.layers.SeparableConv2D(64, 3, name="conv"), (16, 16, 32),
                                       "separable_conv"),
        "transposed_conv": lambda: _one(keras.layers.Conv2DTranspose(16, 3, strides=2, name="conv"),
                                        (8, 8, 32), "transposed_conv"),
    }


MODELS = {"rgb_conv": _rgb, "rgb_conv_budget": lambda: _rgb(filters=40, name="rgb_conv_budget"),
          "small_cnn": _cnn,
          **{name: (lambda name=name: _kinds()[name]()) for name in
             ("grouped_conv", "depthwise_conv", "separable_conv", "transposed_conv")}}


def _layer_prompt(what: str) -> str:
    return f"{what}: how many parameters does `conv` have?"


def _one_code(layer: str, shape: str) -> str:
    return f"""keras.Sequential([
    keras.Input(shape=({shape})),
    keras.layers.{layer},
])"""


_SIDE = ("image.batch_shape.1", "image.batch_shape.2")
_CHANNELS = Size("channels", "image.batch_shape.3", range(4, 129))
_RGB = (Size("side", _SIDE, range(16, 129)), Size("filters", "conv.filters", range(8, 257)),
        Size("kernel", "conv.kernel_size", (1, 3, 5, 7)))
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "rgb_conv": Template(_one_code('Conv2D({filters}, {kernel}, name="conv")', "{side}, {side}, 3"), _RGB),
    "rgb_conv_budget": Template(_one_code('Conv2D({filters}, {kernel}, name="conv")', "{side}, {side}, 3"), _RGB),
    "small_cnn": Template("""keras.Sequential([
    keras.Input(shape=({side}, {side}, 1), name="image"),
    keras.layers.Conv2D({filters}, {kernel}, activation="relu", name="conv"),
    keras.layers.MaxPooling2D({pool}, name="pool"),
    keras.layers.Flatten(name="flatten"),
    keras.layers.Dense({units}, name="dense"),
])""", (Size("side", _SIDE, range(20, 65)), Size("filters", "conv.filters", range(4, 65)),
        Size("kernel", "conv.kernel_size", (3, 5, 7)), Size("pool", ("pool.pool_size", "pool.strides"), (2, 3, 4)),
        Size("units", "dense.units", range(2, 33)))),
    "grouped_conv": Template(
        _one_code('Conv2D({filters}, {kernel}, groups={groups}, name="conv")', "16, 16, {channels}"),
        (Size("channels", "image.batch_shape.3", range(8, 129, 8)), Size("filters", "conv.filters", range(8, 257, 8)),
         Size("kernel", "conv.kernel_size", (1, 3, 5)), Size("groups", "conv.groups", (2, 4, 8)))),
    "depthwise_conv": Template(
        _one_code('DepthwiseConv2D({kernel}, depth_multiplier={multiplier}, name="conv")', "16, 16, {channels}"),
        (_CHANNELS, Size("kernel", "conv.kernel_size", (3, 5, 7)),
         Size("multiplier", "conv.depth_multiplier", (1, 2, 3, 4)))),
    "separable_conv": Template(
        _one_code('SeparableConv2D({filters}, {kernel}, name="conv")', "16, 16, {channels}"),
        (_CHANNELS, Size("filters", "conv.filters", range(8, 257)), Size("kernel", "conv.kernel_size", (3, 5)))),
    "transposed_conv": Template(
        _one_code('Conv2DTranspose({filters}, {kernel}, strides={strides}, name="conv")', "8, 8, {channels}"),
        (_CHANNELS, Size("filters", "conv.filters", range(4, 129)), Size("kernel", "conv.kernel_size", (2, 3, 4, 5)),
         Size("strides", "conv.strides", (1, 2, 3)))),
}


def questions():
    return [
        bank.count("conv.rgb.layer", "rgb_conv", "layer:conv",
                   _layer_prompt("Conv2D({filters}, {kernel}) on a {side} × {side} RGB image")),
        bank.count("conv.cnn.dense", "small_cnn", "layer:dense",
                   "{side} × {side} × 1 → Conv2D({filters}, {kernel}) → MaxPooling2D({pool}) → Flatten → "
                   "Dense({units}): how many parameters does the Dense layer have?"),
        bank.count("conv.grouped.layer", "grouped_conv", "layer:conv",
                   _layer_prompt("Conv2D({filters}, {kernel}, groups={groups}) on 16 × 16 × {channels}")),
        bank.count("conv.depthwise.layer", "depthwise_conv", "layer:conv",
                   _layer_prompt("DepthwiseConv2D({kernel}, depth_multiplier={multiplier}) on 16 × 16 × {channels}")),
        bank.count("conv.separable.layer", "separable_conv", "layer:conv",
                   _layer_prompt("SeparableConv2D({filters}, {kernel}) on 16 × 16 × {channels}")),
        bank.count("conv.transpose.layer", "transposed_conv", "layer:conv",
                   _layer_prompt("Conv2DTranspose({filters}, {kernel}, strides={strides}) on 8 × 8 × {channels}")),
        bank.function("conv.fn.conv2d_params", "conv2d_params(kernel_size, input_channels, filters, use_bias=True)",
                      (Arg("kernel_size", range(1, 8)), Arg("input_channels", range(1, 513)),
                       Arg("filters", range(1, 513)), Arg("use_bias", (True, False), default=True)),
                      lambda kernel_size, input_channels, filters, use_bias=True: conv2d(
                          filters, kernel_size, input_channels, use_bias=use_bias),
                      lambda kernel_size, input_channels, filters, use_bias=True: (
                          "Conv2D", {"filters": filters, "kernel_size": [kernel_size, kernel_size],
                                     "use_bias": use_bias}, (None, 16, 16, input_channels)),
                      "Write `conv2d_params(kernel_size, input_channels, filters, use_bias=True)` for "
                      "a square `kernel_size × kernel_size` Conv2D."),
        bank.budget("conv.budget.filters", "rgb_conv_budget", "layer:conv", ("conv", "filters"),
                    "Choose the number of filters of a {kernel} × {kernel} Conv2D on an RGB image so that it has "
                    "exactly {target:,} parameters."),
    ]
