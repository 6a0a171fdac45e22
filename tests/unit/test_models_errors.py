"""Whole-model configs without Keras: the graph walk, and a clear error for every bad model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError, UnknownOperationError
from autograder.reference.operations import broadcast_shapes

SIAMESE = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "siamese.json"
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "seed.json"


def _siamese() -> dict:
    return json.loads(SIAMESE.read_text())


def _layer(config: dict, name: str) -> dict:
    return next(layer for layer in config["config"]["layers"] if layer["name"] == name)


def test_shared_layer_and_reused_model_appear_once():
    """Are the shared Dense and the twice-called nested model listed and counted once each?"""
    names = [layer.name for layer in reference.count(SIAMESE).layers]
    assert names.count("shared") == 1 and names.count("base") == 1


def test_operations_are_not_layers():
    """Is the weightless multiply operation left out of the layers, as model.layers omits it?"""
    names = [layer.name for layer in reference.count(SIAMESE).layers]
    assert not any(name.startswith("multiply") for name in names)


def test_frozen_nested_model_is_all_non_trainable():
    """Does the frozen nested model report all its weights, gamma and beta included, as non-trainable?"""
    base = next(layer for layer in reference.count(SIAMESE).layers if layer.name == "base")
    assert base.params.trainable == 0 and base.params.non_trainable > 0
    assert all(child.params.trainable == 0 for child in base.children)


def test_unfreezing_in_the_config_moves_weights_back():
    """Does setting trainable: true in the config make the nested model trainable again, except BN's statistics?"""
    config = _siamese()
    base = _layer(config, "base")
    base["config"]["trainable"] = True
    for layer in base["config"]["layers"]:
        layer["config"]["trainable"] = True
    frozen, thawed = reference.count(SIAMESE), reference.count(config)
    assert thawed.total == frozen.total and thawed.trainable > frozen.trainable
    assert thawed.non_trainable == 2 * _layer_units(base, "BatchNormalization")


def _layer_units(model: dict, class_name: str) -> int:
    """BatchNormalization's channel count, read from the Dense before it in the same config."""
    dense = next(layer for layer in model["config"]["layers"] if layer["class_name"] == "Dense")
    assert any(layer["class_name"] == class_name for layer in model["config"]["layers"])
    return dense["config"]["units"]


def test_subclassed_model_config_is_refused():
    """Is a subclassed model's config refused with advice to count it live?"""
    config = {"class_name": "MyModel", "config": {"name": "my_model", "trainable": True}}
    with pytest.raises(ConfigError, match=r"subclassed model.*live"):
        reference.count(config)


def test_unbuilt_sequential_is_refused():
    """Is a Sequential model without an input shape refused, as count_params() refuses it?"""
    dense = _layer(json.loads(SEED.read_text()), "dense")
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [dense]}}
    with pytest.raises(ConfigError, match=r"keras\.Input\(shape="):
        reference.count(config)


def test_keras2_inbound_nodes_are_refused():
    """Is a Keras 2 style inbound_nodes list refused with advice to re-save in Keras 3?"""
    config = json.loads(SEED.read_text())
    _layer(config, "dense")["inbound_nodes"] = [[["input_layer", 0, 0, {}]]]
    with pytest.raises(ConfigError, match="Keras 2 format"):
        reference.count(config)


def test_dangling_graph_is_refused():
    """Does a layer whose input no layer produces give an error naming the layer?"""
    config = json.loads(SEED.read_text())
    node = _layer(config, "dense")["inbound_nodes"][0]
    node["args"][0]["config"]["keras_history"] = ["nowhere", 0, 0]
    with pytest.raises(ConfigError, match="cannot be resolved: layers dense"):
        reference.count(config)


def test_missing_output_is_refused():
    """Does an output_layers entry that no call produces give a clear error?"""
    config = json.loads(SEED.read_text())
    config["config"]["output_layers"] = [["dense_2", 5, 0]]
    with pytest.raises(ConfigError, match="output_layers"):
        reference.count(config)


def test_functional_without_output_layers_is_refused():
    """Is a Functional config missing 'output_layers' refused, not guessed?"""
    config = json.loads(SEED.read_text())
    del config["config"]["output_layers"]
    with pytest.raises(ConfigError, match="output_layers"):
        reference.count(config)


def test_unknown_operation_is_refused():
    """Is a Keras op whose shape the counter cannot infer refused as an op, by name and module?"""
    config = _siamese()
    op = next(layer for layer in config["config"]["layers"]
              if layer.get("module", "").startswith("keras.src.ops"))
    op["class_name"] = "Unique"  # its output's size depends on the values: no shape rule
    with pytest.raises(UnknownOperationError, match=r"Keras op 'Unique' from module 'keras.src.ops"):
        reference.count(config)


@pytest.mark.parametrize(("first", "second", "expected"), [
    ((None, 4), (4,), (None, 4)), ((None, 1, 3), (None, 5, 1), (None, 5, 3)),
    ((2, 1), (None,), (2, None)), ((), (None, 3), (None, 3)),
])
def test_broadcast_shapes(first, second, expected):
    """Does broadcasting follow Keras's rules for unknown and unit dimensions?"""
    assert broadcast_shapes(first, second) == expected


def test_broadcast_mismatch_is_a_shape_error():
    """Do incompatible element-wise shapes raise a ShapeError naming both shapes?"""
    with pytest.raises(ShapeError, match=r"\(None, 3\) and \(None, 4\)"):
        broadcast_shapes((None, 3), (None, 4))


def test_functional_subclass_config_is_walked_as_a_graph():
    """Is a Functional subclass whose config keeps the graph format counted like a Functional model?"""
    config = json.loads(SEED.read_text())
    renamed = {**config, "class_name": "MyFunctional", "registered_name": "Custom>MyFunctional"}
    assert reference.count(renamed).params == reference.count(config).params
