"""Memory from the reference count (``autograder.reference.memory``), against the bytes Keras's own variables
take: the weights under each dtype policy and quantization mode, and the optimizer's variables after
``optimizer.build``."""

from __future__ import annotations

import json

import pytest

from autograder.reference import count
from autograder.reference.memory import memory

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.filterwarnings("ignore:Layer .* does not have a `quantize` method", "ignore:.*quantiz.*")


def seed():
    inputs = keras.Input((256,))
    x = keras.layers.Dense(2)(inputs)
    x = keras.layers.Dense(3)(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def recurrent():
    """A Bidirectional LSTM, a GRU, BatchNormalization (non-trainable statistics) and a nested Sequential."""
    inputs = keras.Input((5, 8))
    x = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True))(inputs)
    x = keras.layers.GRU(3)(x)
    x = keras.layers.BatchNormalization()(x)
    return keras.Model(inputs, keras.Sequential([keras.layers.Dense(6)])(x))


@pytest.fixture
def policy():
    """Set the global dtype policy for one test, and put float32 back afterwards."""
    yield keras.config.set_dtype_policy
    keras.config.set_dtype_policy("float32")


def nbytes(variables) -> int:
    return sum(v.numpy().nbytes for v in variables)


@pytest.mark.parametrize("make", [seed, recurrent], ids=["seed", "recurrent"])
@pytest.mark.parametrize("dtype", ["float32", "mixed_bfloat16"])
@pytest.mark.parametrize("mode", [None, "int8", "int4"])
def test_weight_bytes_are_the_bytes_of_keras_variables(make, dtype, mode, policy):
    """Do the weights take, by the counter, the bytes Keras's variables take (mixed_bfloat16 keeping float32
    variables; int8 and packed int4 kernels at one byte a value beside float32 scales), and the trainable ones
    the bytes of Keras's trainable variables?"""
    policy(dtype)
    model = make()
    if mode:
        model.quantize(mode)
    counted = memory(count(json.loads(model.to_json())))
    assert counted.weight_total == nbytes(model.weights)
    assert counted.trainable == nbytes(model.trainable_weights)


@pytest.mark.parametrize("mode", [None, "int8"])
def test_lora_adapters_stay_float32_under_bfloat16(mode, policy):
    """Under a bfloat16 policy, are the LoRA adapters of Dense, EinsumDense, Embedding and an untied
    ReversibleEmbedding counted at four bytes a value, as Keras makes them (always float32), beside the bfloat16
    kernels, quantized or not?"""
    policy("bfloat16")
    inputs = keras.Input((3,), dtype="int32")
    x = keras.layers.Embedding(10, 256)(inputs)
    x = keras.layers.EinsumDense("abc,cd->abd", (3, 16), bias_axes="d")(x)
    x = keras.layers.Dense(8)(x)
    reverse = keras.layers.ReversibleEmbedding(12, 8, tie_weights=False)
    model = keras.Model(inputs, [x, reverse(reverse(inputs), reverse=True)])
    if mode:
        model.quantize(mode)
    for layer in model.layers[1:]:
        layer.enable_lora(4)
    counted = memory(count(json.loads(model.to_json())))
    assert counted.weight_total == nbytes(model.weights)
    assert counted.trainable == nbytes(model.trainable_weights)


def test_bfloat16_variables_take_two_bytes(policy):
    """Under the bfloat16 policy (not mixed), are the weights half their float32 bytes, as Keras stores them?"""
    policy("bfloat16")
    model = seed()
    counted = memory(count(json.loads(model.to_json())))
    assert counted.weight_total == nbytes(model.weights)
    assert set(counted.weights) == {"bfloat16"}


OPTIMIZERS = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}), "adam": ("Adam", {}),
              "adamw": ("AdamW", {}), "adam_amsgrad": ("Adam", {"amsgrad": True})}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("make", [seed, recurrent], ids=["seed", "recurrent"])
def test_optimizer_variables_are_keras_optimizer_variables(name, make):
    """Are the optimizer's variables (slots per trainable weight, iteration and learning rate) the bytes of
    Keras's optimizer.variables after optimizer.build(model.trainable_variables)?"""
    model = make()
    cls, kwargs = OPTIMIZERS[name]
    optimizer = getattr(keras.optimizers, cls)(**kwargs)
    optimizer.build(model.trainable_variables)
    counted = memory(count(json.loads(model.to_json())), name)
    assert counted.slots == nbytes(optimizer.variables)
    assert counted.gradients == nbytes(model.trainable_weights)


def test_mixed_float16_adds_the_loss_scale_optimizer_variables(policy):
    """Under mixed_float16, does compile() wrap the optimizer in a LossScaleOptimizer whose variables are
    the ones the counter adds?"""
    policy("mixed_float16")
    model = seed()
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    config = json.loads(model.to_json())
    dtype = config["config"]["layers"][1]["config"]["dtype"]
    counted = memory(count(config), "adam", dtype)
    assert counted.loss_scale
    assert counted.slots == nbytes(model.optimizer.variables)
