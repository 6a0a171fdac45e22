"""keras-hub's decoder language models, counted from their config by the standard-library counter, against the
same backbones built small in Keras, and against the published counts of the real presets.

Each tiny backbone is serialized as a preset's ``config.json`` holds it (``serialize_keras_object``: module,
class_name, config, registered_name). keras-hub 0.32's ``LlamaBackbone.get_config()`` leaves out
``tie_word_embeddings``, so a tied Llama's config claims to be untied: the test adds the key back (the
workaround users need too) and checks that without it the config describes the untied model.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import re
from pathlib import Path

import pytest

from autograder.reference import ParamCount
from autograder.reference.hub import count_hub

keras_hub = pytest.importorskip("keras_hub")
keras = pytest.importorskip("keras")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hub"
TINY = {"vocabulary_size": 40, "num_layers": 2, "hidden_dim": 16, "intermediate_dim": 24}
GQA = {**TINY, "num_query_heads": 4, "num_key_value_heads": 2}
MOE = {"num_experts": 4, "top_k": 2}

FAMILIES = {
    "gpt2": ("GPT2Backbone", {**TINY, "num_heads": 2, "max_sequence_length": 10}),
    "opt": ("OPTBackbone", {**TINY, "num_heads": 2, "max_sequence_length": 10}),
    "llama": ("LlamaBackbone", GQA),
    "llama3_tied": ("Llama3Backbone", {**GQA, "tie_word_embeddings": True}),
    "mistral": ("MistralBackbone", GQA),
    "mistral_head_dim": ("MistralBackbone", {**GQA, "head_dim": 6}),
    "mixtral": ("MixtralBackbone", {**GQA, **MOE}),
    "phi3": ("Phi3Backbone", GQA),
    "qwen2.5_tied": ("QwenBackbone", GQA),
    "qwen2.5_untied": ("QwenBackbone", {**GQA, "tie_word_embeddings": False}),
    "qwen3": ("Qwen3Backbone", {**GQA, "head_dim": 6}),
    "qwen_moe": ("QwenMoeBackbone", {**GQA, **MOE, "moe_intermediate_dim": 8, "shared_expert_intermediate_dim": 12,
                                     "mlp_only_layers": [1]}),
    # keras-hub 0.32 gives every QwenMoe layer index 0: with 0 in mlp_only_layers, all layers are dense.
    "qwen_moe_dense": ("QwenMoeBackbone", {**GQA, **MOE, "moe_intermediate_dim": 8,
                                           "shared_expert_intermediate_dim": 12, "mlp_only_layers": [0]}),
    "qwen3_moe": ("Qwen3MoeBackbone", {**GQA, **MOE, "head_dim": 6, "moe_intermediate_dim": 8,
                                       "decoder_sparse_step": 2}),
    "gemma": ("GemmaBackbone", {**GQA, "head_dim": 4}),
    "gemma2": ("GemmaBackbone", {**GQA, "head_dim": 4, "use_post_ffw_norm": True, "use_post_attention_norm": True}),
    "gemma3": ("Gemma3Backbone", {**GQA, "head_dim": 4, "image_size": 16, "use_post_ffw_norm": True,
                                  "use_post_attention_norm": True}),
    "gemma3_embedder": ("Gemma3Backbone", {**GQA, "head_dim": 4, "image_size": 16, "is_embedding_model": True,
                                           "pooling_intermediate_dim": 12, "embedding_dim": 6}),
}
# What keras-hub 0.32's get_config() leaves out although it changes the weights (see the module docstring).
FORGOTTEN = {"LlamaBackbone": ("tie_word_embeddings",), "Llama3Backbone": ("tie_word_embeddings",)}


def build(family: str):
    class_name, kwargs = FAMILIES[family]
    return getattr(keras_hub.models, class_name)(**kwargs)


def preset_config(backbone, **kwargs) -> dict:
    """The backbone as a preset's config.json holds it, with what get_config() forgets put back."""
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(backbone)))
    for key in FORGOTTEN.get(type(backbone).__name__, ()):
        config["config"].setdefault(key, getattr(backbone, key))
    config["config"].update(kwargs)
    return config


def keras_params(model) -> ParamCount:
    sizes = lambda weights: sum(math.prod(w.shape) for w in weights)  # noqa: E731
    return ParamCount(sizes(model.trainable_weights), sizes(model.non_trainable_weights))


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def built(request):
    return request.param, build(request.param)


def test_the_config_alone_gives_keras_count(built):
    """Does the standard-library counter, reading only the preset config, give Keras's trainable and
    non-trainable counts for every decoder family?"""
    family, backbone = built
    counted = count_hub(preset_config(backbone))
    assert counted.params == keras_params(backbone), family
    assert counted.total == backbone.count_params()


def test_each_layer_matches_keras(built):
    """Does each Keras layer of the backbone (embedding, every decoder block, the final norm) have the count
    the counter derives for the layer of that name?"""
    _, backbone = built
    counted = count_hub(preset_config(backbone)).layers()
    real = {layer.name: keras_params(layer) for layer in backbone.layers if layer.weights}
    assert counted == real


