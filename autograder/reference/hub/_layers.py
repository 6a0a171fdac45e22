"""Keras's own layers and keras-hub's shared transformer layers, as arithmetic for the encoder, seq2seq and
vision families: ``MultiHeadAttention``, ``Conv2D``, ``BatchNormalization``, keras-hub's
``TransformerEncoder`` and ``TransformerDecoder``, and a :func:`block` that turns parts into a
:class:`~autograder.reference.hub._base.Block`.

Every function returns a list of ``(name, Expr)`` parts (see :mod:`._blocks`); a part whose weights are
non-trainable (BatchNormalization's moving statistics, a frozen position table) is marked by a name that
ends in ``" (non-trainable)"``, and :func:`block` puts it on the non-trainable side.
"""

from __future__ import annotations

from dataclasses import replace

from ...errors import ConfigError
from .._expr import Expr, term
from .._types import Derivation
from ._base import Block
from ._blocks import Parts, layer_norm, mlp, table

__all__ = ["FROZEN", "batch_norm", "block", "conv", "frozen_with", "head_size", "multi_head_attention",
           "position_embedding", "preset_of", "repeated", "split", "transformer_decoder", "transformer_encoder"]

FROZEN = " (non-trainable)"


def split(parts: Parts) -> Derivation:
    """One derivation for several parts, the non-trainable ones (named ``… (non-trainable)``) apart."""
    trainable = [(n, e) for n, e in parts if not n.endswith(FROZEN)]
    frozen = [(n, e) for n, e in parts if n.endswith(FROZEN)]
    return Derivation(_sum(trainable), _sum(frozen), note=" + ".join(n for n, _ in parts))


def _sum(parts: Parts) -> Expr | None:
    if not parts:
        return None
    expr = parts[0][1]
    for _, part in parts[1:]:
        expr = expr + part
    return expr


def preset_of(symbols: dict[str, int], presets: dict[str, dict[str, int]]) -> str | None:
    """The first keras-hub preset whose shape (its values of the closed form's symbols) is this one's."""
    for name, shape in presets.items():
        if all(symbols.get(key) == value for key, value in shape.items()):
            return name
    return None


def frozen_with(cfg, blocks: list[Block]) -> list[Block]:
    """A nested layer's blocks (a CLIP tower, SAM's encoders), all non-trainable when its own config says
    ``trainable: false``, as Keras freezes a sub-model."""
    if cfg.config.get("trainable", True) is not False:
        return list(blocks)
    return [replace(b, derivation=b.derivation.freeze()) for b in blocks]


def block(name: str, parts: Parts, kind: str = "body") -> Block:
    """A :class:`Block` named like the Keras layer it counts."""
    return Block(name, split(parts), kind=kind)


def repeated(name: str, parts: Parts, indices, tables: Parts = ()) -> list[Block]:
    """The same layer at each index (``{i}`` in ``name``): one :class:`Block`, or none for no index.
    ``tables`` are weights of that layer indexed by (relative) position: a second block of the same name,
    counted as embedding."""
    at = tuple(indices)
    if not at:
        return []
    return [Block(name, split(parts), at=at)] + ([Block(name, split(list(tables)), "embedding", at)] if tables else [])


def multi_head_attention(query_dim: int, num_heads: int, key_dim: int, *, value_dim: int | None = None,
                         source_dim: int | None = None, use_bias: bool = True, key_bias: bool | None = None,
                         output_dim: int | None = None, prefix: str = "") -> Parts:
    """Keras's ``MultiHeadAttention``: query, key and value projections to ``h`` heads and an output
    projection back to ``output_dim`` (the query's width unless given): ``4·d·h·k + 3·h·k + d`` with
    biases when ``d`` is every width. ``key_bias=False`` drops only the key's bias (Whisper)."""
    value_dim = key_dim if value_dim is None else value_dim
    source_dim = query_dim if source_dim is None else source_dim
    output_dim = query_dim if output_dim is None else output_dim
    key_bias = use_bias if key_bias is None else key_bias
    return [(f"{prefix}query", _heads(query_dim, num_heads, key_dim, use_bias)),
            (f"{prefix}key", _heads(source_dim, num_heads, key_dim, key_bias)),
            (f"{prefix}value", _heads(source_dim, num_heads, value_dim, use_bias)),
            (f"{prefix}attention_output", _merge(num_heads, value_dim, output_dim, use_bias))]


