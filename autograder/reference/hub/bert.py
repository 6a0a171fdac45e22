"""BERT (``keras_hub.models.BertBackbone``), counted from its config.

Layers, as ``BertBackbone`` builds them:

- ``token_embedding``: a tied ``ReversibleEmbedding``, ``V·d``;
- ``position_embedding``: ``P·d`` (``P = max_sequence_length``);
- ``segment_embedding``: ``S·d`` (``S = num_segments``);
- ``embeddings_layer_norm``: ``2·d``;
- ``transformer_layer_{i}`` × ``L``: a ``TransformerEncoder`` with heads of ``k = d // h``:
  attention ``4·d·h·k + 3·h·k + d``, two LayerNorms ``4·d``, feed-forward ``2·d·f + f + d``;
- ``pooled_dense``: the ``tanh`` pooler on the ``[CLS]`` token, ``d·d + d``.
"""

from __future__ import annotations

from ._base import HubCount, Hyper, register_backbone
from ._blocks import dense, layer_norm, reversible_embedding
from ._layers import block, head_size, position_embedding, preset_of, repeated, transformer_encoder

__all__ = ["ENCODER_BLOCK", "encoder_blocks", "encoder_symbols", "shape"]

BASE = {"d": 768, "h": 12, "f": 3072}  # the "base" shape of BERT and its kin
PRESETS = {"bert_tiny_en_uncased": {"V": 30522, "L": 2, "d": 128, "h": 2, "f": 512},
           "bert_base_en_uncased": {"V": 30522, "L": 12, **BASE}}

ENCODER_BLOCK = "4·d·h·k + 3·h·k + 2·d·f + f + 6·d"


def encoder_symbols(cfg: Hyper, vocabulary_key: str = "vocabulary_size") -> dict[str, int]:
    """The hyperparameters every BERT-like encoder shares, under the closed forms' symbols."""
    d, h = cfg.int("hidden_dim"), cfg.int("num_heads")
    return {"V": cfg.int(vocabulary_key), "L": cfg.int("num_layers"), "d": d, "h": h, "k": head_size(d, h),
            "f": cfg.int("intermediate_dim"), "P": cfg.int("max_sequence_length", 512)}


def encoder_blocks(s: dict[str, int], name: str = "transformer_layer_{i}"):
    """``L`` keras-hub ``TransformerEncoder`` layers of width ``d``."""
    return repeated(name, transformer_encoder(s["d"], s["h"], s["f"]), range(s["L"]))


def shape(family: str, s: dict[str, int]) -> str:
    return (f"{family} encoder: {s['L']} layers, hidden {s['d']}, {s['h']} heads, feed-forward {s['f']}, "
            f"vocabulary {s['V']:,}")


@register_backbone("BertBackbone")
def _bert(cfg: Hyper) -> HubCount:
    s = encoder_symbols(cfg)
    s["S"] = cfg.int("num_segments", 2)
    d = s["d"]
    blocks = [block("token_embedding", reversible_embedding(s["V"], d, tied=True), "embedding"),
              block("position_embedding", position_embedding(s["P"], d), "embedding"),
              block("segment_embedding", position_embedding(s["S"], d, "segment_embedding"), "embedding"),
              block("embeddings_layer_norm", [layer_norm(d, "embeddings_layer_norm")]),
              *encoder_blocks(s),
              block("pooled_dense", [("pooled_dense", dense(d, d, True))])]
    closed = f"V·d + P·d + S·d + 2·d + L·({ENCODER_BLOCK}) + d·d + d"
    return HubCount("BertBackbone", "BERT", shape("BERT", s), tuple(blocks), closed, s, tied=True,
                    preset=preset_of(s, PRESETS))
