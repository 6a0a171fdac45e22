"""Llama 2 and Llama 3 (keras-hub's ``LlamaBackbone`` and ``Llama3Backbone``, the same architecture).

The common decoder (see ``_decoder.py``) with grouped-query attention, a SwiGLU feed-forward part and
RMSNorms; ``tie_word_embeddings`` (Llama 3.2 1B and 3B) makes the output layer the embedding read
backwards. keras-hub 0.32's ``LlamaBackbone.get_config()`` leaves ``tie_word_embeddings`` out, so a config
it wrote counts as untied: that is what such a config rebuilds in Keras.
"""

from __future__ import annotations

from ._base import Hyper, register_backbone, register_task
from ._decoder import Decoder, count_decoder

__all__ = ["PRESETS"]

PRESETS = {
    "llama2_7b_en": {"vocabulary_size": 32000, "num_layers": 32, "hidden_dim": 4096, "num_query_heads": 32,
                     "num_key_value_heads": 32, "intermediate_dim": 11008},
    "llama3_8b_en": {"vocabulary_size": 128256, "num_layers": 32, "hidden_dim": 4096, "num_query_heads": 32,
                     "num_key_value_heads": 8, "intermediate_dim": 14336},
    "llama3.2_1b": {"vocabulary_size": 128256, "num_layers": 16, "hidden_dim": 2048, "num_query_heads": 32,
                    "num_key_value_heads": 8, "intermediate_dim": 8192},
    "llama3.2_3b": {"vocabulary_size": 128256, "num_layers": 28, "hidden_dim": 3072, "num_query_heads": 24,
                    "num_key_value_heads": 8, "intermediate_dim": 8192},
}

_LLAMA = Decoder("Llama", presets=PRESETS)
_LLAMA3 = Decoder("Llama 3", presets=PRESETS)


@register_backbone("LlamaBackbone")
def _llama(cfg: Hyper):
    return count_decoder(cfg, _LLAMA)


@register_backbone("Llama3Backbone")
def _llama3(cfg: Hyper):
    return count_decoder(cfg, _LLAMA3)


register_task("LlamaCausalLM", "Llama3CausalLM")
