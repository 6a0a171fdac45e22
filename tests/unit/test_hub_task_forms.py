"""keras-hub task configs around a backbone, without Keras: a task's head in the closed form, and presets saved
under keras-nlp's module names. The counts come from the counter itself (tests/keras checks them against
keras-hub); here the question is what the task's count says and whether the command line finds it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from autograder.cli import main
from autograder.reference.hub import count_hub, is_hub_config

BERT = Path(__file__).resolve().parents[1] / "fixtures" / "hub" / "encoders" / "bert_tiny_en_uncased.json"


def task(class_name: str, **config) -> dict:
    return {"module": "keras_hub.src.models.bert", "class_name": class_name,
            "registered_name": f"keras_hub>{class_name}",
            "config": {"backbone": json.loads(BERT.read_text()), **config}}


def test_a_task_with_a_head_has_a_closed_form_that_adds_the_head():
    """Does a classifier's closed form, evaluated with its symbols, give the task's total (backbone + head),
    not the backbone's?"""
    counted = count_hub(task("BertTextClassifier", num_classes=3))
    backbone = count_hub(BERT)
    assert counted.total > backbone.total
    assert eval(counted.closed_form.replace("·", "*"), {}, dict(counted.symbols)) == counted.total


def test_a_task_without_weights_of_its_own_keeps_the_backbone_form():
    """Does a task with no head weights keep the backbone's closed form unchanged?"""
    hub = Path(__file__).resolve().parents[1] / "fixtures" / "hub"
    causal_lm = count_hub(hub / "tasks" / "llama3_8b_en.task.json")
    assert causal_lm.closed_form == count_hub(hub / "llama3_8b_en.json").closed_form


def keras_nlp(model: dict) -> dict:
    """The same config as a preset saved before the keras-nlp → keras-hub rename writes it."""
    old = copy.deepcopy(model)
    old["module"] = old["module"].replace("keras_hub", "keras_nlp")
    old["registered_name"] = old["registered_name"].replace("keras_hub>", "keras_nlp>")
    return old


def test_a_keras_nlp_preset_is_a_hub_config(tmp_path, capsys):
    """Is a preset saved under keras_nlp module names recognised as keras-hub's, and counted by the command line
    as its keras_hub twin is?"""
    old = keras_nlp(json.loads(BERT.read_text()))
    assert is_hub_config(old)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(old))
    assert main(["count", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == count_hub(BERT).total
