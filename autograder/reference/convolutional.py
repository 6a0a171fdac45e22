"""Convolutional layers (``keras/src/layers/convolutional``).

A convolution has one kernel per filter, spanning the window and the input channels,
plus one bias per filter::

    >>> conv2d(filters=64, kernel_size=3, input_channels=3).formula
    '3 × 3 × 3 × 64 + 64 = 1,792'
    >>> conv2d(filters=64, kernel_size=3, input_channels=32, groups=2).formula
    '3 × 3 × (32 / 2) × 64 + 64 = 9,280'

Transposed, depthwise and separable convolutions rearrange the same pieces.
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import ConfigError, ShapeError
from ._expr import Expr, product, term
from ._registry import Call, Counted, register
from ._shapes import (
    check_rank,
    conv_output_length,
    conv_transpose_output_length,
    data_format,
    join_spatial,
    normalize_padding,
    normalize_tuple,
    split_spatial,
)
from ._types import Derivation, Shape

__all__ = [
    "conv1d", "conv1d_transpose", "conv2d", "conv2d_transpose", "conv3d", "conv3d_transpose",
    "depthwise_conv1d", "depthwise_conv2d", "separable_conv1d", "separable_conv2d",
]


# ---------------------------------------------------------------- formula functions


def _kernel(kernel_size, rank: int) -> Expr:
    return product(normalize_tuple(kernel_size, rank, "kernel_size"))


def _with_bias(weights: Expr, bias: Expr | int, use_bias: bool) -> Derivation:
    return Derivation(weights + bias if use_bias else weights)


def _conv(rank: int, filters: int, kernel_size, input_channels: int, *, groups: int, use_bias: bool,
          lora_rank: int | None) -> Derivation:
    if groups < 1 or input_channels % groups or filters % groups:
        raise ConfigError(f"groups={groups} must be a positive divisor of both the input channels "
                          f"({input_channels}) and filters ({filters}); change groups or the channels")
    channels = term(input_channels) if groups == 1 else term(input_channels // groups,
                                                              f"{input_channels} / {groups}")
    window = _kernel(kernel_size, rank) * channels
    kernel = window * term(filters)
    if not lora_rank:
        return _with_bias(kernel, term(filters), use_bias)
    # LoRA freezes the kernel; A has the kernel's shape with filters replaced by the rank, B is r × F.
    lora = window * term(lora_rank) + term(lora_rank) * term(filters)
    return Derivation(lora + term(filters) if use_bias else lora, kernel,
                      note=f"LoRA rank {lora_rank}: kernel frozen")


def conv1d(filters: int, kernel_size, input_channels: int, *, groups: int = 1, use_bias: bool = True,
           lora_rank: int | None = None) -> Derivation:
    """Conv1D: ``k × (C / groups) × F + F``.

    >>> conv1d(filters=32, kernel_size=5, input_channels=16).formula
    '5 × 16 × 32 + 32 = 2,592'
    """
    return _conv(1, filters, kernel_size, input_channels, groups=groups, use_bias=use_bias,
                 lora_rank=lora_rank)


def conv2d(filters: int, kernel_size, input_channels: int, *, groups: int = 1, use_bias: bool = True,
           lora_rank: int | None = None) -> Derivation:
    """Conv2D: ``kh × kw × (C / groups) × F + F``.

    >>> conv2d(filters=64, kernel_size=(3, 3), input_channels=3).formula
    '3 × 3 × 3 × 64 + 64 = 1,792'
    """
    return _conv(2, filters, kernel_size, input_channels, groups=groups, use_bias=use_bias,
                 lora_rank=lora_rank)


def conv3d(filters: int, kernel_size, input_channels: int, *, groups: int = 1, use_bias: bool = True,
           lora_rank: int | None = None) -> Derivation:
    """Conv3D: ``kd × kh × kw × (C / groups) × F + F``.

    >>> conv3d(filters=8, kernel_size=3, input_channels=1, use_bias=False).formula
    '3 × 3 × 3 × 1 × 8 = 216'
    """
    return _conv(3, filters, kernel_size, input_channels, groups=groups, use_bias=use_bias,
                 lora_rank=lora_rank)


def _conv_transpose(rank: int, filters: int, kernel_size, input_channels: int, use_bias: bool) -> Derivation:
    return _with_bias(_kernel(kernel_size, rank) * term(input_channels) * term(filters), term(filters), use_bias)


def conv1d_transpose(filters: int, kernel_size, input_channels: int, use_bias: bool = True) -> Derivation:
    """Conv1DTranspose: ``k × C × F + F`` (no groups; strides and padding change only the shape).

    >>> conv1d_transpose(filters=8, kernel_size=3, input_channels=4).formula
    '3 × 4 × 8 + 8 = 104'
    """
    return _conv_transpose(1, filters, kernel_size, input_channels, use_bias)


def conv2d_transpose(filters: int, kernel_size, input_channels: int, use_bias: bool = True) -> Derivation:
    """Conv2DTranspose: ``kh × kw × C × F + F``.

    >>> conv2d_transpose(filters=16, kernel_size=3, input_channels=32).formula
    '3 × 3 × 32 × 16 + 16 = 4,624'
    """
    return _conv_transpose(2, filters, kernel_size, input_channels, use_bias)


def conv3d_transpose(filters: int, kernel_size, input_channels: int, use_bias: bool = True) -> Derivation:
    """Conv3DTranspose: ``kd × kh × kw × C × F + F``."""
    return _conv_transpose(3, filters, kernel_size, input_channels, use_bias)


def _per_channel(input_channels: int, depth_multiplier: int) -> Expr:
    """``C × dm`` written as just ``C`` when the depth multiplier is 1."""
    channels = term(input_channels)
    return channels if depth_multiplier == 1 else channels * term(depth_multiplier)


def _depthwise(rank: int, kernel_size, input_channels: int, depth_multiplier: int, use_bias: bool) -> Derivation:
    outputs = _per_channel(input_channels, depth_multiplier)
    return _with_bias(_kernel(kernel_size, rank) * outputs, outputs, use_bias)


def depthwise_conv1d(kernel_size, input_channels: int, depth_multiplier: int = 1,
                     use_bias: bool = True) -> Derivation:
    """DepthwiseConv1D: one ``k``-window per input channel (times ``depth_multiplier``), plus a bias each.

    >>> depthwise_conv1d(kernel_size=3, input_channels=8, depth_multiplier=2).formula
    '3 × 8 × 2 + 8 × 2 = 64'
    """
    return _depthwise(1, kernel_size, input_channels, depth_multiplier, use_bias)


def depthwise_conv2d(kernel_size, input_channels: int, depth_multiplier: int = 1,
                     use_bias: bool = True) -> Derivation:
    """DepthwiseConv2D: ``kh × kw × C × dm + C × dm``.

    >>> depthwise_conv2d(kernel_size=3, input_channels=32).formula
    '3 × 3 × 32 + 32 = 320'
    """
    return _depthwise(2, kernel_size, input_channels, depth_multiplier, use_bias)


def _separable(rank: int, filters: int, kernel_size, input_channels: int, *, depth_multiplier: int,
               use_bias: bool) -> Derivation:
    depthwise = _kernel(kernel_size, rank) * _per_channel(input_channels, depth_multiplier)
    pointwise = _per_channel(input_channels, depth_multiplier) * term(filters)
    return _with_bias(depthwise + pointwise, term(filters), use_bias)


def separable_conv1d(filters: int, kernel_size, input_channels: int, depth_multiplier: int = 1,
                     use_bias: bool = True) -> Derivation:
    """SeparableConv1D: a depthwise ``k × C × dm``, a pointwise ``C × dm × F``, and ``F`` biases.

    >>> separable_conv1d(filters=16, kernel_size=3, input_channels=8).formula
    '3 × 8 + 8 × 16 + 16 = 168'
    """
    return _separable(1, filters, kernel_size, input_channels, depth_multiplier=depth_multiplier,
                      use_bias=use_bias)


def separable_conv2d(filters: int, kernel_size, input_channels: int, depth_multiplier: int = 1,
                     use_bias: bool = True) -> Derivation:
    """SeparableConv2D: ``kh × kw × C × dm + C × dm × F + F``.

    >>> separable_conv2d(filters=64, kernel_size=3, input_channels=32).formula
    '3 × 3 × 32 + 32 × 64 + 64 = 2,400'
    """
    return _separable(2, filters, kernel_size, input_channels, depth_multiplier=depth_multiplier,
                      use_bias=use_bias)


# ---------------------------------------------------------------- rules


class _Window(NamedTuple):
    """A convolution's geometry, read from its config (a named tuple: cheap to build, immutable)."""

    rank: int
    kernel: tuple
    strides: tuple
    dilation: tuple
    padding: str
    fmt: str

    @classmethod
    def read(cls, config: dict, rank: int, allow_causal: bool = False) -> _Window:
        allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
        window = cls(rank, normalize_tuple(config["kernel_size"], rank, "kernel_size"),
                     normalize_tuple(config.get("strides", 1), rank, "strides"),
                     normalize_tuple(config.get("dilation_rate", 1), rank, "dilation_rate"),
                     normalize_padding(config.get("padding", "valid"), allowed), data_format(config))
        if max(window.strides) > 1 and max(window.dilation) > 1:
            raise ConfigError(f"strides={window.strides} and dilation_rate={window.dilation} cannot both "
                              "exceed 1 (Keras refuses it); set one of them to 1")
        return window

    def channels(self, shape: Shape, layer: str) -> int:
        """The input's channels; the shape must have the layer's rank and known channels."""
        check_rank(shape, self.rank + 2, layer)
        channels = split_spatial(shape, self.fmt)[2]
        if channels is None:
            axis = 1 if self.fmt == "channels_first" else -1
            raise ShapeError(f"{layer} builds its kernel over the channels axis ({axis}, {self.fmt}) of "
                             f"input shape {tuple(shape)}, which is unknown (None); give the Input a "
                             "fixed number of channels")
        return channels

    def output(self, shape: Shape, out_channels: int) -> Shape:
        batch, spatial, _ = split_spatial(shape, self.fmt)
        sizes = tuple(conv_output_length(n, k, s, padding=self.padding, dilation_rate=d)
                      for n, k, s, d in zip(spatial, self.kernel, self.strides, self.dilation, strict=True))
        return join_spatial(batch, sizes, out_channels, self.fmt)


