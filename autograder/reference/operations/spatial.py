"""Ops over spatial axes: ``keras.ops.conv`` and the other convolutions given their kernels as tensors,
``max_pool`` / ``average_pool``, the image ops (``keras.ops.image.extract_patches``, ``resize``,
``rgb_to_grayscale``, ``pad_images``, ``crop_images``), ``depth_to_space`` and ``extract_sequences``.
The window arithmetic is the convolution layers' own (``_shapes``).
"""

from __future__ import annotations

from ...errors import ShapeError
from .._registry import Call
from .._shapes import (
    conv_output_length,
    conv_transpose_output_length,
    data_format,
    join_spatial,
    normalize_padding,
    normalize_tuple,
    split_spatial,
)
from ._base import Shape, arg, operation, tensor_arg, value_shape

__all__ = ["windowed_shape"]


def windowed_shape(shape: Shape, config: dict, window, channels, padding_modes=("valid", "same")) -> Shape:
    """A convolution's or a pooling's output: each spatial axis slid over by ``window``; ``channels`` out."""
    fmt = data_format(config)
    batch, spatial, _ = split_spatial(shape, fmt)
    window = normalize_tuple(window, len(spatial), "kernel_size")
    strides = normalize_tuple(config.get("strides") or window, len(spatial), "strides")
    dilation = normalize_tuple(config.get("dilation_rate", 1), len(spatial), "dilation_rate")
    padding = normalize_padding(config.get("padding", "valid"), padding_modes)
    sizes = tuple(conv_output_length(n, k, s, padding, d)
                  for n, k, s, d in zip(spatial, window, strides, dilation, strict=True))
    return join_spatial(batch, sizes, channels, fmt)


def _kernel(call: Call, index: int = 1, name: str = "kernel") -> Shape:
    kernel = value_shape(arg(call, index, name))
    if len(kernel) < 3:
        raise ShapeError(f"a convolution kernel has shape (*window, in, out), got {kernel}")
    return kernel


@operation("Conv")
def _conv(config: dict, call: Call) -> Shape:
    kernel = _kernel(call)
    return windowed_shape(tensor_arg(call, 0, "inputs"), config, kernel[:-2], kernel[-1], ("valid", "same", "causal"))


@operation("DepthwiseConv")
def _depthwise_conv(config: dict, call: Call) -> Shape:
    kernel = _kernel(call)
    channels = None if None in kernel[-2:] else kernel[-2] * kernel[-1]
    return windowed_shape(tensor_arg(call, 0, "inputs"), config, kernel[:-2], channels)


@operation("SeparableConv")
def _separable_conv(config: dict, call: Call) -> Shape:
    depthwise, pointwise = _kernel(call, 1, "depthwise_kernel"), _kernel(call, 2, "pointwise_kernel")
    return windowed_shape(tensor_arg(call, 0, "inputs"), config, depthwise[:-2], pointwise[-1])


@operation("ConvTranspose")
def _conv_transpose(config: dict, call: Call) -> Shape:
    kernel, fmt = _kernel(call), data_format(config)
    batch, spatial, _ = split_spatial(tensor_arg(call, 0, "inputs"), fmt)
    rank, padding = len(spatial), normalize_padding(config.get("padding", "valid"))
    strides = normalize_tuple(config.get("strides", 1), rank, "strides")
    dilation = normalize_tuple(config.get("dilation_rate", 1), rank, "dilation_rate")
    extra = config.get("output_padding")
    extra = (None,) * rank if extra is None else normalize_tuple(extra, rank, "output_padding", allow_zero=True)
    sizes = tuple(conv_transpose_output_length(n, k, s, padding=padding, output_padding=p, dilation_rate=d)
                  for n, k, s, p, d in zip(spatial, kernel[:-2], strides, extra, dilation, strict=True))
    return join_spatial(batch, sizes, kernel[-2], fmt)


@operation("MaxPool", "AveragePool")
def _pool(config: dict, call: Call) -> Shape:
    shape = tensor_arg(call, 0, "inputs")
    channels = split_spatial(shape, data_format(config))[2]
    return windowed_shape(shape, config, config["pool_size"], channels)


