"""DINOv2 (``keras_hub.models.DINOV2Backbone``), counted from its config.

Layers (their names start with the backbone's ``name`` and ``_`` when the config has one):

- ``embeddings``: the class token ``d``, a mask token ``d`` (``use_mask_token``), ``R`` register tokens
  ``R·d`` (``num_register_tokens``, DINOv2 "with registers"), the patch ``Conv2D`` ``p·p·C·d + d``, and
  **two** position tables: ``position_embeddings`` for the ``position_embedding_shape`` the weights were
  trained at (``(P_h / p)·(P_w / p) + 1`` rows, **non-trainable**, kept to reload and save the original),
  and ``interpolated_position_embeddings`` for ``image_shape`` (``(H / p)·(W / p) + 1`` rows, trainable);
- ``encoder``: ``L`` layers, each LayerNorm ``2·d``, attention ``4·d·h·k + 3·h·k + d``, a LayerScale
  ``d`` (one learned scale per channel), LayerNorm ``2·d``, an MLP ``2·d·f + f + d`` or, with
  ``use_swiglu_ffn``, a SwiGLU of hidden width ``a = ⌊(⌊2·f/3⌋ + 7) / 8⌋·8``: ``d·2a + 2a + a·d + d``, and a
  second LayerScale ``d``;
- ``layernorm``: ``2·d``.
"""

from __future__ import annotations

from ...errors import ConfigError
from .._expr import term
from ._base import HubCount, Hyper, register_backbone
from ._blocks import Parts, dense, layer_norm, table
from ._layers import FROZEN, block, conv, head_size, multi_head_attention, preset_of, repeated
from .vit import image_size

__all__: list[str] = []

PRESETS = {"dinov2_small": {"L": 12, "d": 384, "h": 6, "f": 1536, "p": 14, "N": 1370, "R": 0}}


def _layer(s: dict[str, int], swiglu: bool) -> Parts:
    d = s["d"]
    if swiglu:
        ffn = [("mlp.weights_in", dense(d, 2 * s["a"], True)), ("mlp.weights_out", dense(s["a"], d, True))]
    else:
        ffn = [("mlp.fc1", dense(d, s["f"], True)), ("mlp.fc2", dense(s["f"], d, True))]
    return [layer_norm(d, "norm1"), *multi_head_attention(d, s["h"], s["k"]), ("layer_scale1", term(d)),
            layer_norm(d, "norm2"), *ffn, ("layer_scale2", term(d))]


def _embeddings(cfg: Hyper, s: dict[str, int], name: str):
    d, tokens = s["d"], [("cls_token", term(s["d"]))]
    if cfg.flag("use_mask_token", True):
        tokens.append(("mask_token", term(d)))
    if s["R"]:
        tokens.append(("register_tokens", term(s["R"]) * term(d)))
    tables = [("position_embeddings" + FROZEN, table(s["Np"], d)), ("interpolated_position_embeddings",
                                                                     table(s["N"], d))]
    return [block(name, tokens + conv((s["p"], s["p"]), s["C"], d, True, "patch_embeddings")),
            block(name, tables, "embedding")]


def _symbols(cfg: Hyper) -> dict[str, int]:
    (height, width, channels), p = image_size(cfg), cfg.int("patch_size")
    trained = cfg.get("position_embedding_shape", [518, 518, 3])
    if not isinstance(trained, list | tuple) or len(trained) < 2 or height != width:
        raise ConfigError(f"DINOV2Backbone needs a square image_shape and a position_embedding_shape (height, "
                          f"width[, channels]); got {cfg.get('image_shape')!r} and {trained!r}")
    d, h, f = cfg.int("hidden_dim"), cfg.int("num_heads"), cfg.int("intermediate_dim")
    return {"L": cfg.int("num_layers"), "d": d, "h": h, "k": head_size(d, h), "f": f,
            "a": (int(f * 2 / 3) + 7) // 8 * 8,
            "p": p, "C": channels, "R": cfg.int("num_register_tokens", 0), "N": (height // p) * (width // p) + 1,
            "Np": (trained[0] // p) * (trained[1] // p) + 1}


@register_backbone("DINOV2Backbone")
def _dinov2(cfg: Hyper) -> HubCount:
    s, swiglu = _symbols(cfg), cfg.flag("use_swiglu_ffn", False)
    prefix = f"{cfg.config['name']}_" if cfg.config.get("name") else ""
    mask = cfg.flag("use_mask_token", True)
    blocks = [*_embeddings(cfg, s, prefix + "embeddings"),
              *repeated(prefix + "encoder", _layer(s, swiglu), range(s["L"])),
              block(prefix + "layernorm", [layer_norm(s["d"], "layernorm")])]
    ffn = "2·d·a + 2·a + a·d + d" if swiglu else "2·d·f + f + d"
    closed = (f"d{' + d' if mask else ''} + R·d + p·p·C·d + d + Np·d + N·d"
              f" + L·(4·d·h·k + 3·h·k + d + 2·d + {ffn} + 4·d) + 2·d")
    text = (f"DINOv2: {s['L']} layers, hidden {s['d']}, {s['h']} heads, {'SwiGLU' if swiglu else 'MLP'} "
            f"{s['a'] if swiglu else s['f']}, {s['R']} register tokens, {s['N'] - 1} patches of {s['p']}")
    return HubCount("DINOV2Backbone", "DINOv2", text, tuple(blocks), closed, s, preset=preset_of(s, PRESETS))
