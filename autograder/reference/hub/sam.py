"""SAM, the Segment Anything Model (``keras_hub.models.SAMBackbone``), counted from its config.

``SAMBackbone``'s config nests three parts:

- ``image_encoder``: a ``ViTDetBackbone`` (see :mod:`.vit_det`);
- ``prompt_encoder`` (``SAMPromptEncoder``, width ``H``): a random-frequency positional encoding
  ``2·(H / 2)`` (**non-trainable**), six one-row embeddings ``6·H`` (foreground, background, the box's two
  corners, not-a-point, no-mask), and the mask downscaler: 2×2 convs ``1 → M/4 → M`` with biases and a
  LayerNorm after each, then a 1×1 conv ``M → H`` (``M = mask_in_channels``);
- ``mask_decoder`` (``SAMMaskDecoder``): **not counted in the backbone**: ``SAMBackbone`` keeps it but
  never calls it, so a backbone built from its config holds none of its weights; ``SAMImageSegmenter``
  calls it, and counts it as its head (a two-way transformer, the IoU and mask tokens, the upscaling
  convs and the hypernetwork MLPs; see :mod:`.sam_decoder`).

Keras names the image encoder's layers by a session-wide counter (``windowed_transformer_encoder_3``),
so the blocks here carry their class's snake_case name, not a name a rebuilt model is sure to have.
"""

from __future__ import annotations

from ...errors import ConfigError
from .._expr import term
from ._base import HubCount, Hyper, register_backbone, register_task
from ._blocks import Parts, layer_norm, table
from ._layers import FROZEN, block, conv, frozen_with, preset_of
from .sam_decoder import mask_decoder_blocks
from .vit_det import vit_det_count

__all__ = ["nested"]

PRESETS = {"sam_base_sa1b": {"L": 12, "d": 768, "h": 12, "S": 64, "H": 256},
           "sam_large_sa1b": {"L": 24, "d": 1024, "h": 16, "S": 64, "H": 256},
           "sam_huge_sa1b": {"L": 32, "d": 1280, "h": 16, "S": 64, "H": 256}}


def nested(cfg: Hyper, key: str, class_name: str) -> Hyper:
    """The serialized layer ``key`` of a config, as a :class:`Hyper` of its own."""
    inner = cfg.get(key)
    if not isinstance(inner, dict) or inner.get("class_name") != class_name or not isinstance(
            inner.get("config"), dict):
        raise ConfigError(f"the {cfg.class_name} config's {key!r} should be a serialized {class_name} "
                          f"({{'class_name': '{class_name}', 'config': {{…}}}}), as get_config() writes it")
    return Hyper(class_name, inner["config"])


def prompt_encoder_parts(cfg: Hyper) -> Parts:
    """``SAMPromptEncoder``'s weights (see the module docstring)."""
    h, m = cfg.int("hidden_size", 256), cfg.int("mask_in_channels", 16)
    embeds = ("foreground_point_embed", "background_point_embed", "top_left_corner_embed",
              "bottom_right_corner_embed", "not_a_point_embed", "no_mask_embed")
    return [("positional_encoding_gaussian_matrix" + FROZEN, term(2) * term(h // 2)),
            *[(name, table(1, h)) for name in embeds],
            *conv((2, 2), 1, m // 4, True, "mask_downscaler.conv_1"), layer_norm(m // 4, "mask_downscaler.ln_1"),
            *conv((2, 2), m // 4, m, True, "mask_downscaler.conv_2"), layer_norm(m, "mask_downscaler.ln_2"),
            *conv((1, 1), m, h, True, "mask_downscaler.conv_3")]


PROMPT_FORM = "2·(H // 2) + 6·H + 4·(M // 4) + (M // 4) + 2·(M // 4) + 4·(M // 4)·M + M + 2·M + M·H + H"


@register_backbone("SAMBackbone")
def _sam(cfg: Hyper) -> HubCount:
    image_cfg = nested(cfg, "image_encoder", "ViTDetBackbone")
    prompt, image = nested(cfg, "prompt_encoder", "SAMPromptEncoder"), vit_det_count(image_cfg)
    nested(cfg, "mask_decoder", "SAMMaskDecoder")  # present, refused if malformed, but not in the backbone
    s = {**image.symbols, "H": prompt.int("hidden_size", 256), "M": prompt.int("mask_in_channels", 16)}
    prompt_block = block(prompt.config.get("name", "sam_prompt_encoder"), prompt_encoder_parts(prompt))
    blocks = (*frozen_with(image_cfg, image.blocks), *frozen_with(prompt, [prompt_block]))
    text = f"SAM: image encoder {image.shape.removeprefix('ViTDet: ')}; prompt encoder width {s['H']}"
    return HubCount("SAMBackbone", "SAM", text, blocks, f"{image.closed_form} + {PROMPT_FORM}", s,
                    preset=preset_of(s, PRESETS))


def _segmenter_head(task: dict, counted: HubCount):
    decoder = nested(Hyper("SAMBackbone", task["backbone"]["config"]), "mask_decoder", "SAMMaskDecoder")
    return frozen_with(decoder, list(mask_decoder_blocks(decoder)))


register_task("SAMImageSegmenter", head=_segmenter_head)
