"""EinsumDense's equation, read the way Keras reads it (``_analyze_einsum_string`` in
``keras/src/layers/core/einsum_dense.py``): the kernel shape, the bias shape, the output shape."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ConfigError, ShapeError

__all__ = ["EinsumShapes", "analyze_einsum"]

_FORMS = (  # (pattern, left_elided), tried in Keras's order
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", False),
    (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", True),
    (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", False),
)


@dataclass(frozen=True)
class EinsumShapes:
    """The weight and output shapes an EinsumDense equation implies."""

    kernel: tuple
    bias: tuple | None
    output: tuple


def analyze_einsum(equation: str, bias_axes: str | None, input_shape: tuple,
                   output_shape) -> EinsumShapes:
    """Kernel, bias and full output shape for ``equation`` on ``input_shape``."""
    text = re.sub(r"\.\.\.", "0", equation or "")
    for pattern, left in _FORMS:
        match = re.match(pattern, text)
        if match:
            return _analyze(match.groups(), bias_axes, tuple(input_shape), output_shape, left)
    raise ConfigError(f"EinsumDense equation {equation!r} is not in a supported form; expected "
                      "'ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...'")


def _full_output(input_spec, input_shape, output_shape, left):
    out = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    out.insert(0, input_shape[0])
    elided = len(input_shape) - len(input_spec)
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        out.extend(input_shape[len(input_shape) - elided:])
    return out, elided


def _analyze(specs, bias_axes, input_shape, output_shape, left):
    input_spec, weight_spec, output_spec = specs
    out, elided = _full_output(input_spec, input_shape, output_shape, left)
    if left:
        in_map = {d: i + elided - len(input_shape) for i, d in enumerate(input_spec)}
        out_map = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        in_map = {d: i for i, d in enumerate(input_spec)}
        out_map = {d: i for i, d in enumerate(output_spec)}
    try:
        _check_shared(input_spec, in_map, out_map, input_shape, out)
        kernel = tuple(out[out_map[d]] if d in out_map else input_shape[in_map[d]] for d in weight_spec)
    except (KeyError, IndexError):
        raise ShapeError(f"EinsumDense: the equation's input spec {input_spec!r} does not fit input "
                         f"shape {input_shape}, or weight spec {weight_spec!r} has an axis that is "
                         "in neither the input nor the output spec") from None
    bias = _bias_shape(bias_axes, output_spec, out, elided, left)
    return EinsumShapes(kernel, bias, tuple(out))


def _check_shared(input_spec, in_map, out_map, input_shape, out):
    for d in input_spec:
        if d in out_map and out[out_map[d]] is not None and out[out_map[d]] != input_shape[in_map[d]]:
            raise ShapeError(f"EinsumDense: axis '{d}' is {input_shape[in_map[d]]} in the input "
                             f"but {out[out_map[d]]} in output_shape; make them equal")


def _bias_shape(bias_axes, output_spec, out, elided, left):
    if bias_axes is None:
        return None
    offset = elided if left else 0
    sizes = {c: out[i + offset] for i, c in enumerate(output_spec)}
    missing = [c for c in bias_axes if c not in output_spec]
    if missing:
        raise ConfigError(f"EinsumDense bias_axes {bias_axes!r} names {missing} which are not in "
                          f"the output spec {output_spec!r}; choose axes of the output")
    first = min(output_spec.find(c) for c in bias_axes)
    shape = [sizes[c] if c in bias_axes else 1 for c in output_spec[first:]]
    return tuple(shape + ([1] * elided if not left else []))
