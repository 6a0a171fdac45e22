"""DeBERTaV3 (``keras_hub.models.DebertaV3Backbone``), counted from its config.

DeBERTa has no absolute position table: attention reads relative positions from one table shared by
every layer. Layers, as ``DebertaV3Backbone`` builds them:

- ``token_embedding``: a tied ``ReversibleEmbedding``, ``V·d``; ``embeddings_layer_norm`` ``2·d``;
- ``rel_embedding``: the relative-position table of ``2·B`` buckets (``B = bucket_size``), ``2·B·d``,
  and its LayerNorm ``2·d``;
- ``disentangled_attention_encoder_layer_{i}`` × ``L``: query, key and value ``EinsumDense`` to ``h``
  heads of ``k = d // h`` with biases (``3·(d·h·k + h·k)``), an output ``EinsumDense`` ``d·d + d``
  (built on the input's width ``d``), two LayerNorms ``4·d`` and the feed-forward ``2·d·f + f + d``.
  The disentangled (content-to-position) terms reuse the query and key projections: no weights of
  their own.

``max_sequence_length`` only bounds the relative distances: it adds no weights.
"""

from __future__ import annotations

from .._expr import term
from ._base import HubCount, Hyper, register_backbone
from ._blocks import dense, layer_norm, reversible_embedding, table
from ._layers import block, head_size, multi_head_attention, preset_of, repeated, transformer_encoder
from .bert import BASE, shape

__all__: list[str] = []

PRESETS = {"deberta_v3_base_en": {"V": 128100, "L": 12, "B": 256, **BASE}}


def _attention(d: int, h: int):
    qkv = multi_head_attention(d, h, head_size(d, h))[:3]
    return [*qkv, ("attention_output", dense(d, d, True))]


@register_backbone("DebertaV3Backbone")
def _deberta_v3(cfg: Hyper) -> HubCount:
    d, h = cfg.int("hidden_dim"), cfg.int("num_heads")
    s = {"V": cfg.int("vocabulary_size"), "L": cfg.int("num_layers"), "d": d, "h": h, "k": head_size(d, h),
         "f": cfg.int("intermediate_dim"), "B": cfg.int("bucket_size", 256)}
    layer = transformer_encoder(d, h, s["f"], attention=_attention(d, h))
    blocks = [block("token_embedding", reversible_embedding(s["V"], d, tied=True), "embedding"),
              block("embeddings_layer_norm", [layer_norm(d, "embeddings_layer_norm")]),
              block("rel_embedding", [("rel_embeddings (2·B buckets)", term(2) * table(s["B"], d))], "embedding"),
              block("rel_embedding", [layer_norm(d, "rel_embeddings_layer_norm")]),
              *repeated("disentangled_attention_encoder_layer_{i}", layer, range(s["L"]))]
    closed = "V·d + 2·d + 2·B·d + 2·d + L·(3·d·h·k + 3·h·k + d·d + 2·d·f + f + 6·d)"
    return HubCount("DebertaV3Backbone", "DeBERTaV3", shape("DeBERTaV3", s) + f", {2 * s['B']} relative-position "
                    "buckets", tuple(blocks), closed, s, tied=True, preset=preset_of(s, PRESETS))
