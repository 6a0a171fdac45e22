"""Merging layers (``keras/src/layers/merging``): several inputs in, one output, no weights.

They learn nothing, but their output shape feeds the next layer's count: element-wise
merges broadcast their inputs, Concatenate adds sizes along an axis, Dot contracts axes.
"""

from __future__ import annotations

from ..errors import ShapeError
from ._axes import broadcast, normalize_axis
from ._registry import Call, Counted, register
from ._types import Derivation

__all__ = ["add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]


def add() -> Derivation:
    """Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate and Dot: 0 parameters."""
    return Derivation()


average = concatenate = dot = maximum = minimum = multiply = subtract = add


def _inputs(call: Call, layer: str, exactly: int | None = None) -> list:
    shapes = [tuple(s) for s in call.shapes]
    if len(shapes) < 1 or (exactly and len(shapes) != exactly):
        wanted = f"exactly {exactly}" if exactly else "at least 1"
        raise ShapeError(f"{layer} must be called on a list of {wanted} inputs, got {len(shapes)} "
                         f"(shapes {shapes}); call it as {layer}()([a, b])")
    return shapes


def elementwise_shape(shapes: list, layer: str) -> tuple:
    """The output shape of an element-wise merge: the inputs broadcast, batch axis apart."""
    out = shapes[0][1:]
    for shape in shapes[1:]:
        out = broadcast(out, shape[1:], layer)
    batches = {s[0] for s in shapes} - {None}
    if len(batches) > 1:
        raise ShapeError(f"{layer} cannot merge inputs with different batch sizes {sorted(batches)}")
    return (batches.pop() if batches else None, *out)


def _elementwise_rule(layer: str, exactly: int | None = None):
    def rule(config: dict, call: Call) -> Counted:
        return Counted(elementwise_shape(_inputs(call, layer, exactly), layer), add())
    return rule


for _name in ("Add", "Multiply", "Average", "Maximum", "Minimum"):
    register(_name)(_elementwise_rule(_name))
register("Subtract")(_elementwise_rule("Subtract", exactly=2))


@register("Concatenate")
def _concatenate(config: dict, call: Call) -> Counted:
    shapes = _inputs(call, "Concatenate")
    axis = config.get("axis", -1)
    index = normalize_axis(axis, shapes[0], "Concatenate")
    if not all(_matches_off_axis(shapes[0], s, index) for s in shapes[1:]):
        raise ShapeError(f"Concatenate(axis={axis}) needs inputs of the same rank that match on "
                         f"every other axis, got shapes {shapes}; reshape them or change the axis")
    sizes = [s[index] for s in shapes]
    out = list(shapes[0])
    out[index] = None if None in sizes else sum(sizes)
    return Counted(tuple(out), concatenate())


def _matches_off_axis(first: tuple, other: tuple, index: int) -> bool:
    if len(first) != len(other):
        return False
    return all(a is None or b is None or a == b
               for i, (a, b) in enumerate(zip(first, other, strict=True)) if i != index)


@register("Dot")
def _dot(config: dict, call: Call) -> Counted:
    first, second = _inputs(call, "Dot", exactly=2)
    axes = config.get("axes", -1)
    if isinstance(axes, int):
        axes = [axes % len(first), axes % len(second)] if axes < 0 else [axes, axes]
    a, b = (normalize_axis(x, s, "Dot") for x, s in zip(axes, (first, second), strict=True))
    if first[a] is not None and second[b] is not None and first[a] != second[b]:
        raise ShapeError(f"Dot(axes={config.get('axes')}) contracts sizes {first[a]} and {second[b]}, "
                         f"which differ (shapes {first} and {second}); choose axes of equal size")
    out = [d for i, d in enumerate(first) if i != a] + [d for i, d in enumerate(second) if i != b][1:]
    return Counted(tuple([*out, 1] if len(out) == 1 else out), dot())
