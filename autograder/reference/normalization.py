"""Normalization layers (``keras/src/layers/normalization``).

Each learns a scale (gamma) and an offset (beta) per normalised feature;
BatchNormalization also keeps moving statistics, which are never trained.
"""

from __future__ import annotations

from ..errors import ConfigError
from ._axes import known_dim
from ._expr import product, term, total
from ._registry import Call, Counted, apply_layer, register
from ._types import Derivation

__all__ = ["batch_normalization", "group_normalization", "layer_normalization",
           "rms_normalization", "spectral_normalization", "unit_normalization"]


def _per_feature(features: int, count: int):
    """``count`` vectors of ``features`` numbers, written ``2 × 64`` (or ``64`` for one)."""
    if count == 0:
        return None
    return term(features) if count == 1 else term(count) * term(features)


def batch_normalization(features: int, center: bool = True, scale: bool = True,
                        renorm: bool = False) -> Derivation:
    """BatchNormalization: gamma and beta are trained; the moving mean and variance are not.

    >>> batch_normalization(64).formula
    '2 × 64 = 128 trainable; 2 × 64 = 128 non-trainable (moving mean and variance)'
    """
    # renorm adds a moving stddev, a renorm mean and a renorm stddev, none trainable.
    note = "moving mean and variance" + ("; renorm's moving stddev, mean and stddev" if renorm else "")
    return Derivation(_per_feature(features, int(center) + int(scale)),
                      _per_feature(features, 5 if renorm else 2), note=note)


def layer_normalization(features, center: bool = True, scale: bool = True,
                        rms_scaling: bool = False) -> Derivation:
    """LayerNormalization: a gamma and a beta over the normalised axes (``features`` is their
    size, or a tuple of sizes for several axes); rms_scaling keeps gamma only.

    >>> layer_normalization(64).formula
    '2 × 64 = 128'
    """
    size = product(features) if isinstance(features, (tuple, list)) else term(features)
    count = int(scale or rms_scaling) + int(center and not rms_scaling)
    if count == 0:
        return Derivation()
    return Derivation(size if count == 1 else term(count) * size)


def rms_normalization(features) -> Derivation:
    """RMSNormalization: one scale per feature of the normalised axes.

    >>> rms_normalization(64).formula
    '64'
    """
    return Derivation(product(features) if isinstance(features, (tuple, list)) else term(features))


def group_normalization(features: int, groups: int = 32, center: bool = True,
                        scale: bool = True) -> Derivation:
    """GroupNormalization: a gamma and a beta per channel, whatever the number of groups.

    >>> group_normalization(64, groups=8).formula
    '2 × 64 = 128'
    """
    return Derivation(_per_feature(features, int(center) + int(scale)))


def unit_normalization() -> Derivation:
    """UnitNormalization: divides by the norm, learns nothing."""
    return Derivation()


def spectral_normalization(layer: Derivation, kernel_last_dim: int) -> Derivation:
    """SpectralNormalization: the wrapped layer's weights, plus a non-trainable vector ``u``
    of the kernel's last dimension.

    >>> from autograder.reference.core import dense
    >>> spectral_normalization(dense(units=4, inputs=8), 4).formula
    '4 × (8 + 1) = 36 trainable; 4 non-trainable (the u vector)'
    """
    trainable, fixed = layer.trainable, layer.non_trainable
    if layer.frozen:  # the wrapped layer was frozen: all its weights are non-trainable
        trainable, fixed = None, total(e for e in (trainable, fixed) if e)
    u = term(kernel_last_dim)
    note = "; ".join(n for n in (layer.note, "the u vector") if n)
    return Derivation(trainable, fixed + u if fixed else u, note=note)


@register("BatchNormalization")
def _batch_normalization(config: dict, call: Call) -> Counted:
    shape = call.shape
    features = known_dim(shape, config.get("axis", -1), "BatchNormalization")
    return Counted(shape, batch_normalization(features, config.get("center", True),
                                              config.get("scale", True), config.get("renorm", False)))


def _axes_features(config: dict, shape: tuple, layer: str):
    axis = config.get("axis", -1)
    if isinstance(axis, (list, tuple)):
        return tuple(known_dim(shape, a, layer) for a in sorted(axis))
    return known_dim(shape, axis, layer)


@register("LayerNormalization")
def _layer_normalization(config: dict, call: Call) -> Counted:
    shape = call.shape
    features = _axes_features(config, shape, "LayerNormalization")
    return Counted(shape, layer_normalization(features, config.get("center", True),
                                              config.get("scale", True), config.get("rms_scaling", False)))


@register("RMSNormalization")
def _rms_normalization(config: dict, call: Call) -> Counted:
    shape = call.shape
    return Counted(shape, rms_normalization(_axes_features(config, shape, "RMSNormalization")))


@register("GroupNormalization")
def _group_normalization(config: dict, call: Call) -> Counted:
    shape = call.shape
    features = known_dim(shape, config.get("axis", -1), "GroupNormalization")
    groups = config.get("groups", 32)
    groups = features if groups == -1 else groups
    if groups > features or features % groups:
        raise ConfigError(f"GroupNormalization with groups={groups} on {features} channels: "
                          "the number of channels must be a multiple of groups; change groups")
    return Counted(shape, group_normalization(features, groups, config.get("center", True),
                                              config.get("scale", True)))


@register("UnitNormalization")
def _unit_normalization(config: dict, call: Call) -> Counted:
    return Counted(call.shape, unit_normalization())


@register("SpectralNormalization")
def _spectral_normalization(config: dict, call: Call) -> Counted:
    inner = config["layer"]
    counted = apply_layer(inner, call)
    last = _kernel_last_dim(inner, call.shape)
    return Counted(counted.output, spectral_normalization(counted.derivation, last))


def _kernel_last_dim(inner: dict, shape: tuple) -> int:
    """The last axis of the wrapped layer's ``kernel`` (or ``embeddings``), as Keras builds it."""
    name, cfg = inner.get("class_name", ""), inner.get("config") or {}
    if name.endswith("Transpose"):  # transposed kernels are (..., filters, channels)
        return known_dim(shape, 1 if cfg.get("data_format") == "channels_first" else -1, name)
    if name.startswith("DepthwiseConv"):
        return cfg.get("depth_multiplier", 1)
    for key in ("units", "filters", "output_dim"):
        if key in cfg and not name.startswith("SeparableConv"):
            return cfg[key]
    raise ConfigError(f"SpectralNormalization wraps a {name}, which has no 'kernel' or "
                      "'embeddings' weight; Keras accepts only such layers (Dense, Conv, Embedding)")
