"""Shape helpers shared by several families: axis normalisation and broadcasting."""

from __future__ import annotations

from ..errors import ShapeError
from ._types import Shape

__all__ = ["broadcast", "known_dim", "normalize_axis", "same_shape"]


def normalize_axis(axis: int, shape: Shape, layer: str) -> int:
    """``axis`` as a non-negative index into ``shape``; ShapeError if out of range."""
    ndim = len(shape)
    if not isinstance(axis, int) or not -ndim <= axis < ndim:
        raise ShapeError(f"{layer} got axis={axis!r} for an input of rank {ndim} (shape {shape}); "
                         f"expected an axis in [{-ndim}, {ndim - 1}]: fix the layer's axis")
    return axis % ndim


def known_dim(shape: Shape, axis: int, layer: str) -> int:
    """The size of ``shape[axis]``, which must be known to build weights over it."""
    dim = shape[normalize_axis(axis, shape, layer)]
    if dim is None:
        raise ShapeError(f"{layer} builds weights over axis {axis} of input shape {shape}, "
                         "but that axis is unknown (None); give the Input a fixed size there")
    return dim


def broadcast(shape1: tuple | None, shape2: tuple | None, layer: str) -> tuple | None:
    """Broadcast two shapes (batch axis excluded) exactly as Keras's merge layers do."""
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        return broadcast(shape2, shape1, layer)
    if not shape2:
        return tuple(shape1)
    out = list(shape1[: -len(shape2)])
    for i, j in zip(shape1[-len(shape2):], shape2, strict=True):
        if i is not None and j is not None and 1 not in (i, j) and i != j:
            raise ShapeError(f"{layer} cannot broadcast shapes {tuple(shape1)} and {tuple(shape2)} "
                             f"(sizes {i} and {j} differ and neither is 1); make the inputs match")
        out.append(None if i is None or j is None else (j if i == 1 else i))
    return tuple(out)


def same_shape(shapes: list, layer: str) -> Shape:
    """The single input shape of a layer that keeps its input's shape."""
    if not shapes:
        raise ShapeError(f"{layer} was called without an input tensor")
    return tuple(shapes[0])