def test_the_closed_form_evaluates_to_the_total(built):
    """Does the closed form, evaluated with its symbols, give the total (so the formula shown is the count)?"""
    _, backbone = built
    counted = count_hub(preset_config(backbone))
    assert eval(counted.closed_form.replace("·", "*"), {}, dict(counted.symbols)) == counted.total


def test_a_frozen_backbone_is_all_non_trainable(built):
    """Does trainable: false in the config move every weight to non-trainable, as Keras does?"""
    _, backbone = built
    backbone.trainable = False
    try:
        counted, real = count_hub(preset_config(backbone)), keras_params(backbone)
    finally:
        backbone.trainable = True
    assert counted.params == real == ParamCount(0, backbone.count_params())


@pytest.mark.parametrize("family", ["llama", "gemma", "qwen_moe"])
def test_a_causal_lm_task_config_counts_its_backbone(family):
    """Is a whole CausalLM task config (backbone nested, preprocessor beside it) counted as Keras counts the
    task model, and named as the task?"""
    backbone = build(family)
    task_class = getattr(keras_hub.models, FAMILIES[family][0].replace("Backbone", "CausalLM"))
    task = task_class(backbone=backbone, preprocessor=None)
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(task)))
    config["config"]["backbone"] = preset_config(backbone)
    counted = count_hub(config)
    assert counted.params == keras_params(task)
    assert counted.task == task_class.__name__


def test_llama_get_config_forgets_tying():
    """Does a tied Llama's own get_config() (keras-hub 0.32) describe the untied model, so that the key must be
    put back, as the tests do?"""
    backbone = build("llama3_tied")
    raw = json.loads(json.dumps(keras.saving.serialize_keras_object(backbone)))
    assert "tie_word_embeddings" not in raw["config"]
    untied = count_hub(raw)
    assert untied.tied is False and untied.total - backbone.count_params() == 40 * 16


def _router_weights(model) -> int:
    return sum(math.prod(w.shape) for w in model.weights if "sparse_feedforward_gate_dense" in w.path)


@pytest.mark.parametrize("family", ["mixtral", "qwen_moe", "qwen3_moe"])
def test_active_parameters_are_a_model_with_top_k_experts(family):
    """Is a mixture of experts' active count what Keras counts for the same model with only top_k experts,
    except that the router still scores all of them?"""
    class_name, kwargs = FAMILIES[family]
    whole = build(family)
    narrow = getattr(keras_hub.models, class_name)(**{**kwargs, "num_experts": kwargs["top_k"]})
    expected = narrow.count_params() - _router_weights(narrow) + _router_weights(whole)
    counted = count_hub(preset_config(whole))
    assert counted.moe and counted.active == expected < counted.total


def test_a_mixture_of_experts_without_sparse_layers_is_dense():
    """Is a QwenMoe whose every layer keras-hub builds dense (0 in mlp_only_layers) counted as a dense model,
    all of it active?"""
    counted = count_hub(preset_config(build("qwen_moe_dense")))
    assert not counted.moe and counted.active == counted.total


def _published() -> dict[str, int]:
    """Every preset's "params" in the installed keras-hub's preset files, read without importing them."""
    models = Path(importlib.util.find_spec("keras_hub").origin).parent / "src" / "models"
    found = {}
    for path in models.glob("*/*_presets.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Dict):
                        entry = ast.literal_eval(value)
                        if isinstance(entry.get("metadata"), dict) and "params" in entry["metadata"]:
                            found[key.value] = entry["metadata"]["params"]
    return found


PUBLISHED = _published()
# Where keras-hub's published number is not the model's count, and why (each checked below).
ROUNDED = {"opt_2.7b_en", "opt_6.7b_en"}  # published as 2700000000 and 6700000000
COUNTED_UNTIED = {"llama3.2_1b", "llama3.2_3b"}  # tied models, published with an output table of their own


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_real_presets_match_keras_hub_published_counts(path):
    """Does each real preset's config, counted without building it, give the parameter count keras-hub
    publishes for that preset, and is it recognised as that preset's shape?"""
    counted = count_hub(path)
    published = PUBLISHED[path.stem]
    assert counted.preset == path.stem
    if path.stem in ROUNDED:
        assert re.fullmatch(r"\d{2}0{8}", str(published)) and abs(published - counted.total) < 0.02 * published
    elif path.stem in COUNTED_UNTIED:
        assert counted.tied and published == counted.total + counted.symbols["V"] * counted.symbols["d"]
    else:
        assert published == counted.total


@pytest.mark.filterwarnings("ignore:Layer .* does not have a `quantize` method")
def test_a_quantized_backbone_is_refused_not_counted_as_float():
    """Is a backbone after quantize("int8") (its config's dtype policy names quantized layers) refused, since
    its int8 kernels and scales are not the float count?"""
    from autograder.errors import ConfigError

    backbone = build("llama")
    backbone.quantize("int8")
    with pytest.raises(ConfigError, match="quantized"):
        count_hub(preset_config(backbone))
