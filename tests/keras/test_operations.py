"""Every Keras op the reference counter has a shape rule for, against live Keras.

Each case builds a functional model whose output is that op on symbolic tensors, and compares the
reference counter's output shape (read from ``model.to_json()`` only) with Keras's own.
"""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest
from keras import ops
from keras.src.ops import math as knp_math  # SegmentMin, SegmentProd: no public function
from keras.src.ops import numpy as knp  # Abs and Conj: classes that ops.abs and ops.conj do not use

from autograder import reference
from autograder.errors import UnknownOperationError
from autograder.reference.models import walk_model
from autograder.reference.operations import is_operation, known_operations
from tests.keras.compare import assert_matches_keras

X = (None, 4, 6, 8)  # the usual input: a batch of 4 × 6 × 8 tensors
IMG = (None, 8, 8, 3)
INT = lambda x: ops.cast(x, "int32")  # noqa: E731 -- bitwise and integer ops need integers
B = lambda x: ops.greater(x, 0)  # noqa: E731 -- logical ops need booleans

UNARY = {
    "Abs": knp.Abs(), "Absolute": ops.absolute, "Angle": ops.angle, "Arccos": ops.arccos,
    "Arccosh": ops.arccosh,
    "Arcsin": ops.arcsin, "Arcsinh": ops.arcsinh, "Arctan": ops.arctan, "Arctanh": ops.arctanh,
    "Cbrt": ops.cbrt, "Ceil": ops.ceil, "Conj": knp.Conj(), "Conjugate": ops.conjugate, "Copy": ops.copy,
    "Cos": ops.cos, "Cosh": ops.cosh, "Deg2rad": ops.deg2rad, "EmptyLike": ops.empty_like, "Exp": ops.exp,
    "Exp2": ops.exp2, "Expm1": ops.expm1, "Fabs": ops.fabs, "Floor": ops.floor, "I0": ops.i0, "Imag": ops.imag,
    "Isfinite": ops.isfinite, "Isinf": ops.isinf, "Isnan": ops.isnan, "Isneginf": ops.isneginf,
    "Isposinf": ops.isposinf, "Isreal": ops.isreal, "Log": ops.log, "Log10": ops.log10, "Log1p": ops.log1p,
    "Log2": ops.log2, "NanToNum": ops.nan_to_num, "Negative": ops.negative, "OnesLike": ops.ones_like,
    "Rad2deg": ops.rad2deg, "Real": ops.real, "Reciprocal": ops.reciprocal, "Round": ops.round, "Sign": ops.sign,
    "Signbit": ops.signbit, "Sin": ops.sin, "Sinc": ops.sinc, "Sinh": ops.sinh, "Sqrt": ops.sqrt,
    "Square": ops.square, "Tan": ops.tan, "Tanh": ops.tanh, "Trunc": ops.trunc, "ZerosLike": ops.zeros_like,
    "StopGradient": ops.stop_gradient, "Erf": ops.erf, "Erfc": ops.erfc, "Erfinv": ops.erfinv, "Rsqrt": ops.rsqrt,
    "Celu": ops.celu, "Elu": ops.elu, "Gelu": ops.gelu, "HardShrink": ops.hard_shrink,
    "HardSigmoid": ops.hard_sigmoid, "HardSilu": ops.hard_silu, "HardTanh": ops.hard_tanh,
    "LeakyRelu": ops.leaky_relu, "LogSigmoid": ops.log_sigmoid, "Relu": ops.relu, "Relu6": ops.relu6,
    "Selu": ops.selu, "Sigmoid": ops.sigmoid, "Silu": ops.silu, "SoftShrink": ops.soft_shrink,
    "Softplus": ops.softplus, "Softsign": ops.softsign, "SparsePlus": ops.sparse_plus,
    "SparseSigmoid": ops.sparse_sigmoid, "Squareplus": ops.squareplus, "TanhShrink": ops.tanh_shrink,
}
BINARY = {
    "Add": ops.add, "Arctan2": ops.arctan2, "Divide": ops.divide, "DivideNoNan": ops.divide_no_nan,
    "Equal": ops.equal, "Fmax": ops.fmax, "Fmin": ops.fmin, "Fmod": ops.fmod, "FloorDivide": ops.floor_divide,
    "Greater": ops.greater, "GreaterEqual": ops.greater_equal, "Heaviside": ops.heaviside, "Hypot": ops.hypot,
    "Isclose": ops.isclose, "Less": ops.less, "LessEqual": ops.less_equal, "Logaddexp": ops.logaddexp,
    "Logaddexp2": ops.logaddexp2, "Maximum": ops.maximum, "Minimum": ops.minimum, "Mod": ops.mod,
    "Multiply": ops.multiply, "Nextafter": ops.nextafter, "NotEqual": ops.not_equal, "Power": ops.power,
    "Subtract": ops.subtract, "TrueDivide": ops.true_divide,
}
INTEGER = {
    "BitwiseAnd": ops.bitwise_and, "BitwiseOr": ops.bitwise_or, "BitwiseXor": ops.bitwise_xor,
    "BitwiseLeftShift": ops.bitwise_left_shift, "BitwiseRightShift": ops.bitwise_right_shift,
    "LeftShift": ops.left_shift, "RightShift": ops.right_shift, "Gcd": ops.gcd, "Lcm": ops.lcm,
}
REDUCE = {
    "All": ops.all, "Any": ops.any, "Amax": ops.amax, "Amin": ops.amin, "Argmax": ops.argmax, "Argmin": ops.argmin,
    "Max": ops.max, "Mean": ops.mean, "Median": ops.median, "Min": ops.min, "Nanargmax": ops.nanargmax,
    "Nanargmin": ops.nanargmin, "Nanmax": ops.nanmax, "Nanmean": ops.nanmean, "Nanmedian": ops.nanmedian,
    "Nanmin": ops.nanmin, "Nanprod": ops.nanprod, "Nanstd": ops.nanstd, "Nansum": ops.nansum, "Nanvar": ops.nanvar,
    "Prod": ops.prod, "Ptp": ops.ptp, "Std": ops.std, "Sum": ops.sum, "Var": ops.var, "Logsumexp": ops.logsumexp,
}

