"""`python -m autograder count` on keras-hub configs (a preset's config.json, a task's task.json), without Keras.

The expected numbers come from the reference counter itself (``count_hub``), which tests/keras/test_hub_decoders.py
checks against keras-hub; here the question is what the command line does with them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.reference.hub import count_hub

HUB = Path(__file__).resolve().parents[1] / "fixtures" / "hub"
LLAMA3 = HUB / "llama3_8b_en.json"
TASK = HUB / "tasks" / "llama3_8b_en.task.json"
MOE = HUB / "mixtral_8_7b_en.json"


def test_a_preset_config_names_its_family_and_preset_shape(capsys):
    """Does the table say which family and which keras-hub preset's shape it recognised, with summary()'s totals
    and the embedding / non-embedding split?"""
    assert main(["count", str(LLAMA3)]) == 0
    out = capsys.readouterr().out
    counted = count_hub(LLAMA3)
    assert "Recognised: Llama 3 (Llama3Backbone), the shape of keras-hub preset llama3_8b_en" in out
    assert f"Total params: {counted.total:,}" in out and f"non-embedding: {counted.non_embedding:,}" in out
    assert "transformer_layer_0…31" in out and "untied" in out and "Closed form: V·d + L·(" in out


def test_json_has_the_documented_fields():
    """Does --json give the family, preset, totals, embedding split, tying, closed form and one entry per block?"""
    proc = subprocess.run([sys.executable, "-m", "autograder", "count", str(LLAMA3), "--json"],
                          capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout)
    assert out == count_hub(LLAMA3).to_dict()
    assert {"family", "preset", "shape", "total", "trainable", "non_trainable", "embedding", "non_embedding", "tied",
            "closed_form", "symbols", "blocks"} <= set(out)
    assert "active" not in out and [b["name"] for b in out["blocks"]] == [
        "token_embedding", "transformer_layer_{i}", "sequence_output_layernorm"]


def test_a_mixture_of_experts_reports_active_parameters(capsys):
    """Does a Mixtral config report the parameters one token uses, below the total?"""
    assert main(["count", str(MOE), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["active"] == count_hub(MOE).active < out["total"]


def test_a_task_config_is_counted_through_its_backbone(capsys):
    """Is a CausalLM task.json (backbone and preprocessor nested) counted as its backbone and named as the task?"""
    assert main(["count", str(TASK)]) == 0
    out = capsys.readouterr().out
    assert "Recognised: Llama 3 (Llama3CausalLM over Llama3Backbone)" in out
    assert f"Total params: {count_hub(LLAMA3).total:,}" in out


def _hub_config(class_name: str, config: dict, module: str = "keras_hub.src.models.x.x_backbone") -> str:
    return json.dumps({"module": module, "class_name": class_name, "config": config,
                       "registered_name": f"keras_hub>{class_name}"})


@pytest.mark.parametrize(("text", "args", "expected"), [
    (_hub_config("FalconBackbone", {"num_layers": 2}), [],
     "no rule for the keras-hub class 'FalconBackbone'"),
    (_hub_config("LlamaTextClassifier", {"backbone": json.loads(LLAMA3.read_text())}), [],
     "no rule for the keras-hub class 'LlamaTextClassifier'"),
    (_hub_config("LlamaBackbone", {"vocabulary_size": 10, "num_layers": 2}), [],
     "the LlamaBackbone config has no 'hidden_dim'"),
    (LLAMA3.read_text(), ["--live"], "--live and --custom-objects do not apply to a keras-hub config"),
])
def test_what_it_cannot_count_is_refused_in_one_line(tmp_path, text, args, expected):
    """Is an unknown family, an unknown task, a missing hyperparameter or --live refused with exit 2 and one
    line on stderr, never a guess?"""
    path = tmp_path / "config.json"
    path.write_text(text)
    proc = subprocess.run([sys.executable, "-m", "autograder", "count", str(path), *args],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_the_refusal_lists_what_it_knows():
    """Does the refusal of an unknown family name the backbones it can count and what to do instead?"""
    from autograder.errors import UnknownBackboneError

    with pytest.raises(UnknownBackboneError) as err:
        count_hub(json.loads(_hub_config("FalconBackbone", {})))
    assert "LlamaBackbone" in str(err.value) and "MixtralBackbone" in str(err.value)
    assert "count_params()" in str(err.value)


def test_a_hand_written_config_without_module_is_recognised_by_class_name(tmp_path, capsys):
    """Is a config written by hand, with a known keras-hub class name but no module, counted as that family?"""
    config = json.loads(MOE.read_text())
    del config["module"], config["registered_name"]
    path = tmp_path / "mixtral.json"
    path.write_text(json.dumps(config))
    assert main(["count", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == count_hub(MOE).total
