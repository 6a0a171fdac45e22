"""The fallback protocol, without Keras: what the reference counter hands over, and the one-line refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import reference
from autograder.cli import main
from autograder.errors import ConfigError, UnknownLayerError
from autograder.reference import Call, Counted, Derivation, term

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "seed.json"


def _with(layer: dict) -> dict:
    """The seed model (256 → Dense 2 → 3 → 4) with ``layer`` called on Dense 2's output, feeding Dense 3."""
    config = json.loads(SEED.read_text())
    layers = config["config"]["layers"]
    first = layers[1]["name"]
    layer = {"name": "mine", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {
        "shape": [None, 2], "dtype": "float32", "keras_history": [first, 0, 0]}}], "kwargs": {}}], **layer}
    layers[2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["mine", 0, 0]
    layers.insert(2, layer)
    return config


class Recorder:
    """A fallback that records what it is handed and counts 7 weights, doubling the last axis."""

    def __init__(self):
        self.seen = []

    def __call__(self, layer: dict, call: Call) -> Counted:
        self.seen.append((layer["class_name"], call.shapes))
        return Counted((*call.shape[:-1], 2 * call.shape[-1]), Derivation(term(7, "counted by a test")))


CUSTOM = {"module": "my_layers", "class_name": "Scale", "registered_name": "Scale", "config": {"name": "mine"}}


def test_a_custom_layer_is_handed_to_the_fallback_on_its_inferred_shape():
    """Is a user's layer handed, whole, to the fallback on the shape the counter inferred, and its result used?"""
    fallback = Recorder()
    counted = reference.count(_with(CUSTOM), fallback=fallback)
    assert fallback.seen == [("Scale", [(None, 2)])]
    assert counted.layer("mine").formula == "(counted by a test) = 7"
    assert counted.total == reference.count(SEED).total + 7 + 3 * 2  # Dense 3 now sees 4 inputs, not 2


def test_without_a_fallback_a_custom_layer_is_refused_naming_it_and_the_flag():
    """Without a fallback, is the user's layer refused in one line naming it and --custom-objects?"""
    with pytest.raises(UnknownLayerError, match=r"'Scale' \(layer 'mine'\) is a custom class.*--custom-objects"):
        reference.count(_with(CUSTOM))


def test_a_lambda_without_output_shape_goes_to_the_fallback():
    """Is a Lambda without output_shape counted by the fallback when there is one, and refused otherwise?"""
    lam = {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "mine", "function": {}}}
    fallback = Recorder()
    assert reference.count(_with(lam), fallback=fallback).layer("mine").params.total == 7
    assert fallback.seen == [("Lambda", [(None, 2)])]
    with pytest.raises(ConfigError, match=r"output_shape.*--live"):
        reference.count(_with(lam))


def test_an_op_without_a_rule_goes_to_the_fallback():
    """Is an op the counter has no shape rule for handed to the fallback, for its shape?"""
    op = {"module": "keras.src.ops.numpy", "class_name": "Unique", "config": {"name": "mine"}}
    fallback = Recorder()
    counted = reference.count(_with(op), fallback=fallback)
    assert fallback.seen == [("Unique", [(None, 2)])] and "mine" not in [layer.name for layer in counted.layers]


def test_an_rnn_around_a_users_cell_is_handed_over_whole():
    """Is an RNN layer around a user's cell handed to the fallback as a whole (its states are the user's code),
    and refused naming the cell without one?"""
    cell = {"module": "my_layers", "class_name": "MyCell", "config": {"name": "cell", "units": 3}}
    model = {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 5, 4]}},
        {"module": "keras.layers", "class_name": "RNN", "config": {"name": "rnn", "cell": cell}},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "out", "units": 2}}]}}
    fallback = Recorder()
    counted = reference.count(model, fallback=fallback)
    assert fallback.seen == [("RNN", [(None, 5, 4)])]
    assert counted.layer("out").params.total == 2 * (8 + 1)
    with pytest.raises(UnknownLayerError, match="'MyCell'"):
        reference.count(model)


def test_a_users_model_class_is_handed_to_the_fallback_or_refused():
    """Is a user's model class (any config) counted by the fallback, and refused in one line without one?"""
    config = {"module": None, "class_name": "VAE", "registered_name": "VAE", "config": {"name": "vae"}}

    def whole(layer, call):
        child = reference.LayerCount("dense", "Dense", None, Derivation(term(5)))
        return Counted(None, Derivation(term(5)), (child,))

    assert reference.count(config, fallback=whole).total == 5
    with pytest.raises(UnknownLayerError, match=r"'VAE'.*custom class.*--custom-objects"):
        reference.count(config)


@pytest.mark.parametrize(("content", "name", "expected"), [
    ("def broken(:\n", "bad.py", "could not be run: SyntaxError"),
    ("raise RuntimeError('no GPU here')\n", "raises.py", "could not be run: RuntimeError: no GPU here"),
    ("x = 1\n", "notes.txt", "expected a Python file"),
])
def test_a_bad_custom_objects_file_is_one_line_and_exit_2(tmp_path, content, name, expected):
    """Does a --custom-objects file that is not Python, or fails when run, give one line and exit code 2?"""
    path = tmp_path / name
    path.write_text(content)
    done = subprocess.run([sys.executable, "-m", "autograder", "count", str(SEED), "--custom-objects", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and expected in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_file_of_plain_python_counts_built_in_models_as_before(tmp_path, capsys):
    """With a --custom-objects file defining nothing Keras needs, is a built-in model counted as before?"""
    path = tmp_path / "helpers.py"
    path.write_text("def helper(x):\n    return x\n")
    assert main(["count", str(SEED), "--custom-objects", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == reference.count(SEED).total


def test_a_fallback_that_cannot_count_a_layer_is_final():
    """When the fallback refuses a layer, is that refusal raised as is, without handing an outer model over too?"""
    calls = []

    def refuses(layer, call):
        calls.append(layer["class_name"])
        raise UnknownLayerError(layer["class_name"], "mine", layer.get("module"), custom=True)

    with pytest.raises(UnknownLayerError, match=r"'Scale' \(layer 'mine'\)"):
        reference.count(_with(CUSTOM), fallback=refuses)
    assert calls == ["Scale"]
