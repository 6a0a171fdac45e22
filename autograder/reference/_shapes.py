"""Shape arithmetic shared by the windowed layers: convolutions, pooling, cropping, padding.

Every function mirrors what Keras computes (``keras/src/ops/operation_utils.py`` and
``keras/src/backend/common/backend_utils.py``) and keeps Keras's convention that an
unknown size (``None``) stays unknown::

    >>> conv_output_length(28, kernel_size=3)
    26
    >>> conv_output_length(None, kernel_size=3) is None
    True
    >>> conv_transpose_output_length(7, kernel_size=3, strides=2, padding="same")
    14

Shapes are tuples with the batch axis first; "spatial" axes are all axes but the
batch and the channels axis, which ``data_format`` puts last (``channels_last``,
the default) or right after the batch axis (``channels_first``).
"""

from __future__ import annotations

from ..errors import ConfigError, ShapeError
from ._types import Shape

__all__ = [
    "check_rank",
    "conv_output_length",
    "conv_transpose_output_length",
    "data_format",
    "join_spatial",
    "normalize_padding",
    "normalize_pairs",
    "normalize_tuple",
    "pool_output_length",
    "split_spatial",
]

_FORMATS = ("channels_last", "channels_first")
_AXIS_NAMES = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)",
               3: "(batch, depth, height, width, channels)"}


def normalize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple[int, ...]:
    """An int-or-tuple argument as a tuple of ``n`` ints: ``3`` → ``(3, 3)`` for n = 2.

    Like Keras's ``standardize_tuple``, each int must be positive (or ``>= 0`` with ``allow_zero``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * n
    if not (isinstance(value, (list, tuple)) and len(value) == n and all(map(_is_int, value))):
        raise ConfigError(f"`{name}` must be an int or a tuple of {n} ints, got {name}={value!r}; "
                          f"write e.g. {name}={(2,) * n if n > 1 else 2}")
    if n and min(value) < (0 if allow_zero else 1):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConfigError(f"every value of `{name}` must be {bound}, got {name}={value!r}")
    return tuple(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def normalize_pairs(value, n: int, name: str) -> tuple[tuple[int, int], ...]:
    """Cropping/padding amounts as ``n`` (before, after) pairs, from any form Keras accepts:
    an int (every side), ``n`` ints (symmetric per axis) or ``n`` pairs.

    >>> normalize_pairs(((1, 2), 3), 2, "padding")
    ((1, 2), (3, 3))
    """
    if n == 1:
        return (normalize_tuple(value, 2, name, allow_zero=True),)
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * n
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise ConfigError(f"`{name}` must be an int, a tuple of {n} ints or a tuple of {n} "
                          f"(before, after) pairs, got {name}={value!r}")
    return tuple(normalize_tuple(v, 2, f"{name}[{i}]", allow_zero=True) for i, v in enumerate(value))


def normalize_padding(value, allowed: tuple[str, ...] = ("valid", "same")) -> str:
    """A ``padding`` string, lower-cased and checked against the values the layer takes."""
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        options = " or ".join(repr(a) for a in allowed)
        raise ConfigError(f"`padding` must be {options}, got padding={value!r}")
    return padding


def data_format(config: dict) -> str:
    """The layer's ``data_format``: ``channels_last`` unless the config says otherwise."""
    fmt = config.get("data_format") or "channels_last"
    if fmt not in _FORMATS:
        raise ConfigError(f"`data_format` must be 'channels_last' or 'channels_first', got {fmt!r}")
    return fmt


def check_rank(shape: Shape, ndim: int, layer: str, layout: str | None = None) -> None:
    """ShapeError unless ``shape`` has exactly ``ndim`` axes (the batch axis included)."""
    if len(shape) != ndim:
        layout = layout or _AXIS_NAMES.get(ndim - 2, f"{ndim} axes")
        raise ShapeError(f"{layer} expects an input of rank {ndim} {layout}, got shape {tuple(shape)} "
                         f"of rank {len(shape)}; reshape the input or use the layer of matching rank")


def split_spatial(shape: Shape, fmt: str = "channels_last") -> tuple:
    """``(batch, spatial sizes, channels)`` of a shape in the given data format."""
    if fmt == "channels_first":
        return shape[0], tuple(shape[2:]), shape[1]
    return shape[0], tuple(shape[1:-1]), shape[-1]


def join_spatial(batch, spatial, channels, fmt: str = "channels_last") -> Shape:
    """The inverse of :func:`split_spatial`."""
    if fmt == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def conv_output_length(length: int | None, kernel_size: int, strides: int = 1,
                       padding: str = "valid", dilation_rate: int = 1) -> int | None:
    """One spatial axis after a convolution: ``⌊(L − d·(k − 1) − 1) / s⌋ + 1`` for ``valid``,
    ``⌊(L − 1) / s⌋ + 1`` for ``same`` and ``causal``; ShapeError if nothing is left."""
    if length is None:
        return None
    if padding in ("same", "causal"):
        return (length - 1) // strides + 1
    span = dilation_rate * (kernel_size - 1) + 1
    out = (length - span) // strides + 1
    if out <= 0:
        dilated = f" (dilated to {span})" if dilation_rate > 1 else ""
        raise ShapeError(f"an axis of size {length} is smaller than the window of size {kernel_size}"
                         f"{dilated}, so the output would have size {out}; use padding='same', "
                         "a smaller kernel, or a larger input")
    return out


def pool_output_length(length: int | None, pool_size: int, strides: int | None = None,
                       padding: str = "valid") -> int | None:
    """One spatial axis after pooling: a convolution's length with strides defaulting to the pool."""
    return conv_output_length(length, pool_size, pool_size if strides is None else strides, padding=padding)


def conv_transpose_output_length(length: int | None, kernel_size: int, strides: int = 1, *,
                                 padding: str = "valid", output_padding: int | None = None,
                                 dilation_rate: int = 1) -> int | None:
    """One spatial axis after a transposed convolution, exactly as Keras computes it:
    ``valid``: ``(L − 1)·s + k' + p`` with p = ``max(k', s) − k'`` by default;
    ``same``: ``L·s``, or ``(L − 1)·s + k' mod 2 + p`` when ``output_padding`` is given,
    where ``k' = (k − 1)·d + 1`` is the dilated kernel."""
    if length is None:
        return None
    span = (kernel_size - 1) * dilation_rate + 1
    if padding == "valid":
        extra = max(span, strides) - span if output_padding is None else output_padding
        return (length - 1) * strides + span + extra
    if output_padding is None:
        return length * strides
    return (length - 1) * strides + span % 2 + output_padding
