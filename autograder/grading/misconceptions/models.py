"""Misconceptions about a whole model rather than one layer's formula.

Each function is ``wrong(config, asks, right) -> int | None``: the number the mistake gives
for ``asks`` on the model ``config`` whose correct count is ``right`` (None: not applicable).
"""

from __future__ import annotations

import copy

from ...errors import AutograderError
from ...reference import ModelCount, count, rule_for
from ..questions import amount, with_knob
from .rules import GQA, patched, with_bias

__all__ = ["batch_dim_counted", "bias_in_bias_free_block", "downstream_omitted", "frozen_counted_trainable",
           "input_layer_counted", "layer_left_out", "shared_counted_twice", "total_is_trainable_only",
           "trainable_is_total"]


def _input_shapes(config: dict) -> list:
    """The batch shapes of the model's own InputLayers."""
    layers = (config.get("config") or {}).get("layers") or []
    return [list(layer["config"].get("batch_shape") or [])
            for layer in layers if layer.get("class_name") == "InputLayer"]


def batch_dim_counted(config: dict, asks: str, right: ModelCount) -> int | None:
    """Every count multiplied by a fixed batch size, as if each example had its own weights."""
    sizes = [shape[0] for shape in _input_shapes(config) if shape and isinstance(shape[0], int)]
    return amount(right, asks) * sizes[0] if sizes and sizes[0] > 1 else None


def input_layer_counted(config: dict, asks: str, right: ModelCount) -> int | None:
    """The Input layer given one parameter per input value."""
    if asks not in ("total", "trainable"):
        return None
    extra = 0
    for shape in _input_shapes(config):
        size = 1
        for d in shape[1:]:
            size *= d if isinstance(d, int) else 0
        extra += size
    return amount(right, asks) + extra if extra else None


def shared_counted_twice(config: dict, asks: str, right: ModelCount) -> int | None:
    """Each layer counted once per call instead of once."""
    layers = (config.get("config") or {}).get("layers") or []
    calls = {layer.get("name"): len(layer.get("inbound_nodes") or []) for layer in layers}
    if max(calls.values(), default=0) < 2:
        return None
    if asks.startswith("layer:"):
        name = asks.removeprefix("layer:")
        return amount(right, asks) * max(calls.get(name, 1), 1)
    key = "total" if asks == "total" else asks
    return sum(getattr(layer.params, key) * max(calls.get(layer.name, 1), 1) for layer in right.layers)


def frozen_counted_trainable(config: dict, asks: str, right: ModelCount) -> int | None:
    """``trainable = False`` ignored: every layer counted as if it were trainable."""
    if asks not in ("trainable", "non_trainable") or not _has_frozen(config):
        return None
    return amount(count(_unfrozen(copy.deepcopy(config))), asks)


def layer_left_out(config: dict, asks: str, right: ModelCount) -> list | None:
    """One layer with weights forgotten in a sum over layers: ``[(layer name, number), ...]``."""
    if asks.startswith("layer:"):
        return None
    key = "total" if asks == "total" else asks
    return [(layer.name, amount(right, asks) - getattr(layer.params, key))
            for layer in right.layers if getattr(layer.params, key) and len(right.layers) > 1]


def total_is_trainable_only(config: dict, asks: str, right: ModelCount) -> int | None:
    """The total asked, the trainable parameters given."""
    return right.trainable if asks == "total" and right.non_trainable else None


def trainable_is_total(config: dict, asks: str, right: ModelCount) -> int | None:
    """The trainable parameters asked, the total given."""
    return right.total if asks == "trainable" and right.non_trainable else None


def _has_frozen(value) -> bool:
    if isinstance(value, dict):
        return value.get("trainable") is False or any(_has_frozen(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_frozen(v) for v in value)
    return False


def _unfrozen(value):
    if isinstance(value, dict):
        if value.get("trainable") is False:
            value["trainable"] = True
        for v in value.values():
            _unfrozen(v)
    elif isinstance(value, list):
        for v in value:
            _unfrozen(v)
    return value


def downstream_omitted(question, value: int) -> int | None:
    """Budget questions: the layers whose count grows with the chosen value, other than the chosen
    layer itself (the next layer's kernel, say), left out of the equation."""
    try:
        here, next_up = count(with_knob(question, value)), count(with_knob(question, value + 1))
    except AutograderError:
        return None
    chosen = question.knob[0]
    grows = [layer for layer, bigger in zip(here.layers, next_up.layers, strict=False)
             if layer.name != chosen and layer.params.total != bigger.params.total]
    if not grows or question.asks.startswith("layer:"):
        return None
    return amount(here, question.asks) - sum(getattr(layer.params, question.asks) for layer in grows)


_LLM_MARKS = ("RMSNormalization", "GroupQueryAttention", "GroupedQueryAttention")  # a Llama/Gemma-style block


def bias_in_bias_free_block(config: dict, asks: str, right: ModelCount) -> int | None:
    """A bias-free language-model block (one with RMSNorm or grouped-query attention) counted with a bias in
    every Dense and attention projection built with ``use_bias=False``."""
    if not _has_class(config, _LLM_MARKS):
        return None
    wrong = {name: patched(rule_for({"class_name": name}), with_bias) for name in ("Dense", *GQA)}
    return amount(count(config, overrides=wrong), asks)


def _has_class(value, classes: tuple) -> bool:
    if isinstance(value, dict):
        return value.get("class_name") in classes or any(_has_class(v, classes) for v in value.values())
    if isinstance(value, list):
        return any(_has_class(v, classes) for v in value)
    return False
