"""Ops that pick values: slicing a symbolic tensor (``x[:, 0]`` is ``GetItem``), ``keras.ops.slice``,
``take``, ``take_along_axis``, ``top_k``, and the encodings ``one_hot`` and ``multi_hot``.
"""

from __future__ import annotations

from ...errors import ShapeError
from .._registry import Call
from ._base import Shape, arg, axis_index, broadcast_shapes, flat_size, operation, tensor_arg, value_shape

__all__ = ["get_item_shape"]


def get_item_shape(shape: Shape, key) -> Shape:
    """``x[key]`` on a tensor of ``shape``: ints drop an axis, slices resize it, None adds one, ... keeps the rest.

    >>> get_item_shape((None, 10, 4), [{"class_name": "__slice__", "config": {"start": 2, "stop": None,
    ...                                 "step": None}}, 0])
    (None, 4)
    """
    keys = list(key) if isinstance(key, list) else [key]
    ellipses = sum(_is(k, "__ellipsis__") for k in keys)
    if ellipses > 1:
        raise ShapeError(f"an index can hold one ellipsis (...), got {ellipses}")
    if not ellipses:
        keys.append({"class_name": "__ellipsis__"})
    remaining, output = list(shape), []
    while keys:
        k = keys.pop(0)
        if _is(k, "__ellipsis__"):
            consumed = len(remaining) - (len(keys) - keys.count(None))
            output += remaining[:consumed]
            remaining = remaining[consumed:]
        elif k is None:
            output.append(1)
        elif not remaining:
            raise ShapeError(f"too many indices for a tensor of shape {shape}")
        else:
            output += _index_one_axis(remaining.pop(0), k, shape)
    return tuple(output)


def _is(key, class_name: str) -> bool:
    return isinstance(key, dict) and key.get("class_name") == class_name


def _index_one_axis(length, key, shape) -> list:
    if isinstance(key, int) and not isinstance(key, bool):
        if length is not None and not -length <= key < length:
            raise ShapeError(f"index {key} is out of range for an axis of size {length} (shape {shape})")
        return []
    if _is(key, "__slice__"):
        if length is None:
            return [None]
        bounds = key["config"]
        return [len(range(*slice(bounds.get("start"), bounds.get("stop"), bounds.get("step")).indices(length)))]
    raise ShapeError(f"indexing with {key!r:.60} is not supported on a symbolic tensor; "
                     "use ints, slices, None and ...")


@operation("GetItem")
def _get_item(config: dict, call: Call) -> Shape:
    return get_item_shape(tensor_arg(call), arg(call, 1, "key"))


@operation("Slice")
def _slice(config: dict, call: Call) -> Shape:
    """``keras.ops.slice(x, start_indices, shape)``: the given sizes; -1 takes the rest of the axis."""
    shape, sizes = tensor_arg(call, 0, "inputs"), config["shape"]
    start = arg(call, 1, "start_indices")
    if len(sizes) != len(shape):
        raise ShapeError(f"slice shape {sizes} has {len(sizes)} axes for a tensor of shape {shape}")
    output = []
    for i, (dim, size) in enumerate(zip(shape, sizes, strict=True)):
        if size != -1:
            output.append(size)
        else:  # the rest of the axis: unknown if the axis or the start is
            output.append(None if isinstance(start, tuple) or dim is None else dim - start[i])
    return tuple(output)


@operation("Take")
def _take(config: dict, call: Call) -> Shape:
    shape, indices = tensor_arg(call), value_shape(arg(call, 1, "indices"))
    if config.get("axis") is None:
        return indices
    axis = axis_index(config["axis"], len(shape))
    return (*shape[:axis], *indices, *shape[axis + 1:])


@operation("TakeAlongAxis")
def _take_along_axis(config: dict, call: Call) -> Shape:
    shape, indices = list(tensor_arg(call)), value_shape(arg(call, 1, "indices"))
    axis = config.get("axis")
    if axis is None:
        shape, axis = [flat_size(tuple(shape))], 0
    if len(shape) != len(indices):
        raise ShapeError(f"take_along_axis needs x and indices of one rank, got {tuple(shape)} and {indices}")
    axis = axis_index(axis, len(shape))
    shape[axis] = indices[axis]
    return broadcast_shapes(tuple(shape), indices)


@operation("TopK")
def _top_k(config: dict, call: Call) -> list:
    """``top_k``: the k largest values and their indices, along the last axis."""
    shape = tensor_arg(call)
    return [(*shape[:-1], config["k"])] * 2


def _insert_classes(shape: Shape, config: dict) -> list:
    axis, classes = config.get("axis", -1), config["num_classes"]
    if axis == -1:
        return [*shape, classes]
    if not 0 <= axis < len(shape):
        raise ShapeError(f"axis must be -1 or in [0, {len(shape)}), got {axis}")
    return [*shape[:axis], classes, *shape[axis:]]


@operation("OneHot")
def _one_hot(config: dict, call: Call) -> Shape:
    return tuple(_insert_classes(tensor_arg(call), config))


@operation("MultiHot")
def _multi_hot(config: dict, call: Call) -> Shape:
    """``multi_hot``: one vector of ``num_classes`` per sample (the indices axis is summed over)."""
    shape = _insert_classes(tensor_arg(call, 0, "inputs"), config)
    return (shape[-1],) if len(shape) == 2 else (shape[0], *shape[2:])
