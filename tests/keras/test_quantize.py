"""Keras 3 quantization (``model.quantize``) and LoRA (``enable_lora``), counted by the standard-library counter
from the quantized model's config, against the same model in Keras: the counts, the trainable split, and every
variable's dtype."""

from __future__ import annotations

import collections
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
            if hasattr(layer, "enable_lora") and not isinstance(layer, keras.layers.ReversibleEmbedding):
                layer.enable_lora(3)
        mode = mode.partition("+")[2]
    if mode:
        model.quantize(mode)
    return model


def by_dtype(weights) -> dict:
    """Element counts per (dtype, trainable)."""
    out = collections.Counter()
    for w in weights:
        out[(str(w.dtype), w.trainable)] += int(w.numpy().size)
    return dict(out)


def counted_by_dtype(counted) -> dict:
    out = collections.Counter()
    for layer in counted.layers:
        d = layer.derivation
        if d.weights:
            for w in d.weights:
                out[(w.dtype, w.trainable)] += w.size
        else:
            for trainable, n in ((True, d.params.trainable), (False, d.params.non_trainable)):
                if n:
                    out[(d.dtype, trainable)] += n
    return dict(out)


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


@pytest.mark.parametrize("make", [seed, tokens], ids=["seed", "tokens"])
@pytest.mark.parametrize("mode", ["int8", "int4", "float8", "lora+int4"])
def test_quantized_variables_have_keras_dtypes(make, mode):
    """Are the quantized variables stored in the dtypes Keras stores them in (int8 kernels and zero points,
    float32 scales and g_idx), with the same trainable flags?"""
    model = quantized(make, mode)
    assert counted_by_dtype(count(json.loads(model.to_json()))) == by_dtype(model.weights)


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
