"""ALBERT (``keras_hub.models.AlbertBackbone``), counted from its config.

ALBERT saves parameters twice:

- a factorized embedding: tables of width ``e`` (``token_embedding`` ``V·e``, ``position_embedding``
  ``P·e``, ``segment_embedding`` ``S·e``, ``embeddings_layer_norm`` ``2·e``) and one
  ``embedding_projection`` ``e·d + d`` up to the hidden width, instead of tables of width ``d``;
- shared blocks: ``G = num_groups`` groups of ``R = num_inner_repetitions`` ``TransformerEncoder``
  layers (``group_{g}_inner_layer_{r}``), each group applied ``L / G`` times. The ``L`` layers the model
  runs hold only ``G·R`` layers' weights; ``L`` does not appear in the count.

Then ``pooled_dense`` ``d·d + d`` as in BERT.
"""

from __future__ import annotations

from ...errors import ConfigError
from ._base import HubCount, Hyper, register_backbone
from ._blocks import dense, layer_norm, reversible_embedding
from ._layers import block, position_embedding, preset_of, repeated, transformer_encoder
from .bert import BASE, ENCODER_BLOCK, encoder_symbols, shape

__all__: list[str] = []

PRESETS = {"albert_base_en_uncased": {"V": 30000, "L": 12, "e": 128, "G": 1, "R": 1, **BASE}}


def _symbols(cfg: Hyper) -> dict[str, int]:
    s = encoder_symbols(cfg)
    s.update(S=cfg.int("num_segments", 2), e=cfg.int("embedding_dim"), G=cfg.int("num_groups", 1),
             R=cfg.int("num_inner_repetitions", 1))
    if s["G"] == 0 or s["L"] % s["G"]:
        raise ConfigError(f"AlbertBackbone needs num_layers divisible by num_groups; got num_layers={s['L']} and "
                          f"num_groups={s['G']} (keras-hub refuses it too)")
    return s


@register_backbone("AlbertBackbone")
def _albert(cfg: Hyper) -> HubCount:
    s = _symbols(cfg)
    d, e = s["d"], s["e"]
    shared = transformer_encoder(d, s["h"], s["f"])
    blocks = [block("token_embedding", reversible_embedding(s["V"], e, tied=True), "embedding"),
              block("position_embedding", position_embedding(s["P"], e), "embedding"),
              block("segment_embedding", position_embedding(s["S"], e, "segment_embedding"), "embedding"),
              block("embeddings_layer_norm", [layer_norm(e, "embeddings_layer_norm")]),
              block("embedding_projection", [("embedding_projection", dense(e, d, True))])]
    for r in range(s["R"]):
        blocks += repeated(f"group_{{i}}_inner_layer_{r}", shared, range(s["G"]))
    blocks.append(block("pooled_dense", [("pooled_dense", dense(d, d, True))]))
    closed = f"V·e + P·e + S·e + 2·e + e·d + d + G·R·({ENCODER_BLOCK}) + d·d + d"
    text = (f"{shape('ALBERT', s)}, embedding {e}, {s['G']} group(s) of {s['R']} shared layer(s), "
            f"each group run {s['L'] // s['G']} times")
    return HubCount("AlbertBackbone", "ALBERT", text, tuple(blocks), closed, s, tied=True, preset=preset_of(s, PRESETS))
