"""The same models counted by Keras under the TensorFlow and the JAX backends, and by the reference counter.

Keras picks its backend once, at import (``KERAS_BACKEND``), so each backend runs :data:`SCRIPT` in its own
subprocess: the seed model (plain and quantized), a convolutional net with BatchNormalization, an LSTM and a
GRU, MultiHeadAttention, and small keras-hub Llama and BERT backbones. Each prints every model's
``count_params()``, trainable and non-trainable counts, each layer's count and the model's config. PyTorch is
not among the backends: PyPI's Linux ``torch`` wheel pulls the CUDA libraries (see the README).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from autograder.reference import count
from autograder.reference.hub import count_hub

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed (the dev "
                                 "extra installs jax[cpu])")]

SCRIPT = r"""
import json, warnings
warnings.filterwarnings("ignore")
import keras, keras_hub
L = keras.layers

def seed():
    i = keras.Input((256,)); x = L.Dense(2)(i); x = L.Dense(3)(x)
    return keras.Model(i, L.Dense(4)(x))

def quantized(mode):
    model = seed(); model.quantize(mode); return model

def conv():
    i = keras.Input((16, 16, 3)); x = L.Conv2D(8, 3)(i); x = L.BatchNormalization()(x)
    x = L.DepthwiseConv2D(3)(x); x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(10)(x))

def recurrent():
    i = keras.Input((7, 5)); x = L.LSTM(6, return_sequences=True)(i)
    x = L.Bidirectional(L.GRU(4))(x)
    return keras.Model(i, L.Dense(2)(x))

def attention():
    i = keras.Input((6, 8)); x = L.MultiHeadAttention(num_heads=2, key_dim=4)(i, i)
    x = L.LayerNormalization()(x)
    return keras.Model(i, L.Dense(3)(x))

def llama():
    return keras_hub.models.LlamaBackbone(vocabulary_size=40, num_layers=2, num_query_heads=4,
                                          num_key_value_heads=2, hidden_dim=16, intermediate_dim=24)

def bert():
    return keras_hub.models.BertBackbone(vocabulary_size=40, num_layers=2, num_heads=2, hidden_dim=16,
                                         intermediate_dim=24, max_sequence_length=10)

def size(weights):
    return sum(int(w.numpy().size) for w in weights)

def run():
    out = {"backend": keras.backend.backend(), "models": {}}
    for name, make in [("seed", seed), ("seed_int8", lambda: quantized("int8")),
                       ("seed_int4", lambda: quantized("int4")), ("conv", conv), ("recurrent", recurrent),
                       ("attention", attention), ("llama", llama), ("bert", bert)]:
        model = make()
        out["models"][name] = {
            "total": model.count_params(), "trainable": size(model.trainable_weights),
            "non_trainable": size(model.non_trainable_weights),
            "layers": {layer.name: layer.count_params() for layer in model.layers},
            "config": keras.saving.serialize_keras_object(model) if name in ("llama", "bert") else
                      json.loads(model.to_json())}
    return out
"""


def _in_subprocess(backend: str) -> subprocess.Popen:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu"}
    code = SCRIPT + "\nprint(json.dumps(run()))\n"
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _result(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def counts() -> dict:
    """Each backend's counts, each in a fresh subprocess of its own, both at once (not in this process: the
    layer names Keras makes up count the models built before in the same process)."""
    pytest.importorskip("keras")
    jax, tensorflow = _in_subprocess("jax"), _in_subprocess("tensorflow")
    results = {"tensorflow": _result(tensorflow), "jax": _result(jax)}
    assert {backend: out["backend"] for backend, out in results.items()} == {b: b for b in results}
    return {backend: out["models"] for backend, out in results.items()}


MODELS = ["seed", "seed_int8", "seed_int4", "conv", "recurrent", "attention", "llama", "bert"]


def keras_counts(model: dict) -> dict:
    return {key: model[key] for key in ("total", "trainable", "non_trainable", "layers")}


@pytest.mark.parametrize("name", MODELS)
def test_jax_counts_every_weight_as_tensorflow_does(name, counts):
    """Does Keras under the JAX backend give the same count, trainable split and per-layer counts as under
    TensorFlow?"""
    assert keras_counts(counts["jax"][name]) == keras_counts(counts["tensorflow"][name])


@pytest.mark.parametrize("name", MODELS)
def test_the_reference_counter_agrees_with_the_jax_backend(name, counts):
    """Does the reference counter, reading the config written under JAX, give what Keras under JAX counts?"""
    model = counts["jax"][name]
    if name in ("llama", "bert"):
        counted = count_hub(model["config"])
        ours = {layer: params.total for layer, params in counted.layers().items() if params.total}
        assert ours == {layer: n for layer, n in model["layers"].items() if n}
    else:
        counted = count(model["config"])
        assert {layer.name: layer.params.total for layer in counted.layers} == model["layers"]
    assert (counted.total, counted.params.trainable, counted.params.non_trainable) == \
        (model["total"], model["trainable"], model["non_trainable"])
