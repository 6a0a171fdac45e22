"""`python -m autograder count --memory`: the weights' bytes under the model's dtype policy and training memory
per optimizer, without Keras. The byte counts themselves are checked against Keras's variables in
tests/keras/test_memory.py; here the question is what the command line shows."""

from __future__ import annotations

import json
from pathlib import Path

from autograder.cli import main
from autograder.reference import count
from autograder.reference.hub import count_hub
from autograder.reference.memory import memory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "models" / "seed.json"
LLAMA3 = FIXTURES / "hub" / "llama3_8b_en.json"


def test_the_table_has_a_row_per_optimizer_and_names_what_is_left_out(capsys):
    """Does --memory add a row for SGD, momentum, Adam and AdamW and say that activations are not included?"""
    assert main(["count", str(SEED), "--memory"]) == 0
    out = capsys.readouterr().out
    for name in ("sgd", "momentum", "adam", "adamw"):
        assert f"│ {name} " in out
    assert "Not included: activations" in out


def test_json_gives_bytes_per_optimizer(capsys):
    """Does --json --memory give the weights' bytes and, per optimizer, the training total the module computes?"""
    assert main(["count", str(SEED), "--memory", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["memory"]
    expected = memory(count(SEED), "adam")
    assert out["weights"] == expected.weight_total
    assert out["training"]["adam"]["training"] == expected.training
    assert out["not_included"] == "activations"


def test_a_hub_preset_is_sized_in_the_dtype_its_config_names(capsys):
    """Is a keras-hub preset's weight memory its count times the bytes of the dtype its config.json names?"""
    assert main(["count", str(LLAMA3), "--memory", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["memory"]
    dtype = json.loads(LLAMA3.read_text())["config"]["dtype"]
    assert out["weights"] == memory(count_hub(LLAMA3), "sgd", dtype).weight_total
    assert out["weights"] in (2 * count_hub(LLAMA3).total, 4 * count_hub(LLAMA3).total)


def test_without_memory_the_output_has_none(capsys):
    """Is the memory table left out unless --memory is given?"""
    assert main(["count", str(SEED), "--json"]) == 0
    assert "memory" not in json.loads(capsys.readouterr().out)
