"""Keras operations in a Functional graph (``keras/src/ops``): no weights, only shapes.

``x + 3.0`` or ``keras.ops.multiply(x, y)`` on symbolic tensors adds an operation
node, serialized like a layer but with an ops module (``keras.src.ops.numpy``).
Keras applications use them (MobileNetV3's hard-swish, ConvNeXt's residual sums).
They own no weights; the counter only needs their output shape. Element-wise
operations are supported; any other operation raises rather than guessing a shape.
"""

from __future__ import annotations

from ..errors import ShapeError, UnknownLayerError
from ._registry import Call, Counted

__all__ = ["broadcast_shapes", "count_operation", "is_operation"]

# Operations whose output shape is the broadcast of their tensor inputs.
ELEMENTWISE = frozenset({
    "Abs", "Add", "Ceil", "Cos", "Divide", "Elu", "Exp", "Floor", "Gelu", "HardSigmoid",
    "HardSilu", "LeakyRelu", "Log", "LogSigmoid", "Maximum", "Minimum", "Mod", "Multiply",
    "Negative", "Power", "Relu", "Relu6", "Selu", "Sigmoid", "Sign", "Silu", "Sin", "Softplus",
    "Softsign", "Sqrt", "Square", "Subtract", "Tanh", "TrueDivide",
})


def is_operation(layer: dict) -> bool:
    """Is this serialized graph node a Keras operation rather than a layer?"""
    return str(layer.get("module") or "").startswith("keras.src.ops")


def count_operation(layer: dict, call: Call) -> Counted:
    """An operation node: zero weights, and the broadcast shape of its tensor inputs."""
    name = layer.get("class_name")
    if name not in ELEMENTWISE:
        raise UnknownLayerError(str(name), layer.get("name"), layer.get("module"))
    shapes = call.shapes
    if not shapes:
        raise ShapeError(f"operation '{layer.get('name')}' ({name}) was called without a tensor")
    output = shapes[0]
    for shape in shapes[1:]:
        output = broadcast_shapes(output, shape)
    return Counted(output)


def broadcast_shapes(first: tuple, second: tuple) -> tuple:
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
