"""What every op rule shares: the op table, reading an op's call, and shape arithmetic Keras's ops use.

An op rule is ``rule(config, call) -> output shape(s)``: ``config`` is the op's constructor arguments
(``{"axis": 1}`` for ``ops.concatenate(xs, axis=1)``) and ``call`` its serialized call, each Keras
tensor replaced by its shape (a tuple). Other arguments stay as Keras serialized them: numbers,
lists, ``{"class_name": "__slice__", ...}`` for a slice, ``__numpy__`` / ``__tensor__`` for constants.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ...errors import ShapeError, UnknownOperationError
from .._registry import Call, Counted, by_fallback, current_fallback

__all__ = [
    "Shape", "arg", "axis_index", "broadcast_shapes", "count_operation", "flat_size", "is_operation",
    "known_operations", "operation", "reduce_shape", "tensor_arg", "value_shape",
]

Shape = tuple
OpRule = Callable[[dict, Call], object]
_OPS: dict[str, OpRule] = {}


def operation(*class_names: str) -> Callable[[OpRule], OpRule]:
    """Register an op rule for the given op classes (``keras.src.ops.*`` class names)."""

    def decorate(rule: OpRule) -> OpRule:
        for name in class_names:
            _OPS[name] = rule
        return rule

    return decorate


def known_operations() -> list[str]:
    """Every Keras op class the counter has a shape rule for, sorted."""
    return sorted(_OPS)


def is_operation(layer: dict) -> bool:
    """Is this serialized graph node a Keras op rather than a layer?"""
    return str(layer.get("module") or "").startswith("keras.src.ops")


def count_operation(layer: dict, call: Call) -> Counted:
    """An op node: zero weights, and its output shape by the op's rule (or the fallback, if one is set)."""
    name = layer.get("class_name")
    rule = _OPS.get(name)
    if rule is None:
        fallback = current_fallback()
        if fallback is None:
            raise UnknownOperationError(str(name), layer.get("name"), layer.get("module"))
        return by_fallback(fallback, layer, call)
    try:
        return Counted(rule(layer.get("config") or {}, call))
    except ShapeError as err:
        raise ShapeError(f"op '{layer.get('name')}' ({name}): {err}") from None
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise ShapeError(f"op '{layer.get('name')}' ({name}) cannot be read ({type(err).__name__}: {err}); "
                         "expected a config written by Keras 3 (model.to_json() or a .keras file)") from None


def arg(call: Call, index: int, name: str, default=None):
    """The op's argument at ``index`` (positional) or ``name`` (keyword), else ``default``."""
    if index < len(call.args):
        return call.args[index]
    return call.kwargs.get(name, default)


def tensor_arg(call: Call, index: int = 0, name: str = "x") -> Shape:
    """The shape of a tensor argument (a constant's shape if the argument is not a Keras tensor)."""
    return value_shape(arg(call, index, name))


def value_shape(value) -> Shape:
    """The shape of an argument: a tensor's own, () for a number, a nested list's, a constant's."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return (len(value), *value_shape(value[0])) if value else (0,)
    if isinstance(value, dict) and value.get("class_name") in ("__numpy__", "__tensor__"):
        return value_shape(value["config"]["value"])
    return ()


def flat_size(shape: Shape):
    """The number of values in ``shape``, or None if any axis is unknown."""
    return None if None in shape else math.prod(shape)


def axis_index(axis: int, rank: int) -> int:
    """``axis`` as an index into a shape of ``rank`` axes (Keras's canonicalize_axis)."""
    if not -rank <= axis < rank:
        raise ShapeError(f"axis {axis} is out of range for a tensor of rank {rank}; expected an axis in "
                         f"[{-rank}, {rank - 1}]")
    return axis % rank


def reduce_shape(shape: Shape, axis=None, keepdims: bool = False) -> Shape:
    """The shape left after reducing ``axis`` (an int, a list, or None for all), as Keras computes it."""
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    axes = {axis_index(a, len(shape)) for a in ([axis] if isinstance(axis, int) else axis)}
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def broadcast_shapes(first: Shape, second: Shape) -> Shape:
    """NumPy broadcasting with unknown (None) dimensions, exactly as Keras's ops do it."""
    rank = max(len(first), len(second))
    a = (1,) * (rank - len(first)) + tuple(first)
    b = (1,) * (rank - len(second)) + tuple(second)
    return tuple(_broadcast_dim(x, y, first, second) for x, y in zip(a, b, strict=True))


def _broadcast_dim(x, y, first, second):
    if x == 1:
        return y
    if x is None:
        return None if y == 1 else y
    if y in (1, None, x):
        return x
    raise ShapeError(f"shapes {first} and {second} cannot be broadcast together: "
                     f"dimension {x} against {y}; element-wise operations need equal sizes or 1")
