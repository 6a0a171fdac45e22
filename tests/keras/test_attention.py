"""Attention layers against live Keras (functional models: they take several inputs)."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers


def inputs():
    return keras.Input((4, 8)), keras.Input((6, 5)), keras.Input((6, 3))


@pytest.mark.parametrize("options", [{}, {"value_dim": 2}, {"use_bias": False}, {"output_shape": 7},
                                     {"output_shape": (2, 3)}, {"use_gate": True}])
def test_multi_head_attention_options(options):
    """Does MultiHeadAttention match Keras with value_dim, no bias, output_shape and a gate?"""
    q, v, k = inputs()
    assert_matches_keras(keras.Model([q, v, k], L.MultiHeadAttention(2, 3, **options)(q, v, k)))


def test_multi_head_attention_call_forms():
    """Do mha(q, v), mha(q, v, k) and mha(query=q, value=v, key=k) all match Keras?"""
    q, v, k = inputs()
    outputs = [L.MultiHeadAttention(2, 3)(q, v), L.MultiHeadAttention(2, 3)(q, v, k),
               L.MultiHeadAttention(2, 3)(query=q, value=v, key=k), L.MultiHeadAttention(3, 4)(q, q)]
    assert_matches_keras(keras.Model([q, v, k], outputs))


def test_multi_head_attention_grows_with_heads():
    """Does MultiHeadAttention grow with num_heads, because key_dim is per head (as in Keras)?"""
    q = keras.Input((4, 8))
    one = assert_matches_keras(keras.Model(q, L.MultiHeadAttention(1, 8)(q, q)))
    two = assert_matches_keras(keras.Model(q, L.MultiHeadAttention(2, 8)(q, q)))
    assert two.total > one.total


def test_multi_head_attention_scores_and_attention_axes():
    """Do return_attention_scores (two outputs) and attention_axes on a 4D input match Keras?"""
    q, v, _ = inputs()
    x = keras.Input((3, 4, 8))
    outputs = [*L.MultiHeadAttention(2, 3)(q, v, return_attention_scores=True),
               L.MultiHeadAttention(2, 3, attention_axes=(1, 2))(x, x)]
    assert_matches_keras(keras.Model([q, v, x], outputs))


@pytest.mark.parametrize("options", [{}, {"use_bias": False}, {"use_gate": True}])
def test_grouped_query_attention(options):
    """Does GroupQueryAttention match Keras, with separate key and value inputs and scores?"""
    q, v, k = keras.Input((4, 8)), keras.Input((6, 8)), keras.Input((6, 3))
    layer = L.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, **options)
    outputs = [layer(q, v, k), *L.GroupQueryAttention(2, 2, 1)(q, v, return_attention_scores=True)]
    assert_matches_keras(keras.Model([q, v, k], outputs))


@pytest.mark.parametrize("use_scale", [True, False])
@pytest.mark.parametrize("score_mode", ["dot", "concat"])
def test_attention(use_scale, score_mode):
    """Does Attention hold a scale and a concat weight only when asked, as in Keras?"""
    q, v, k = keras.Input((4, 5)), keras.Input((6, 5)), keras.Input((6, 5))
    layer = L.Attention(use_scale=use_scale, score_mode=score_mode)
    outputs = [layer([q, v, k]), *L.Attention()([q, v], return_attention_scores=True)]
    assert_matches_keras(keras.Model([q, v, k], outputs))


@pytest.mark.parametrize("use_scale", [True, False])
def test_additive_attention(use_scale):
    """Does AdditiveAttention hold one scale per query feature only with use_scale?"""
    q, v = keras.Input((4, 5)), keras.Input((6, 5))
    assert_matches_keras(keras.Model([q, v], L.AdditiveAttention(use_scale=use_scale)([q, v])))


def test_attention_on_a_single_tensor_is_a_clear_error():
    """Is Attention called on one tensor instead of [query, value] a ShapeError saying so?"""
    with pytest.raises(ShapeError, match=r"\[query, value\]"):
        reference.count_layer("Attention", {}, (None, 4, 5))


def test_multi_head_attention_without_value_is_a_clear_error():
    """Is MultiHeadAttention called on a query alone a ShapeError asking for a value?"""
    with pytest.raises(ShapeError, match="query and a value"):
        reference.count_layer("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (None, 4, 8))
