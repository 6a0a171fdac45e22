"""Whisper (``keras_hub.models.WhisperBackbone``), counted from its config.

An audio encoder and a text decoder of ``L`` layers each. Layers, as ``WhisperBackbone`` builds them:

- the convolutional front end on ``M = num_mels`` log-mel channels:
  ``encoder_token_embedding_conv_layer_1`` (``Conv1D``, kernel 3, ``3·M·d + d``) and
  ``encoder_token_embedding_conv_layer_2`` (kernel 3, stride 2, ``3·d·d + d``);
- ``encoder_position_embedding``: ``(E // 2)·d`` for ``E = max_encoder_sequence_length`` frames
  halved by the stride; built with ``trainable=False`` (sinusoidal in the original), so
  **non-trainable**;
- ``transformer_encoder_layer_{i}`` × ``L``: pre-norm ``WhisperEncoder``: attention whose key projection
  has no bias (``4·d·h·k + 2·h·k + d``), two LayerNorms ``4·d``, feed-forward ``2·d·f + f + d``;
- ``encoder_layer_norm`` ``2·d``;
- ``decoder_token_and_position_embedding``: a tied token table ``V·d`` and a learned position table
  ``D·d`` (``D = max_decoder_sequence_length``);
- ``transformer_decoder_layer_{i}`` × ``L``: self- and cross-attention (keys without bias)
  ``2·(4·d·h·k + 2·h·k + d)``, three LayerNorms ``6·d``, feed-forward ``2·d·f + f + d``;
- ``decoder_layer_norm`` ``2·d``.
"""

from __future__ import annotations

from ._base import HubCount, Hyper, register_backbone
from ._blocks import layer_norm, reversible_embedding
from ._layers import (
    block,
    conv,
    head_size,
    multi_head_attention,
    position_embedding,
    preset_of,
    repeated,
    transformer_decoder,
    transformer_encoder,
)

__all__: list[str] = []

_TINY = {"L": 4, "d": 384, "h": 6, "f": 1536}
PRESETS = {"whisper_tiny_en": {"V": 51864, **_TINY}, "whisper_tiny_multi": {"V": 51865, **_TINY},
           "whisper_base_multi": {"V": 51865, "L": 6, "d": 512, "h": 8, "f": 2048}}


def _symbols(cfg: Hyper) -> dict[str, int]:
    d, h = cfg.int("hidden_dim"), cfg.int("num_heads")
    return {"V": cfg.int("vocabulary_size"), "L": cfg.int("num_layers"), "d": d, "h": h, "k": head_size(d, h),
            "f": cfg.int("intermediate_dim"), "M": cfg.int("num_mels", 80),
            "E": cfg.int("max_encoder_sequence_length", 3000), "D": cfg.int("max_decoder_sequence_length", 448)}


def _encoder_side(s: dict[str, int]):
    d, k = s["d"], s["k"]
    attention = multi_head_attention(d, s["h"], k, key_bias=False)
    return [block("encoder_token_embedding_conv_layer_1", conv((3,), s["M"], d, True)),
            block("encoder_token_embedding_conv_layer_2", conv((3,), d, d, True)),
            block("encoder_position_embedding",
                  position_embedding(s["E"] // 2, d, "encoder_position_embedding", trainable=False), "embedding"),
            *repeated("transformer_encoder_layer_{i}", transformer_encoder(d, s["h"], s["f"], attention=attention),
                      range(s["L"])),
            block("encoder_layer_norm", [layer_norm(d, "encoder_layer_norm")])]


@register_backbone("WhisperBackbone")
def _whisper(cfg: Hyper) -> HubCount:
    s = _symbols(cfg)
    d, name = s["d"], "decoder_token_and_position_embedding"
    blocks = [*_encoder_side(s),
              block(name, reversible_embedding(s["V"], d, tied=True), "embedding"),
              block(name, position_embedding(s["D"], d), "embedding"),
              *repeated("transformer_decoder_layer_{i}", transformer_decoder(d, s["h"], s["f"], key_bias=False),
                        range(s["L"])),
              block("decoder_layer_norm", [layer_norm(d, "decoder_layer_norm")])]
    closed = ("3·M·d + d + 3·d·d + d + (E // 2)·d + L·(4·d·h·k + 2·h·k + 2·d·f + f + 6·d) + 2·d + V·d + D·d"
              " + L·(8·d·h·k + 4·h·k + 2·d·f + f + 9·d) + 2·d")
    text = (f"Whisper encoder-decoder: {s['L']} + {s['L']} layers, hidden {d}, {s['h']} heads, "
            f"feed-forward {s['f']}, vocabulary {s['V']:,}, {s['M']} mel channels")
    return HubCount("WhisperBackbone", "Whisper", text, tuple(blocks), closed, s, tied=True,
                    preset=preset_of(s, PRESETS))
