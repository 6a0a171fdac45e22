"""Phi-3 (keras-hub's ``Phi3Backbone``): the common decoder, always untied; its RoPE scaling (``su``
for the 128k-context presets) has no weights, so both Phi-3 mini presets have the same count."""

from __future__ import annotations

from ._base import Hyper, register_backbone, register_task
from ._decoder import Decoder, count_decoder

__all__ = ["PRESETS"]

PRESETS = {
    "phi3_mini_4k_instruct_en": {"vocabulary_size": 32064, "num_layers": 32, "hidden_dim": 3072,
                                 "num_query_heads": 32, "num_key_value_heads": 32, "intermediate_dim": 8192},
}

_PHI3 = Decoder("Phi-3", tied_key=None, presets=PRESETS)


@register_backbone("Phi3Backbone")
def _phi3(cfg: Hyper):
    return count_decoder(cfg, _PHI3)


register_task("Phi3CausalLM")
