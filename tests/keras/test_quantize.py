"""Keras 3 quantization (``model.quantize``) and LoRA (``enable_lora``), counted by the standard-library counter
from the quantized model's config, against the same model in Keras: the counts, the trainable split, and every
variable's dtype."""

from __future__ import annotations

import json

import pytest

from autograder.errors import ConfigError
from autograder.reference import count

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.filterwarnings("ignore:Layer .* does not have a `quantize` method",
                                        "ignore:.*quantiz.*")


def seed():
    inputs = keras.Input((256,))
    x = keras.layers.Dense(2)(inputs)
    x = keras.layers.Dense(3)(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))


def tokens():
    """An Embedding, two EinsumDense (one contracting two axes), a Dense without bias, a tied and an untied
    ReversibleEmbedding."""
    inputs = keras.Input((7,), dtype="int32")
    x = keras.layers.Embedding(50, 9)(inputs)
    x = keras.layers.EinsumDense("abc,cde->abde", (7, 3, 5), bias_axes="de")(x)
    x = keras.layers.EinsumDense("abcd,cde->abe", (7, 6), bias_axes="e")(x)
    x = keras.layers.Dense(5, use_bias=False)(x)
    x = keras.layers.ReversibleEmbedding(30, 5, tie_weights=False)(x, reverse=True)
    return keras.Model(inputs, x)


def quantized(make, mode):
    model = make()
    if mode.startswith("lora"):
        for layer in model.layers[1:]:
            if hasattr(layer, "enable_lora"):
                layer.enable_lora(3)
        mode = mode.partition("+")[2]
    if mode:
        model.quantize(mode)
    return model


@pytest.mark.parametrize("make", [seed, tokens], ids=["seed", "tokens"])
@pytest.mark.parametrize("mode", ["int8", "int4", "float8", "lora", "lora+int8", "lora+int4"])
def test_a_quantized_or_lora_model_counts_as_keras_counts_it(make, mode):
    """Does the counter, reading the quantized (or LoRA) model's config, give Keras's count_params(), its
    trainable and non-trainable split, and each layer's count?"""
    model = quantized(make, mode)
    counted = count(json.loads(model.to_json()))
    assert counted.total == model.count_params()
    assert counted.trainable == sum(int(w.numpy().size) for w in model.trainable_weights)
    assert counted.non_trainable == sum(int(w.numpy().size) for w in model.non_trainable_weights)
    for layer in model.layers:
        assert counted.layer(layer.name).params.total == layer.count_params(), layer.name


def test_the_seed_model_changes_count_when_quantized():
    """Does quantizing the seed model change its count (int8 adds a scale per unit; int4 packs the kernel and
    adds zero points and g_idx), as the counter says without building it?"""
    counts = {mode: count(json.loads(quantized(seed, mode).to_json())).total for mode in ("int8", "int4")}
    plain = count(json.loads(seed().to_json())).total
    assert counts["int8"] == plain + 2 + 3 + 4
    assert len({plain, *counts.values()}) == 3


def test_a_quantized_layer_the_counter_does_not_know_is_refused():
    """Is a GPTQ-quantized Dense (a mode the counter does not model) refused with a sentence, not counted?"""
    config = json.loads(seed().to_json())
    dense = config["config"]["layers"][1]["config"]
    dense["dtype"] = {"module": "keras.dtype_policies", "class_name": "GPTQDTypePolicy",
                      "config": {"mode": "gptq/4/128", "source_name": "float32"}}
    with pytest.raises(ConfigError, match="gptq"):
        count(config)


def test_a_quantized_model_with_attention_is_refused():
    """Is a quantized model with MultiHeadAttention refused, since Keras quantizes the attention's inner
    projections while the attention layer's config still says float32 (counting it as float would be wrong)?"""
    inputs = keras.Input((5, 8))
    x = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs)
    model = keras.Model(inputs, keras.layers.Dense(3)(x))
    plain = count(json.loads(model.to_json())).total
    model.quantize("int8")
    assert model.count_params() != plain  # the attention's projections were quantized too
    with pytest.raises(ConfigError, match="MultiHeadAttention"):
        count(json.loads(model.to_json()))


@pytest.mark.parametrize("equation, output_shape", [("ab,bc->ac", (6,)), ("abc,cde->abde", (5, 3, 4)),
                                                    ("abc,bcd->ad", (6,)), ("ab,bcd->acd", (3, 4))])
@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_einsum_dense_variables_have_keras_shapes(equation, output_shape, mode):
    """Does each quantized EinsumDense variable have the shape Keras gives it (the int8 scale laid out like the
    output, with size-1 contracted axes; the int4 kernel packed to rows × half the columns)?"""
    inputs = keras.Input((8,) if equation.startswith("ab,") else (5, 8))
    layer = keras.layers.EinsumDense(equation, output_shape)
    model = keras.Model(inputs, layer(inputs))
    model.quantize(mode)
    counted = count(json.loads(model.to_json())).layer(layer.name).derivation.weights
    assert sorted((w.name, w.shape, w.dtype) for w in counted) == \
        sorted((w.name, tuple(w.shape), str(w.dtype)) for w in layer.weights)


def test_keras_cannot_quantize_an_einsum_dense_with_an_ellipsis():
    """Does Keras 3.15 still fail to int8-quantize an EinsumDense written with '...' (if it stops failing, the
    counter's refusal of such configs should become a count), and does the counter refuse the config?"""
    inputs = keras.Input((5, 8))
    model = keras.Model(inputs, keras.layers.EinsumDense("...b,bc->...c", 6)(inputs))
    config = json.loads(model.to_json())
    with pytest.raises(TypeError):
        model.quantize("int8")
    config["config"]["layers"][1]["config"]["dtype"] = {
        "module": "keras.dtype_policies", "class_name": "QuantizedDTypePolicy",
        "config": {"mode": "int8", "source_name": "float32"}}
    with pytest.raises(ConfigError, match="ellipsis"):
        count(config)


@pytest.mark.parametrize("make", [seed, tokens], ids=["seed", "tokens"])
@pytest.mark.parametrize("mode", ["int8", "int4", "float8", "lora+int4"])
def test_each_quantized_variable_is_keras_variable(make, mode):
    """Does every quantized layer list Keras's variables: the same names, shapes, dtypes and trainable flags?"""
    model = quantized(make, mode)
    counted = count(json.loads(model.to_json()))
    for layer in model.layers:
        ours = counted.layer(layer.name).derivation.weights
        if ours:
            assert sorted((w.name, w.shape, w.dtype, w.trainable) for w in ours) == sorted(
                (w.name, tuple(w.shape), str(w.dtype), w.trainable) for w in layer.weights), layer.name
