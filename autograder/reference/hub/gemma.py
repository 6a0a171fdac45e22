"""Gemma, Gemma 2 and Gemma 3 (keras-hub's ``GemmaBackbone``, which also builds Gemma 2, and
``Gemma3Backbone``, text only).

The common decoder with an explicit ``head_dim``, the output always tied to the embedding, layers named
``decoder_block_{i}`` and ``final_normalization``, and a GeGLU whose gate and up projections each take
half of keras-hub's ``intermediate_dim``: ``3·d·f`` with ``f = intermediate_dim // 2`` (Gemma 3 keeps
all of it, ``f = intermediate_dim``). Each block has a
pre-attention and a pre-feed-forward RMSNorm, plus a post-attention and a post-feed-forward one when
``use_post_attention_norm`` / ``use_post_ffw_norm`` are set (Gemma 2 and 3). Gemma 3 adds RMSNorms of
size ``k`` on queries and keys (``use_query_key_norm``); an embedding model (``is_embedding_model``)
adds two Dense layers after the final norm, ``d·P + P·E``. A Gemma 3 with a vision encoder is refused.
"""

from __future__ import annotations

from dataclasses import replace

from ...errors import ConfigError
from ._base import BODY, Block, Hyper, register_backbone, register_task
from ._blocks import dense, derive, gated_mlp
from ._decoder import Decoder, count_decoder

__all__ = ["PRESETS"]


def _shape(*sizes: int, **more) -> dict:
    """A preset's shape from (V, L, d, h, g, k, intermediate_dim), in that order."""
    keys = ("vocabulary_size", "num_layers", "hidden_dim", "num_query_heads", "num_key_value_heads", "head_dim",
            "intermediate_dim")
    return dict(zip(keys, sizes, strict=True), **more)


PRESETS = {
    "gemma_2b_en": _shape(256000, 18, 2048, 8, 1, 256, 32768, use_post_ffw_norm=False),
    "gemma_7b_en": _shape(256000, 28, 3072, 16, 16, 256, 49152, use_post_ffw_norm=False),
    "gemma2_2b_en": _shape(256000, 26, 2304, 8, 4, 256, 18432, use_post_ffw_norm=True),
    "gemma2_9b_en": _shape(256000, 42, 3584, 16, 8, 256, 28672, use_post_ffw_norm=True),
    "gemma2_27b_en": _shape(256000, 46, 4608, 32, 16, 128, 73728, use_post_ffw_norm=True),
    "gemma3_270m": _shape(262144, 18, 640, 4, 1, 256, 2048),
    "gemma3_1b": _shape(262144, 26, 1152, 4, 1, 256, 6912),
    "gemma3_4b_text": _shape(262144, 34, 2560, 8, 4, 256, 10240),
}


def _geglu(reduction: int):
    """The GeGLU of Gemma (gate and up each ``intermediate_dim // 2`` wide) or Gemma 3 (``// 1``)."""

    def mlp(cfg: Hyper, index: int, symbols: dict):
        symbols["f"] = cfg.int("intermediate_dim") // reduction
        return gated_mlp(symbols["d"], symbols["f"]), None, "3·d·f"

    return mlp


def _norms(cfg: Hyper) -> int:
    return 2 + cfg.flag("use_post_attention_norm", False) + cfg.flag("use_post_ffw_norm", False)


def _embedding_head(cfg: Hyper, symbols: dict):
    """Gemma 3 as an embedding model: mean pooling (no weights), then ``d → P → E`` without biases."""
    if cfg.get("vision_encoder", None) is not None:
        raise ConfigError("this Gemma3Backbone has a vision encoder, which the reference counter does not count; "
                          "count its text-only config (vision_encoder: null) or build it in Keras")
    if not cfg.flag("is_embedding_model", False):
        return (), ""
    pooled, out = cfg.int("pooling_intermediate_dim"), cfg.int("embedding_dim")
    symbols.update(P=pooled, E=out)
    return (Block("pooling_dense_1", derive([("kernel", dense(symbols["d"], pooled, False))]), BODY),
            Block("embedding_projection", derive([("kernel", dense(pooled, out, False))]), BODY)), " + d·P + P·E"


_NAMES = ("token_embedding", "decoder_block_{i}", "final_normalization")
_GEMMA = Decoder("Gemma", names=_NAMES, tied_key=None, tied_default=True, head_dim_key="head_dim", mlp=_geglu(2),
                 norms=_norms, presets=PRESETS)
_GEMMA3 = Decoder("Gemma 3", names=_NAMES, tied_key=None, tied_default=True, head_dim_key="head_dim",
                  mlp=_geglu(1), norms=_norms, qk_norm=True, qk_norm_key="use_query_key_norm",
                  extra=_embedding_head, presets=PRESETS)


_GEMMA2 = replace(_GEMMA, family="Gemma 2")


@register_backbone("GemmaBackbone")
def _gemma(cfg: Hyper):
    """Gemma 2 is GemmaBackbone with the post-attention and post-feed-forward norms."""
    gemma2 = cfg.flag("use_post_attention_norm", False) or cfg.flag("use_post_ffw_norm", False)
    return count_decoder(cfg, _GEMMA2 if gemma2 else _GEMMA)


@register_backbone("Gemma3Backbone")
def _gemma3(cfg: Hyper):
    return count_decoder(cfg, _GEMMA3)


register_task("GemmaCausalLM", "Gemma3CausalLM")
