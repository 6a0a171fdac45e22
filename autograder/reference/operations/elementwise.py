"""Element-wise ops (``keras.ops`` math on each value): the shape of their input, or of their
inputs broadcast together. ``x + 3`` is ``Add``, ``x > 0`` is ``Greater``, ``keras.ops.relu`` is ``Relu``.
"""

from __future__ import annotations

from .._registry import Call
from ._base import Shape, arg, axis_index, broadcast_shapes, flat_size, operation, tensor_arg, value_shape

__all__ = ["BROADCAST", "SAME_SHAPE"]

# One tensor in, the same shape out (other arguments, if any, are numbers or settings).
SAME_SHAPE = (
    # keras.src.ops.numpy
    "Abs", "Absolute", "Angle", "Arccos", "Arccosh", "Arcsin", "Arcsinh", "Arctan", "Arctanh", "BitwiseInvert",
    "BitwiseNot", "Cbrt", "Ceil", "Clip", "Conj", "Conjugate", "Copy", "Cos", "Cosh", "Deg2rad", "EmptyLike", "Exp",
    "Exp2", "Expm1", "Fabs", "Flip", "Fliplr", "Flipud", "Floor", "FullLike", "I0", "Imag", "Isfinite", "Isinf",
    "Isnan", "Isneginf", "Isposinf", "Isreal", "Log", "Log10", "Log1p", "Log2", "LogicalNot", "NanToNum",
    "Negative", "OnesLike", "Rad2deg", "Real", "Reciprocal", "Roll", "Round", "Sign", "Signbit", "Sin", "Sinc",
    "Sinh", "Sqrt", "Square", "Tan", "Tanh", "Tril", "Triu", "Trunc", "ZerosLike",
    "Corrcoef",  # Keras keeps the input's shape symbolically
    # keras.src.ops.core, keras.src.ops.math and keras.src.ops.linalg
    "Cast", "ConvertToTensor", "SaturateCast", "ScatterUpdate", "SliceUpdate", "StopGradient", "Erf", "Erfc",
    "Erfinv", "Rsqrt", "Cholesky", "CholeskyInverse", "Inv",
    # keras.src.ops.nn: activations and normalizations given their weights as tensors
    "Celu", "Elu", "Gelu", "HardShrink", "HardSigmoid", "HardSilu", "HardTanh", "LeakyRelu", "LogSigmoid",
    "LogSoftmax", "Normalize", "Relu", "Relu6", "Selu", "Sigmoid", "Silu", "SoftShrink", "Softmax", "Softplus",
    "Softsign", "SparsePlus", "SparseSigmoid", "Sparsemax", "Squareplus", "TanhShrink", "Threshold", "BatchNorm",
    "LayerNorm", "RMSNorm",
    # keras.src.ops.image: images in, images of the same size out
    "AffineTransform", "ElasticTransform", "GaussianBlur", "HSVToRGB", "PerspectiveTransform", "RGBToHSV",
)

# Two or more tensors (or numbers) in, broadcast together.
BROADCAST = (
    "Add", "Arctan2", "BitwiseAnd", "BitwiseLeftShift", "BitwiseOr", "BitwiseRightShift", "BitwiseXor", "Divide",
    "DivideNoNan", "Equal", "Fmax", "Fmin", "Fmod", "FloorDivide", "Gcd", "Greater", "GreaterEqual", "Heaviside",
    "Hypot", "Isclose", "Lcm", "Ldexp", "LeftShift", "Less", "LessEqual", "Logaddexp", "Logaddexp2", "LogicalAnd",
    "LogicalOr", "LogicalXor", "Maximum", "Minimum", "Mod", "Multiply", "Nextafter", "NotEqual", "Power",
    "RightShift", "Subtract", "TrueDivide", "Where",
)


@operation(*SAME_SHAPE)
def _same_shape(config: dict, call: Call) -> Shape:
    return tensor_arg(call)


@operation(*BROADCAST)
def _broadcast(config: dict, call: Call) -> Shape:
    shapes = [value_shape(a) for a in call.args] + [value_shape(v) for v in call.kwargs.values()]
    output = shapes[0]
    for shape in shapes[1:]:
        output = broadcast_shapes(output, shape)
    return output


@operation("Cumsum", "Cumprod", "Nancumsum", "Nancumprod", "Sort", "Argsort", "Argpartition")
def _along_axis(config: dict, call: Call) -> Shape:
    """Along one axis the shape is kept; with ``axis=None`` the input is flattened first."""
    shape = tensor_arg(call)
    axis = config.get("axis", -1)
    if axis is None:
        return (flat_size(shape),)
    axis_index(axis, len(shape))
    return shape


@operation("Glu")
def _glu(config: dict, call: Call) -> Shape:
    """GLU splits ``axis`` in two halves (a value and a gate): that axis is halved."""
    shape = list(tensor_arg(call))
    axis = axis_index(config.get("axis", -1), len(shape))
    if shape[axis] is not None:
        shape[axis] //= 2
    return tuple(shape)


@operation("Polar", "InTopK", "Digitize", "IsIn")
def _first_input(config: dict, call: Call) -> Shape:
    """Ops whose output takes the first input's shape (``polar(abs, angle)``, ``in_top_k(targets, …)``,
    ``digitize(x, bins)``, ``isin(x1, x2)``)."""
    return tensor_arg(call)


@operation("SearchSorted", "Solve", "SolveTriangular")
def _second_input(config: dict, call: Call) -> Shape:
    """Ops whose output takes the second input's shape (``searchsorted(sequence, values)``, ``solve(a, b)``)."""
    return tensor_arg(call, 1, "values")


@operation("AllClose", "Size", "PSNR")
def _scalar(config: dict, call: Call) -> Shape:
    return ()


@operation("DotProductAttention")
def _attention(config: dict, call: Call) -> Shape:
    """Attention returns one vector per query, of the query's size (``keras.ops.dot_product_attention``)."""
    return value_shape(arg(call, 0, "query"))

