"""GPT-2 (keras-hub's ``GPT2Backbone``): learned token and position embeddings, ``L`` pre-norm
``TransformerDecoder`` layers without cross-attention, a final LayerNorm; the output is the token
embedding read backwards (tied).

Each layer: multi-head self-attention with biases, ``h`` heads of ``k = d // h``:
``d·h·k + h·k`` for each of query, key and value and ``h·k·d + d`` for the output; two LayerNorms
``2·2·d``; a feed-forward network ``d·f + f + f·d + d``. The closed form::

    V·d + p·d + L·(4·d·h·k + 3·h·k + d + 2·d·f + f + d + 4·d) + 2·d
"""

from __future__ import annotations

from ...errors import ConfigError
from ._base import BODY, EMBEDDING, Block, HubCount, Hyper, register_backbone, register_task
from ._blocks import Parts, derive, grouped_query_attention, layer_norm, mlp, table
from ._decoder import preset_named

__all__ = ["PRESETS", "decoder_layer", "symbols_of"]

PRESETS = {
    "gpt2_base_en": {"vocabulary_size": 50257, "num_layers": 12, "num_heads": 12, "hidden_dim": 768,
                     "intermediate_dim": 3072, "max_sequence_length": 1024},
    "gpt2_medium_en": {"vocabulary_size": 50257, "num_layers": 24, "num_heads": 16, "hidden_dim": 1024,
                       "intermediate_dim": 4096, "max_sequence_length": 1024},
    "gpt2_large_en": {"vocabulary_size": 50257, "num_layers": 36, "num_heads": 20, "hidden_dim": 1280,
                      "intermediate_dim": 5120, "max_sequence_length": 1024},
    "gpt2_extra_large_en": {"vocabulary_size": 50257, "num_layers": 48, "num_heads": 25, "hidden_dim": 1600,
                            "intermediate_dim": 6400, "max_sequence_length": 1024},
}

CLOSED_FORM = "L·(4·d·h·k + 3·h·k + d + 2·d·f + f + d + 4·d) + 2·d"


def symbols_of(cfg: Hyper, max_sequence_length: int) -> dict:
    """V, p, d, L, h, k, f from a GPT-2-like config (``k = d // h``, refused when that is 0)."""
    d, heads = cfg.int("hidden_dim"), cfg.int("num_heads")
    if heads == 0 or d // heads == 0:
        raise ConfigError(f"the {cfg.class_name} config's num_heads={heads} does not split hidden_dim={d} into "
                          "heads of at least one feature")
    return {"V": cfg.int("vocabulary_size"), "p": cfg.int("max_sequence_length", max_sequence_length), "d": d,
            "L": cfg.int("num_layers"), "h": heads, "k": d // heads, "f": cfg.int("intermediate_dim")}


def decoder_layer(s: dict) -> Parts:
    """keras-hub's ``TransformerDecoder`` without cross-attention."""
    d = s["d"]
    return [*grouped_query_attention(d, s["h"], s["h"], s["k"], qkv_bias=True, output_bias=True),
            layer_norm(d, "self_attention_layer_norm"), layer_norm(d, "feedforward_layer_norm"),
            *mlp(d, s["f"])]


def _shape(family: str, s: dict) -> str:
    return (f"{family} decoder: {s['L']} layers, hidden {s['d']}, {s['h']} heads of {s['k']}, feed-forward "
            f"{s['f']}, vocabulary {s['V']}, {s['p']} positions, tied output")


@register_backbone("GPT2Backbone")
def _gpt2(cfg: Hyper) -> HubCount:
    s = symbols_of(cfg, 1024)
    blocks = (Block("token_embedding", derive([("embeddings", table(s["V"], s["d"]))]), EMBEDDING),
              Block("position_embedding", derive([("position_embeddings", table(s["p"], s["d"]))]), EMBEDDING),
              Block("transformer_layer_{i}", derive(decoder_layer(s)), BODY, tuple(range(s["L"]))),
              Block("layer_norm", derive([layer_norm(s["d"])]), BODY))
    return HubCount(cfg.class_name, "GPT-2", _shape("GPT-2", s), blocks, "V·d + p·d + " + CLOSED_FORM, s,
                    tied=True, preset=preset_named(cfg, PRESETS))


register_task("GPT2CausalLM")
