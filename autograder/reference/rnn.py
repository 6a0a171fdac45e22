"""Recurrent layers (``keras/src/layers/rnn``): SimpleRNN, LSTM, GRU and their cells (each cell's rule
beside its formula), the generic RNN, ConvLSTM1D/2D/3D, and the Bidirectional and TimeDistributed wrappers.

Every recurrent layer has, per gate, an input kernel (features × units), a recurrent kernel
(units × units) and a bias (units): ``units × (features + units) + units``. An LSTM has four
gates, a GRU three (and, with ``reset_after=True``, the Keras default, a second bias)::

    >>> lstm(units=64, input_dim=10).formula
    '4 × (64 × (10 + 64) + 64) = 19,200 (4 gates)'
"""

from __future__ import annotations

from ..errors import ConfigError, ShapeError
from ._expr import product, term
from ._registry import Call, Counted, apply_layer, register
from ._rnn_cells import STATES, as_child, combine, sequence_shape, state_sizes
from ._shapes import (
    check_rank,
    conv_output_length,
    data_format,
    join_spatial,
    normalize_padding,
    normalize_tuple,
    split_spatial,
)
from ._types import Derivation, Shape

__all__ = ["conv_lstm1d", "conv_lstm2d", "conv_lstm3d", "gru", "lstm", "simple_rnn"]

_CELLS = {"SimpleRNN": "SimpleRNNCell", "LSTM": "LSTMCell", "GRU": "GRUCell"}
_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _gate(units: int, input_dim: int, use_bias: bool, biases: int = 1):
    """One gate: ``units × (input_dim + units)`` weights, plus ``biases`` bias vectors."""
    weights = term(units) * (term(input_dim) + term(units))
    for _ in range(biases if use_bias else 0):
        weights = weights + term(units)
    return weights


def simple_rnn(units: int, input_dim: int, use_bias: bool = True) -> Derivation:
    """SimpleRNN: an input kernel, a recurrent kernel and a bias.

    >>> simple_rnn(units=64, input_dim=10).formula
    '64 × (10 + 64) + 64 = 4,800'
    """
    return Derivation(_gate(units, input_dim, use_bias))


def lstm(units: int, input_dim: int, use_bias: bool = True) -> Derivation:
    """LSTM: four gates (input, forget, cell, output), each a SimpleRNN's weights.

    >>> lstm(units=64, input_dim=10).formula
    '4 × (64 × (10 + 64) + 64) = 19,200 (4 gates)'
    """
    return Derivation(term(4) * _gate(units, input_dim, use_bias), note="4 gates")


def gru(units: int, input_dim: int, use_bias: bool = True, reset_after: bool = True) -> Derivation:
    """GRU: three gates (update, reset, candidate); with ``reset_after=True`` (Keras's default)
    each gate has a second bias, on the recurrent side.

    >>> gru(units=5, input_dim=4).formula
    '3 × (5 × (4 + 5) + 5 + 5) = 165 (3 gates; reset_after=True: input and recurrent biases)'
    >>> gru(units=5, input_dim=4, reset_after=False).formula
    '3 × (5 × (4 + 5) + 5) = 150 (3 gates)'
    """
    weights = term(3) * _gate(units, input_dim, use_bias, 2 if reset_after else 1)
    note = "3 gates; reset_after=True: input and recurrent biases" if reset_after and use_bias else "3 gates"
    return Derivation(weights, note=note)


def _conv_lstm(rank: int, filters: int, kernel_size, input_channels: int, use_bias: bool) -> Derivation:
    kernel = normalize_tuple(kernel_size, rank, "kernel_size")
    weights = product(kernel) * term(filters) * (term(input_channels) + term(filters))
    if use_bias:
        weights = weights + term(filters)
    return Derivation(term(4) * weights, note="4 gates")


def conv_lstm1d(filters: int, kernel_size, input_channels: int, use_bias: bool = True) -> Derivation:
    """ConvLSTM1D: an LSTM whose kernels are convolutions (``prod(k) × 4F × (C + F) + 4F``).

    >>> conv_lstm1d(filters=8, kernel_size=3, input_channels=2).formula
    '4 × (3 × 8 × (2 + 8) + 8) = 992 (4 gates)'
    """
    return _conv_lstm(1, filters, kernel_size, input_channels, use_bias)


