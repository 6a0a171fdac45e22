"""The decoder-only language model most keras-hub families share (Llama, Mistral, Qwen, Phi-3, …).

A token embedding ``V·d`` (a ``ReversibleEmbedding``, whose reverse table is the output layer unless tied),
``L`` identical blocks, and a final RMSNorm ``d``. Each block: self-attention with ``h`` query heads of size
``k`` and ``g`` key-value heads, ``d·h·k + 2·d·g·k + h·k·d``; a feed-forward part (a SwiGLU ``3·d·f`` for
most, a mixture of experts for Mixtral and Qwen-MoE); two RMSNorms ``2·d``. The closed form::

    V·d + L·(d·h·k + 2·d·g·k + h·k·d + 3·d·f + 2·d) + d  [+ V·d untied]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._expr import term
from ._base import BODY, EMBEDDING, Block, HubCount, Hyper
from ._blocks import Parts, derive, gated_mlp, grouped_query_attention, reversible_embedding, rms_norm

__all__ = ["Decoder", "count_decoder", "preset_named"]


@dataclass(frozen=True)
class Decoder:
    """How one family's decoder differs from the common one: its layer names and options.

    ``mlp`` replaces the SwiGLU: a function ``(cfg, index) -> (parts, active parts or None, closed form)``
    (the closed form of one block's feed-forward part, in the symbols of ``symbols``)."""

    family: str
    names: tuple[str, str, str] = ("token_embedding", "transformer_layer_{i}", "sequence_output_layernorm")
    qkv_bias: bool = False
    qk_norm: bool = False
    qk_norm_key: str | None = None  # the config key that switches the query and key norms (Gemma 3)
    tied_key: str | None = "tie_word_embeddings"  # None: the family is always untied
    tied_default: bool = False
    head_dim_key: str | None = None  # the config key of an explicit head size (else d / h)
    mlp: object = None
    norms: object = None  # a function (cfg) -> how many RMSNorms each block has; default 2
    extra: object = None  # a function (cfg, symbols) -> (blocks after the final norm, their closed form)
    symbols: dict = field(default_factory=dict)
    presets: dict = field(default_factory=dict)


def count_decoder(cfg: Hyper, spec: Decoder) -> HubCount:
    """The whole backbone: embedding, the blocks (grouped by identical derivation), the final norm."""
    vocab, d, layers = cfg.int("vocabulary_size"), cfg.int("hidden_dim"), cfg.int("num_layers")
    heads, kv_heads = cfg.int("num_query_heads"), cfg.int("num_key_value_heads")
    head_dim = (cfg.int(spec.head_dim_key, None) if spec.head_dim_key else None) or d // heads
    tied = cfg.flag(spec.tied_key, spec.tied_default) if spec.tied_key else spec.tied_default
    qk_norm = cfg.flag(spec.qk_norm_key, spec.qk_norm) if spec.qk_norm_key else spec.qk_norm
    attention = grouped_query_attention(d, heads, kv_heads, head_dim, qkv_bias=spec.qkv_bias, qk_norm=qk_norm)
    symbols = {"V": vocab, "d": d, "L": layers, "h": heads, "g": kv_heads, "k": head_dim}
    norms = spec.norms(cfg) if spec.norms else 2
    blocks, mlp_forms = _blocks(cfg, spec, attention, norms, symbols)
    embed, _, norm_name = spec.names
    embedding = Block(embed, derive(reversible_embedding(vocab, d, tied)), EMBEDDING)
    final = Block(norm_name, derive([rms_norm(d)]), BODY)
    extra, extra_form = spec.extra(cfg, symbols) if spec.extra else ((), "")
    return HubCount(cfg.class_name, spec.family, _shape(spec.family, symbols, tied, cfg),
                    (embedding, *blocks, final, *extra),
                    _closed_form(spec, qk_norm, tied, mlp_forms, norms) + extra_form, symbols, tied=tied,
                    moe=any(b.active is not None for b in blocks), preset=preset_named(cfg, spec.presets))


def _blocks(cfg: Hyper, spec: Decoder, attention: Parts, count: int, symbols: dict) -> tuple[list, list]:
    """One Block per set of identical decoder layers (usually a single one for all ``L``)."""
    groups: dict[str, list] = {}
    norms = [(f"{count} norms", term(count) * term(symbols["d"]))]
    if spec.mlp is None:
        symbols["f"] = cfg.int("intermediate_dim")
    for index in range(symbols["L"]):
        if spec.mlp is None:
            parts, active, form = gated_mlp(symbols["d"], symbols["f"]), None, "3·d·f"
        else:
            parts, active, form = spec.mlp(cfg, index, symbols)
        whole = derive(attention + parts + norms)
        once = derive(attention + active + norms) if active is not None else None
        groups.setdefault(whole.formula + form, [whole, once, form, []])[3].append(index)
    name = spec.names[1]
    blocks = [Block(name, whole, BODY, tuple(at), once) for whole, once, _, at in groups.values()]
    return blocks, [(form, len(at)) for _, _, form, at in groups.values()]


def _closed_form(spec: Decoder, qk_norm: bool, tied: bool, mlp_forms: list, norms: int) -> str:
    attention = "d·h·k + " + ("h·k + " if spec.qkv_bias else "") + "2·d·g·k + " + (
        "2·g·k + " if spec.qkv_bias else "") + "h·k·d" + (" + 2·k" if qk_norm else "")
    if len(mlp_forms) == 1:
        body = f"L·({attention} + {mlp_forms[0][0]} + {norms}·d)"
    else:  # layers of different kinds (Qwen-MoE's dense layers among sparse ones): one term per kind
        body = " + ".join(f"{n}·({attention} + {form} + {norms}·d)" for form, n in mlp_forms)
    return f"V·d + {body} + d" + ("" if tied else " + V·d")


def _shape(family: str, s: dict, tied: bool, cfg: Hyper) -> str:
    heads = f"{s['h']} query heads of {s['k']}" + (
        f" sharing {s['g']} key-value heads" if s["g"] != s["h"] else " (no grouping)")
    ffn = f", feed-forward {s['f']}" if "f" in s else ""
    return (f"{family} decoder: {s['L']} layers, hidden {s['d']}, {heads}{ffn}, vocabulary {s['V']}, "
            f"{'tied' if tied else 'untied'} output")


def preset_named(cfg: Hyper, presets: dict[str, dict]) -> str | None:
    """The first keras-hub preset whose hyperparameters all equal the config's (None if none does)."""
    for name, hyper in presets.items():
        if all(cfg.config.get(key) == value for key, value in hyper.items()):
            return name
    return None