def _merge(heads: int, size: int, output_dim: int, use_bias: bool) -> Expr:
    kernel = term(heads) * term(size) * term(output_dim)
    return kernel + output_dim if use_bias else kernel


def _heads(features: int, heads: int, size: int, use_bias: bool) -> Expr:
    kernel = term(features) * term(heads) * term(size)
    return kernel + term(heads) * term(size) if use_bias else kernel


def transformer_encoder(hidden_dim: int, num_heads: int, intermediate_dim: int, *,
                        attention: Parts | None = None) -> Parts:
    """keras-hub's ``TransformerEncoder`` (BERT, RoBERTa, BART…): self-attention with heads of
    ``hidden_dim // num_heads``, two LayerNorms and a two-layer feed-forward network with biases."""
    if attention is None:
        attention = multi_head_attention(hidden_dim, num_heads, head_size(hidden_dim, num_heads))
    return [*attention, layer_norm(hidden_dim, "self_attention_layer_norm"),
            layer_norm(hidden_dim, "feedforward_layer_norm"), *_ffn(hidden_dim, intermediate_dim)]


def transformer_decoder(hidden_dim: int, num_heads: int, intermediate_dim: int, *, key_bias: bool = True) -> Parts:
    """keras-hub's ``TransformerDecoder`` with cross-attention (BART, Whisper): self-attention,
    cross-attention over the encoder's output (same width), three LayerNorms and the feed-forward network."""
    k = head_size(hidden_dim, num_heads)
    return [*multi_head_attention(hidden_dim, num_heads, k, key_bias=key_bias, prefix="self_attention."),
            layer_norm(hidden_dim, "self_attention_layer_norm"),
            *multi_head_attention(hidden_dim, num_heads, k, key_bias=key_bias, prefix="cross_attention."),
            layer_norm(hidden_dim, "cross_attention_layer_norm"),
            *_ffn(hidden_dim, intermediate_dim), layer_norm(hidden_dim, "feedforward_layer_norm")]


def _ffn(hidden_dim: int, intermediate_dim: int) -> Parts:
    (_, up), (_, down) = mlp(hidden_dim, intermediate_dim)
    return [("feedforward_intermediate_dense", up), ("feedforward_output_dense", down)]


def head_size(hidden_dim: int, num_heads: int) -> int:
    """keras-hub's head size ``hidden_dim // num_heads``, refused when it would be 0."""
    if num_heads <= 0 or hidden_dim // num_heads == 0:
        raise ConfigError(f"num_heads={num_heads} does not divide hidden_dim={hidden_dim} into heads of at least "
                          "one feature; keras-hub refuses it too")
    return hidden_dim // num_heads


def position_embedding(sequence_length: int, dim: int, name: str = "position_embedding",
                       trainable: bool = True) -> Parts:
    """keras-hub's ``PositionEmbedding``: one learned row of ``dim`` per position."""
    return [(name if trainable else name + FROZEN, table(sequence_length, dim))]


def conv(kernel: tuple[int, ...], channels_in: int, filters: int, use_bias: bool, name: str = "conv") -> Parts:
    """``Conv1D``/``Conv2D``/``Conv2DTranspose`` (``groups=1``): ``k₁·k₂·…·c_in·c_out`` (+ ``c_out``)."""
    expr = term(channels_in) * term(filters)
    for k in reversed(kernel):
        expr = term(k) * expr
    return [(name, expr + filters if use_bias else expr)]


def batch_norm(channels: int, name: str = "") -> Parts:
    """``BatchNormalization``: ``gamma`` and ``beta`` trainable, the moving mean and variance not."""
    prefix = f"{name} " if name else ""
    return [(f"{prefix}gamma, beta", term(2) * term(channels)),
            (f"{prefix}moving mean, variance" + FROZEN, term(2) * term(channels))]
