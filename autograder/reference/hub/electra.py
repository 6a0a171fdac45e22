"""ELECTRA (``keras_hub.models.ElectraBackbone``), counted from its config.

Like BERT, with the embedding width ``e`` apart from the hidden width ``d``:

- ``token_embedding`` ``V·e`` (its config calls the vocabulary ``vocab_size``), ``position_embedding``
  ``P·e``, ``segment_embedding`` ``S·e``, ``embeddings_layer_norm`` ``2·e``;
- ``embeddings_projection``: ``e·d + d``, only when ``e ≠ d``;
- ``transformer_layer_{i}`` × ``L`` (see :mod:`.bert`) and ``pooled_dense`` ``d·d + d``.
"""

from __future__ import annotations

from ._base import HubCount, Hyper, register_backbone
from ._blocks import dense, layer_norm, reversible_embedding
from ._layers import block, position_embedding, preset_of
from .bert import BASE, ENCODER_BLOCK, encoder_blocks, encoder_symbols, shape

__all__: list[str] = []

PRESETS = {"electra_base_discriminator_uncased_en": {"V": 30522, "L": 12, "e": 768, **BASE}}


@register_backbone("ElectraBackbone")
def _electra(cfg: Hyper) -> HubCount:
    s = encoder_symbols(cfg, vocabulary_key="vocab_size")
    s["S"], s["e"] = cfg.int("num_segments", 2), cfg.int("embedding_dim")
    d, e = s["d"], s["e"]
    blocks = [block("token_embedding", reversible_embedding(s["V"], e, tied=True), "embedding"),
              block("position_embedding", position_embedding(s["P"], e), "embedding"),
              block("segment_embedding", position_embedding(s["S"], e, "segment_embedding"), "embedding"),
              block("embeddings_layer_norm", [layer_norm(e, "embeddings_layer_norm")])]
    projection = ""
    if e != d:
        blocks.append(block("embeddings_projection", [("embeddings_projection", dense(e, d, True))]))
        projection = " + e·d + d"
    blocks += [*encoder_blocks(s), block("pooled_dense", [("pooled_dense", dense(d, d, True))])]
    closed = f"V·e + P·e + S·e + 2·e{projection} + L·({ENCODER_BLOCK}) + d·d + d"
    return HubCount("ElectraBackbone", "ELECTRA", shape("ELECTRA", s) + f", embedding {e}", tuple(blocks), closed, s,
                    preset=preset_of(s, PRESETS))  # tied: None, keras-hub has no ELECTRA task reading it backwards
