"""Mistral (keras-hub's ``MistralBackbone``): the common decoder, always untied, with an optional explicit
``head_dim`` (Magistral Small: 32 heads of 128 on a hidden size of 5120)."""

from __future__ import annotations

from ._base import Hyper, register_backbone, register_task
from ._decoder import Decoder, count_decoder

__all__ = ["PRESETS"]

PRESETS = {
    "mistral_7b_en": {"vocabulary_size": 32000, "num_layers": 32, "hidden_dim": 4096, "num_query_heads": 32,
                      "num_key_value_heads": 8, "intermediate_dim": 14336},
    "mistral_0.3_7b_en": {"vocabulary_size": 32768, "num_layers": 32, "hidden_dim": 4096, "num_query_heads": 32,
                          "num_key_value_heads": 8, "intermediate_dim": 14336},
}

_MISTRAL = Decoder("Mistral", tied_key=None, head_dim_key="head_dim", presets=PRESETS)


@register_backbone("MistralBackbone")
def _mistral(cfg: Hyper):
    return count_decoder(cfg, _MISTRAL)


register_task("MistralCausalLM")