def conv_lstm2d(filters: int, kernel_size, input_channels: int, use_bias: bool = True) -> Derivation:
    """ConvLSTM2D: four gates, each a (k × k) convolution of the input and of the state.

    >>> conv_lstm2d(filters=8, kernel_size=3, input_channels=3).formula
    '4 × (3 × 3 × 8 × (3 + 8) + 8) = 3,200 (4 gates)'
    """
    return _conv_lstm(2, filters, kernel_size, input_channels, use_bias)


def conv_lstm3d(filters: int, kernel_size, input_channels: int, use_bias: bool = True) -> Derivation:
    """ConvLSTM3D: as ConvLSTM2D, with a three-dimensional kernel."""
    return _conv_lstm(3, filters, kernel_size, input_channels, use_bias)


def _cell_rule(name: str, formula):
    """A cell is applied to one time step ``(batch, features)`` and returns ``(batch, units)``."""

    def rule(config: dict, call: Call) -> Counted:
        shape = call.shape
        if len(shape) != 2 or shape[-1] is None:
            raise ShapeError(f"{name} is applied to one time step (batch, features), got shape "
                             f"{tuple(shape)}; wrap the cell in keras.layers.RNN to run it over "
                             "a sequence (batch, timesteps, features)")
        kwargs = {"reset_after": config.get("reset_after", True)} if name == "GRUCell" else {}
        derivation = formula(config["units"], shape[-1], config.get("use_bias", True), **kwargs)
        output = (shape[0], config["units"])
        if len(call.shapes) > 1:  # called on (inputs, states) directly: returns (output, states)
            return Counted([output, *[output] * STATES[name]], derivation)
        return Counted(output, derivation)

    return rule


register("SimpleRNNCell")(_cell_rule("SimpleRNNCell", simple_rnn))
register("LSTMCell")(_cell_rule("LSTMCell", lstm))
register("GRUCell")(_cell_rule("GRUCell", gru))


def _sequence_output(config: dict, shape: Shape, step_output: Shape, states: list) -> Shape | list:
    """A recurrent layer's output: the last step or every step, then the states if asked."""
    batch = shape[0]
    out = (batch, shape[1], *step_output[1:]) if config.get("return_sequences") else step_output
    if config.get("return_state"):
        return [out, *states]
    return out


def _recurrent(class_name: str):
    """The rule for SimpleRNN / LSTM / GRU: the layer's config is its cell's config."""
    cell_name = _CELLS[class_name]

    def rule(config: dict, call: Call) -> Counted:
        shape = sequence_shape(call.shape, class_name)
        cell = apply_layer({"class_name": cell_name, "config": {**config, "trainable": True}},
                           Call.on((shape[0], shape[-1])))
        sizes = state_sizes({"class_name": cell_name, "config": config})
        states = [(shape[0], size) for size in sizes]
        return Counted(_sequence_output(config, shape, cell.output, states), cell.derivation)

    return rule


for _layer in _CELLS:
    register(_layer)(_recurrent(_layer))


@register("RNN")
def _rnn(config: dict, call: Call) -> Counted:
    shape = sequence_shape(call.shape, "RNN")
    cell = config.get("cell")
    if isinstance(cell, list):  # a hand-written config may list the cells directly
        cell = {"class_name": "StackedRNNCells", "config": {"name": "stacked_rnn_cells", "cells": cell}}
    if not isinstance(cell, dict):
        raise ConfigError(f"an RNN layer without a serialized 'cell', got cell={cell!r:.60}; "
                          "expected e.g. keras.layers.RNN(keras.layers.LSTMCell(8))")
    states = [(shape[0], size) for size in state_sizes(cell)]  # first: a user's cell is refused whole
    counted = apply_layer(cell, Call.on((shape[0], shape[-1])))
    output = _sequence_output(config, shape, counted.output, states)
    return Counted(output, counted.derivation, (as_child(cell, counted),))