@operation("AdaptiveAveragePool", "AdaptiveMaxPool")
def _adaptive_pool(config: dict, call: Call) -> Shape:
    """Keras 3.15 keeps ``shape[:-len(output_size)]`` before the new sizes in channels_last (one axis too
    many: ``(None, 8, 8, 3)`` pooled to ``(2, 3)`` is ``(None, 8, 2, 3, 3)`` symbolically); the next layer is
    built on that shape, so the counter follows it."""
    shape, fmt = tensor_arg(call, 0, "inputs"), data_format(config)
    size = tuple(config["output_size"])
    if fmt == "channels_last":
        return (*shape[:-len(size)], *size, shape[-1])
    return (shape[0], shape[1], *size)


def _image_axes(shape: Shape, config: dict) -> tuple[int, int]:
    if len(shape) not in (3, 4):
        raise ShapeError(f"image ops take (height, width, channels) images or batches of them, got shape {shape}")
    return (-3, -2) if data_format(config) == "channels_last" else (-2, -1)


@operation("Resize")
def _resize(config: dict, call: Call) -> Shape:
    shape = list(tensor_arg(call, 0, "images"))
    height, width = _image_axes(tuple(shape), config)
    shape[height], shape[width] = config["size"]
    return tuple(shape)


@operation("RGBToGrayscale")
def _grayscale(config: dict, call: Call) -> Shape:
    shape = list(tensor_arg(call, 0, "images"))
    _image_axes(tuple(shape), config)
    shape[-1 if data_format(config) == "channels_last" else -3] = 1
    return tuple(shape)


@operation("SobelEdges")
def _sobel_edges(config: dict, call: Call) -> Shape:
    return (*tensor_arg(call, 0, "images"), 2)


@operation("ExtractPatches")
def _extract_patches(config: dict, call: Call) -> Shape:
    """One patch per window position, flattened into ``size × size × channels`` values (a ViT's first step)."""
    shape, size = tensor_arg(call, 0, "images"), config["size"]
    size = normalize_tuple(size, 2, "size") if isinstance(size, int) else tuple(size)
    unbatched = len(shape) == len(size) + 1
    full = (1, *shape) if unbatched else shape
    channels = split_spatial(full, data_format(config))[2]
    values = None if channels is None else channels
    for s in size:
        values = None if values is None else values * s
    out = windowed_shape(full, {**config, "strides": config.get("strides") or size}, size, values)
    return out[1:] if unbatched else out


@operation("PadImages", "CropImages")
def _pad_or_crop(config: dict, call: Call) -> Shape:
    """Pad or crop to a target size, or by the given amounts on each side."""
    shape = list(tensor_arg(call, 0, "images"))
    height, width = _image_axes(tuple(shape), config)
    kind = "padding" if "top_padding" in config else "cropping"
    sign = 1 if kind == "padding" else -1
    for axis, (before, after, target) in ((height, ("top", "bottom", "target_height")),
                                          (width, ("left", "right", "target_width"))):
        if config.get(target) is not None:
            shape[axis] = config[target]
        elif shape[axis] is not None:
            shape[axis] += sign * ((config.get(f"{before}_{kind}") or 0) + (config.get(f"{after}_{kind}") or 0))
    return tuple(shape)


def _blocks(shape: Shape, config: dict, grow: bool) -> Shape:
    """Move ``block_size × block_size`` blocks between the spatial axes and the channels."""
    if len(shape) != 4:
        raise ShapeError(f"depth_to_space and space_to_depth need a 4D input, got shape {shape}")
    fmt, block = data_format(config), config["block_size"]
    batch, spatial, channels = split_spatial(shape, fmt)
    if grow:  # depth to space: each channel group becomes a block of pixels
        spatial = tuple(None if n is None else n * block for n in spatial)
        channels = None if channels is None else channels // block ** 2
    else:
        spatial = tuple(None if n is None else n // block for n in spatial)
        channels = None if channels is None else channels * block ** 2
    return join_spatial(batch, spatial, channels, fmt)


@operation("DepthToSpace")
def _depth_to_space(config: dict, call: Call) -> Shape:
    return _blocks(tensor_arg(call), config, grow=True)


@operation("SpaceToDepth")
def _space_to_depth(config: dict, call: Call) -> Shape:
    return _blocks(tensor_arg(call), config, grow=False)


@operation("ExtractSequences")
def _extract_sequences(config: dict, call: Call) -> Shape:
    shape, length, stride = tensor_arg(call), config["sequence_length"], config["sequence_stride"]
    count = None if shape[-1] is None else 1 + (shape[-1] - length) // stride
    return (*shape[:-1], count, length)
