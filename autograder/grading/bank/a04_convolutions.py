"""Assignment 4, convolutions: kernels, channels, groups, depthwise, separable and transposed."""

from __future__ import annotations

from ...reference.convolutional import conv2d
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


def questions():
    return [
        bank.count("conv.rgb.layer", "rgb_conv", "layer:conv",
                   _layer_prompt("Conv2D(64, 3) on a 32 × 32 RGB image")),
        bank.count("conv.cnn.dense", "small_cnn", "layer:dense",
                   "28 × 28 × 1 → Conv2D(16, 5) → MaxPooling2D(3) → Flatten → Dense(10): how many "
                   "parameters does the Dense layer have?"),
        bank.count("conv.grouped.layer", "grouped_conv", "layer:conv",
                   _layer_prompt("Conv2D(64, 3, groups=4) on 16 × 16 × 32")),
        bank.count("conv.depthwise.layer", "depthwise_conv", "layer:conv",
                   _layer_prompt("DepthwiseConv2D(3, depth_multiplier=2) on 16 × 16 × 32")),
        bank.count("conv.separable.layer", "separable_conv", "layer:conv",
                   _layer_prompt("SeparableConv2D(64, 3) on 16 × 16 × 32")),
        bank.count("conv.transpose.layer", "transposed_conv", "layer:conv",
                   _layer_prompt("Conv2DTranspose(16, 3, strides=2) on 8 × 8 × 32")),
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
                    "Choose the number of filters of a 3 × 3 Conv2D on an RGB image so that it has "
                    "exactly {target:,} parameters."),
    ]
