"""OPT (keras-hub's ``OPTBackbone``): GPT-2's architecture (see ``gpt2.py``), its token and position
embeddings held by one ``TokenAndPositionEmbedding`` layer named ``embeddings`` (tied output), and
``max_sequence_length`` 2048 by default::

    V·d + p·d + L·(4·d·h·k + 3·h·k + d + 2·d·f + f + d + 4·d) + 2·d
"""

from __future__ import annotations

from ._base import BODY, EMBEDDING, Block, HubCount, Hyper, register_backbone, register_task
from ._blocks import derive, layer_norm, table
from ._decoder import preset_named
from .gpt2 import CLOSED_FORM, decoder_layer, symbols_of

__all__ = ["PRESETS"]


def _shape(layers: int, d: int, heads: int, f: int) -> dict:
    return {"vocabulary_size": 50272, "num_layers": layers, "num_heads": heads, "hidden_dim": d,
            "intermediate_dim": f, "max_sequence_length": 2048}


PRESETS = {
    "opt_125m_en": _shape(12, 768, 12, 3072),
    "opt_1.3b_en": _shape(24, 2048, 32, 8192),
    "opt_2.7b_en": _shape(32, 2560, 32, 10240),
    "opt_6.7b_en": _shape(32, 4096, 32, 16384),
}


@register_backbone("OPTBackbone")
def _opt(cfg: Hyper) -> HubCount:
    s = symbols_of(cfg, 2048)
    tables = [("token_embedding", table(s["V"], s["d"])), ("position_embedding", table(s["p"], s["d"]))]
    blocks = (Block("embeddings", derive(tables), EMBEDDING),
              Block("transformer_layer_{i}", derive(decoder_layer(s)), BODY, tuple(range(s["L"]))),
              Block("layer_norm", derive([layer_norm(s["d"])]), BODY))
    shape = (f"OPT decoder: {s['L']} layers, hidden {s['d']}, {s['h']} heads of {s['k']}, feed-forward {s['f']}, "
             f"vocabulary {s['V']}, {s['p']} positions, tied output")
    return HubCount(cfg.class_name, "OPT", shape, blocks, "V·d + p·d + " + CLOSED_FORM, s, tied=True,
                    preset=preset_named(cfg, PRESETS))


register_task("OPTCausalLM")
