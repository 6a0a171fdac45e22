"""Recurrent and attention formulas without Keras: the numbers, the derivation texts, the errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from autograder.reference import attention as att
from autograder.reference import rnn

sizes = st.integers(min_value=1, max_value=300)


@given(units=sizes, d=sizes, use_bias=st.booleans())
def test_recurrent_formulas_agree_with_the_closed_forms(units, d, use_bias):
    """Do SimpleRNN, LSTM and both GRU variants equal the one-line formulas of KERAS-FACTS?"""
    b = int(use_bias)
    assert rnn.simple_rnn(units, d, use_bias).total == units * (d + units) + units * b
    assert rnn.lstm(units, d, use_bias).total == 4 * (units * (d + units) + units * b)
    assert rnn.gru(units, d, use_bias).total == 3 * units * (d + units) + 6 * units * b
    assert rnn.gru(units, d, use_bias, reset_after=False).total == 3 * units * (d + units) + 3 * units * b


def test_lstm_derivation_text():
    """Does the LSTM derivation read as four gates of kernel, recurrent kernel and bias?"""
    assert str(rnn.lstm(units=64, input_dim=10).trainable) == "4 × (64 × (10 + 64) + 64) = 19,200"


def test_gru_derivation_shows_the_second_bias():
    """Does the GRU derivation with reset_after=True show two biases per gate, and one without?"""
    assert str(rnn.gru(5, 4).trainable).startswith("3 × (5 × (4 + 5) + 5 + 5)")
    assert str(rnn.gru(5, 4, reset_after=False).trainable).startswith("3 × (5 × (4 + 5) + 5) =")
    assert "reset_after" in rnn.gru(5, 4).note


def test_gru_5_on_4_is_3u_more_than_the_textbook_formula():
    """Is GRU(5) on 4 features short by exactly 3u when the second bias is forgotten?"""
    assert rnn.gru(5, 4).total - rnn.gru(5, 4, reset_after=False).total == 3 * 5


@given(filters=sizes, channels=sizes, k=st.integers(1, 5))
def test_conv_lstm_formula(filters, channels, k):
    """Is ConvLSTM2D prod(k) × 4F × (C + F) + 4F?"""
    expected = k * k * 4 * filters * (channels + filters) + 4 * filters
    assert rnn.conv_lstm2d(filters, k, channels).total == expected
    assert rnn.conv_lstm1d(filters, k, channels, use_bias=False).total == k * 4 * filters * (channels + filters)


@given(h=st.integers(1, 8), dk=sizes, dv=sizes, q=sizes, v=sizes, k=sizes, o=sizes, b=st.booleans())
def test_multi_head_attention_formula(*, h, dk, dv, q, v, k, o, b):
    """Is MultiHeadAttention H·dk·(q+k) + H·dv·(v+o) + [bias]·(2·H·dk + H·dv + o)?"""
    got = att.multi_head_attention(h, dk, q, value_features=v, key_features=k, value_dim=dv,
                                   output_shape=o, use_bias=b)
    assert got.total == h * dk * (q + k) + h * dv * (v + o) + int(b) * (2 * h * dk + h * dv + o)


@given(hd=sizes, hkv=st.integers(1, 4), groups=st.integers(1, 4), q=sizes, k=sizes, b=st.booleans())
def test_grouped_query_attention_formula(*, hd, hkv, groups, q, k, b):
    """Is GroupQueryAttention Hq·hd·(q+b) + Hkv·hd·(k+b) + Hkv·hd·(v+b) + Hq·hd·q + q·b?"""
    hq, bias = hkv * groups, int(b)
    got = att.group_query_attention(hd, hq, hkv, q, key_features=k, use_bias=b)
    assert got.total == hq * hd * (q + bias) + hkv * hd * (k + bias) + hkv * hd * (q + bias) \
        + hq * hd * q + q * bias


def test_count_layer_takes_attention_inputs_as_separate_shapes():
    """Can a book call count_layer("Attention", {...}, query_shape, value_shape)?"""
    got = reference.count_layer("AdditiveAttention", {}, (None, 4, 5), (None, 6, 3))
    assert got.output_shape == (None, 4, 3)
    assert got.params.total == att.additive_attention(5).total


def test_attention_and_additive_attention():
    """Do Attention and AdditiveAttention hold only their scale and score weight?"""
    assert att.attention().total == 0
    assert att.attention(use_scale=True, score_mode="concat").total == 2
    assert att.additive_attention(16).total == 16
    assert att.additive_attention(16, use_scale=False).total == 0


def test_bidirectional_counts_twice():
    """Is a Bidirectional LSTM twice the LSTM, with the concatenated output twice as wide?"""
    lstm = {"class_name": "LSTM", "config": {"name": "lstm", "units": 3, "return_sequences": True}}
    one = reference.count_layer("LSTM", lstm["config"], (None, 5, 4))
    both = reference.count_layer("Bidirectional", {"layer": lstm}, (None, 5, 4))
    assert both.params.total == 2 * one.params.total
    assert both.output_shape == (None, 5, 6)
    assert both.formula.startswith("2 × 4 × (3 × (4 + 3) + 3)")


def test_time_distributed_builds_on_the_step_shape():
    """Does TimeDistributed(Dense) count the Dense built on the per-step shape?"""
    dense = {"class_name": "Dense", "config": {"name": "d", "units": 3}}
    got = reference.count_layer("TimeDistributed", {"layer": dense}, (None, 7, 4))
    assert got.params.total == reference.dense(3, 4).total
    assert got.output_shape == (None, 7, 3)
    assert got.children[0].name == "d"


@pytest.mark.parametrize("class_name, config, shape, error, words", [
    ("GRU", {"units": 3}, (None, 8), ShapeError, "timesteps"),
    ("LSTMCell", {"units": 3}, (None, 5, 8), ShapeError, "keras.layers.RNN"),
    ("RNN", {"cell": None}, (None, 5, 8), ConfigError, "cell"),
    ("TimeDistributed", {"layer": {"class_name": "Dense", "config": {"units": 2}}}, (None, 8),
     ShapeError, "time"),
    ("Bidirectional", {"layer": None}, (None, 5, 8), ConfigError, "layer"),
    ("Bidirectional", {"layer": {"class_name": "LSTM", "config": {"units": 2}}, "merge_mode": "max"},
     (None, 5, 8), ConfigError, "merge_mode"),
    ("ConvLSTM2D", {"filters": 2, "kernel_size": 3}, (None, 5, 8, 8), ShapeError, "rank"),
    ("Attention", {"score_mode": "cosine"}, [(None, 4, 5), (None, 4, 5)], ConfigError, "score_mode"),
])
def test_bad_input_is_a_clear_error(class_name, config, shape, error, words):
    """Is each wrong input an AutograderError that names the problem and the way out?"""
    shapes = shape if isinstance(shape, list) else [shape]
    with pytest.raises(error, match=words):
        reference.count_layer(class_name, config, *shapes)


def test_multi_head_attention_mismatched_value_and_key():
    """Is a key whose length differs from the value's a ShapeError naming both shapes?"""
    call = reference.Call(((None, 4, 8), (None, 6, 5), (None, 7, 5)))
    rule = reference._registry.rule_for({"class_name": "MultiHeadAttention"})
    with pytest.raises(ShapeError, match="same sequence length"):
        rule({"num_heads": 2, "key_dim": 3}, call)
