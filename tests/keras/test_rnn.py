"""Recurrent layers, cells and wrappers against live Keras."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers


def seq(*layers, shape=(5, 4)):
    return keras.Sequential([keras.Input(shape=shape), *layers])


def functional(layer, shape=(5, 4)):
    inputs = keras.Input(shape=shape)
    return keras.Model(inputs, layer(inputs))


def test_gru_5_on_4_features_is_165():
    """Is GRU(5) on 4 features 165 (reset_after=True's second bias), by reference and by Keras?"""
    layer = reference.count_layer("GRU", {"units": 5}, (None, 7, 4))
    ours = assert_matches_keras(seq(L.GRU(5), shape=(7, 4)))
    assert layer.params.total == ours.total == 3 * 5 * (4 + 5) + 6 * 5
    assert layer.params.total == 165


@pytest.mark.parametrize("layer_class", [L.SimpleRNN, L.LSTM, L.GRU])
@pytest.mark.parametrize("options", [{}, {"use_bias": False}, {"return_sequences": True},
                                     {"go_backwards": True, "unroll": True}])
def test_recurrent_layers(layer_class, options):
    """Do SimpleRNN, LSTM and GRU match Keras with and without bias, sequences and unrolled?"""
    assert_matches_keras(seq(layer_class(3, **options)))


@pytest.mark.parametrize("use_bias", [True, False])
def test_gru_without_reset_after(use_bias):
    """Does GRU with reset_after=False (one bias per gate) match Keras?"""
    assert_matches_keras(seq(L.GRU(3, reset_after=False, use_bias=use_bias)))


@pytest.mark.parametrize("layer_class", [L.SimpleRNN, L.LSTM, L.GRU])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_return_state(layer_class, return_sequences):
    """Does return_state give the output plus one state (two for LSTM), as in Keras?"""
    assert_matches_keras(functional(layer_class(3, return_state=True, return_sequences=return_sequences)))


def test_stacked_recurrent_layers_and_unknown_timesteps():
    """Do stacked LSTM → GRU layers match Keras on a sequence of unknown length?"""
    model = seq(L.LSTM(6, return_sequences=True), L.GRU(3), shape=(None, 4))
    assert_matches_keras(model)


@pytest.mark.parametrize("cell", [L.SimpleRNNCell(3), L.LSTMCell(3), L.GRUCell(3, reset_after=False)])
def test_rnn_with_a_cell(cell):
    """Does the generic RNN layer count its cell as Keras does?"""
    assert_matches_keras(functional(L.RNN(cell, return_state=True)))


def test_rnn_with_stacked_cells():
    """Do stacked cells build each cell on the previous cell's units, with every state returned?"""
    layer = L.RNN([L.LSTMCell(3), L.GRUCell(2), L.SimpleRNNCell(4)], return_state=True,
                  return_sequences=True)
    ours = assert_matches_keras(functional(layer))
    cells = ours.layers[-1].children[0].children
    assert [c.class_name for c in cells] == ["LSTMCell", "GRUCell", "SimpleRNNCell"]


def test_frozen_lstm():
    """Does a frozen LSTM move all of its weights to non-trainable, as in Keras?"""
    model = seq(L.LSTM(3), L.Dense(2))
    model.layers[0].trainable = False
    assert assert_matches_keras(model).non_trainable == model.layers[0].count_params()


def test_stateful_lstm_holds_no_extra_weights():
    """Does a stateful LSTM (fixed batch) count only its cell's weights, as in Keras?"""
    model = keras.Sequential([keras.Input(shape=(5, 4), batch_size=2), L.LSTM(3, stateful=True)])
    assert_matches_keras(model)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes(merge_mode):
    """Does Bidirectional count both directions and merge outputs like Keras for every merge_mode?"""
    assert_matches_keras(functional(L.Bidirectional(L.LSTM(3, return_sequences=True),
                                                    merge_mode=merge_mode)))


@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_return_state(merge_mode):
    """Does Bidirectional with return_state give the output(s) then both directions' states?"""
    assert_matches_keras(functional(L.Bidirectional(L.LSTM(3, return_state=True), merge_mode=merge_mode)))


def test_bidirectional_with_a_backward_layer():
    """Does a Bidirectional with a different backward layer count each direction's own weights?"""
    layer = L.Bidirectional(L.GRU(3, return_sequences=True),
                            backward_layer=L.SimpleRNN(3, return_sequences=True, go_backwards=True))
    ours = assert_matches_keras(seq(layer))
    assert "forward + backward" in ours.layers[0].formula


@pytest.mark.parametrize("inner, shape", [(L.Dense(3), (5, 4)), (L.Conv2D(4, 3), (5, 8, 8, 2)),
                                          (L.Bidirectional(L.GRU(2)), (5, 6, 4))])
def test_time_distributed(inner, shape):
    """Does TimeDistributed build the wrapped layer on the per-step shape, as Keras does?"""
    assert_matches_keras(seq(L.TimeDistributed(inner), shape=shape))


@pytest.mark.parametrize("options", [{}, {"padding": "same", "strides": 2},
                                     {"dilation_rate": 2, "return_sequences": True},
                                     {"data_format": "channels_first", "use_bias": False}])
def test_conv_lstm2d(options):
    """Does ConvLSTM2D match Keras with padding, strides, dilation and data_format?"""
    shape = (3, 2, 9, 7) if options.get("data_format") == "channels_first" else (3, 9, 7, 2)
    assert_matches_keras(seq(L.ConvLSTM2D(4, 3, **options), shape=shape))


def test_conv_lstm1d_and_3d_with_state():
    """Do ConvLSTM1D and ConvLSTM3D match Keras, with return_state giving two state shapes?"""
    assert_matches_keras(functional(L.ConvLSTM1D(4, 3, return_state=True), shape=(3, 9, 2)))
    assert_matches_keras(seq(L.ConvLSTM3D(2, (1, 2, 3)), shape=(2, 4, 5, 6, 3)))


def test_lstm_on_a_2d_input_is_a_clear_error():
    """Is an LSTM on a (batch, features) input a ShapeError that asks for a time axis?"""
    with pytest.raises(ShapeError, match="timesteps"):
        reference.count_layer("LSTM", {"units": 3}, (None, 8))


def test_cells_called_directly_on_states():
    """Do LSTMCell and GRUCell called on (inputs, states) give Keras's weights and output shapes?"""
    x, h, c = keras.Input((4,)), keras.Input((3,)), keras.Input((3,))
    lstm_out, lstm_states = L.LSTMCell(3)(x, [h, c])
    gru_out, gru_state = L.GRUCell(3)(x, h)
    assert_matches_keras(keras.Model([x, h, c], [lstm_out, *lstm_states, gru_out, gru_state]))


def test_initial_state_and_masks_do_not_change_the_count():
    """Do an Embedding mask and an initial_state leave LSTM and Bidirectional counts as Keras's?"""
    tokens, h, c = keras.Input((5,)), keras.Input((3,)), keras.Input((3,))
    x = L.Embedding(20, 4)(tokens)
    y = L.LSTM(3, return_sequences=True)(x, initial_state=[h, c])
    z = L.Bidirectional(L.RNN(L.GRUCell(2)))(y)
    assert_matches_keras(keras.Model([tokens, h, c], z))
    assert_matches_keras(seq(L.Embedding(20, 4, mask_zero=True), L.Bidirectional(L.LSTM(3)), shape=(5,)))


def test_frozen_wrapped_layers():
    """Do a frozen layer inside Bidirectional and TimeDistributed stay non-trainable, as in Keras?"""
    lstm, dense = L.LSTM(3, return_sequences=True), L.Dense(2)
    lstm.trainable = dense.trainable = False
    ours = assert_matches_keras(seq(L.Bidirectional(lstm), L.TimeDistributed(dense)))
    assert ours.trainable == 0