CASES = {
    **{name: ((X,), fn) for name, fn in UNARY.items()},
    **{name: ((X, (None, 1, 6, 8)), fn) for name, fn in BINARY.items()},
    **{name: ((X, (None, 6, 1)), lambda x, y, fn=fn: fn(INT(x), INT(y))) for name, fn in INTEGER.items()},
    **{name: ((X,), lambda x, fn=fn: fn(x, axis=1)) for name, fn in REDUCE.items() if name != "Argmax"},
    "Argmax": ((X,), lambda x: ops.argmax(x, axis=-1, keepdims=True)),
    "Norm": ((X,), lambda x: ops.norm(x, axis=(1, 2), keepdims=True)),
    "BitwiseInvert": ((X,), lambda x: ops.bitwise_invert(INT(x))),
    "BitwiseNot": ((X,), lambda x: ops.bitwise_not(INT(x))),
    "Ldexp": ((X, (None, 6, 8)), lambda x, y: ops.ldexp(x, INT(y))),
    "LogicalAnd": ((X, (8,)), lambda x, y: ops.logical_and(B(x), B(y))),
    "LogicalOr": ((X, (8,)), lambda x, y: ops.logical_or(B(x), B(y))),
    "LogicalXor": ((X, (8,)), lambda x, y: ops.logical_xor(B(x), B(y))),
    "LogicalNot": ((X,), lambda x: ops.logical_not(B(x))),
    "Where": ((X, (None, 6, 1)), lambda x, y: ops.where(B(x), x, y)),
    "Clip": ((X,), lambda x: ops.clip(x, 0.0, 1.0)),
    "FullLike": ((X,), lambda x: ops.full_like(x, 3.0)),
    "Flip": ((X,), lambda x: ops.flip(x, axis=1)),
    "Fliplr": ((X,), ops.fliplr), "Flipud": ((X,), ops.flipud),
    "Roll": ((X,), lambda x: ops.roll(x, 2, axis=2)),
    "Tril": ((X,), lambda x: ops.tril(x, k=1)), "Triu": ((X,), ops.triu),
    "Cast": ((X,), lambda x: ops.cast(x, "float16")), "SaturateCast": ((X,), lambda x: ops.saturate_cast(x, "uint8")),
    "Softmax": ((X,), lambda x: ops.softmax(x, axis=1)), "LogSoftmax": ((X,), ops.log_softmax),
    "Sparsemax": ((X,), ops.sparsemax), "Normalize": ((X,), lambda x: ops.normalize(x, axis=1)),
    "Threshold": ((X,), lambda x: ops.threshold(x, 0.5, 0.0)),
    "BatchNorm": ((X,), lambda x: ops.batch_normalization(x, np.zeros(8), np.ones(8), axis=-1)),
    "LayerNorm": ((X,), lambda x: ops.layer_normalization(x, np.ones(8), np.zeros(8))),
    "RMSNorm": ((X,), lambda x: ops.rms_normalization(x, np.ones(8))),
    "RGBToHSV": ((IMG,), ops.image.rgb_to_hsv), "HSVToRGB": ((IMG,), ops.image.hsv_to_rgb),
    "GaussianBlur": ((IMG,), ops.image.gaussian_blur),
    "ElasticTransform": ((IMG,), lambda x: ops.image.elastic_transform(x, seed=1)),
    "AffineTransform": ((IMG,), lambda x: ops.image.affine_transform(x, np.array([1, 0, 0, 0, 1, 0, 0, 0.0]))),
    "PerspectiveTransform": ((IMG,), lambda x: ops.image.perspective_transform(
        x, np.array([[0, 0], [1, 0], [0, 1], [1, 1.0]]), np.array([[0, 0], [1, 0], [0, 1], [1, 1.0]]))),
    "Cumsum": ((X,), lambda x: ops.cumsum(x, axis=1)), "Cumprod": ((X,), ops.cumprod),
    "Nancumsum": ((X,), lambda x: ops.nancumsum(x, axis=2)), "Nancumprod": ((X,), lambda x: ops.nancumprod(x, axis=0)),
    "Sort": ((X,), ops.sort), "Argsort": ((X,), lambda x: ops.argsort(x, axis=1)),
    "Glu": ((X,), lambda x: ops.glu(x, axis=-1)),
    "Polar": ((X, X), ops.polar),
    "InTopK": (((None,), (None, 10)), lambda t, p: ops.in_top_k(INT(t), p, 3)),
    "DotProductAttention": (((None, 5, 2, 8), (None, 7, 2, 8), (None, 7, 2, 8)), ops.dot_product_attention),
    "CountNonzero": ((X,), lambda x: ops.count_nonzero(x, axis=(1, 3))),
    "Quantile": ((X,), lambda x: ops.quantile(x, [0.25, 0.5, 0.75], axis=2)),
    "Percentile": ((X,), lambda x: ops.percentile(x, 50, axis=1, keepdims=True)),
    "Nanquantile": ((X,), lambda x: ops.nanquantile(x, [0.1, 0.9], axis=-1)),
    "Nanpercentile": ((X,), lambda x: ops.nanpercentile(x, 90, axis=2)),
    "Average": ((X,), lambda x: ops.average(x, axis=1)),
    "Trace": ((X,), lambda x: ops.trace(x, axis1=1, axis2=3)),
    "Moments": ((X,), lambda x: list(ops.moments(x, axes=[1, 2]))),
    "CategoricalCrossentropy": (((None, 10), (None, 10)), ops.categorical_crossentropy),
    "BinaryCrossentropy": (((None, 10), (None, 10)), ops.binary_crossentropy),
    "SparseCategoricalCrossentropy": (((None,), (None, 10)),
                                      lambda t, p: ops.sparse_categorical_crossentropy(INT(t), p)),
    "Reshape": ((X,), lambda x: ops.reshape(x, (-1, 6, 8))),
    "Transpose": ((X,), lambda x: ops.transpose(x, (0, 2, 1, 3))),
    "ExpandDims": ((X,), lambda x: ops.expand_dims(x, [1, -1])),
    "Squeeze": (((None, 4, 1, 8),), lambda x: ops.squeeze(x, axis=2)),
    "Ravel": ((X,), ops.ravel),
    "Moveaxis": ((X,), lambda x: ops.moveaxis(x, [1, 3], [3, 0])),
    "Swapaxes": ((X,), lambda x: ops.swapaxes(x, 1, -1)),
    "BroadcastTo": (((None, 1, 8),), lambda x: ops.broadcast_to(x, (2, 5, 8))),
    "Tile": ((X,), lambda x: ops.tile(x, (2, 3))),
    "Repeat": ((X,), lambda x: ops.repeat(x, 3, axis=2)),
    "Pad": ((X,), lambda x: ops.pad(x, ((0, 0), (1, 2), (0, 0), (3, 3)))),
    "Rot90": ((X,), lambda x: ops.rot90(x, axes=(1, 2))),
    "Diff": ((X,), lambda x: ops.diff(x, n=2, axis=2)),
    "Diagonal": ((X,), lambda x: ops.diagonal(x, offset=1, axis1=1, axis2=2)),
    "Diag": (((None,),), ops.diag),
    "Diagflat": (((3, 2),), lambda x: ops.diagflat(x, k=1)),
    "Concatenate": ((X, (None, 4, 6, 2)), lambda x, y: ops.concatenate([x, y], axis=-1)),
    "Append": ((X, X), lambda x, y: ops.append(x, y, axis=1)),
    "Hstack": ((X, X), lambda x, y: ops.hstack([x, y])),
    "Vstack": ((X, X), lambda x, y: ops.vstack([x, y])),
    "Dstack": ((X, X), lambda x, y: ops.dstack([x, y])),
    "Stack": ((X, X), lambda x, y: ops.stack([x, y], axis=1)),
    "Split": ((X,), lambda x: ops.split(x, [1, 5], axis=2)),
    "ArraySplit": ((X,), lambda x: ops.array_split(x, 3, axis=-1)),
    "Hsplit": ((X,), lambda x: ops.hsplit(x, 2)), "Vsplit": (((4, 6),), lambda x: ops.vsplit(x, 2)),
    "Dsplit": ((X,), lambda x: ops.dsplit(x, 3)),
    "Unstack": ((X,), lambda x: ops.unstack(x, axis=1)),
    "GetItem": ((X,), lambda x: x[:, 1:3, ..., None, ::2]),
    "Slice": ((X,), lambda x: ops.slice(x, [0, 1, 2, 0], [-1, 2, -1, 8])),
    "Take": ((X,), lambda x: ops.take(x, [[0, 2], [1, 3]], axis=2)),
    "TakeAlongAxis": ((X, (None, 4, 3, 8)), lambda x, i: ops.take_along_axis(x, INT(i), axis=2)),
    "TopK": (((None, 10),), lambda x: list(ops.top_k(x, 3))),
    "OneHot": (((None, 5),), lambda x: ops.one_hot(INT(x), 7)),
    "MultiHot": (((None, 5),), lambda x: ops.multi_hot(INT(x), 7)),
    "Matmul": ((X, (None, 4, 8, 3)), ops.matmul),
    "Dot": ((X, (8, 5)), ops.dot),
    "Tensordot": ((X, (8, 6, 3)), lambda x, y: ops.tensordot(x, y, axes=[[2, 3], [1, 0]])),
    "Einsum": (((None, 5, 8), (None, 7, 8)), lambda q, k: ops.einsum("bqd,bkd->bqk", q, k)),
    "Inner": ((X, (3, 8)), ops.inner),
    "Outer": (((None, 3), (4,)), ops.outer),
    "Kron": (((2, 3), (4, 5)), ops.kron),
    "Cross": (((None, 3), (None, 3)), ops.cross),
    "Vdot": (((4,), (4,)), ops.vdot),
    "Conv": ((IMG,), lambda x: ops.conv(x, np.ones((3, 3, 3, 5)), strides=2, padding="same")),
    "DepthwiseConv": ((IMG,), lambda x: ops.depthwise_conv(x, np.ones((3, 3, 3, 2)))),
    "SeparableConv": ((IMG,), lambda x: ops.separable_conv(x, np.ones((3, 3, 3, 2)), np.ones((1, 1, 6, 4)))),
    "ConvTranspose": ((IMG,), lambda x: ops.conv_transpose(x, np.ones((3, 3, 5, 3)), strides=2)),
    "MaxPool": ((IMG,), lambda x: ops.max_pool(x, 2)),
    "AveragePool": ((IMG,), lambda x: ops.average_pool(x, 3, strides=2, padding="same")),
    "AdaptiveAveragePool": ((IMG,), lambda x: ops.adaptive_average_pool(x, (2, 3))),
    "AdaptiveMaxPool": ((IMG,), lambda x: ops.adaptive_max_pool(x, (4, 4), data_format="channels_first")),
    "Resize": ((IMG,), lambda x: ops.image.resize(x, (5, 7))),
    "RGBToGrayscale": ((IMG,), ops.image.rgb_to_grayscale),
    "SobelEdges": ((IMG,), ops.image.sobel_edges),
    "ExtractPatches": ((IMG,), lambda x: ops.image.extract_patches(x, 4)),
    "PadImages": ((IMG,), lambda x: ops.image.pad_images(x, 1, 2, target_height=12, target_width=11)),
    "CropImages": ((IMG,), lambda x: ops.image.crop_images(x, 1, 2, 3, 1)),
    "DepthToSpace": (((None, 4, 4, 12),), lambda x: ops.depth_to_space(x, 2)),
    "SpaceToDepth": ((IMG,), lambda x: ops.space_to_depth(x, 2)),
    "ExtractSequences": (((None, 100),), lambda x: ops.extract_sequences(x, 20, 10)),
    "Corrcoef": (((3, 10),), ops.corrcoef),
    "ConvertToTensor": ((X,), lambda x: ops.convert_to_tensor(x, dtype="float16")),
    "ScatterUpdate": (((None, 5),), lambda x: ops.scatter_update(x, [[0, 1]], [7.0])),
    "SliceUpdate": (((None, 5),), lambda x: ops.slice_update(x, [0, 1], np.ones((1, 2)))),
    "Cholesky": (((None, 4, 4),), ops.cholesky), "CholeskyInverse": (((None, 4, 4),), ops.cholesky_inverse),
    "Inv": (((None, 4, 4),), ops.inv), "Pinv": (((None, 4, 3),), ops.pinv),
    "Det": (((None, 4, 4),), ops.det), "Logdet": (((None, 4, 4),), ops.logdet),
    "Eigh": (((None, 4, 4),), lambda x: list(ops.eigh(x))),
    "Qr": (((2, 5, 3),), lambda x: list(ops.qr(x))),
    "Solve": (((4, 4), (4,)), ops.solve), "SolveTriangular": (((4, 4), (4,)), ops.solve_triangular),
    "CDist": (((None, 5, 8), (None, 7, 8)), ops.cdist),
    "FFT": ((X, X), lambda r, i: list(ops.fft((r, i)))), "FFT2": ((X, X), lambda r, i: list(ops.fft2((r, i)))),
    "IFFT2": ((X, X), lambda r, i: list(ops.ifft2((r, i)))),
    "RFFT": ((X,), lambda x: list(ops.rfft(x, fft_length=16))),
    "ViewAsReal": ((X,), lambda x: ops.view_as_real(ops.view_as_complex(x[..., :2]))),
    "ViewAsComplex": ((X,), lambda x: ops.view_as_complex(x[..., :2])),
    "Argpartition": ((X,), lambda x: ops.argpartition(x, 2, axis=-1)),
    "Digitize": ((X,), lambda x: ops.digitize(x, np.array([0.0, 1.0]))),
    "IsIn": ((X, (5,)), ops.isin),
    "SearchSorted": (((10,), (None, 3)), ops.searchsorted),
    "AllClose": ((X, X), ops.allclose), "Size": ((X,), ops.size), "Ndim": ((X,), ops.ndim),
    "PSNR": ((IMG, IMG), lambda x, y: ops.psnr(x, y, 1.0)),
    "Trapezoid": ((X,), lambda x: ops.trapezoid(x, axis=1)),
    "Vander": (((5,),), lambda x: ops.vander(x, 3)),
    "Scatter": (((None, 2),), lambda i: ops.scatter(INT(i), np.ones(1), (4, 4))),
    "Select": ((X, X), lambda x, y: ops.select([B(x)], [y])),
    "Correlate": (((7,), (3,)), lambda a, b: ops.correlate(a, b, mode="full")),
    "SegmentSum": (((None, 4), (None,)), lambda d, s: ops.segment_sum(d, INT(s), num_segments=5)),
    "SegmentMax": (((None, 4), (None,)), lambda d, s: ops.segment_max(d, INT(s), num_segments=5)),
    "SegmentMin": (((None, 4), (None,)), lambda d, s: knp_math.SegmentMin(5)(d, INT(s))),
    "SegmentProd": (((None, 4), (None,)), lambda d, s: knp_math.SegmentProd(5)(d, INT(s))),
    "CTCLoss": (((None, 5), (None, 20, 11), (None,), (None,)),
                lambda t, o, tl, ol: ops.ctc_loss(INT(t), o, INT(tl), INT(ol))),
}


