"""What the recurrent layers and wrappers share: ``StackedRNNCells``, the states a cell carries,
and small helpers. The cells' own rules sit beside their formulas, in ``rnn``.

A recurrent layer's weights are its cell's weights: ``LSTM(64)`` builds one ``LSTMCell(64)``
on the per-step shape ``(batch, features)``; :func:`state_sizes` gives the sizes of the
states a cell carries from step to step (two for an LSTM, one otherwise).
"""

from __future__ import annotations

from ..errors import ConfigError, ShapeError, UnknownLayerError
from ._expr import total
from ._registry import Call, Counted, apply_layer, from_keras, register
from ._types import Derivation, LayerCount, Shape

__all__ = ["STATES", "as_child", "combine", "sequence_shape", "state_sizes"]

STATES = {"SimpleRNNCell": 1, "LSTMCell": 2, "GRUCell": 1}  # how many states each cell carries


def sequence_shape(shape: Shape, layer: str) -> Shape:
    """Check that ``shape`` is ``(batch, timesteps, features)`` with known features."""
    if len(shape) != 3 or shape[-1] is None:
        raise ShapeError(
            f"{layer} expects a 3D input (batch, timesteps, features) with a known number of "
            f"features, got shape {tuple(shape)}; use keras.Input(shape=(timesteps, features)), "
            "or keras.layers.Reshape to add a time axis")
    return shape


def state_sizes(cell: dict) -> list[int]:
    """The sizes of the states a serialized cell carries, flattened in Keras's order."""
    name = cell.get("class_name")
    config = cell.get("config") or {}
    if name == "StackedRNNCells":
        return [size for c in _cells_of(config) for size in state_sizes(c)]
    if name not in STATES or not from_keras(cell):
        # a user's cell: its states (and so the layer's outputs) are the user's code
        raise UnknownLayerError(str(name), config.get("name"), cell.get("module"), custom=not from_keras(cell))
    return [config["units"]] * STATES[name]


def combine(derivations, note: str = "") -> Derivation:
    """Several layers' derivations added up, keeping frozen ones non-trainable."""
    trainable, non_trainable = [], []
    for d in derivations:
        parts = [d.trainable, d.non_trainable] if d.frozen else [d.trainable]
        trainable += [] if d.frozen else [e for e in parts if e is not None]
        non_trainable += [e for e in (parts if d.frozen else [d.non_trainable]) if e is not None]
    return Derivation(total(trainable) if trainable else None,
                      total(non_trainable) if non_trainable else None, note=note)


def as_child(layer: dict, counted: Counted) -> LayerCount:
    """A nested serialized layer's result as a :class:`LayerCount` (for ``children``)."""
    config = layer.get("config") or {}
    return LayerCount(config.get("name") or layer.get("name") or "?", layer.get("class_name", "?"),
                      counted.output, counted.derivation, counted.children)


@register("StackedRNNCells")
def _stacked_cells(config: dict, call: Call) -> Counted:
    """Each cell is built on the previous cell's output: its input dim is that cell's units."""
    shape = call.shape
    children = []
    for cell in _cells_of(config):
        counted = apply_layer(cell, Call.on(shape))
        children.append(as_child(cell, counted))
        shape = counted.output
    note = "stacked cells: each one's input is the previous one's units"
    return Counted(shape, combine((c.derivation for c in children), note), tuple(children))


def _cells_of(config: dict) -> list:
    cells = config.get("cells")
    if not isinstance(cells, list) or not cells:
        raise ConfigError("StackedRNNCells without a 'cells' list: expected at least one cell, "
                          "e.g. keras.layers.RNN([keras.layers.LSTMCell(8), keras.layers.GRUCell(4)])")
    return cells
