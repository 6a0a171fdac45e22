"""Counting with Keras itself: the only module of the package that imports Keras.

``live.count(source)`` builds the model from the same config the reference
counter reads and returns the same :class:`ModelCount` shape, taken from the real
weights, so any disagreement is a one-line comparison::

    assert live.count(cfg).to_dict()["total"] == reference.count(cfg).total
"""

from __future__ import annotations

import json
import os
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from .errors import LiveKerasError
from .reference import load_config
from .reference._expr import term
from .reference._types import Derivation, LayerCount, ModelCount, ParamCount

__all__ = ["build", "count", "count_model"]


def _keras():
    import keras

    return keras


def build(source: Any):
    """A Keras model built from ``source`` (anything :func:`reference.count` accepts)."""
    keras = _keras()
    if isinstance(source, keras.Model):
        return source
    config = {key: value for key, value in load_config(source).items() if key != "compile_config"}
    try:  # without compile_config: the optimizer, loss and metrics own none of the model's parameters
        return keras.models.model_from_json(json.dumps(config))
    except Exception as err:  # Keras raises many kinds; report them as one, in one line
        raise LiveKerasError(f"Keras could not build the model from its config: "
                             f"{type(err).__name__}: {_first_line(err)}") from None


def _first_line(err: Exception) -> str:
    """The first line of an error, cut at 200 characters (Keras's messages can dump a whole config)."""
    text = (str(err).strip().splitlines() or [""])[0]
    return text if len(text) <= 200 else text[:197] + "..."


def count(source: Any) -> ModelCount:
    """Build the model with Keras and count its real weights."""
    return count_model(build(source))


def count_model(model) -> ModelCount:
    """A built Keras model's counts, per top-level layer, from its weights."""
    try:
        total = model.count_params()
    except ValueError as err:
        raise LiveKerasError(f"Keras cannot count an unbuilt model: {err}") from None
    layers = tuple(_layer_count(layer) for layer in model.layers)
    params = ParamCount(_size(model.trainable_weights), _size(model.non_trainable_weights))
    if params.total != total:
        raise LiveKerasError(f"count_params() gives {total} but the weights add up to {params.total}")
    return ModelCount(model.name, type(model).__name__, layers, params)


def _layer_count(layer) -> LayerCount:
    t, n = _size(layer.trainable_weights), _size(layer.non_trainable_weights)
    derivation = Derivation(term(t) if t else None, term(n) if n else None, note="live weights")
    return LayerCount(layer.name, type(layer).__name__, _output_shape(layer), derivation)


def _size(weights) -> int:
    seen, total = set(), 0
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            total += int(_prod(w.shape))
    return total


def _prod(shape) -> int:
    result = 1
    for d in shape:
        result *= int(d)
    return result


def _output_shape(layer):
    try:
        output = layer.output
    except (AttributeError, ValueError):  # unbuilt, or a shared layer with several outputs
        return None
    if isinstance(output, (list, tuple)):
        return [tuple(t.shape) for t in output]
    if isinstance(output, dict):
        return [tuple(t.shape) for t in output.values()]
    return tuple(output.shape)
