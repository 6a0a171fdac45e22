"""The pieces keras-hub's transformers are made of, as arithmetic: embeddings, projections, attention with
grouped-query heads, gated and plain MLPs, RMSNorm and LayerNorm.

Each function returns a list of ``(name, Expr)`` parts; :func:`derive` adds them up into one
:class:`Derivation` whose note names the parts in order, so a block's formula reads like its layers::

    >>> derive(gated_mlp(4, 8)).formula
    '4 × 8 + 4 × 8 + 8 × 4 = 96 (gate + up + down)'
"""

from __future__ import annotations

from .._expr import Expr, term
from .._types import Derivation

__all__ = ["Parts", "dense", "derive", "experts", "gated_mlp", "grouped_query_attention", "layer_norm", "mlp",
           "reversible_embedding", "rms_norm", "table"]

Parts = list[tuple[str, Expr]]


def derive(parts: Parts, note: str | None = None) -> Derivation:
    """One derivation for several parts: their sum, with the parts' names as the note."""
    expr = parts[0][1]
    for _, part in parts[1:]:
        expr = expr + part
    return Derivation(expr, note=note if note is not None else " + ".join(name for name, _ in parts))


def table(rows: int, width: int) -> Expr:
    """An embedding table: one row of ``width`` per token (or position)."""
    return term(rows) * term(width)


def reversible_embedding(vocabulary_size: int, hidden_dim: int, tied: bool) -> Parts:
    """keras-hub's ReversibleEmbedding: the token table, and a reverse (output) table unless tied."""
    parts = [("embeddings", table(vocabulary_size, hidden_dim))]
    if not tied:
        parts.append(("reverse_embeddings (untied output)", term(hidden_dim) * term(vocabulary_size)))
    return parts


def dense(inputs: int, units: int, use_bias: bool) -> Expr:
    """A Dense (or an EinsumDense that maps one axis to one): ``inputs × units``, plus ``units`` biases."""
    kernel = term(inputs) * term(units)
    return kernel + units if use_bias else kernel


def _heads(features: int, heads: int, size: int, use_bias: bool) -> Expr:
    kernel = term(features) * term(heads) * term(size)
    return kernel + term(heads) * term(size) if use_bias else kernel


def grouped_query_attention(hidden_dim: int, num_query_heads: int, num_key_value_heads: int, head_dim: int, *,
                            qkv_bias: bool = False, output_bias: bool = False, qk_norm: bool = False) -> Parts:
    """Self-attention with ``g`` key-value heads shared by ``h`` query heads of size ``k``:
    ``d·h·k + 2·d·g·k + h·k·d`` without biases. ``qk_norm`` adds an RMSNorm of size ``k`` on the queries
    and one on the keys (Qwen 3, Gemma 3)."""
    parts = [("query", _heads(hidden_dim, num_query_heads, head_dim, qkv_bias)),
             ("key", _heads(hidden_dim, num_key_value_heads, head_dim, qkv_bias)),
             ("value", _heads(hidden_dim, num_key_value_heads, head_dim, qkv_bias))]
    output = term(num_query_heads) * term(head_dim) * term(hidden_dim)
    parts.append(("output", output + hidden_dim if output_bias else output))
    if qk_norm:
        parts += [("query norm", term(head_dim)), ("key norm", term(head_dim))]
    return parts


def gated_mlp(hidden_dim: int, intermediate_dim: int) -> Parts:
    """A gated MLP (SwiGLU, GeGLU): gate and up projections ``d → f`` and a down projection ``f → d``,
    no biases: ``3·d·f``."""
    return [("gate", dense(hidden_dim, intermediate_dim, False)),
            ("up", dense(hidden_dim, intermediate_dim, False)),
            ("down", dense(intermediate_dim, hidden_dim, False))]


def mlp(hidden_dim: int, intermediate_dim: int, use_bias: bool = True) -> Parts:
    """A plain two-layer MLP (GPT-2, OPT, BERT): ``d → f → d``, with biases ``2·d·f + f + d``."""
    return [("intermediate", dense(hidden_dim, intermediate_dim, use_bias)),
            ("output", dense(intermediate_dim, hidden_dim, use_bias))]


def experts(num_experts: int, hidden_dim: int, intermediate_dim: int, label: str = "experts") -> tuple[str, Expr]:
    """A bank of gated experts stored as three stacked kernels (gate and up ``E × d × f``, down
    ``E × f × d``; Qwen stacks gate and up as one ``E × d × 2f``): ``3·E·d·f``, no biases."""
    return (label, term(3) * term(num_experts) * term(hidden_dim) * term(intermediate_dim))


def rms_norm(dim: int, name: str = "norm") -> tuple[str, Expr]:
    """RMSNorm: one scale per feature."""
    return (name, term(dim))


def layer_norm(dim: int, name: str = "norm", center: bool = True) -> tuple[str, Expr]:
    """LayerNormalization: a scale and (if ``center``) an offset per feature, ``2·d``."""
    return (name, term(2) * term(dim) if center else term(dim))
