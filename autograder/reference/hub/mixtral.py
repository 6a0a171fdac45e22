"""Mixtral (keras-hub's ``MixtralBackbone``): the common decoder whose feed-forward part is a sparse
mixture of ``E`` SwiGLU experts. Per block, a router ``d·E`` (a Dense without bias) and the expert bank
``3·E·d·f``; each token goes through ``K = top_k`` experts, so one token uses ``d·E + 3·K·d·f`` of it::

    total  V·d + L·(d·h·k + 2·d·g·k + h·k·d + d·E + 3·E·d·f + 2·d) + d + V·d
    active V·d + L·(d·h·k + 2·d·g·k + h·k·d + d·E + 3·K·d·f + 2·d) + d + V·d

(Every other weight counts as active, the embedding and output tables included, as Mistral AI's
"12.9B active of 46.7B" does.)
"""

from __future__ import annotations

from ._base import Hyper, register_backbone, register_task
from ._blocks import dense, experts
from ._decoder import Decoder, count_decoder

__all__ = ["PRESETS"]

PRESETS = {
    "mixtral_8_7b_en": {"vocabulary_size": 32000, "num_layers": 32, "hidden_dim": 4096, "num_query_heads": 32,
                        "num_key_value_heads": 8, "intermediate_dim": 14336, "num_experts": 8},
}


def _sparse_moe(cfg: Hyper, index: int, symbols: dict):
    """The router and the expert bank, and what one token uses of them."""
    d, f = symbols["d"], cfg.int("intermediate_dim")
    num, top_k = cfg.int("num_experts"), cfg.int("top_k", 2)
    symbols.update(f=f, E=num, K=top_k)
    router = ("router", dense(d, num, False))
    return [router, experts(num, d, f)], [router, experts(top_k, d, f, "top_k experts")], "d·E + 3·E·d·f"


_MIXTRAL = Decoder("Mixtral", tied_key=None, mlp=_sparse_moe, presets=PRESETS)


@register_backbone("MixtralBackbone")
def _mixtral(cfg: Hyper):
    return count_decoder(cfg, _MIXTRAL)


register_task("MixtralCausalLM")