def _register_conv(rank: int, formula) -> None:
    name = f"Conv{rank}D"

    @register(name, f"Convolution{rank}D")
    def _rule(config: dict, call: Call) -> Counted:
        window = _Window.read(config, rank, allow_causal=rank == 1)
        channels = window.channels(call.shape, name)
        derivation = formula(config["filters"], window.kernel, channels, groups=config.get("groups", 1),
                             use_bias=config.get("use_bias", True), lora_rank=config.get("lora_rank"))
        return Counted(window.output(call.shape, config["filters"]), derivation)


def _transpose_output(window: _Window, shape: Shape, filters: int, output_padding) -> Shape:
    batch, spatial, _ = split_spatial(shape, window.fmt)
    pads = (None,) * window.rank if output_padding is None else normalize_tuple(
        output_padding, window.rank, "output_padding", allow_zero=True)
    if any(p is not None and p >= s for p, s in zip(pads, window.strides, strict=True)):
        raise ConfigError(f"output_padding={pads} must be less than strides={window.strides} on every "
                          "axis (Keras refuses it otherwise); lower output_padding or raise strides")
    sizes = tuple(conv_transpose_output_length(n, k, s, padding=window.padding, output_padding=p, dilation_rate=d)
                  for n, k, s, p, d
                  in zip(spatial, window.kernel, window.strides, pads, window.dilation, strict=True))
    return join_spatial(batch, sizes, filters, window.fmt)


