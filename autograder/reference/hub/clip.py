"""CLIP (``keras_hub.models.CLIPBackbone``) and its two towers, counted from their config.

``CLIPBackbone``'s config nests both towers' configs. Its layers:

- ``vision_encoder`` (``CLIPVisionEncoder``): ``embedding`` (patch ``Conv2D`` without bias
  ``p·p·C·d``, class embedding ``d``, position table ``N·d`` for ``N = (H / p)² + 1`` positions, and
  ``position_ids``, ``N`` integers stored as a **non-trainable** weight, which Keras counts),
  ``pre_layer_norm`` ``2·d``, ``L`` ``encoder_block_{i}`` (LayerNorm, attention
  ``4·d·h·k + 3·h·k + d``, LayerNorm, MLP ``2·d·f + f + d``) and ``layer_norm`` ``2·d``;
- ``text_encoder`` (``CLIPTextEncoder``): ``embedding`` (a tied token table ``V·d`` and a position
  table ``P·d``), ``L`` ``encoder_block_{i}`` and ``layer_norm`` ``2·d`` (no pre-norm);
- ``vision_projection`` and ``text_projection``: ``Dense`` without bias into the shared space of
  ``E = projection_dim``: ``d_v·E`` and ``d_t·E``;
- ``clip_head``: the learned temperature ``logit_scale``, one parameter.

The symbols of the closed form carry the tower: ``dv, Lv, hv, kv, fv`` (vision), ``dt, Lt, ht, kt, ft``
(text).
"""

from __future__ import annotations

from ...errors import ConfigError
from .._expr import term
from ._base import HubCount, Hyper, register_backbone
from ._blocks import dense, layer_norm, reversible_embedding, table
from ._layers import FROZEN, block, conv, frozen_with, head_size, multi_head_attention, preset_of, repeated
from .vit import image_size

__all__: list[str] = []

PRESETS = {"clip_vit_base_patch16": {"p": 16, "dv": 768, "Lv": 12, "dt": 512, "Lt": 12, "V": 49408, "E": 512}}


def _layer(d: int, h: int, f: int):
    return [layer_norm(d, "layer_norm_1"), *multi_head_attention(d, h, head_size(d, h)),
            layer_norm(d, "layer_norm_2"), ("dense_1", dense(d, f, True)), ("dense_2", dense(f, d, True))]


def _tower(cfg: Hyper, t: str) -> dict[str, int]:
    d, h = cfg.int("hidden_dim"), cfg.int("num_heads")
    return {f"d{t}": d, f"L{t}": cfg.int("num_layers"), f"h{t}": h, f"k{t}": head_size(d, h),
            f"f{t}": cfg.int("intermediate_dim")}


def _maker(cfg: Hyper, outer: str | None):
    """Inside ``CLIPBackbone`` every layer of a tower counts under the tower's name, its parts labelled with the
    inner layer (``embedding.patch_embedding``); alone, a tower's layers are named with its ``name`` and ``_``
    in front, as ``CLIPVisionEncoder`` names them."""
    name = cfg.config.get("name")
    prefix = f"{name}_" if name is not None else ""

    def make(inner: str, parts, kind: str = "body", indices=None) -> list:
        if outer:
            base = inner.removesuffix("_{i}")
            parts = [(label if label == base else f"{base}.{label}", expr) for label, expr in parts]
        if indices is None:
            return [block(outer or prefix + inner, parts, kind)]
        return repeated(outer or prefix + inner, parts, indices)

    return make


