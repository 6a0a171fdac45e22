"""ResNet (``keras_hub.models.ResNetBackbone``, not ``keras.applications``), counted from its config.

Every layer is a Keras built-in; each ``Conv2D`` has no bias, and each ``BatchNormalization`` holds
``2·c`` trainable (``gamma``, ``beta``) and ``2·c`` non-trainable (moving mean and variance) weights.

- stem: ``conv1_conv`` (``k₁·k₁·C·f₁``, stride 2), then for each further input conv ``conv{i}_bn`` and
  ``conv{i+1}_conv``; a last ``conv{n}_bn`` unless ``use_pre_activation`` (ResNetV2);
- ``stack{s}_block{b}`` for each stack's blocks: ``basic_block`` (two 3×3 convs of ``f`` filters) or
  ``bottleneck_block`` (1×1 to ``f``, 3×3, 1×1 to ``4·f``); the ``_vd`` variants have the same weights
  (their shortcut's average pooling has none). The first block of a stack has a 1×1 shortcut conv
  ``{name}_0_conv`` (every stack but the first for ``basic_block``); ResNetV2 adds
  ``{name}_pre_activation_bn`` before each block, drops the BatchNorm after the last conv of a block
  and of the shortcut, and ends with ``post_bn``.
"""

from __future__ import annotations

import re

from ...errors import ConfigError
from ._base import HubCount, Hyper, register_backbone
from ._decoder import preset_named
from ._layers import batch_norm, block, conv
from .vit import channels

__all__ = ["Chain", "closed_form"]

BLOCK_TYPES = ("basic_block", "bottleneck_block", "basic_block_vd", "bottleneck_block_vd")
_V1 = {"input_conv_filters": [64], "stackwise_num_filters": [64, 128, 256, 512], "use_pre_activation": False}
PRESETS = {"resnet_18_imagenet": {**_V1, "stackwise_num_blocks": [2, 2, 2, 2], "block_type": "basic_block"},
           "resnet_50_imagenet": {**_V1, "stackwise_num_blocks": [3, 4, 6, 3], "block_type": "bottleneck_block"}}


class Chain:
    """The layers in build order, with the channel count carried from one to the next."""

    def __init__(self, channels: int):
        self.blocks, self.c, self.convs = [], channels, 0

    def conv(self, name: str, k: int, filters: int):
        self.blocks.append(block(name, conv((k, k), self.c, filters, False, "kernel")))
        self.c, self.convs = filters, self.convs + 1

    def bn(self, name: str):
        self.blocks.append(block(name, batch_norm(self.c)))


def _ints(cfg: Hyper, key: str) -> list[int]:
    values = cfg.get(key)
    if not isinstance(values, list | tuple) or not all(isinstance(v, int) and v > 0 for v in values):
        raise ConfigError(f"the {cfg.class_name} config's {key!r} is {values!r}; expected a list of positive ints")
    return list(values)


def _stem(net: Chain, filters: list[int], kernels: list[int], pre: bool):
    net.conv("conv1_conv", kernels[0], filters[0])
    for i in range(1, len(filters)):
        net.bn(f"conv{i}_bn")
        net.conv(f"conv{i + 1}_conv", kernels[i], filters[i])
    if not pre:
        net.bn(f"conv{len(filters)}_bn")


def _block(net: Chain, name: str, f: int, *, bottleneck: bool, shortcut: bool, pre: bool):
    c, out = net.c, 4 * f if bottleneck else f
    if pre:
        net.bn(f"{name}_pre_activation_bn")
    if shortcut:
        net.conv(f"{name}_0_conv", 1, out)
        if not pre:
            net.bn(f"{name}_0_bn")
        net.c = c
    kernels = (1, 3, 1) if bottleneck else (3, 3)
    widths = (f, f, out) if bottleneck else (f, f)
    for j, (k, w) in enumerate(zip(kernels, widths, strict=True), start=1):
        net.conv(f"{name}_{j}_conv", k, w)
        if j < len(kernels) or not pre:
            net.bn(f"{name}_{j}_bn")


