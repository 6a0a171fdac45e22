"""EfficientNet (``keras_hub.models.EfficientNetBackbone``, v1, v2 and lite), counted from its config.

Widths and depths are scaled per stack: ``round_filters`` (width coefficient, rounded to a multiple
of ``depth_divisor``) and ``round_repeats`` (depth coefficient, rounded up), as keras-hub computes
them. Convolutions have no bias except the squeeze-and-excite pair; each ``BatchNormalization`` holds
``2·c`` trainable and ``2·c`` non-trainable weights. Per block type:

- ``"v1"`` (flat layers ``block{s}{letter}_…``): ``expand_conv`` ``c·(c_in·r)`` and ``expand_bn`` when the
  expansion ratio ``r ≠ 1``; ``dwconv`` ``k·k·c`` (depthwise) and ``dwconv_bn``; ``se_reduce`` and
  ``se_expand`` (with biases) when ``0 < se_ratio ≤ 1``; ``project`` ``c·c_out`` and ``project_bn``;
- ``"unfused"`` (``MBConvBlock``, one layer per block): the same, except that the projection's kernel is
  ``k×k`` when ``r = 1``;
- ``"fused"`` (``FusedMBConvBlock``): a ``k×k`` expansion ``c·(c_in·r)`` even when ``r = 1``, its
  BatchNorm, squeeze-and-excite, a 1×1 projection and its BatchNorm;
- ``"cba"``: one ``k×k`` conv and its BatchNorm.

Around them: ``stem_conv`` (3×3, ``C → round_filters(input_filters[0])``), ``stem_bn``, ``top_conv``
(1×1 to ``round_filters(num_features)``; ``num_features`` is not in keras-hub 0.32's ``get_config()``,
so a saved config always rebuilds with 1280) and ``top_bn``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...errors import ConfigError
from ._base import HubCount, Hyper, register_backbone
from ._decoder import preset_named
from ._layers import Parts, batch_norm, block, conv
from .resnet import Chain, closed_form
from .vit import channels

__all__: list[str] = []

PRESETS = {"efficientnet_b0_ra_imagenet": {"stackwise_width_coefficients": [1.0] * 7,
                                         "stackwise_depth_coefficients": [1.0] * 7,
                                         "stackwise_block_types": ["v1"] * 7}}
_LISTS = ("stackwise_kernel_sizes", "stackwise_num_repeats", "stackwise_input_filters", "stackwise_output_filters",
          "stackwise_expansion_ratios", "stackwise_squeeze_and_excite_ratios", "stackwise_strides",
          "stackwise_block_types", "stackwise_width_coefficients", "stackwise_depth_coefficients")


def round_filters(filters: float, width: float, cfg: Hyper) -> int:
    """keras-hub's ``round_filters``, to the same float arithmetic."""
    divisor, min_depth = cfg.int("depth_divisor", 8), cfg.int("min_depth", 8)
    filters *= width
    if cfg.flag("use_depth_divisor_as_min_depth", False):
        min_depth = divisor
    new = max(min_depth, int(filters + divisor / 2) // divisor * divisor)
    if cfg.flag("cap_round_filter_decrease", False) and new < 0.9 * filters:
        new += divisor
    return int(new)


@dataclass(frozen=True)
class _Spec:
    """One block as the backbone's loop sets it up: its filters in and out, kernel, expansion and SE ratio."""

    name: str
    kind: str
    c_in: int
    out: int
    k: int
    r: int
    se: float

    @property
    def filters(self) -> int:
        return self.c_in * self.r


def _se(b: _Spec) -> Parts:
    if not 0 < b.se <= 1:
        return []
    squeezed = max(1, int(b.c_in * b.se))
    return [*conv((1, 1), b.filters, squeezed, True, "se_reduce"), *conv((1, 1), squeezed, b.filters, True,
                                                                          "se_expand")]


def _mbconv(c: int, b: _Spec) -> Parts:
    parts, fused = [], b.kind == "fused"
    if fused or b.r != 1:
        parts += conv((b.k, b.k) if fused else (1, 1), c, b.filters, False, "expand_conv")
        parts += batch_norm(b.filters, "expand_bn")
        c = b.filters
    if not fused:
        parts += [*conv((b.k, b.k), 1, c, False, "dwconv2 (depthwise)"), *batch_norm(c, "bn")]
    kp = 1 if fused or b.r != 1 else b.k
    return parts + _se(b) + conv((kp, kp), c, b.out, False, "project_conv") + batch_norm(b.out, "project_bn")


def _v1(net: Chain, b: _Spec):
    if b.r != 1:
        net.conv(f"{b.name}expand_conv", 1, b.filters)
        net.bn(f"{b.name}expand_bn")
    net.blocks.append(block(f"{b.name}dwconv", conv((b.k, b.k), 1, net.c, False, "depthwise kernel")))
    net.bn(f"{b.name}dwconv_bn")
    se = _se(b)
    if se:
        net.blocks += [block(f"{b.name}se_reduce", se[:1]), block(f"{b.name}se_expand", se[1:])]
    net.conv(f"{b.name}project", 1, b.out)
    net.bn(f"{b.name}project_bn")


def _stack_lists(cfg: Hyper) -> list[tuple]:
    lists = [cfg.get(key) for key in _LISTS]
    n = len(lists[0]) if isinstance(lists[0], list | tuple) else -1
    if n < 1 or not all(isinstance(v, list | tuple) and len(v) == n for v in lists):
        raise ConfigError(f"EfficientNetBackbone needs the lists {', '.join(_LISTS)} all of one length; "
                          "expected the backbone's get_config() as a preset's config.json holds it")
    return list(zip(*lists, strict=True))


def _block(net: Chain, b: _Spec):
    if b.kind == "v1":
        _v1(net, b)
        return
    if b.kind == "cba":
        parts = conv((b.k, b.k), net.c, b.out, False, "conv") + batch_norm(b.out, "bn")
    elif b.kind in ("unfused", "fused"):
        parts = _mbconv(net.c, b)
    else:
        raise ConfigError(f"EfficientNetBackbone block type {b.kind!r} is not one of 'v1', 'unfused', 'fused', 'cba'")
    net.blocks.append(block(b.name, parts))
    net.c = b.out


def _specs(cfg: Hyper, stacks: list[tuple]) -> list[_Spec]:
    """Every block in order, with keras-hub's rounding of filters and repeats."""
    forced, specs = cfg.get("stackwise_force_input_filters", [0] * len(stacks)), []
    for i, (k, repeats, first_in, last_out, r, se, _, kind, width, depth) in enumerate(stacks):
        c_in, out = round_filters(first_in, width, cfg), round_filters(last_out, width, cfg)
        for j in range(math.ceil(depth * repeats)):
            c = round_filters(forced[i], width, cfg) if forced[i] > 0 else (out if j > 0 else c_in)
            specs.append(_Spec(f"block{i + 1}{chr(j + 97)}_", kind, c, out, k, int(r), se))
    return specs


@register_backbone("EfficientNetBackbone")
def _efficientnet(cfg: Hyper) -> HubCount:
    stacks, c0 = _stack_lists(cfg), channels(cfg, "input_shape")
    net = Chain(c0)
    net.conv("stem_conv", 3, round_filters(stacks[0][2], stacks[0][8], cfg))
    net.bn("stem_bn")
    for spec in _specs(cfg, stacks):
        _block(net, spec)
    net.conv("top_conv", 1, round_filters(cfg.int("num_features", 1280), stacks[-1][8], cfg))
    net.bn("top_bn")
    text = f"EfficientNet: {len(stacks)} stacks of {', '.join(s[7] for s in stacks)} blocks"
    closed = closed_form(net, r"block\d+[a-z]+_")
    return HubCount("EfficientNetBackbone", "EfficientNet", text, tuple(net.blocks), closed, {"C": c0, "F": net.c},
                    preset=preset_named(cfg, PRESETS))
