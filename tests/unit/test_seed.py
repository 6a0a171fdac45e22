"""The seed question, 256 → 2 → 3 → 4, from a committed Keras config, without Keras."""

from __future__ import annotations

from pathlib import Path

from autograder import reference

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "seed.json"


def test_seed_layers_and_total():
    """Does the seed model give 514, 9 and 16 per Dense layer and 539 in all?"""
    result = reference.count(SEED)
    assert [(layer.name, layer.params.total) for layer in result.layers] == [
        ("input_layer", 0), ("dense", 514), ("dense_1", 9), ("dense_2", 16)]
    assert result.total == 539 and result.trainable == 539 and result.non_trainable == 0


def test_seed_derivations():
    """Does each Dense layer show units × (inputs + 1) with its numbers filled in?"""
    formulas = [layer.formula for layer in reference.count(SEED).layers[1:]]
    assert formulas == ["2 × (256 + 1) = 514", "3 × (2 + 1) = 9", "4 × (3 + 1) = 16"]


def test_seed_output_shapes_keep_the_batch_dimension_unknown():
    """Are output shapes inferred with None for the batch dimension, as summary() shows them?"""
    shapes = [layer.output_shape for layer in reference.count(SEED).layers]
    assert shapes == [(None, 256), (None, 2), (None, 3), (None, 4)]


def test_every_input_form_gives_the_same_count():
    """Do a path, JSON text, a dict and model.get_config()'s inner dict all give the same result?"""
    text = SEED.read_text()
    import json

    as_dict = json.loads(text)
    results = [reference.count(SEED), reference.count(str(SEED)), reference.count(text),
               reference.count(as_dict), reference.count(as_dict["config"])]
    assert len({repr(r.to_dict()) for r in results}) == 1


def test_dense_formula_function():
    """Does reference.dense give the Dense derivation, with and without bias?"""
    assert reference.dense(units=2, inputs=256).formula == "2 × (256 + 1) = 514"
    assert reference.dense(units=2, inputs=256, use_bias=False).params.total == 512


def test_lora_dense_moves_the_kernel_to_non_trainable():
    """Does LoRA freeze the kernel and train rank × (inputs + units) plus the bias?"""
    d = reference.dense(units=4, inputs=10, lora_rank=2)
    assert d.params == reference.ParamCount(trainable=2 * (10 + 4) + 4, non_trainable=40)
