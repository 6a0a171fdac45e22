"""The encoder, seq2seq and vision families of the keras-hub counter without Keras: the real presets' closed
forms, embedding splits, and one-sentence refusals of configs Keras could not build either."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.errors import ConfigError
from autograder.reference.hub import count_hub

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hub" / "encoders"
PRESETS = sorted(FIXTURES.glob("*.json"))
EFFICIENT = {f"stackwise_{key}": [value] for key, value in {
    "kernel_sizes": 3, "input_filters": 8, "output_filters": 8, "expansion_ratios": 1, "squeeze_and_excite_ratios": 0,
    "strides": 1, "block_types": "v1", "width_coefficients": 1.0, "depth_coefficients": 1.0}.items()} | {
    "input_shape": [None, None, 3]}
BERT = {"vocabulary_size": 30, "num_layers": 2, "num_heads": 2, "hidden_dim": 8, "intermediate_dim": 12}


def hub(class_name: str, **config) -> dict:
    return {"class_name": class_name, "config": config}


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_the_closed_form_of_each_real_preset_is_its_total(path):
    """Does each real preset's closed form, evaluated with its symbols, give the count of its blocks?"""
    counted = count_hub(path)
    assert eval(counted.closed_form.replace("·", "*"), {}, dict(counted.symbols)) == counted.total > 0


def test_bert_base_splits_into_its_tables_and_the_rest():
    """Is BERT base's embedding count its token, position and segment tables (V·d + P·d + S·d), and the
    rest its encoder layers, norms and pooler?"""
    counted = count_hub(FIXTURES / "bert_base_en_uncased.json")
    assert counted.embedding == (30522 + 512 + 2) * 768
    assert counted.non_embedding == counted.total - counted.embedding


def test_albert_shares_its_layers_so_depth_adds_nothing():
    """Does an ALBERT with one group of shared layers count the same at 12 and at 24 layers (the layers
    hold one set of weights), while a second group adds one encoder layer's weights?"""
    base = json.loads((FIXTURES / "albert_base_en_uncased.json").read_text())
    twelve, deeper = count_hub(base), count_hub({**base, "config": {**base["config"], "num_layers": 24}})
    two_groups = count_hub({**base, "config": {**base["config"], "num_groups": 2}})
    assert twelve.total == deeper.total < two_groups.total
    one_layer = 4 * 768 * 768 + 3 * 768 + 2 * 768 * 3072 + 3072 + 6 * 768
    assert two_groups.total - twelve.total == one_layer


def test_relative_position_tables_count_as_embedding():
    """Are T5's relative-attention biases (32 buckets × h heads, in each stack's first layer) counted with the
    token table as embedding, as DeBERTa's relative-position table is?"""
    t5 = count_hub(FIXTURES / "t5_small_multi.json")
    assert t5.embedding == 32128 * 512 + 2 * 32 * 8
    deberta = count_hub(FIXTURES / "deberta_v3_base_en.json")
    assert deberta.embedding == 128100 * 768 + 2 * 256 * 768


def test_untied_t5_holds_an_output_table():
    """Does T5 with tie_embedding_weights false count its output table d·V as embedding, and say untied?"""
    flan = count_hub(FIXTURES / "flan_small_multi.json")
    config = json.loads((FIXTURES / "flan_small_multi.json").read_text())
    config["config"]["tie_embedding_weights"] = True
    tied = count_hub(config)
    assert not flan.tied and tied.tied and flan.total - tied.total == 32128 * 512
    assert flan.embedding - tied.embedding == 32128 * 512


@pytest.mark.parametrize(("config", "words"), [
    (hub("AlbertBackbone", **{**BERT, "num_layers": 3}, embedding_dim=4, num_groups=2), "divisible by num_groups"),
    (hub("ViTBackbone", image_shape=[10, 8, 3], patch_size=4, num_layers=1, num_heads=2, hidden_dim=8, mlp_dim=4),
     "divisible by the patch"),
    (hub("ViTBackbone", image_shape=[None, None, 3], patch_size=4, num_layers=1, num_heads=2, hidden_dim=8,
         mlp_dim=4), "fully known"),
    (hub("BertBackbone", **{k: v for k, v in BERT.items() if k != "hidden_dim"}), "'hidden_dim'"),
    (hub("BertBackbone", **{**BERT, "num_heads": 16}), "num_heads=16"),
    (hub("CLIPBackbone", vision_encoder={"class_name": "ViTBackbone", "config": {}}, text_encoder={},
         projection_dim=4), "serialized CLIPVisionEncoder"),
    (hub("EfficientNetBackbone", **EFFICIENT, stackwise_num_repeats=[1, 2]), "all of one length"),
    (hub("ResNetBackbone", input_conv_filters=[64], input_conv_kernel_sizes=[7], stackwise_num_filters=[64],
         stackwise_num_blocks=[1], stackwise_num_strides=[1], block_type="wide_block"), "block_type"),
    (hub("CLIPTextEncoder", vocabulary_size=30, embedding_dim=4, hidden_dim=8, num_layers=1, num_heads=2,
         intermediate_dim=4), "embedding_dim=4 ≠ hidden_dim=8"),
])
def test_a_config_keras_could_not_build_is_refused_in_one_sentence(config, words):
    """Is a config Keras would refuse (or that lacks a hyperparameter) refused with one line naming the
    problem, never counted by a guess?"""
    with pytest.raises(ConfigError) as caught:
        count_hub(config)
    message = str(caught.value)
    assert words in message and "\n" not in message
