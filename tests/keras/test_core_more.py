"""Core layers beyond Dense against live Keras: EinsumDense, Embedding, ReversibleEmbedding,
Identity, Masking and Lambda."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from tests.keras.compare import assert_matches_keras

EINSUM_CASES = [
    ("ab,bc->ac", 64, (32,), "c"),
    ("ab,bc->ac", 64, (32,), None),
    ("abc,cd->abd", (None, 64), (7, 32), "d"),
    ("abc,cde->abde", (None, 4, 8), (7, 32), "de"),
    ("abc,cd->abd", (7, 64), (7, 32), "bd"),
    ("...b,bc->...c", 16, (5, 6, 12), "c"),
    ("abc,cd->abd", (5, 16), (5, 12), "b"),
    ("ab...,bc->ac...", 16, (12, 5), "c"),
]


def one_layer(shape, layer, dtype="float32"):
    return keras.Sequential([keras.Input(shape=shape, dtype=dtype), layer])


@pytest.mark.parametrize(("equation", "output_shape", "shape", "bias_axes"), EINSUM_CASES)
def test_einsum_dense(equation, output_shape, shape, bias_axes):
    """Does EinsumDense match Keras for this equation, output shape and bias axes?"""
    layer = keras.layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes)
    assert_matches_keras(one_layer(shape, layer))


@pytest.mark.parametrize("bias_axes", ["de", None])
def test_einsum_dense_lora(bias_axes):
    """Does EinsumDense with lora_rank freeze the kernel and train the thin matrices, as Keras does?"""
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes=bias_axes,
                                     lora_rank=2)
    ours = assert_matches_keras(one_layer((7, 32), layer))
    assert ours.non_trainable > 0


@pytest.mark.parametrize("lora_rank", [None, 4])
@pytest.mark.parametrize("shape", [(5,), (3, 5)])
def test_embedding(lora_rank, shape):
    """Does Embedding match Keras, with and without LoRA, and append output_dim to the shape?"""
    layer = keras.layers.Embedding(100, 8, lora_rank=lora_rank)
    assert_matches_keras(one_layer(shape, layer, "int32"))


@pytest.mark.parametrize("tie_weights", [True, False])
def test_reversible_embedding(tie_weights):
    """Does ReversibleEmbedding count the reverse table only when the weights are untied?"""
    layer = keras.layers.ReversibleEmbedding(50, 6, tie_weights=tie_weights)
    assert_matches_keras(one_layer((5,), layer, "int32"))


def test_reversible_embedding_reverse_call():
    """Does a ReversibleEmbedding called with reverse=True give logits over the vocabulary?"""
    layer = keras.layers.ReversibleEmbedding(50, 6, tie_weights=False)
    tokens = keras.Input(shape=(5,), dtype="int32")
    hidden = layer(tokens)
    model = keras.Model(tokens, layer(keras.layers.Dense(6)(hidden), reverse=True))
    assert_matches_keras(model)


@pytest.mark.parametrize("layer", [keras.layers.Identity, lambda: keras.layers.Masking(0.0)])
def test_identity_and_masking(layer):
    """Do Identity and Masking have no weights and keep the shape, followed by a Dense as in Keras?"""
    model = keras.Sequential([keras.Input(shape=(4, 3)), layer(), keras.layers.Dense(2)])
    assert_matches_keras(model)


def test_lambda_with_output_shape():
    """Does a Lambda with output_shape give that shape (batch prepended), so the next Dense matches?"""
    model = keras.Sequential([keras.Input(shape=(6,)),
                              keras.layers.Lambda(lambda x: x[:, :2], output_shape=(2,)),
                              keras.layers.Dense(3)])
    assert_matches_keras(model)


def test_lambda_without_output_shape_is_a_clear_error():
    """Is a Lambda without output_shape refused with a message naming the layer and the fix?"""
    with pytest.raises(ConfigError, match=r"Lambda.*output_shape"):
        reference.count_layer("Lambda", {"name": "my_lambda", "function": {}}, (None, 6))


def test_einsum_bad_equation_is_a_clear_error():
    """Is an EinsumDense equation in an unsupported form refused with the accepted forms?"""
    with pytest.raises(ConfigError, match=r"EinsumDense.*expected"):
        reference.count_layer("EinsumDense", {"equation": "ab->b", "output_shape": 4}, (None, 3))


def test_einsum_unknown_contracted_axis_is_a_shape_error():
    """Is a kernel over an unknown input axis refused as a ShapeError naming EinsumDense?"""
    with pytest.raises(ShapeError, match="EinsumDense"):
        reference.count_layer("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4}, (None, None))
