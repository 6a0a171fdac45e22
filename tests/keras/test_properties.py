"""The property: any shape-valid model drawn from every family counts exactly as Keras counts it.

Random Sequential and Functional models (tests/strategies.py) are built with Keras and
compared with ``assert_matches_keras``: totals, every layer's trainable / non-trainable
split and output shape, with and without build_config. Failures print a reproduction
blob (``@reproduce_failure``); the full run (200 examples each) is marked slow.
"""

from __future__ import annotations

import keras
import pytest
from hypothesis import HealthCheck, given, settings

from tests.keras.compare import assert_matches_keras
from tests.strategies import GraphSpec, LayerSpec, SequentialSpec, functional_models, sequential_models

_COMMON = {"deadline": None, "derandomize": False, "print_blob": True,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
FULL = settings(max_examples=200, **_COMMON)
QUICK = settings(max_examples=25, **_COMMON)


def build_layer(spec: LayerSpec):
    """The Keras layer a spec describes (wrapped layers and cells built first)."""
    return getattr(keras.layers, spec.class_name)(**{k: _built(v) for k, v in spec.kwargs.items()})


def _built(value):
    if isinstance(value, LayerSpec):
        return build_layer(value)
    if isinstance(value, list):
        return [_built(v) for v in value]
    return value


def build_sequential(spec: SequentialSpec):
    """``keras.Sequential([keras.Input(...), *layers])`` from a drawn spec."""
    inputs = keras.Input(shape=spec.input_shape, dtype=spec.input_dtype)
    return keras.Sequential([inputs, *[build_layer(layer) for layer in spec.layers]])


def build_functional(spec: GraphSpec):
    """A Functional model from a drawn graph: shared nodes reuse their owner's layer object."""
    tensors = [keras.Input(shape=shape) for shape in spec.input_shapes]
    made = {}
    for node in spec.nodes:
        layer = made[node.share] if node.share is not None else build_layer(node.spec)
        made[len(tensors)] = layer
        args = [tensors[i] for i in node.inputs]
        tensors.append(layer(args) if node.style == "list" else layer(*args))
    outputs = [tensors[i] for i in spec.outputs]
    return keras.Model(tensors[:len(spec.input_shapes)], outputs)


def check(model) -> None:
    """Compare with Keras, then free the graph so hundreds of examples fit in memory."""
    try:
        assert_matches_keras(model)
    finally:
        keras.backend.clear_session()


@pytest.mark.slow
@FULL
@given(sequential_models())
def test_sequential_models_match_keras(spec):
    """Does every random shape-valid Sequential model give Keras's totals and per-layer split?"""
    check(build_sequential(spec))


@pytest.mark.slow
@FULL
@given(functional_models())
def test_functional_models_match_keras(spec):
    """Does every random Functional graph (merges, attention, shared layers) match Keras?"""
    check(build_functional(spec))


@QUICK
@given(sequential_models())
def test_sequential_models_match_keras_quick(spec):
    """Do 25 random Sequential models (the default run's sample) match Keras?"""
    check(build_sequential(spec))


@QUICK
@given(functional_models())
def test_functional_models_match_keras_quick(spec):
    """Do 25 random Functional graphs (the default run's sample) match Keras?"""
    check(build_functional(spec))
