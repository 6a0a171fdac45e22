"""A rule applies to Keras's own class, never to a user's class that shares its name."""

from __future__ import annotations

import pytest

from autograder import reference
from autograder.errors import UnknownLayerError
from autograder.reference import register
from autograder.reference._registry import _CUSTOM, Counted
from autograder.reference.activations import p_re_lu


def _model(layer: dict) -> dict:
    """A functional model: Input(16) → Dense(16) → ``layer``."""
    inp = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
           "config": {"batch_shape": [None, 16], "name": "inp"}, "name": "inp", "inbound_nodes": []}
    dense = {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
             "config": {"units": 16, "name": "dense"}, "name": "dense",
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {
                 "shape": [None, 16], "keras_history": ["inp", 0, 0]}}], "kwargs": {}}]}
    layer = {**layer, "name": layer["config"]["name"], "inbound_nodes": [{"args": [{
        "class_name": "__keras_tensor__", "config": {"shape": [None, 16], "keras_history": ["dense", 0, 0]}}],
        "kwargs": {}}]}
    return {"module": "keras", "class_name": "Functional", "config": {
        "name": "m", "layers": [inp, dense, layer], "input_layers": [["inp", 0, 0]],
        "output_layers": [[layer["name"], 0, 0]]}}


def _look_alike(module, registered) -> dict:
    return {"module": module, "class_name": "LayerNormalization", "registered_name": registered,
            "config": {"name": "norm"}}


def test_keras_own_class_is_counted_by_its_rule():
    """Is Keras's LayerNormalization (module keras.layers) counted by the built-in rule?"""
    counted = reference.count(_model({"module": "keras.layers", "class_name": "LayerNormalization",
                                      "registered_name": None, "config": {"name": "norm", "axis": -1}}))
    assert counted.layer("norm").params.total == 2 * 16


@pytest.mark.parametrize(("module", "registered"), [
    (None, "LayerNormalization"), ("my_layers", "LayerNormalization"), (None, "mine>LayerNormalization"),
])
def test_a_users_class_with_a_builtin_name_is_refused_not_miscounted(module, registered):
    """Is a user's class named like a built-in refused with a message saying so, never counted as the built-in?"""
    with pytest.raises(UnknownLayerError, match="not Keras's own 'LayerNormalization'"):
        reference.count(_model(_look_alike(module, registered)))


def test_a_registered_rule_counts_the_users_class_and_leaves_keras_alone(monkeypatch):
    """Does a rule a user registers count their class, while Keras's class of that name keeps its rule?"""
    monkeypatch.setattr("autograder.reference._registry._CUSTOM", dict(_CUSTOM))
    builtin = reference.count(_model({"module": "keras.layers", "class_name": "LayerNormalization",
                                      "registered_name": None, "config": {"name": "norm"}}))

    def scale_only(config, call):  # the user's layer: one scale per feature, like PReLU's alpha
        return Counted(call.shape, p_re_lu(call.shape, None))

    scale_only.__module__ = "my_course"  # defined in the user's code, not in this package
    register("LayerNormalization")(scale_only)
    mine = reference.count(_model(_look_alike(None, "LayerNormalization")))
    assert mine.layer("norm").params.total == 16
    again = reference.count(_model({"module": "keras.layers", "class_name": "LayerNormalization",
                                    "registered_name": None, "config": {"name": "norm"}}))
    assert again.layer("norm").params.total == builtin.layer("norm").params.total == 32
