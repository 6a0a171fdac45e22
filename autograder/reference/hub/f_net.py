"""FNet (``keras_hub.models.FNetBackbone``), counted from its config.

FNet mixes tokens with a Fourier transform instead of attention, and the transform has no weights: each
block is two LayerNorms and the feed-forward network. Layers, as ``FNetBackbone`` builds them:

- ``token_embedding`` ``V·d`` (tied), ``position_embedding`` ``P·d``, ``segment_embedding`` ``S·d``
  (``S = num_segments``, 4 by default), ``embeddings_layer_norm`` ``2·d``;
- ``embedding_projection``: ``d·d + d``;
- ``f_net_layer_{i}`` × ``L``: ``mixing_layer_norm`` ``2·d``, ``output_layer_norm`` ``2·d``, feed-forward
  ``2·d·f + f + d``: no attention weights at all;
- ``pooled_dense``: ``d·d + d``.
"""

from __future__ import annotations

from ._base import HubCount, Hyper, register_backbone
from ._blocks import dense, layer_norm, mlp, reversible_embedding
from ._layers import block, position_embedding, preset_of, repeated

__all__: list[str] = []

PRESETS = {"f_net_base_en": {"V": 32000, "L": 12, "d": 768, "f": 3072}}


@register_backbone("FNetBackbone")
def _f_net(cfg: Hyper) -> HubCount:
    d = cfg.int("hidden_dim")
    s = {"V": cfg.int("vocabulary_size"), "L": cfg.int("num_layers"), "d": d, "f": cfg.int("intermediate_dim"),
         "P": cfg.int("max_sequence_length", 512), "S": cfg.int("num_segments", 4)}
    (_, up), (_, down) = mlp(d, s["f"])
    layer = [layer_norm(d, "mixing_layer_norm"), layer_norm(d, "output_layer_norm"), ("intermediate_dense", up),
             ("output_dense", down)]
    blocks = [block("token_embedding", reversible_embedding(s["V"], d, tied=True), "embedding"),
              block("position_embedding", position_embedding(s["P"], d), "embedding"),
              block("segment_embedding", position_embedding(s["S"], d, "segment_embedding"), "embedding"),
              block("embeddings_layer_norm", [layer_norm(d, "embeddings_layer_norm")]),
              block("embedding_projection", [("embedding_projection", dense(d, d, True))]),
              *repeated("f_net_layer_{i}", layer, range(s["L"])),
              block("pooled_dense", [("pooled_dense", dense(d, d, True))])]
    closed = "V·d + P·d + S·d + 2·d + d·d + d + L·(4·d + 2·d·f + f + d) + d·d + d"
    text = (f"FNet encoder: {s['L']} layers (Fourier mixing, no attention weights), hidden {d}, feed-forward "
            f"{s['f']}, vocabulary {s['V']:,}")
    return HubCount("FNetBackbone", "FNet", text, tuple(blocks), closed, s, tied=True, preset=preset_of(s, PRESETS))
