"""T5 (``keras_hub.models.T5Backbone``), counted from its config.

An encoder and a decoder of ``L`` layers each; no biases anywhere, and T5's LayerNorm is a scale only
(``d``). Layers, as ``T5Backbone`` builds them:

- ``token_embedding``: a ``ReversibleEmbedding`` ``V·d``, shared by encoder and decoder; with
  ``tie_embedding_weights=False`` (T5 1.1, FLAN-T5) it also holds the output table ``d·V``;
- ``transformer_encoder_layer_{i}`` × ``L``: self-attention with ``h`` heads of ``k = key_value_dim``
  (default ``d // h``), ``4·d·h·k``; a LayerNorm ``d``; the feed-forward ``d·f + f·d``, plus a gate
  ``d·f`` when ``use_gated_activation``; a LayerNorm ``d``;
- layer 0 of each stack also holds the relative-attention bias: 32 buckets × ``h`` heads, shared by the
  stack's later layers (which hold none); a table indexed by relative position, it counts as embedding;
- ``encoder_output_layer_norm`` ``d``;
- ``transformer_decoder_layer_{i}`` × ``L``: the same plus cross-attention ``4·d·h·k`` and its LayerNorm;
- ``decoder_output_layer_norm`` ``d``.
"""

from __future__ import annotations

from .._expr import term
from ._base import HubCount, Hyper, register_backbone
from ._blocks import Parts, dense, reversible_embedding
from ._layers import block, head_size, preset_of, repeated

__all__: list[str] = []

# flan_small_multi's shape is also t5_1.1_small's (which keras-hub publishes as if tied: see the tests).
PRESETS = {"t5_small_multi": {"V": 32128, "L": 6, "d": 512, "h": 8, "k": 64, "f": 2048},
           "flan_small_multi": {"V": 32128, "L": 8, "d": 512, "h": 6, "k": 64, "f": 1024}}
BUCKETS = 32  # T5MultiHeadAttention.relative_attention_buckets, fixed in keras-hub


def _attention(d: int, h: int, k: int, prefix: str) -> Parts:
    inner = term(h) * term(k)
    return [(f"{prefix}{p}_projector", term(d) * inner) for p in ("query", "key", "value")] + [
        (f"{prefix}output_projector", inner * term(d))]


def _layer(s: dict[str, int], gated: bool, decoder: bool) -> Parts:
    d, h, k, f = s["d"], s["h"], s["k"], s["f"]
    parts = _attention(d, h, k, "self_attention.")
    parts.append(("self_attention_layer_norm", term(d)))
    if decoder:
        parts += [*_attention(d, h, k, "cross_attention."), ("cross_attention_layer_norm", term(d))]
    parts.append(("input_projector", dense(d, f, False)))
    if gated:
        parts.append(("gate_projector", dense(d, f, False)))
    return [*parts, ("output_projector", dense(f, d, False)), ("layer_norm", term(d))]


def _stack(s: dict[str, int], gated: bool, side: str):
    name, decoder = f"transformer_{side}_layer_{{i}}", side == "decoder"
    bias = [("relative_attention_bias (32 buckets × h)", term(BUCKETS) * term(s["h"]))]
    blocks = repeated(name, _layer(s, gated, decoder), range(min(1, s["L"])), tables=bias)
    blocks += repeated(name, _layer(s, gated, decoder), range(1, s["L"]))
    return [*blocks, block(f"{side}_output_layer_norm", [(f"{side}_output_layer_norm", term(s["d"]))])]


@register_backbone("T5Backbone")
def _t5(cfg: Hyper) -> HubCount:
    d, h = cfg.int("hidden_dim"), cfg.int("num_heads")
    s = {"V": cfg.int("vocabulary_size"), "L": cfg.int("num_layers"), "d": d, "h": h,
         "k": cfg.int("key_value_dim", None) or head_size(d, h), "f": cfg.int("intermediate_dim")}
    gated = cfg.flag("use_gated_activation", True)
    tied = cfg.flag("tie_embedding_weights", True)
    blocks = [block("token_embedding", reversible_embedding(s["V"], d, tied), "embedding"),
              *_stack(s, gated, "encoder"), *_stack(s, gated, "decoder")]
    ffn = "3·d·f" if gated else "2·d·f"
    closed = (f"V·d{'' if tied else ' + d·V'} + L·(4·d·h·k + {ffn} + 2·d) + L·(8·d·h·k + {ffn} + 3·d)"
              f" + {'2·32·h' if s['L'] else '0'} + 2·d")
    text = (f"T5 encoder-decoder: {s['L']} + {s['L']} layers, hidden {d}, {h} heads of {s['k']}, "
            f"feed-forward {s['f']}{' (gated)' if gated else ''}, vocabulary {s['V']:,}, "
            f"{'tied' if tied else 'untied'} output")
    return HubCount("T5Backbone", "T5", text, tuple(blocks), closed, s, tied=tied, preset=preset_of(s, PRESETS))
