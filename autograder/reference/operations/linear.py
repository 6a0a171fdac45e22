"""Products of tensors: ``keras.ops.matmul`` (``a @ b``), ``dot``, ``tensordot``, ``einsum``, ``inner``,
``outer``, ``kron``, ``cross``, ``vdot``. They contract axes; none of them owns a weight (an
``EinsumDense`` layer does: that one is a layer, in ``core``).
"""

from __future__ import annotations

import re

from ...errors import ShapeError
from .._registry import Call
from ._base import Shape, broadcast_shapes, flat_size, operation, tensor_arg, value_shape

__all__ = ["einsum_shape", "matmul_shape"]


def _pair(call: Call) -> tuple[Shape, Shape]:
    return tensor_arg(call, 0, "x1"), tensor_arg(call, 1, "x2")


def _check_inner(a, b, first: Shape, second: Shape) -> None:
    if a is not None and b is not None and a != b:
        raise ShapeError(f"cannot multiply shapes {first} and {second}: contracted sizes {a} and {b} differ")


def matmul_shape(first: Shape, second: Shape) -> Shape:
    """``a @ b``: the last axis of ``a`` against the second-to-last of ``b``; leading axes broadcast."""
    a = (1, *first) if len(first) == 1 else first
    b = (*second, 1) if len(second) == 1 else second
    _check_inner(a[-1], b[-2], first, second)
    output = [*broadcast_shapes(a[:-2], b[:-2]), a[-2], b[-1]]
    if len(first) == 1:
        del output[-2]
    if len(second) == 1:
        del output[-1]
    return tuple(output)


@operation("Matmul")
def _matmul(config: dict, call: Call) -> Shape:
    return matmul_shape(*_pair(call))


@operation("Dot")
def _dot(config: dict, call: Call) -> Shape:
    first, second = _pair(call)
    if not first or not second:
        return broadcast_shapes(first, second)
    if len(second) == 1:
        _check_inner(first[-1], second[0], first, second)
        return first[:-1] if len(first) > 1 else ()
    _check_inner(first[-1], second[-2], first, second)
    return (*first[:-1], *second[:-2], second[-1])


@operation("Tensordot")
def _tensordot(config: dict, call: Call) -> Shape:
    first, second = _pair(call)
    axes = config.get("axes", 2)
    if isinstance(axes, int):
        return (*first, *second) if axes <= 0 else (*first[:-axes], *second[axes:])
    mine, theirs = ([a] if isinstance(a, int) else list(a) for a in axes)
    for a, b in zip(mine, theirs, strict=True):
        _check_inner(first[a], second[b], first, second)
    mine, theirs = {a % len(first) for a in mine}, {b % len(second) for b in theirs}
    return (*(d for i, d in enumerate(first) if i not in mine), *(d for i, d in enumerate(second) if i not in theirs))


@operation("Inner")
def _inner(config: dict, call: Call) -> Shape:
    first, second = _pair(call)
    if not first or not second:
        return first or second  # a number times a tensor
    _check_inner(first[-1], second[-1], first, second)
    return (*first[:-1], *second[:-1])


@operation("Outer")
def _outer(config: dict, call: Call) -> Shape:
    first, second = _pair(call)
    return (flat_size(first), flat_size(second))


@operation("Kron")
def _kron(config: dict, call: Call) -> Shape:
    first, second = _pair(call)
    return tuple(None if a is None or b is None else a * b for a, b in zip(first, second, strict=False))


@operation("Vdot")
def _vdot(config: dict, call: Call) -> Shape:
    return ()


@operation("Cross")
def _cross(config: dict, call: Call) -> Shape:
    first, second = (list(s) for s in _pair(call))
    axis_a, axis_b = config.get("axisa", -1), config.get("axisb", -1)
    sizes = (first.pop(axis_a), second.pop(axis_b))
    output = list(broadcast_shapes(tuple(first), tuple(second)))
    vector = [3] if 3 in sizes else []
    at = config.get("axisc", -1) % (len(output) + len(vector))
    return tuple(output[:at] + vector + output[at:])


def einsum_shape(subscripts: str, shapes: list) -> Shape:
    """``einsum``: each operand laid out on the output's letters (1 where it lacks one), then broadcast,
    as Keras's ``Einsum.compute_output_spec`` does.

    >>> einsum_shape("bqd,bkd->bqk", [(None, 5, 8), (None, 7, 8)])
    (None, 5, 7)
    """
    inputs, _, output = subscripts.replace(" ", "").partition("->")
    specs = inputs.split(",")
    if len(specs) != len(shapes):
        raise ShapeError(f"einsum {subscripts!r} names {len(specs)} operands, got {len(shapes)}")
    if not _:
        once = [c for c in sorted(set(inputs)) if c.isalpha() and inputs.count(c) == 1]
        output = "..." + "".join(once)
    result = ()
    for spec, shape in zip(specs, shapes, strict=True):
        result = broadcast_shapes(result, _laid_out(spec, tuple(shape), output, subscripts))
    return result


def _laid_out(spec: str, shape: Shape, output: str, subscripts: str) -> Shape:
    """One operand's sizes on the output's axes: its own size for each letter it has, 1 otherwise."""
    head, dots, tail = spec.partition("...")
    if (len(head) + len(tail) != len(shape)) if not dots else (len(head) + len(tail) > len(shape)):
        raise ShapeError(f"einsum {subscripts!r}: operand spec {spec!r} does not fit shape {shape}")
    sizes = dict(zip(head, shape, strict=False))
    sizes.update(zip(tail, shape[len(shape) - len(tail):], strict=True))
    middle = shape[len(head):len(shape) - len(tail)] if dots else ()
    laid = []
    for part in re.findall(r"\.\.\.|[A-Za-z]", output):
        laid += list(middle) if part == "..." else [sizes.get(part, 1)]
    return tuple(laid)


@operation("Einsum")
def _einsum(config: dict, call: Call) -> Shape:
    return einsum_shape(config["subscripts"], [value_shape(a) for a in call.args])
