"""Keras 3 dtype policies and quantized layers (``model.quantize("int8" | "int4" | "float8")``).

A serialized layer's ``dtype`` says how its variables are stored: ``"float32"``, ``"mixed_bfloat16"`` (computes in
bfloat16, keeps float32 variables), ``"bfloat16"``, or a quantized policy (``QuantizedDTypePolicy`` with
``mode: "int8"``, ``Int4DTypePolicy`` with ``mode: "int4/128"``, ``QuantizedFloat8DTypePolicy``). A quantized
Dense, EinsumDense, Embedding or ReversibleEmbedding stores other variables than its float self; they are listed
here the way its ``quantized_build`` in ``keras/src/layers/core`` creates them (Keras 3.15):

- int8: the kernel in int8, frozen, plus a float32 ``kernel_scale`` per output unit (Embedding: per token);
- int4: the kernel packed two to a byte along the output axis, a ``kernel_scale`` per output unit and group of
  ``block_size`` inputs, and, when grouped, an int8 ``kernel_zero`` of the same shape and a float32 ``g_idx``;
- float8: the float kernel stays trainable, plus three scales and three amax histories (all trainable).
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass, replace

from ..errors import ConfigError
from ._expr import Expr, product, total
from ._types import Derivation, Weight

__all__ = ["Policy", "dense_weights", "einsum_weights", "embedding_weights", "policy", "refuse_hidden_quantization",
           "weights_derivation"]

_MODES = ("int8", "int4", "float8")


@dataclass(frozen=True, slots=True)
class Policy:
    """A layer's dtype policy: its variables' dtype and, when quantized, the mode."""

    variable_dtype: str = "float32"
    mode: str | None = None
    block_size: int | None = None
    amax_history: int = 1024


def policy(dtype) -> Policy:
    """The policy a serialized ``dtype`` names (a string, or a ``DTypePolicy`` dict)."""
    if dtype is None:
        return Policy()
    if isinstance(dtype, str):
        return _named(dtype)
    if not isinstance(dtype, dict):
        raise ConfigError(f"a dtype policy should be a string or a serialized DTypePolicy, got {dtype!r:.60}")
    cls, cfg = dtype.get("class_name", ""), dtype.get("config") or {}
    if cls == "DTypePolicyMap":
        raise ConfigError("a DTypePolicyMap (one policy per layer path) is not read by the reference counter; "
                          "count the model before quantizing it")
    if "mode" not in cfg:
        return _named(cfg.get("name") or "float32")
    mode, _, block = str(cfg["mode"]).partition("/")
    return _quantized(mode, _named(cfg.get("source_name") or "float32").variable_dtype, block,
                      int(cfg.get("amax_history_length", 1024)))


# Layers whose inner EinsumDense layers model.quantize() quantizes although their own config still says float.
_HIDING = ("MultiHeadAttention", "GroupedQueryAttention")


def refuse_hidden_quantization(model: dict) -> None:
    """A quantized model with attention cannot be counted from its config: the attention layer's config keeps its
    float policy while its query, key, value and output projections were quantized (Keras 3.15)."""
    classes, quantized = set(), []
    _walk(model, classes, quantized)
    hiding = sorted(classes.intersection(_HIDING))
    if quantized and hiding:
        raise ConfigError(f"this model is quantized ({quantized[0]}) and has a {hiding[0]}, whose config does not "
                          "say whether its inner projections were quantized too; count the model before "
                          "quantizing it")


def _walk(value, classes: set, quantized: list) -> None:
    if isinstance(value, list):
        for item in value:
            _walk(item, classes, quantized)
    elif isinstance(value, dict):
        if isinstance(value.get("class_name"), str):
            classes.add(value["class_name"])
            if value["class_name"] in ("QuantizedDTypePolicy", "Int4DTypePolicy", "QuantizedFloat8DTypePolicy"):
                quantized.append(value["class_name"])
        for item in value.values():
            _walk(item, classes, quantized)


def _named(name: str) -> Policy:
    quantized, sep, source = name.partition("_from_")
    if sep:  # Keras's string form of a quantized policy: "int8_from_float32", "int4_from_mixed_bfloat16"
        return _quantized(quantized, _named(source).variable_dtype, "", 1024)
    return Policy("float32" if name.startswith("mixed_") else name)


def _quantized(mode: str, variable_dtype: str, block: str, amax: int) -> Policy:
    if mode not in _MODES:
        raise ConfigError(f"quantization mode {mode!r} is not counted by the reference counter (it counts "
                          f"{', '.join(_MODES)}); count the model before quantizing it")
    block_size = int(block) if block else None
    return Policy(variable_dtype, mode, None if block_size == -1 else block_size, amax)


def _w(name: str, shape: tuple, dtype: str, trainable: bool) -> Weight:
    return Weight(name, tuple(shape), dtype, trainable)


def _packed(rows: int, columns: int, pol: Policy, name: str, groups_first: bool) -> list[Weight]:
    """int4: a (rows, ceil(columns/2)) int8 kernel; scales per column (and per group of rows when grouped)."""
    v = pol.variable_dtype
    out = [_w(name, (rows, (columns + 1) // 2), "int8", False)]
    if pol.block_size is None:
        return [*out, _w(f"{name}_scale", (columns,), v, False)]
    groups = math.ceil(rows / pol.block_size)
    shape = (groups, columns) if groups_first else (columns, groups)
    return [*out, _w(f"{name}_scale", shape, v, False), _w(f"{name}_zero", shape, "int8", False),
            _w("g_idx", (rows,), "float32", False)]


def _float8(kernel: Weight, amax: int) -> list[Weight]:
    extra = []
    for part in ("inputs", "kernel", "outputs_grad"):
        extra += [_w(f"{part}_scale", (), "float32", True), _w(f"{part}_amax_history", (amax,), "float32", True)]
    return [kernel, *extra]


def _kernel(rows: int, columns: int, shape: tuple, pol: Policy, scale: tuple | None = None) -> list[Weight]:
    v = pol.variable_dtype
    if pol.mode == "int8":
        return [_w("kernel", shape, "int8", False), _w("kernel_scale", scale or (columns,), v, False)]
    if pol.mode == "int4":
        return _packed(rows, columns, pol, "kernel", groups_first=True)
    return _float8(_w("kernel", shape, v, True), pol.amax_history)


def _lora(shape: tuple, rank: int | None, of: str = "kernel") -> list[Weight]:
    """LoRA's two adapters: Keras 3.15 makes them float32 whatever the layer's dtype policy."""
    if not rank:
        return []
    return [_w(f"lora_{of}_a", (*shape[:-1], rank), "float32", True),
            _w(f"lora_{of}_b", (rank, shape[-1]), "float32", True)]


def dense_weights(units: int, inputs: int, use_bias: bool, pol: Policy, lora_rank: int | None) -> list[Weight]:
    """A quantized Dense's variables, in the order Keras lists them."""
    bias = [_w("bias", (units,), pol.variable_dtype, True)] if use_bias else []
    kernel = _kernel(inputs, units, (inputs, units), pol)
    if pol.mode == "float8":
        return [kernel[0], *bias, *kernel[1:], *_lora((inputs, units), lora_rank)]
    return [*bias, *kernel, *_lora((inputs, units), lora_rank)]


