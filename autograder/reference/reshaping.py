"""Reshaping layers (``keras/src/layers/reshaping``): no weights, only new shapes.

Their output shape is what the next layer builds on, so a wrong shape here is a
wrong count downstream: ``Flatten`` before a ``Dense`` decides the Dense's inputs.

    >>> flatten_output_shape((None, 7, 7, 64))
    (None, 3136)
"""

from __future__ import annotations

import math

from ..errors import ConfigError, ShapeError
from ._registry import Call, Counted, register
from ._shapes import check_rank, data_format, join_spatial, normalize_pairs, normalize_tuple, split_spatial
from ._types import Shape

__all__ = [
    "cropping_output_shape", "flatten_output_shape", "permute_output_shape", "reshape_output_shape",
    "up_sampling_output_shape", "zero_padding_output_shape",
]


def flatten_output_shape(input_shape: Shape) -> Shape:
    """Flatten: ``(batch, product of the other axes)``; unknown if any axis is (``data_format``
    only reorders the values, never the size)."""
    rest = tuple(input_shape[1:])
    size = None if None in rest else math.prod(rest)
    return (input_shape[0], size)


def reshape_output_shape(input_shape: Shape, target_shape) -> Shape:
    """Reshape: ``(batch, *target_shape)`` with a single ``-1`` inferred from the input's size.

    >>> reshape_output_shape((None, 6, 4), (-1, 2))
    (None, 12, 2)
    """
    target = tuple(target_shape)
    if any(not isinstance(d, int) or d < -1 for d in target) or target.count(-1) > 1:
        raise ConfigError(f"Reshape target_shape={target!r} must hold non-negative ints and at most "
                          "one -1 (the size to infer)")
    rest = tuple(input_shape[1:])
    if None in rest:
        return (input_shape[0], *(None if d == -1 else d for d in target))
    size, known = math.prod(rest), math.prod(d for d in target if d != -1)
    fits = size % known == 0 if -1 in target and known else size == known
    if not fits:
        raise ShapeError(f"Reshape cannot turn input shape {tuple(input_shape)} ({size:,} values per "
                         f"sample) into target_shape={target}; the sizes must multiply to {size:,}")
    return (input_shape[0], *(size // known if d == -1 else d for d in target))


def permute_output_shape(input_shape: Shape, dims) -> Shape:
    """Permute: the non-batch axes reordered by ``dims`` (1-based, the batch axis stays first)."""
    dims = tuple(dims)
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise ConfigError(f"Permute dims={dims!r} must be a permutation of 1..{len(dims)}")
    check_rank(input_shape, len(dims) + 1, "Permute", f"(batch plus the {len(dims)} axes in dims={dims})")
    return (input_shape[0], *(input_shape[d] for d in dims))


def _scale(size: int | None, factor: int) -> int | None:
    return None if size is None else size * factor


def up_sampling_output_shape(input_shape: Shape, size, data_format: str = "channels_last") -> Shape:
    """UpSamplingND: each spatial axis multiplied by its ``size``.

    >>> up_sampling_output_shape((None, 8, 8, 3), 2)
    (None, 16, 16, 3)
    """
    batch, spatial, channels = split_spatial(input_shape, data_format)
    factors = normalize_tuple(size, len(spatial), "size")
    return join_spatial(batch, tuple(map(_scale, spatial, factors)), channels, data_format)


def zero_padding_output_shape(input_shape: Shape, padding, data_format: str = "channels_last") -> Shape:
    """ZeroPaddingND: each spatial axis grows by its (before, after) padding.

    >>> zero_padding_output_shape((None, 28, 28, 1), ((1, 2), 3))
    (None, 31, 34, 1)
    """
    batch, spatial, channels = split_spatial(input_shape, data_format)
    pairs = normalize_pairs(padding, len(spatial), "padding")
    sizes = tuple(None if n is None else n + sum(p) for n, p in zip(spatial, pairs, strict=True))
    return join_spatial(batch, sizes, channels, data_format)


def cropping_output_shape(input_shape: Shape, cropping, data_format: str = "channels_last") -> Shape:
    """CroppingND: each spatial axis shrinks by its (before, after) cropping; something must be left.

    >>> cropping_output_shape((None, 28, 28, 1), ((2, 2), (4, 4)))
    (None, 24, 20, 1)
    """
    batch, spatial, channels = split_spatial(input_shape, data_format)
    pairs = normalize_pairs(cropping, len(spatial), "cropping")
    sizes = tuple(None if n is None else n - sum(p) for n, p in zip(spatial, pairs, strict=True))
    for n, p, left in zip(spatial, pairs, sizes, strict=True):
        if left is not None and left <= 0:
            raise ShapeError(f"cropping {p} removes {sum(p)} of an axis of size {n} in input shape "
                             f"{tuple(input_shape)}; crop less than the axis size")
    return join_spatial(batch, sizes, channels, data_format)


@register("Flatten")
def _flatten(config: dict, call: Call) -> Counted:
    data_format(config)
    return Counted(flatten_output_shape(call.shape))


@register("Reshape")
def _reshape(config: dict, call: Call) -> Counted:
    return Counted(reshape_output_shape(call.shape, config["target_shape"]))


@register("Permute")
def _permute(config: dict, call: Call) -> Counted:
    return Counted(permute_output_shape(call.shape, config["dims"]))


@register("RepeatVector")
def _repeat_vector(config: dict, call: Call) -> Counted:
    check_rank(call.shape, 2, "RepeatVector", "(batch, features)")
    return Counted((call.shape[0], config["n"], call.shape[1]))


def _register_resizing(rank: int, kind: str, function, key: str, default) -> None:
    name = f"{kind}{rank}D"

    @register(name)
    def _rule(config: dict, call: Call) -> Counted:
        check_rank(call.shape, rank + 2, name)
        # Cropping1D has no data_format: it always crops axis 1.
        fmt = "channels_last" if name == "Cropping1D" else data_format(config)
        return Counted(function(call.shape, config.get(key, default), fmt))


for _rank in (1, 2, 3):
    _register_resizing(_rank, "UpSampling", up_sampling_output_shape, "size", 2)
    _register_resizing(_rank, "ZeroPadding", zero_padding_output_shape, "padding", 1)
_register_resizing(1, "Cropping", cropping_output_shape, "cropping", 1)
_register_resizing(2, "Cropping", cropping_output_shape, "cropping", 0)
_register_resizing(3, "Cropping", cropping_output_shape, "cropping", 1)
