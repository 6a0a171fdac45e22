"""The layers that ``keras.applications`` defines for itself (``keras/src/applications``).

Every other layer of the applications is a built-in Keras layer:

- ConvNeXt's ``LayerScale`` multiplies each channel by a learned scale ``gamma``:
  ``projection_dim`` weights.
- ConvNeXt's ``StochasticDepth`` drops whole residual paths while training: no weights.
- InceptionResNetV2's ``CustomScaleLayer`` returns ``inputs[0] + inputs[1] * scale``
  with a fixed ``scale``: no weights.
"""

from __future__ import annotations

from ..errors import ShapeError
from ._expr import term
from ._registry import Call, Counted, register
from ._types import Derivation

__all__ = ["custom_scale_layer", "layer_scale", "stochastic_depth"]


def layer_scale(projection_dim: int) -> Derivation:
    """ConvNeXt's LayerScale: one trainable scale per channel."""
    return Derivation(term(projection_dim), note="gamma: one scale per channel")


def stochastic_depth(drop_path_rate: float = 0.0) -> Derivation:
    """ConvNeXt's StochasticDepth: no weights, whatever ``drop_path_rate``."""
    return Derivation(note="drops residual paths while training; no weights")


def custom_scale_layer(scale: float = 1.0) -> Derivation:
    """InceptionResNetV2's CustomScaleLayer: ``inputs[0] + inputs[1] * scale``, no weights."""
    return Derivation(note=f"inputs[0] + inputs[1] × {scale}; no weights")


@register("LayerScale")
def _layer_scale(config: dict, call: Call) -> Counted:
    shape, dim = call.shape, config["projection_dim"]
    if shape[-1] is not None and shape[-1] != dim:
        raise ShapeError(f"LayerScale with projection_dim={dim} cannot scale an input whose last "
                         f"axis is {shape[-1]} (input shape {shape}); projection_dim must match it")
    return Counted(shape, layer_scale(dim))


@register("StochasticDepth")
def _stochastic_depth(config: dict, call: Call) -> Counted:
    return Counted(call.shape, stochastic_depth(config.get("drop_path_rate", 0.0)))


@register("CustomScaleLayer")
def _custom_scale_layer(config: dict, call: Call) -> Counted:
    shapes = call.shapes
    if len(shapes) != 2:
        raise ShapeError(f"CustomScaleLayer adds two tensors, got {len(shapes)} inputs; "
                         "call it on a list [residual, branch]")
    return Counted(shapes[0], custom_scale_layer(config.get("scale", 1.0)))
