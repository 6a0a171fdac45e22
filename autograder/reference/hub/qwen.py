"""Qwen 2.5, Qwen 3 and their mixtures of experts (keras-hub's ``QwenBackbone``, ``Qwen3Backbone``,
``QwenMoeBackbone``, ``Qwen3MoeBackbone``).

Qwen 2.5 is the common decoder with biases on the query, key and value projections (``+ h·k + 2·g·k``
per block) and a tied output by default. Qwen 3 drops those biases, takes an explicit ``head_dim`` and
adds an RMSNorm of size ``k`` on queries and on keys (``+ 2·k``). The MoE variants replace the SwiGLU of
every ``decoder_sparse_step``-th layer not in ``mlp_only_layers`` by a router ``d·E`` and ``E`` experts
of width ``m`` (``3·E·d·m``); Qwen 1.5-MoE adds a shared expert ``3·d·s`` and its gate ``d``, which
every token uses along with its ``K = top_k`` experts.

keras-hub 0.32's ``QwenMoeBackbone`` passes no ``layer_index`` to its layers, so each one decides as layer 0
would: all sparse, or (with 0 in ``mlp_only_layers``, or a ``decoder_sparse_step`` above 1) all dense. The
counter counts what keras-hub builds; ``Qwen3MoeBackbone`` gives each layer its own index.
"""

from __future__ import annotations

from ._base import Hyper, register_backbone, register_task
from ._blocks import dense, experts, gated_mlp
from ._decoder import Decoder, count_decoder

__all__ = ["PRESETS"]


def _shape(*sizes: int, **more) -> dict:
    """A preset's shape from (V, L, d, h, g, f), in that order."""
    keys = ("vocabulary_size", "num_layers", "hidden_dim", "num_query_heads", "num_key_value_heads",
            "intermediate_dim")
    return dict(zip(keys, sizes, strict=True), **more)


PRESETS = {
    "qwen2.5_0.5b_en": _shape(151936, 24, 896, 14, 2, 4864),
    "qwen2.5_3b_en": _shape(151936, 36, 2048, 16, 2, 11008),
    "qwen2.5_math_1.5b_en": _shape(151936, 28, 1536, 12, 2, 8960),
    "qwen2.5_math_7b_en": _shape(152064, 28, 3584, 28, 4, 18944),
    "qwen3_0.6b_en": _shape(151936, 28, 1024, 16, 8, 3072, head_dim=128),
    "qwen3_4b_en": _shape(151936, 36, 2560, 32, 8, 9728, head_dim=128),
    "qwen3_8b_en": _shape(151936, 36, 4096, 32, 8, 12288, head_dim=128),
    "qwen1.5_moe_2.7b_en": _shape(151936, 24, 2048, 16, 16, 5632, num_experts=60),
    "qwen3_moe_30b_a3b_en": _shape(151936, 48, 2048, 32, 4, 6144, num_experts=128, head_dim=128),
}


def _is_sparse(cfg: Hyper, index: int) -> bool:
    """keras-hub's rule: a layer is sparse unless listed in ``mlp_only_layers`` or off the sparse step."""
    step = cfg.int("decoder_sparse_step", 1)
    return (index not in (cfg.get("mlp_only_layers", None) or []) and cfg.int("num_experts") > 0
            and (index + 1) % step == 0)


def _moe(shared: bool, indexed: bool):
    def mlp(cfg: Hyper, index: int, symbols: dict):
        d, f = symbols["d"], cfg.int("intermediate_dim")
        symbols["f"] = f
        if not _is_sparse(cfg, index if indexed else 0):
            return gated_mlp(d, f), None, "3·d·f"
        num, top_k, m = cfg.int("num_experts"), cfg.int("top_k", 4), cfg.int("moe_intermediate_dim")
        symbols.update(E=num, K=top_k, m=m)
        router = ("router", dense(d, num, False))
        always = [router]
        form = "d·E + 3·E·d·m"
        if shared:
            s = cfg.int("shared_expert_intermediate_dim")
            symbols["s"] = s
            always += [("shared expert", dense(d, s, False) * 3), ("shared expert gate", dense(d, 1, False))]
            form += " + 3·d·s + d"
        return ([router, experts(num, d, m), *always[1:]],
                [router, experts(top_k, d, m, "top_k experts"), *always[1:]], form)

    return mlp


_QWEN = Decoder("Qwen 2.5", qkv_bias=True, tied_default=True, presets=PRESETS)
_QWEN3 = Decoder("Qwen 3", qk_norm=True, tied_default=True, head_dim_key="head_dim", presets=PRESETS)
_QWEN_MOE = Decoder("Qwen-MoE", qkv_bias=True, mlp=_moe(shared=True, indexed=False), presets=PRESETS)
_QWEN3_MOE = Decoder("Qwen 3 MoE", qk_norm=True, head_dim_key="head_dim", mlp=_moe(shared=False, indexed=True),
                     presets=PRESETS)


@register_backbone("QwenBackbone")
def _qwen(cfg: Hyper):
    return count_decoder(cfg, _QWEN)


@register_backbone("Qwen3Backbone")
def _qwen3(cfg: Hyper):
    return count_decoder(cfg, _QWEN3)


@register_backbone("QwenMoeBackbone")
def _qwen_moe(cfg: Hyper):
    return count_decoder(cfg, _QWEN_MOE)


@register_backbone("Qwen3MoeBackbone")
def _qwen3_moe(cfg: Hyper):
    return count_decoder(cfg, _QWEN3_MOE)


register_task("QwenCausalLM", "Qwen3CausalLM", "QwenMoeCausalLM", "Qwen3MoeCausalLM")