def _conv_lstm_rule(rank: int):
    name = f"ConvLSTM{rank}D"

    def rule(config: dict, call: Call) -> Counted:
        shape = call.shape
        check_rank(shape, rank + 3, name, "(batch, time, *spatial, channels)")
        fmt = data_format(config)
        batch, spatial, channels = split_spatial((shape[0], *shape[2:]), fmt)
        if channels is None:
            raise ShapeError(f"{name} needs a known number of channels, got input shape {shape}")
        filters = config["filters"]
        derivation = _conv_lstm(rank, filters, config["kernel_size"], channels, config.get("use_bias", True))
        step = join_spatial(batch, _conv_spatial(config, spatial, rank), filters, fmt)
        return Counted(_sequence_output(config, shape, step, [step, step]), derivation)

    return rule


def _conv_spatial(config: dict, spatial: tuple, rank: int) -> tuple:
    kernel = normalize_tuple(config["kernel_size"], rank, "kernel_size")
    strides = normalize_tuple(config.get("strides", 1), rank, "strides")
    dilation = normalize_tuple(config.get("dilation_rate", 1), rank, "dilation_rate")
    padding = normalize_padding(config.get("padding", "valid"))
    return tuple(conv_output_length(n, k, s, padding, d)
                 for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True))


for _rank in (1, 2, 3):
    register(f"ConvLSTM{_rank}D")(_conv_lstm_rule(_rank))


@register("Bidirectional")
def _bidirectional(config: dict, call: Call) -> Counted:
    """Two copies of the wrapped layer, one per direction, both built on the same input."""
    merge_mode = config.get("merge_mode", "concat")
    if merge_mode not in _MERGE_MODES:
        raise ConfigError(f"Bidirectional merge_mode must be one of {_MERGE_MODES}, got {merge_mode!r}")
    forward_layer = _nested(config, "layer", "Bidirectional")
    backward_layer = config.get("backward_layer") or forward_layer
    forward = apply_layer(forward_layer, Call.on(call.shape))
    backward = apply_layer(backward_layer, Call.on(call.shape))
    children = (as_child(forward_layer, forward), as_child(backward_layer, backward))
    return Counted(_merge(forward.output, merge_mode, config), _twice(forward, backward), children)


def _twice(forward: Counted, backward: Counted) -> Derivation:
    f, b = forward.derivation, backward.derivation
    if f == b and not f.frozen and f.non_trainable is None and f.trainable is not None:
        return Derivation(term(2) * f.trainable, note="forward and backward copies")
    return combine((f, b), note="forward + backward")


def _merge(output, merge_mode, config: dict):
    """Bidirectional's output shapes, as ``Bidirectional.compute_output_shape`` gives them."""
    states = []
    if isinstance(output, list):
        output, states = output[0], list(output[1:])
    if merge_mode == "concat":
        output = (*output[:-1], None if output[-1] is None else 2 * output[-1])
    outputs = [output, output] if merge_mode is None else [output]
    if not states:
        return outputs if merge_mode is None else output
    return [*outputs, *states, *states]


@register("TimeDistributed")
def _time_distributed(config: dict, call: Call) -> Counted:
    """The wrapped layer is built once on the per-step shape and shared by every step."""
    shape = call.shape
    if len(shape) < 3:
        raise ShapeError(f"TimeDistributed needs an input of at least 3 axes (batch, time, ...), "
                         f"got shape {tuple(shape)}; add a time axis with keras.layers.Reshape")
    layer = _nested(config, "layer", "TimeDistributed")
    inner = apply_layer(layer, Call.on((shape[0], *shape[2:])))
    if not isinstance(inner.output, tuple):
        raise ShapeError("TimeDistributed can only wrap a layer with a single output; "
                         f"the wrapped layer gives {len(inner.output)} outputs")
    output = (shape[0], shape[1], *inner.output[1:])
    return Counted(output, inner.derivation, (as_child(layer, inner),))


def _nested(config: dict, key: str, wrapper: str) -> dict:
    layer = config.get(key)
    if not isinstance(layer, dict) or "class_name" not in layer:
        raise ConfigError(f"a {wrapper} config without a serialized '{key}': expected the "
                          "config Keras writes, e.g. keras.layers.Bidirectional(keras.layers.LSTM(8))")
    return layer
