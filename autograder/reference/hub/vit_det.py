"""ViTDet (``keras_hub.models.ViTDetBackbone``), SAM's image encoder, counted from its config.

- patch embedding: a ``Conv2D`` ``p·p·C·d + d``;
- ``add_positional_embedding`` (``use_abs_pos``): an absolute position map ``S·S·d`` for the ``S×S``
  patch grid (``S = image size / p``);
- ``L`` ``WindowedTransformerEncoder`` layers: LayerNorm ``2·d``; attention with a fused ``qkv``
  ``d·3d`` (+ ``3·d`` with ``use_bias``) and a projection ``d·d + d``; with ``use_rel_pos``, decomposed
  relative positions ``rel_pos_h`` and ``rel_pos_w``, ``2·(2·w − 1)·k`` where ``w`` is the window
  size (``window_size``) or, in the global-attention layers, the whole grid ``S`` (tables indexed by
  relative position: counted as embedding); LayerNorm ``2·d``;
  MLP ``2·d·f + f + d``;
- the neck: a 1×1 ``Conv2D`` to ``O = num_output_channels`` without bias, a LayerNorm ``2·O``, a
  3×3 ``Conv2D`` ``9·O·O`` without bias, a LayerNorm ``2·O``.
"""

from __future__ import annotations

from ...errors import ConfigError
from .._expr import term
from ._base import HubCount, Hyper, register_backbone
from ._blocks import Parts, dense, layer_norm
from ._layers import block, conv, head_size, repeated
from .vit import image_size

__all__ = ["vit_det_count"]


def _layer(s: dict[str, int], use_bias: bool) -> Parts:
    d, f = s["d"], s["f"]
    parts = [layer_norm(d, "layer_norm1"), ("attention.qkv", dense(d, 3 * d, use_bias)),
             ("attention.projection", dense(d, d, True))]
    return [*parts, layer_norm(d, "layer_norm2"), ("mlp.dense_1", dense(d, f, True)),
            ("mlp.dense_2", dense(f, d, True))]


def _symbols(cfg: Hyper) -> dict[str, int]:
    (height, width, channels), p = image_size(cfg), cfg.int("patch_size", 16)
    d, h = cfg.int("hidden_size"), cfg.int("num_heads")
    if height != width or d % h:
        raise ConfigError(f"ViTDetBackbone needs a square image and num_heads dividing hidden_size; got "
                          f"{height}×{width} and hidden_size={d}, num_heads={h} (Keras could not build it)")
    return {"L": cfg.int("num_layers"), "d": d, "h": h, "k": head_size(d, h), "f": cfg.int("intermediate_dim"),
            "p": p, "C": channels, "S": height // p, "W": cfg.int("window_size", 14),
            "O": cfg.int("num_output_channels", 256)}


def vit_det_count(cfg: Hyper) -> HubCount:
    s = _symbols(cfg)
    use_bias, rel_pos, abs_pos = cfg.flag("use_bias", True), cfg.flag("use_rel_pos", True), cfg.flag("use_abs_pos",
                                                                                                     True)
    global_at = set(cfg.get("global_attention_layer_indices"))
    s["G"] = len([i for i in range(s["L"]) if i in global_at])
    blocks = [block("vi_t_det_patching_and_embedding", conv((s["p"], s["p"]), s["C"], s["d"], True, "projection"))]
    if abs_pos:
        blocks.append(block("add_positional_embedding", [("pos_embed", term(s["S"]) * term(s["S"]) * term(s["d"]))],
                            "embedding"))
    for window, at in ((s["W"], [i for i in range(s["L"]) if i not in global_at]),
                       (s["S"], [i for i in range(s["L"]) if i in global_at])):
        rel = [(f"rel_pos_h + rel_pos_w (window {window})", term(2) * term(2 * window - 1) * term(s["k"]))]
        blocks += repeated("windowed_transformer_encoder_{i}", _layer(s, use_bias), at, rel if rel_pos else ())
    o = s["O"]
    blocks.append(block("neck", [*conv((1, 1), s["d"], o, False, "conv_1"), layer_norm(o, "ln_1"),
                                 *conv((3, 3), o, o, False, "conv_2"), layer_norm(o, "ln_2")]))
    layer = f"4·d + 3·d·d{' + 3·d' if use_bias else ''} + d·d + d + 2·d·f + f + d"
    rel = " + G·2·(2·S - 1)·k + (L - G)·2·(2·W - 1)·k" if rel_pos else ""
    closed = f"p·p·C·d + d{' + S·S·d' if abs_pos else ''} + L·({layer}){rel} + d·O + 2·O + 9·O·O + 2·O"
    text = (f"ViTDet: {s['L']} layers ({s['G']} global), hidden {s['d']}, {s['h']} heads, MLP {s['f']}, "
            f"{s['S']}×{s['S']} patches of {s['p']}, windows of {s['W']}")
    return HubCount(cfg.class_name, "ViTDet", text, tuple(blocks), closed, s)


register_backbone("ViTDetBackbone")(vit_det_count)