def einsum_weights(equation: str, kernel: tuple, bias: tuple | None, pol: Policy, *, lora_rank: int | None,
                   input_rank: int) -> list[Weight]:
    """A quantized EinsumDense's variables: the kernel's contracted axes are its rows, the rest its columns."""
    if "..." in equation and pol.mode in ("int8", "int4"):
        raise ConfigError(f"Keras 3.15 cannot build an {pol.mode} EinsumDense whose equation has an ellipsis "
                          f"({equation!r}: its _analyze_quantization_info takes the input rank for a shape); "
                          "count the model before quantizing it")
    _, spec, out = _specs(equation, input_rank)
    rows = math.prod(d for d, label in zip(kernel, spec, strict=True) if label not in out)
    columns = math.prod(kernel) // rows
    bias_w = [_w("bias", bias, pol.variable_dtype, True)] if bias is not None else []
    weights = _kernel(rows, columns, kernel, pol, _int8_scale_shape(equation, kernel, input_rank))
    if pol.mode == "float8":
        return [weights[0], *bias_w, *weights[1:], *_lora(kernel, lora_rank)]
    return [*bias_w, *weights, *_lora(kernel, lora_rank)]


def _specs(equation: str, input_rank: int) -> tuple[str, str, str]:
    """Input, kernel and output specs with the ellipsis spelled out, as Keras's quantization reads them."""
    text = equation.replace("...", "0")
    for pattern, side in ((r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", ""), (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)",
                          "left"), (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", "right")):
        match = re.match(pattern, text)
        if match:
            inp, kernel, out = match.groups()
            spare = sorted(set(string.ascii_letters) - set(inp + kernel + out))[:max(input_rank - len(inp), 0)]
            pad = "".join(spare) if side else ""
            return (pad + inp, kernel, pad + out) if side == "left" else (inp + pad, kernel, out + pad)
    raise ConfigError(f"EinsumDense equation {equation!r} is not in a form Keras quantizes")


def _int8_scale_shape(equation: str, kernel: tuple, input_rank: int) -> tuple:
    """The int8 ``kernel_scale`` shape: the kernel's, contracted axes set to 1, laid out like the output
    (``_analyze_quantization_info`` and ``_get_kernel_scale_shape`` in Keras's einsum_dense.py, which place a
    contracted axis with no free output slot where their loops last left ``index``)."""
    inp, spec, out = _specs(equation, input_rank)
    reduced = [i for i, label in enumerate(spec) if label not in out]
    expand = [i for i, label in enumerate(out) if label not in spec]
    transpose = [spec.index(label) for label in out if label in spec]
    index = out.find(spec[-1])
    free = [i for i, label in enumerate(out) if label not in inp]
    for _ in [label for label in inp if label not in out]:  # Keras's loop over the input's contracted axes
        index = free.pop(0) if free else index
    squeeze = []
    for axis in reduced:
        if expand:
            index = expand.pop(0)
        else:
            squeeze.append(axis)
        transpose.insert(index, axis)
    shape = [1 if i in reduced else d for i, d in enumerate(kernel)]
    shape = [shape[a] for a in transpose]
    for a in sorted(expand):
        shape.insert(a, 1)
    for a in sorted(squeeze, reverse=True):
        shape.pop(a)
    return tuple(shape)


def embedding_weights(input_dim: int, output_dim: int, pol: Policy, lora_rank: int | None = None,
                      tie_weights: bool = True) -> list[Weight]:
    """A quantized Embedding's (or ReversibleEmbedding's) variables; Keras has no float8 embedding."""
    v = pol.variable_dtype
    if pol.mode == "int8":
        out = [_w("embeddings", (input_dim, output_dim), "int8", False),
               _w("embeddings_scale", (input_dim,), v, False)]
        if not tie_weights:
            out += [_w("reverse_embeddings", (output_dim, input_dim), "int8", False),
                    _w("reverse_embeddings_scale", (input_dim,), v, False)]
    elif pol.mode == "int4":
        out = _packed(output_dim, input_dim, pol, "embeddings", groups_first=False)
        out[0] = _w("embeddings", (input_dim, (output_dim + 1) // 2), "int8", False)
        if not tie_weights:
            out += _reverse_int4(input_dim, output_dim, pol)
    else:
        raise ConfigError(f"Keras has no {pol.mode} Embedding (only int8 and int4); expected an int8 or int4 policy")
    return out + _lora((input_dim, output_dim), lora_rank, "embeddings")


def _reverse_int4(input_dim: int, output_dim: int, pol: Policy) -> list[Weight]:
    v = pol.variable_dtype
    out = [_w("reverse_embeddings", ((output_dim + 1) // 2, input_dim), "int8", False)]
    if pol.block_size is None:
        return [*out, _w("reverse_embeddings_scale", (input_dim,), v, False)]
    shape = (math.ceil(output_dim / pol.block_size), input_dim)
    return [*out, _w("reverse_embeddings_scale", shape, v, False), _w("reverse_embeddings_zero", shape, v, False)]


def float32_adapters(derivation: Derivation, config: dict, frozen: tuple, of: str = "kernel",
                     rest: str = "bias") -> Derivation:
    """A LoRA layer whose policy keeps its variables in another dtype than float32 (``bfloat16``): Keras 3.15
    makes the two adapters float32 whatever the policy, so the variables are listed with their own dtypes: the
    frozen ``of`` (shape ``frozen``), the layer's other trainable values (``rest``, flattened), the adapters."""
    rank, v = config.get("lora_rank"), policy(config.get("dtype")).variable_dtype
    if not rank or v == "float32" or derivation.frozen:
        return derivation
    adapters = _lora(frozen, rank, of)
    others = derivation.params.trainable - sum(math.prod(w.shape) for w in adapters)
    if derivation.params.non_trainable != math.prod(frozen) or others < 0:
        raise ConfigError(f"a LoRA {of} of shape {frozen} does not fit this layer's count {derivation.params}; "
                          "this is a bug in the counter: please report it with the layer's config")
    listed = [_w(of if of == "kernel" else "embeddings", frozen, v, False), *adapters]
    return replace(derivation, weights=tuple(listed + ([_w(rest, (others,), v, True)] if others else [])))


def weights_derivation(weights: list[Weight], pol: Policy) -> Derivation:
    """The count of ``weights`` (each written as its shape's product), split trainable / non-trainable."""
    trainable = _sum(w for w in weights if w.trainable)
    frozen = _sum(w for w in weights if not w.trainable)
    if pol.mode == "float8":
        note = f"float8: 3 scales and 3 amax histories of {pol.amax_history:,}, float32 and trainable"
    else:
        note = f"{pol.mode}: " + ", ".join(f"{w.name} {w.dtype}" for w in weights
                                          if w.name != "bias" and not w.name.startswith("lora_"))
    return Derivation(trainable, frozen, note=note, weights=tuple(weights))


def _sum(weights) -> Expr | None:
    exprs = [product(w.shape) for w in weights]
    return total(exprs) if exprs else None
