"""ViT (``keras_hub.models.ViTBackbone``), counted from its config.

Two Keras layers, as ``ViTBackbone`` builds them:

- ``vit_patching_and_embedding``: the class token ``d`` (when ``use_class_token``), the patch
  ``Conv2D`` ``p_h·p_w·C·d`` (+ ``d`` when ``use_patch_bias``) and the position table ``N·d`` with
  ``N = (H / p_h)·(W / p_w)`` patches, plus one for the class token;
- ``vit_encoder``: ``L`` pre-norm blocks (LayerNorm ``2·d``, attention with heads of ``k = d // h``
  ``4·d·h·k + 3·h·k + d`` with ``use_mha_bias``, LayerNorm ``2·d``, MLP ``2·d·m + m + d`` with
  ``use_mlp_bias``) and a final LayerNorm ``2·d``.

keras-hub 0.32's ``ViTPatchingAndEmbedding.get_config()`` writes ``num_patches`` and
``num_positions``, which its ``__init__`` does not accept (and leaves ``use_patch_bias`` out): that layer
alone cannot be rebuilt from its config. The backbone's own config is complete, and is what is counted.
"""

from __future__ import annotations

from ...errors import ConfigError
from .._expr import term
from ._base import HubCount, Hyper, register_backbone
from ._blocks import Parts, dense, layer_norm, table
from ._layers import block, conv, head_size, multi_head_attention, preset_of, repeated

__all__ = ["channels", "image_size", "pair"]

PRESETS = {"vit_base_patch16_224_imagenet": {"L": 12, "d": 768, "h": 12, "m": 3072, "p": 16, "q": 16, "N": 197}}


def pair(cfg: Hyper, key: str) -> tuple[int, int]:
    """An int or a pair of ints (``patch_size``), as a pair."""
    value = cfg.get(key)
    values = [value, value] if isinstance(value, int) else value
    if not isinstance(values, list | tuple) or len(values) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        raise ConfigError(f"the {cfg.class_name} config's {key!r} is {value!r}; expected a positive int or two")
    return values[0], values[1]


def image_size(cfg: Hyper, key: str = "image_shape") -> tuple[int, int, int]:
    """``(height, width, channels)`` from a channels-last ``image_shape``, refusing an unknown size."""
    shape = cfg.get(key)
    if not isinstance(shape, list | tuple) or len(shape) != 3 or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape):
        raise ConfigError(f"the {cfg.class_name} config's {key!r} is {shape!r}; the counter needs a fully known "
                          "channels-last (height, width, channels)")
    if cfg.config.get("data_format") == "channels_first":
        return shape[1], shape[2], shape[0]
    return shape[0], shape[1], shape[2]


def channels(cfg: Hyper, key: str = "image_shape") -> int:
    """The channel count of an ``image_shape`` whose height and width may be unknown (a convnet's)."""
    shape = cfg.get(key)
    if not isinstance(shape, list | tuple) or len(shape) != 3:
        raise ConfigError(f"the {cfg.class_name} config's {key!r} is {shape!r}; expected (height, width, channels)")
    value = shape[0] if cfg.config.get("data_format") == "channels_first" else shape[2]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"the {cfg.class_name} config's {key!r} is {shape!r}; the channel count must be known")
    return value


def _embedding(s: dict[str, int], cls: bool, patch_bias: bool):
    name = "vit_patching_and_embedding"
    parts: Parts = [("class_token", term(s["d"]))] if cls else []
    parts += conv((s["p"], s["q"]), s["C"], s["d"], patch_bias, "patch_embedding")
    return [block(name, parts), block(name, [("position_embedding", table(s["N"], s["d"]))], "embedding")]


def _encoder_block(s: dict[str, int], mha_bias: bool, mlp_bias: bool) -> Parts:
    d, m = s["d"], s["m"]
    return [layer_norm(d, "ln_1"), *multi_head_attention(d, s["h"], s["k"], use_bias=mha_bias),
            layer_norm(d, "ln_2"), ("mlp.dense_1", dense(d, m, mlp_bias)), ("mlp.dense_2", dense(m, d, mlp_bias))]


@register_backbone("ViTBackbone")
def _vit(cfg: Hyper) -> HubCount:
    (height, width, channels), (p, q) = image_size(cfg), pair(cfg, "patch_size")
    if height % p or width % q:
        raise ConfigError(f"ViTBackbone needs the image ({height}×{width}) divisible by the patch ({p}×{q})")
    cls, patch_bias = cfg.flag("use_class_token", True), cfg.flag("use_patch_bias", True)
    d, h = cfg.int("hidden_dim"), cfg.int("num_heads")
    s = {"L": cfg.int("num_layers"), "d": d, "h": h, "k": head_size(d, h), "m": cfg.int("mlp_dim"), "p": p,
         "q": q, "C": channels, "N": (height // p) * (width // q) + int(cls)}
    mha, mlp = cfg.flag("use_mha_bias", True), cfg.flag("use_mlp_bias", True)
    blocks = [*_embedding(s, cls, patch_bias), *repeated("vit_encoder", _encoder_block(s, mha, mlp), range(s["L"])),
              block("vit_encoder", [layer_norm(d, "ln")])]
    closed = (f"{'d + ' if cls else ''}p·q·C·d{' + d' if patch_bias else ''} + N·d + L·(4·d + 4·d·h·k"
              f"{' + 3·h·k + d' if mha else ''} + 2·d·m{' + m + d' if mlp else ''}) + 2·d")
    text = (f"ViT: {s['L']} layers, hidden {d}, {h} heads, MLP {s['m']}, {height}×{width}×{channels} images in "
            f"{p}×{q} patches ({s['N']} positions)")
    return HubCount("ViTBackbone", "ViT", text, tuple(blocks), closed, s, preset=preset_of(s, PRESETS))
