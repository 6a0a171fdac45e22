"""BART (``keras_hub.models.BartBackbone``), counted from its config.

An encoder and a decoder of ``L`` layers each, sharing one token table. Layers, as ``BartBackbone``
builds them:

- ``token_embedding``: a tied ``ReversibleEmbedding`` ``V·d``, read by the encoder and the decoder
  (and backwards by ``BartSeq2SeqLM``'s output), counted once;
- ``encoder_position_embedding`` and ``decoder_position_embedding``: ``P·d`` each;
- ``encoder_embeddings_layer_norm`` and ``decoder_embeddings_layer_norm``: ``2·d`` each;
- ``transformer_encoder_layer_{i}`` × ``L``: a ``TransformerEncoder`` (see :mod:`.bert`);
- ``transformer_decoder_layer_{i}`` × ``L``: a ``TransformerDecoder``: self-attention and
  cross-attention ``4·d·h·k + 3·h·k + d`` each, three LayerNorms ``6·d``, feed-forward ``2·d·f + f + d``.
"""

from __future__ import annotations

from ._base import HubCount, Hyper, register_backbone
from ._blocks import layer_norm, reversible_embedding
from ._layers import block, position_embedding, preset_of, repeated, transformer_decoder
from .bert import BASE, ENCODER_BLOCK, encoder_blocks, encoder_symbols, shape

__all__ = ["DECODER_BLOCK"]

DECODER_BLOCK = "8·d·h·k + 6·h·k + 2·d·f + f + 9·d"
PRESETS = {"bart_base_en": {"V": 50265, "L": 6, "P": 1024, **BASE}}


@register_backbone("BartBackbone")
def _bart(cfg: Hyper) -> HubCount:
    s = encoder_symbols(cfg)
    s["P"] = cfg.int("max_sequence_length", 1024)
    d = s["d"]
    blocks = [block("token_embedding", reversible_embedding(s["V"], d, tied=True), "embedding")]
    for side in ("encoder", "decoder"):
        blocks += [block(f"{side}_position_embedding", position_embedding(s["P"], d), "embedding"),
                   block(f"{side}_embeddings_layer_norm", [layer_norm(d, f"{side}_embeddings_layer_norm")])]
    blocks += [*encoder_blocks(s, "transformer_encoder_layer_{i}"),
               *repeated("transformer_decoder_layer_{i}", transformer_decoder(d, s["h"], s["f"]), range(s["L"]))]
    closed = f"V·d + 2·P·d + 4·d + L·({ENCODER_BLOCK}) + L·({DECODER_BLOCK})"
    text = shape("BART", s).replace("encoder:", "encoder-decoder, each")
    return HubCount("BartBackbone", "BART", text, tuple(blocks), closed, s, tied=True, preset=preset_of(s, PRESETS))
