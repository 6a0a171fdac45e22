"""Reductions (``keras.ops.mean``, ``sum``, ``max``, ``argmax``, ``norm``, …): the input's shape
without the reduced axes, or with them kept as 1 (``keepdims=True``); ``axis=None`` reduces them all.
"""

from __future__ import annotations

from ...errors import ShapeError
from .._registry import Call
from ._base import Shape, arg, axis_index, operation, reduce_shape, tensor_arg, value_shape

__all__ = ["REDUCTIONS"]

REDUCTIONS = (
    "All", "Amax", "Amin", "Any", "Argmax", "Argmin", "Max", "Mean", "Median", "Min", "Nanargmax", "Nanargmin",
    "Nanmax", "Nanmean", "Nanmedian", "Nanmin", "Nanprod", "Nanstd", "Nansum", "Nanvar", "Prod", "Ptp", "Std",
    "Sum", "Var", "Logsumexp", "Norm",
)


@operation(*REDUCTIONS)
def _reduction(config: dict, call: Call) -> Shape:
    return reduce_shape(tensor_arg(call), config.get("axis"), config.get("keepdims", False))


@operation("CountNonzero")
def _count_nonzero(config: dict, call: Call) -> Shape:
    return reduce_shape(tensor_arg(call), config.get("axis"))


@operation("Quantile", "Percentile", "Nanquantile", "Nanpercentile")
def _quantile(config: dict, call: Call) -> Shape:
    """One reduced result per requested quantile: several ``q`` add a leading axis."""
    output = reduce_shape(tensor_arg(call), config.get("axis"), config.get("keepdims", False))
    q = arg(call, 1, "q")
    q_shape = value_shape(q)
    if isinstance(q, tuple):  # a Keras tensor of quantiles
        return (q_shape[0], *output) if q_shape else output
    return (len(q), *output) if isinstance(q, list) and len(q) > 1 else output


@operation("Average")
def _average(config: dict, call: Call) -> Shape:
    axis = config.get("axis")
    return reduce_shape(tensor_arg(call), None if axis is None else [axis])


@operation("Trapezoid")
def _trapezoid(config: dict, call: Call) -> Shape:
    """The integral along ``axis``: that axis goes."""
    shape = tensor_arg(call)
    axis = config.get("axis", -1)
    return shape if axis is None or not shape else tuple(d for i, d in enumerate(shape) if i != axis % len(shape))


@operation("Det", "Logdet")
def _determinant(config: dict, call: Call) -> Shape:
    """One number per square matrix: the last two axes go."""
    return tensor_arg(call)[:-2]


@operation("SegmentSum", "SegmentMax", "SegmentMin", "SegmentProd")
def _segment(config: dict, call: Call) -> Shape:
    """One row per segment: the first axis becomes ``num_segments``."""
    return (config.get("num_segments"), *tensor_arg(call, 0, "data")[1:])


@operation("CTCLoss")
def _ctc_loss(config: dict, call: Call) -> Shape:
    """One loss per sample."""
    return tensor_arg(call, 0, "target")[:1]


@operation("Trace")
def _trace(config: dict, call: Call) -> Shape:
    """The trace sums a diagonal: both of its axes go."""
    shape = tensor_arg(call)
    first = axis_index(config.get("axis1", 0), len(shape))
    second = axis_index(config.get("axis2", 1), len(shape))
    if first == second:
        raise ShapeError(f"trace needs two different axes, got axis1={first} and axis2={second}")
    return tuple(d for i, d in enumerate(shape) if i not in (first, second))


@operation("Moments")
def _moments(config: dict, call: Call) -> list:
    """``keras.ops.moments``: the mean and the variance, each reduced over ``axes``."""
    reduced = reduce_shape(tensor_arg(call), config.get("axes"), config.get("keepdims", False))
    return [reduced, reduced]


@operation("BinaryCrossentropy")
def _binary_crossentropy(config: dict, call: Call) -> Shape:
    """A loss per value: the predictions' shape."""
    return value_shape(arg(call, 1, "output"))


@operation("CategoricalCrossentropy")
def _categorical_crossentropy(config: dict, call: Call) -> Shape:
    """A loss per sample: the class axis (the last) is summed over."""
    return value_shape(arg(call, 1, "output"))[:-1]


@operation("SparseCategoricalCrossentropy")
def _sparse_crossentropy(config: dict, call: Call) -> Shape:
    output = value_shape(arg(call, 1, "output"))
    axis = axis_index(config.get("axis", -1), len(output))
    return output[:axis] + output[axis + 1:]
