"""Ops that move, add, remove or resize axes: ``keras.ops.reshape``, ``transpose``, ``expand_dims``,
``squeeze``, ``tile``, ``repeat``, ``pad``, ``diagonal``… The same arithmetic as Keras's
``compute_output_spec``: an unknown size (None) stays unknown.
"""

from __future__ import annotations

from ...errors import ShapeError
from .._registry import Call
from ._base import Shape, axis_index, broadcast_shapes, flat_size, operation, tensor_arg

__all__ = ["reshape_op_shape"]


def reshape_op_shape(shape: Shape, newshape) -> Shape:
    """``keras.ops.reshape``: the whole new shape, batch axis included; one -1 is inferred."""
    target = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    if None in shape or None in target:
        return tuple(None if d == -1 else d for d in target)
    size, known = flat_size(shape), flat_size(tuple(d for d in target if d != -1))
    if -1 not in target and size == known:
        return target
    if -1 in target and known and size % known == 0:
        return tuple(size // known if d == -1 else d for d in target)
    raise ShapeError(f"cannot reshape a tensor of shape {shape} ({size:,} values) into {target}")


@operation("Reshape")
def _reshape(config: dict, call: Call) -> Shape:
    return reshape_op_shape(tensor_arg(call), config["newshape"])


@operation("Transpose")
def _transpose(config: dict, call: Call) -> Shape:
    shape, axes = tensor_arg(call), config.get("axes")
    if axes is None:
        return shape[::-1]
    order = [axis_index(a, len(shape)) for a in axes]
    if sorted(order) != list(range(len(shape))):
        raise ShapeError(f"axes={list(axes)} is not a permutation of the {len(shape)} axes of shape {shape}")
    return tuple(shape[a] for a in order)


@operation("ExpandDims")
def _expand_dims(config: dict, call: Call) -> Shape:
    shape, axis = tensor_arg(call), config.get("axis")
    axes = [len(shape)] if axis is None else [axis] if isinstance(axis, int) else list(axis)
    rank = len(shape) + len(axes)
    new = {axis_index(a, rank) for a in axes}
    rest = iter(shape)
    return tuple(1 if i in new else next(rest) for i in range(rank))


@operation("Squeeze")
def _squeeze(config: dict, call: Call) -> Shape:
    shape, axis = tensor_arg(call), config.get("axis")
    if axis is None:
        return tuple(d for d in shape if d != 1)
    axes = {axis_index(a, len(shape)) for a in ([axis] if isinstance(axis, int) else axis)}
    if any(shape[a] != 1 for a in axes):
        raise ShapeError(f"cannot squeeze axis {axis} of shape {shape}: its size is not 1")
    return tuple(d for i, d in enumerate(shape) if i not in axes)


@operation("Ravel")
def _ravel(config: dict, call: Call) -> Shape:
    return (flat_size(tensor_arg(call)),)


@operation("Moveaxis")
def _moveaxis(config: dict, call: Call) -> Shape:
    shape = tensor_arg(call)
    source, destination = config["source"], config["destination"]
    source = [source] if isinstance(source, int) else source
    destination = [destination] if isinstance(destination, int) else destination
    moved = {axis_index(d, len(shape)): axis_index(s, len(shape)) for s, d in zip(source, destination, strict=True)}
    rest = iter(i for i in range(len(shape)) if i not in moved.values())
    return tuple(shape[moved[i]] if i in moved else shape[next(rest)] for i in range(len(shape)))


@operation("Swapaxes")
def _swapaxes(config: dict, call: Call) -> Shape:
    shape = list(tensor_arg(call))
    a, b = axis_index(config["axis1"], len(shape)), axis_index(config["axis2"], len(shape))
    shape[a], shape[b] = shape[b], shape[a]
    return tuple(shape)


@operation("BroadcastTo")
def _broadcast_to(config: dict, call: Call) -> Shape:
    target = tuple(config["shape"])
    broadcast_shapes(tensor_arg(call), target)  # raises if it cannot
    return target


@operation("Tile")
def _tile(config: dict, call: Call) -> Shape:
    shape, repeats = list(tensor_arg(call)), config["repeats"]
    repeats = [repeats] if isinstance(repeats, int) else list(repeats)
    rank = max(len(shape), len(repeats))
    shape, repeats = [1] * (rank - len(shape)) + shape, [1] * (rank - len(repeats)) + repeats
    return tuple(None if d is None else d * r for d, r in zip(shape, repeats, strict=True))


@operation("Repeat")
def _repeat(config: dict, call: Call) -> Shape:
    shape, repeats, axis = list(tensor_arg(call)), config["repeats"], config.get("axis")
    repeats = [repeats] if isinstance(repeats, int) else list(repeats)
    if axis is None:
        size = flat_size(tuple(shape))
        return (None,) if size is None else (size * repeats[0] if len(repeats) == 1 else sum(repeats),)
    axis = axis_index(axis, len(shape))
    if shape[axis] is not None:
        shape[axis] = shape[axis] * repeats[0] if len(repeats) == 1 else sum(repeats)
    return tuple(shape)


@operation("Pad")
def _pad(config: dict, call: Call) -> Shape:
    shape, widths = tensor_arg(call), config["pad_width"]
    widths = [widths] if isinstance(widths, int) else widths
    widths = [w if isinstance(w, list) else [w, w] for w in widths]
    if len(widths) == 1:
        widths = widths * len(shape)
    if len(widths) != len(shape):
        raise ShapeError(f"pad_width has {len(widths)} entries for a tensor of rank {len(shape)} (shape {shape})")
    return tuple(None if d is None else d + sum(w) for d, w in zip(shape, widths, strict=True))


@operation("Rot90")
def _rot90(config: dict, call: Call) -> Shape:
    shape = list(tensor_arg(call))
    a, b = config.get("axes", (0, 1))
    shape[a], shape[b] = shape[b], shape[a]
    return tuple(shape)


@operation("Diff")
def _diff(config: dict, call: Call) -> Shape:
    shape = list(tensor_arg(call))
    axis = axis_index(config.get("axis", -1), len(shape))
    if shape[axis] is not None:
        shape[axis] = max(shape[axis] - config.get("n", 1), 0)
    return tuple(shape)


def _diagonal_length(rows, columns, offset: int):
    if rows is None or columns is None:
        return None
    remaining = columns - offset if offset > 0 else rows + offset
    return max(0, min(remaining, rows, columns))


@operation("Diagonal")
def _diagonal(config: dict, call: Call) -> Shape:
    shape = tensor_arg(call)
    a, b = (axis_index(config.get(k, d), len(shape)) for k, d in (("axis1", 0), ("axis2", 1)))
    rest = tuple(d for i, d in enumerate(shape) if i not in (a, b))
    return (*rest, _diagonal_length(shape[a], shape[b], config.get("offset", 0)))


@operation("Diag")
def _diag(config: dict, call: Call) -> Shape:
    shape, k = tensor_arg(call), config.get("k", 0)
    if len(shape) == 1:
        side = None if shape[0] is None else shape[0] + abs(k)
        return (side, side)
    if len(shape) == 2:
        return (_diagonal_length(shape[0], shape[1], k),)
    raise ShapeError(f"diag needs a 1-D or 2-D tensor, got shape {shape}")


@operation("Diagflat")
def _diagflat(config: dict, call: Call) -> Shape:
    size = flat_size(tensor_arg(call))
    side = None if size is None else size + abs(config.get("k", 0))
    return (side, side)
