"""Ops that join tensors or split one into several: ``keras.ops.concatenate``, ``stack``, ``hstack``,
``append``, ``split``, ``unstack``… A split returns a list of shapes, one per piece.
"""

from __future__ import annotations

from itertools import pairwise

from ...errors import ShapeError
from .._registry import Call
from ._base import Shape, arg, axis_index, flat_size, operation, tensor_arg, value_shape

__all__ = ["join_shapes"]


def join_shapes(shapes: list, axis: int) -> Shape:
    """Tensors joined along ``axis``: their sizes there add up; every other axis must match."""
    first = shapes[0]
    index = axis_index(axis, len(first))
    for shape in shapes[1:]:
        if len(shape) != len(first) or any(
                a is not None and b is not None and a != b
                for i, (a, b) in enumerate(zip(first, shape, strict=True)) if i != index):
            raise ShapeError(f"cannot join shapes {shapes} along axis {axis}: every other axis must match")
    sizes = [s[index] for s in shapes]
    return (*first[:index], None if None in sizes else sum(sizes), *first[index + 1:])


def _tensors(call: Call) -> list:
    """The list of tensors an op like ``concatenate(xs)`` receives as its first argument."""
    return [value_shape(x) for x in arg(call, 0, "xs")]


@operation("Concatenate")
def _concatenate(config: dict, call: Call) -> Shape:
    return join_shapes(_tensors(call), config.get("axis", 0))


@operation("Append")
def _append(config: dict, call: Call) -> Shape:
    shapes = [tensor_arg(call, 0, "x1"), tensor_arg(call, 1, "x2")]
    if config.get("axis") is None:
        sizes = [flat_size(s) for s in shapes]
        return (None if None in sizes else sum(sizes),)
    return join_shapes(shapes, config["axis"])


@operation("Hstack")
def _hstack(config: dict, call: Call) -> Shape:
    return join_shapes(_tensors(call), 1)  # Keras joins on axis 1, whatever the rank


@operation("Vstack")
def _vstack(config: dict, call: Call) -> Shape:
    return join_shapes(_tensors(call), 0)


@operation("Dstack")
def _dstack(config: dict, call: Call) -> Shape:
    at_least_3d = {0: lambda s: (1, 1, 1), 1: lambda s: (1, s[0], 1), 2: lambda s: (*s, 1)}
    return join_shapes([at_least_3d.get(len(s), lambda s: s)(s) for s in _tensors(call)], 2)


@operation("Stack")
def _stack(config: dict, call: Call) -> Shape:
    shapes = _tensors(call)
    first = shapes[0]
    if any(len(s) != len(first) or any(a is not None and b is not None and a != b
                                       for a, b in zip(first, s, strict=True)) for s in shapes):
        raise ShapeError(f"stack needs tensors of one shape, got {shapes}")
    index = axis_index(config.get("axis", 0), len(first) + 1)
    return (*first[:index], len(shapes), *first[index:])


def _split(shape: Shape, sections, axis: int) -> list:
    shape = list(shape)
    axis = axis_index(axis, len(shape))
    size = shape[axis]
    if isinstance(sections, int):
        if size is not None and size % sections:
            raise ShapeError(f"cannot split axis {axis} of size {size} into {sections} equal parts")
        return [(*shape[:axis], None if size is None else size // sections, *shape[axis + 1:])] * sections
    bounds = [0, *sections, size]
    return [(*shape[:axis], None if None in (a, b) else b - a, *shape[axis + 1:])
            for a, b in pairwise(bounds)]


@operation("Split")
def _split_op(config: dict, call: Call) -> list:
    return _split(tensor_arg(call), config["indices_or_sections"], config.get("axis", 0))


@operation("Hsplit")
def _hsplit(config: dict, call: Call) -> list:
    shape = tensor_arg(call)
    return _split(shape, config["indices_or_sections"], 0 if len(shape) == 1 else 1)


@operation("Vsplit")
def _vsplit(config: dict, call: Call) -> list:
    return _split(tensor_arg(call), config["indices_or_sections"], 0)


@operation("Dsplit")
def _dsplit(config: dict, call: Call) -> list:
    return _split(tensor_arg(call), config["indices_or_sections"], 2)


@operation("ArraySplit")
def _array_split(config: dict, call: Call) -> list:
    """Unequal parts allowed: the first ``size % n`` parts get one more."""
    shape, parts = list(tensor_arg(call)), config["indices_or_sections"]
    axis = axis_index(config.get("axis", 0), len(shape))
    size = shape[axis]
    sizes = [None] * parts if size is None else [size // parts + (i < size % parts) for i in range(parts)]
    return [(*shape[:axis], n, *shape[axis + 1:]) for n in sizes]


@operation("Unstack")
def _unstack(config: dict, call: Call) -> list:
    shape = tensor_arg(call)
    axis = axis_index(config.get("axis", 0), len(shape))
    num = config.get("num") or shape[axis]
    if num is None:
        raise ShapeError(f"unstack along axis {axis} of shape {shape}, whose size is unknown, needs num=")
    return [shape[:axis] + shape[axis + 1:]] * num