def vision_tower(cfg: Hyper, outer: str | None = None):
    """The vision tower's blocks (named ``outer`` when counted inside ``CLIPBackbone``) and symbols."""
    (height, width, channels), p = image_size(cfg), cfg.int("patch_size")
    if height != width:
        raise ConfigError(f"CLIPVisionEncoder needs a square image; got {height}×{width} (keras-hub refuses it too)")
    s = {**_tower(cfg, "v"), "p": p, "C": channels, "N": (height // p) ** 2 + 1}
    d, n, make = s["dv"], s["N"], _maker(cfg, outer)
    blocks = [*make("embedding", [*conv((p, p), channels, d, False, "patch_embedding"),
                                  ("class_embedding", term(d)), ("position_ids" + FROZEN, term(n))]),
              *make("embedding", [("position_embedding", table(n, d))], "embedding"),
              *make("pre_layer_norm", [layer_norm(d, "pre_layer_norm")]),
              *make("encoder_block_{i}", _layer(d, s["hv"], s["fv"]), indices=range(s["Lv"])),
              *make("layer_norm", [layer_norm(d, "layer_norm")])]
    return blocks, s, "p·p·C·dv + dv + N + N·dv + 2·dv + Lv·(4·dv·hv·kv + 3·hv·kv + 2·dv·fv + fv + 6·dv) + 2·dv"


def text_tower(cfg: Hyper, outer: str | None = None):
    """The text tower's blocks and symbols (its embedding width must be its hidden width, as Keras needs)."""
    s = {**_tower(cfg, "t"), "V": cfg.int("vocabulary_size"), "P": cfg.int("max_sequence_length", 77)}
    if cfg.int("embedding_dim") != s["dt"]:
        raise ConfigError(f"CLIPTextEncoder with embedding_dim={cfg.int('embedding_dim')} ≠ hidden_dim={s['dt']} "
                          "cannot be built (its residual connections add the two widths)")
    d, make = s["dt"], _maker(cfg, outer)
    blocks = [*make("embedding", [*reversible_embedding(s["V"], d, True), ("position_embedding", table(s["P"], d))],
                    "embedding"),
              *make("encoder_block_{i}", _layer(d, s["ht"], s["ft"]), indices=range(s["Lt"])),
              *make("layer_norm", [layer_norm(d, "layer_norm")])]
    return blocks, s, "V·dt + P·dt + Lt·(4·dt·ht·kt + 3·ht·kt + 2·dt·ft + ft + 6·dt) + 2·dt"


def _shape(s: dict[str, int]) -> str:
    vision = f"vision {s['Lv']} layers × {s['dv']}" if "dv" in s else ""
    text = f"text {s['Lt']} layers × {s['dt']}, vocabulary {s['V']:,}" if "dt" in s else ""
    return "CLIP: " + ", ".join(x for x in (vision, text) if x)


@register_backbone("CLIPVisionEncoder")
def _vision(cfg: Hyper) -> HubCount:
    blocks, s, closed = vision_tower(cfg)
    return HubCount(cfg.class_name, "CLIP", _shape(s), tuple(blocks), closed, s)


@register_backbone("CLIPTextEncoder")
def _text(cfg: Hyper) -> HubCount:
    blocks, s, closed = text_tower(cfg)
    return HubCount(cfg.class_name, "CLIP", _shape(s), tuple(blocks), closed, s)


def _nested(cfg: Hyper, key: str, class_name: str) -> Hyper:
    inner = cfg.get(key)
    if not isinstance(inner, dict) or inner.get("class_name") != class_name or not isinstance(
            inner.get("config"), dict):
        raise ConfigError(f"the CLIPBackbone config's {key!r} should be a serialized {class_name} "
                          "({'class_name': …, 'config': {…}}), as CLIPBackbone.get_config() writes it")
    return Hyper(class_name, inner["config"])


@register_backbone("CLIPBackbone")
def _clip(cfg: Hyper) -> HubCount:
    vision, text = _nested(cfg, "vision_encoder", "CLIPVisionEncoder"), _nested(cfg, "text_encoder", "CLIPTextEncoder")
    v_blocks, v, v_form = vision_tower(vision, vision.config.get("name", "vision_encoder"))
    t_blocks, t, t_form = text_tower(text, text.config.get("name", "text_encoder"))
    s = {**v, **t, "E": cfg.int("projection_dim")}
    blocks = [*frozen_with(vision, v_blocks), *frozen_with(text, t_blocks),
              block("vision_projection", [("vision_projection", dense(s["dv"], s["E"], False))]),
              block("text_projection", [("text_projection", dense(s["dt"], s["E"], False))]),
              block("clip_head", [("logit_scale", term(1))])]
    closed = f"{v_form} + {t_form} + dv·E + dt·E + 1"
    return HubCount("CLIPBackbone", "CLIP", _shape(s) + f", projection {s['E']}", tuple(blocks), closed, s,
                    preset=preset_of(s, PRESETS))  # tied: None, no layer reads the token table backwards
