"""SAM's mask decoder (``SAMMaskDecoder``), counted from its config: the head of ``SAMImageSegmenter``.

With ``E = embedding_dim`` (the image embedding's width), ``T = num_multimask_outputs + 1`` mask tokens,
the transformer's width ``H = hidden_size`` in ``h`` heads of ``k = H // h``, and attention that
projects to ``k / r`` per head (``r = 2``, keras-hub's fixed ``attention_downsample_rate``; ``r = 1`` for
the tokens' self-attention):

- ``transformer``: ``num_layers`` two-way layers, each self-attention of the tokens, cross-attention
  tokens → image, an MLP ``H → intermediate_dim → H``, cross-attention image → tokens, and four
  LayerNorms; then a final token → image attention and LayerNorm;
- ``iou_token`` ``E`` and ``mask_tokens`` ``T·E``;
- ``output_upscaling``: two 2×2 ``Conv2DTranspose`` ``E → E/4 → E/8`` with a LayerNorm between;
- ``output_hypernetworks_mlps``: ``T`` three-layer MLPs ``E → E → E → E/8``;
- ``iou_prediction_head``: an MLP of ``iou_head_depth`` layers ``E → iou_head_hidden_dim → … → T``.

Every attention projection and MLP layer has a bias.
"""

from __future__ import annotations

from itertools import pairwise

from ._base import HEAD, Block
from ._blocks import Parts, dense, layer_norm, table
from ._layers import conv, head_size, split

__all__ = ["mask_decoder_blocks"]

DOWNSAMPLE = 2  # TwoWayTransformer's attention_downsample_rate, not exposed by SAMMaskDecoder


def _attention(heads: int, key_dim: int, rate: int, name: str) -> Parts:
    width, inner = heads * key_dim, heads * (key_dim // rate)
    return [(f"{name}.{p}_proj", dense(width, inner, True)) for p in ("query", "key", "value")] + [
        (f"{name}.out_proj", dense(inner, width, True))]


def _mlp(widths: list[int], name: str) -> Parts:
    return [(f"{name}.dense_{i}", dense(a, b, True)) for i, (a, b) in enumerate(pairwise(widths))]


def _two_way_layer(h: int, k: int, intermediate: int) -> Parts:
    w = h * k
    return [*_attention(h, k, 1, "self_attention"), layer_norm(w, "layer_norm1"),
            *_attention(h, k, DOWNSAMPLE, "cross_attention_token_to_image"), layer_norm(w, "layer_norm2"),
            *_mlp([w, intermediate, w], "mlp_block"), layer_norm(w, "layer_norm3"),
            *_attention(h, k, DOWNSAMPLE, "cross_attention_image_to_token"), layer_norm(w, "layer_norm4")]


def mask_decoder_blocks(cfg) -> tuple[Block, ...]:
    """The mask decoder's blocks, as the head of ``SAMImageSegmenter``."""
    hidden, heads, e = cfg.int("hidden_size"), cfg.int("num_heads"), cfg.int("embedding_dim", 256)
    k, tokens = head_size(hidden, heads), cfg.int("num_multimask_outputs", 3) + 1
    depth, iou_hidden = cfg.int("iou_head_depth", 3), cfg.int("iou_head_hidden_dim", 256)
    name = cfg.config.get("name", "sam_mask_decoder")
    layers = [Block(f"{name}.transformer.layer_{{i}}", split(_two_way_layer(heads, k, cfg.int("intermediate_dim"))),
                    HEAD, at=tuple(range(cfg.int("num_layers"))))] if cfg.int("num_layers") else []
    final = [*_attention(heads, k, DOWNSAMPLE, "final_attention_token_to_image"), layer_norm(hidden, "final_ln")]
    rest = [("iou_token", table(1, e)), ("mask_tokens", table(tokens, e)),
            *conv((2, 2), e, e // 4, True, "output_upscaling.conv_transpose_1"),
            layer_norm(e // 4, "output_upscaling.ln"),
            *conv((2, 2), e // 4, e // 8, True, "output_upscaling.conv_transpose_2"),
            *_mlp([e] + [iou_hidden] * (depth - 1) + [tokens], "iou_prediction_head")]
    hyper = _mlp([e, e, e, e // 8], "output_hypernetworks_mlp")
    return (*layers, Block(f"{name}.transformer", split(final), HEAD), Block(name, split(rest), HEAD),
            Block(f"{name}.output_hypernetworks_mlps", split(hyper), HEAD, at=tuple(range(tokens))))