def _register_conv_transpose(rank: int, formula) -> None:
    name = f"Conv{rank}DTranspose"

    @register(name, f"Convolution{rank}DTranspose")
    def _rule(config: dict, call: Call) -> Counted:
        window = _Window.read(config, rank)
        channels = window.channels(call.shape, name)
        derivation = formula(config["filters"], window.kernel, channels, config.get("use_bias", True))
        output = _transpose_output(window, call.shape, config["filters"], config.get("output_padding"))
        return Counted(output, derivation)


def _register_depthwise(rank: int, formula) -> None:
    name = f"DepthwiseConv{rank}D"

    @register(name)
    def _rule(config: dict, call: Call) -> Counted:
        window = _Window.read(config, rank)
        channels = window.channels(call.shape, name)
        multiplier = config.get("depth_multiplier", 1)
        derivation = formula(window.kernel, channels, multiplier, config.get("use_bias", True))
        return Counted(window.output(call.shape, channels * multiplier), derivation)


def _register_separable(rank: int, formula) -> None:
    name = f"SeparableConv{rank}D"

    @register(name, f"SeparableConvolution{rank}D")
    def _rule(config: dict, call: Call) -> Counted:
        window = _Window.read(config, rank)
        channels = window.channels(call.shape, name)
        derivation = formula(config["filters"], window.kernel, channels,
                             depth_multiplier=config.get("depth_multiplier", 1), use_bias=config.get("use_bias", True))
        return Counted(window.output(call.shape, config["filters"]), derivation)


for _rank, _conv_formula, _transpose_formula in ((1, conv1d, conv1d_transpose), (2, conv2d, conv2d_transpose),
                                                 (3, conv3d, conv3d_transpose)):
    _register_conv(_rank, _conv_formula)
    _register_conv_transpose(_rank, _transpose_formula)
_register_depthwise(1, depthwise_conv1d)
_register_depthwise(2, depthwise_conv2d)
_register_separable(1, separable_conv1d)
_register_separable(2, separable_conv2d)
