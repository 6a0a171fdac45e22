"""Pooling layers (``keras/src/layers/pooling``): no weights at all, but they change the shape
that the next layer builds its weights on.

- ``MaxPooling2D(pool_size=2)`` halves each spatial axis (strides default to the pool size);
- ``GlobalAveragePooling2D()`` drops the spatial axes (or keeps them as 1 with ``keepdims``);
- ``AdaptiveAveragePooling2D(output_size)`` sets them to ``output_size`` whatever the input.
"""

from __future__ import annotations

from ..errors import ConfigError
from ._registry import Call, Counted, register
from ._shapes import (
    check_rank,
    data_format,
    join_spatial,
    normalize_padding,
    normalize_tuple,
    pool_output_length,
    split_spatial,
)
from ._types import Shape

__all__ = ["adaptive_pooling_output_shape", "global_pooling_output_shape", "pooling_output_shape"]


def pooling_output_shape(input_shape: Shape, pool_size, strides=None, padding: str = "valid",
                         data_format: str = "channels_last") -> Shape:
    """The output shape of Max/AveragePoolingND, as Keras computes it.

    >>> pooling_output_shape((None, 28, 28, 16), pool_size=2)
    (None, 14, 14, 16)
    """
    rank = len(input_shape) - 2
    pools = normalize_tuple(pool_size, rank, "pool_size")
    steps = pools if strides is None else normalize_tuple(strides, rank, "strides")
    padding = normalize_padding(padding)
    batch, spatial, channels = split_spatial(input_shape, data_format)
    sizes = tuple(pool_output_length(n, p, s, padding=padding) for n, p, s in zip(spatial, pools, steps, strict=True))
    return join_spatial(batch, sizes, channels, data_format)


def global_pooling_output_shape(input_shape: Shape, keepdims: bool = False,
                                data_format: str = "channels_last") -> Shape:
    """The output shape of GlobalMax/GlobalAveragePoolingND: the spatial axes pooled away.

    >>> global_pooling_output_shape((None, 7, 7, 512))
    (None, 512)
    """
    batch, spatial, channels = split_spatial(input_shape, data_format)
    if not keepdims:
        return (batch, channels)
    return join_spatial(batch, (1,) * len(spatial), channels, data_format)


def adaptive_pooling_output_shape(input_shape: Shape, output_size,
                                  data_format: str = "channels_last") -> Shape:
    """The output shape of AdaptiveMax/AdaptiveAveragePoolingND: the spatial axes set to ``output_size``.

    >>> adaptive_pooling_output_shape((None, 3, 50, 40), (5, 4), data_format="channels_first")
    (None, 3, 5, 4)
    """
    batch, spatial, channels = split_spatial(input_shape, data_format)
    sizes = normalize_tuple(output_size, len(spatial), "output_size")
    return join_spatial(batch, sizes, channels, data_format)


def _register_pooling(rank: int, kind: str, alias: str) -> None:
    name = f"{kind}Pooling{rank}D"

    @register(name, f"{alias}Pool{rank}D")
    def _rule(config: dict, call: Call) -> Counted:
        check_rank(call.shape, rank + 2, name)
        if kind == "Average" and "pool_size" not in config:
            raise ConfigError(f"{name} has no default pool_size in Keras 3; expected e.g. pool_size=2 in its config")
        return Counted(pooling_output_shape(call.shape, config.get("pool_size", 2), config.get("strides"),
                                            config.get("padding", "valid"), data_format(config)))


def _register_global(rank: int, kind: str, alias: str) -> None:
    name = f"Global{kind}Pooling{rank}D"

    @register(name, f"Global{alias}Pool{rank}D")
    def _rule(config: dict, call: Call) -> Counted:
        check_rank(call.shape, rank + 2, name)
        return Counted(global_pooling_output_shape(call.shape, config.get("keepdims", False),
                                                   data_format(config)))


def _register_adaptive(rank: int, kind: str) -> None:
    name = f"Adaptive{kind}Pooling{rank}D"

    @register(name)
    def _rule(config: dict, call: Call) -> Counted:
        check_rank(call.shape, rank + 2, name)
        return Counted(adaptive_pooling_output_shape(call.shape, config["output_size"], data_format(config)))


for _rank in (1, 2, 3):
    for _kind, _alias in (("Max", "Max"), ("Average", "Avg")):
        _register_pooling(_rank, _kind, _alias)
        _register_global(_rank, _kind, _alias)
        _register_adaptive(_rank, _kind)