@register_backbone("ResNetBackbone")
def _resnet(cfg: Hyper) -> HubCount:
    filters, kernels = _ints(cfg, "input_conv_filters"), _ints(cfg, "input_conv_kernel_sizes")
    widths, depths = _ints(cfg, "stackwise_num_filters"), _ints(cfg, "stackwise_num_blocks")
    kind, pre = cfg.get("block_type"), cfg.flag("use_pre_activation", False)
    if kind not in BLOCK_TYPES or len(filters) != len(kernels) or len(widths) != len(depths):
        raise ConfigError(f"ResNetBackbone needs block_type in {BLOCK_TYPES} and matching list lengths; got "
                          f"block_type={kind!r}, {len(filters)} input filters for {len(kernels)} kernel sizes, "
                          f"{len(widths)} stack widths for {len(depths)} stack depths")
    net = Chain(channels(cfg))
    _stem(net, filters, kernels, pre)
    for s, (f, n) in enumerate(zip(widths, depths, strict=True)):
        for b in range(n):
            first = b == 0 and (kind != "basic_block" or s > 0)
            _block(net, f"stack{s}_block{b}", f, bottleneck=kind.startswith("bottleneck"), shortcut=first, pre=pre)
    if pre:
        net.bn("post_bn")
    symbols = {"C": channels(cfg), "F": net.c}  # F: the features a classifier head reads
    text = (f"ResNet: {kind}, stacks of {widths} filters × {depths} blocks, "
            f"{'pre-activation (v2)' if pre else 'post-activation (v1)'}, {net.convs} convolutions")
    closed = _stem_form(filters, kernels, pre) + _stacks_form(filters[-1], widths, depths, kind, pre)
    return HubCount("ResNetBackbone", "ResNet", text, tuple(net.blocks), closed, symbols,
                    preset=preset_named(cfg, PRESETS))


def _stem_form(filters: list[int], kernels: list[int], pre: bool) -> str:
    """``k·k·C·f₁``, then a BatchNorm ``4·f`` before each further input conv, and after the last unless v2."""
    form = f"{kernels[0]}·{kernels[0]}·C·{filters[0]}"
    for i in range(1, len(filters)):
        form += f" + 4·{filters[i - 1]} + {kernels[i]}·{kernels[i]}·{filters[i - 1]}·{filters[i]}"
    return form if pre else form + f" + 4·{filters[-1]}"


def _block_form(c: int, f: int, bottleneck: bool, pre: bool, shortcut: bool) -> str:
    """One block with ``c`` channels in and ``f`` filters, every BatchNorm ``4·`` its channels."""
    out = f"4·{f}" if bottleneck else f"{f}"
    convs = f"{c}·{f} + 9·{f}·{f} + {f}·{out}" if bottleneck else f"9·{c}·{f} + 9·{f}·{f}"
    norms = ([f"{f}", f"{f}"] if bottleneck else [f"{f}"]) + ([] if pre else [out])
    form = (f"4·{c} + " if pre else "") + convs + f" + 4·({' + '.join(norms)})"
    if shortcut:
        form += f" + {c}·{out}" + ("" if pre else f" + 4·{out}")
    return form


def _stacks_form(c: int, widths: list[int], depths: list[int], kind: str, pre: bool) -> str:
    """Each stack as its first block (with the shortcut conv) plus ``n - 1`` times a repeated block."""
    bottleneck, form = kind.startswith("bottleneck"), ""
    for s, (f, n) in enumerate(zip(widths, depths, strict=True)):
        out = 4 * f if bottleneck else f
        if n:
            form += f" + ({_block_form(c, f, bottleneck, pre, kind != 'basic_block' or s > 0)})"
            c = out
        if n > 1:
            form += f" + {n - 1}·({_block_form(c, f, bottleneck, pre, False)})"
    return form + (f" + 4·{c}" if pre else "")


def closed_form(net: Chain, unit: str) -> str:
    """Every layer's arithmetic, in order, the layers of one block (names matching ``unit``) in parentheses,
    and a run of identical blocks written once with its count: ``n·(…)``."""
    units: list[list] = []  # [block or layer name, its formula, is it a block]
    for b in net.blocks:
        match = re.match(unit, b.name)
        name = match.group(0) if match else b.name
        if units and units[-1][0] == name:
            units[-1][1] += " + " + _evaluable(b)
        else:
            units.append([name, _evaluable(b), bool(match)])
    runs: list[list] = []  # [formula, how many in a row, is it a block]
    for _, form, is_block in units:
        if runs and is_block and runs[-1][2] and runs[-1][0] == form:
            runs[-1][1] += 1
        else:
            runs.append([form, 1, is_block])
    return " + ".join(f"{n}·({form})" if n > 1 else (f"({form})" if is_block else form)
                      for form, n, is_block in runs) or "0"


def _evaluable(b) -> str:
    """A layer's arithmetic as the closed form writes it: ``·`` for ``×``, no thousands separators."""
    parts = [e.text for e in (b.derivation.trainable, b.derivation.non_trainable) if e is not None]
    return " + ".join(parts).replace(",", "").replace(" × ", "·") or "0"
