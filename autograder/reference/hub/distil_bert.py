"""DistilBERT (``keras_hub.models.DistilBertBackbone``), counted from its config.

Layers, as ``DistilBertBackbone`` builds them:

- ``token_and_position_embedding``: a ``TokenAndPositionEmbedding``, its tied token table ``V·d``
  and its position table ``P·d``;
- ``embeddings_layer_norm``: ``2·d``;
- ``transformer_layer_{i}`` × ``L``: a ``TransformerEncoder`` (see :mod:`.bert`);

no segment embedding and no pooler.
"""

from __future__ import annotations

from ._base import HubCount, Hyper, register_backbone
from ._blocks import layer_norm, reversible_embedding
from ._layers import block, position_embedding, preset_of
from .bert import BASE, ENCODER_BLOCK, encoder_blocks, encoder_symbols, shape

__all__ = ["token_and_position"]

PRESETS = {"distil_bert_base_en_uncased": {"V": 30522, "L": 6, **BASE}}


def token_and_position(name: str, s: dict[str, int]):
    """keras-hub's ``TokenAndPositionEmbedding``: a tied token table and a position table, one Keras layer."""
    return [block(name, reversible_embedding(s["V"], s["d"], tied=True), "embedding"),
            block(name, position_embedding(s["P"], s["d"]), "embedding")]


@register_backbone("DistilBertBackbone")
def _distil_bert(cfg: Hyper) -> HubCount:
    s = encoder_symbols(cfg)
    blocks = [*token_and_position("token_and_position_embedding", s),
              block("embeddings_layer_norm", [layer_norm(s["d"], "embeddings_layer_norm")]),
              *encoder_blocks(s)]
    closed = f"V·d + P·d + 2·d + L·({ENCODER_BLOCK})"
    return HubCount("DistilBertBackbone", "DistilBERT", shape("DistilBERT", s), tuple(blocks), closed, s, tied=True,
                    preset=preset_of(s, PRESETS))
