"""RoBERTa and XLM-RoBERTa (``RobertaBackbone``, ``XLMRobertaBackbone``), counted from their config.

Layers, as ``RobertaBackbone`` builds them (``XLMRobertaBackbone`` is the same class with another
vocabulary):

- ``embeddings``: a ``TokenAndPositionEmbedding``, its tied token table ``V·d`` and its position
  table ``P·d`` (``P = max_sequence_length``);
- ``embeddings_layer_norm``: ``2·d``;
- ``transformer_layer_{i}`` × ``L``: a ``TransformerEncoder`` (see :mod:`.bert`);

no segment embedding and no pooler (unlike BERT).
"""

from __future__ import annotations

from ._base import HubCount, Hyper, register_backbone
from ._blocks import layer_norm
from ._layers import block, preset_of
from .bert import BASE, ENCODER_BLOCK, encoder_blocks, encoder_symbols, shape
from .distil_bert import token_and_position

__all__: list[str] = []

PRESETS = {"roberta_base_en": {"V": 50265, "L": 12, **BASE}}


@register_backbone("RobertaBackbone", "XLMRobertaBackbone")
def _roberta(cfg: Hyper) -> HubCount:
    s = encoder_symbols(cfg)
    blocks = [*token_and_position("embeddings", s),
              block("embeddings_layer_norm", [layer_norm(s["d"], "embeddings_layer_norm")]),
              *encoder_blocks(s)]
    closed = f"V·d + P·d + 2·d + L·({ENCODER_BLOCK})"
    family = "XLM-RoBERTa" if cfg.class_name.startswith("XLM") else "RoBERTa"
    return HubCount(cfg.class_name, family, shape(family, s), tuple(blocks), closed, s, tied=True,
                    preset=preset_of(s, PRESETS))