def _op_model(shapes, build) -> keras.Model:
    inputs = [keras.Input(batch_shape=shape) for shape in shapes]
    return keras.Model(inputs, build(*inputs))


def _flat(output) -> list:
    if isinstance(output, (list, tuple)) and output and isinstance(output[0], (list, tuple)):
        return [shape for item in output for shape in _flat(item)]
    return [tuple(output)]


def test_every_op_rule_has_a_case():
    """Does every op class with a shape rule have a live-Keras case here (and every case a rule)?"""
    assert sorted(CASES) == known_operations()


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_output_shape_matches_keras(name):
    """Is the op's output shape, read from model.to_json() alone, exactly Keras's?"""
    shapes, build = CASES[name]
    model = _op_model(shapes, build)
    config = json.loads(model.to_json())
    assert name in {node["class_name"] for node in config["config"]["layers"] if is_operation(node)}
    _, output, params = walk_model(config)
    expected = [tuple(t.shape) for t in model.outputs]
    assert _flat(output) == expected
    assert params.total == 0 == model.count_params()


def test_ops_feed_the_next_layer():
    """Does a Dense after a chain of ops get Keras's count (its inputs come from the ops' shapes)?"""
    x = keras.Input((4, 6, 8))
    y = ops.reshape(ops.transpose(x[:, 1:, :, ::2], (0, 2, 1, 3)), (-1, 6, 12))
    y = ops.concatenate([y, ops.mean(y, axis=-1, keepdims=True)], axis=-1)
    model = keras.Model(x, keras.layers.Dense(5)(ops.stack([y, y], axis=1)))
    assert assert_matches_keras(model).total == 5 * (13 + 1)


def test_an_op_without_a_rule_is_refused_as_an_op():
    """Is an op the counter has no rule for refused as an op, naming its class and module, not as a layer?"""
    x = keras.Input((6,))
    config = json.loads(keras.Model(x, keras.layers.Dense(2)(x)).to_json())
    config["config"]["layers"][1]["module"] = "keras.src.ops.numpy"
    config["config"]["layers"][1]["class_name"] = "Unique"
    with pytest.raises(UnknownOperationError, match=r"Keras op 'Unique' from module 'keras.src.ops.numpy'"):
        reference.count(config)
