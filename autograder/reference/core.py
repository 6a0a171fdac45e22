"""Core layers (``keras/src/layers/core``): InputLayer and Dense."""

from __future__ import annotations

from ..errors import ShapeError
from ._expr import term
from ._registry import Call, Counted, register
from ._types import Derivation

__all__ = ["dense"]


def dense(units: int, inputs: int, use_bias: bool = True, lora_rank: int | None = None) -> Derivation:
    """Dense: a weight per input per unit, plus one bias per unit.

    >>> dense(units=2, inputs=256).formula
    '2 × (256 + 1) = 514'
    """
    kernel = term(units) * (term(inputs) + 1) if use_bias else term(units) * term(inputs)
    if not lora_rank:
        return Derivation(kernel)
    # LoRA freezes the kernel and trains two thin matrices A (inputs × r) and B (r × units).
    lora = term(lora_rank) * (term(inputs) + term(units))
    bias = term(units) if use_bias else None
    return Derivation(lora + bias if bias else lora, term(inputs) * term(units),
                      note=f"LoRA rank {lora_rank}: kernel frozen")


@register("InputLayer")
def _input_layer(config: dict, call: Call) -> Counted:
    shape = config.get("batch_shape") or config.get("batch_input_shape")
    if shape is None and config.get("shape") is not None:
        shape = [config.get("batch_size"), *list(config["shape"])]
    if shape is None:
        raise ShapeError("an InputLayer without 'batch_shape': expected keras.Input(shape=(...,))")
    return Counted(tuple(shape))


@register("Dense")
def _dense(config: dict, call: Call) -> Counted:
    shape = call.shape
    if len(shape) < 2 or shape[-1] is None:
        raise ShapeError(f"Dense needs a known last axis, got input shape {shape}")
    units = config["units"]
    derivation = dense(units, shape[-1], config.get("use_bias", True), config.get("lora_rank"))
    return Counted((*shape[:-1], units), derivation)
