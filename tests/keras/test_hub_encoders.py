"""keras-hub's encoder, seq2seq and vision backbones, counted from their config by the standard-library counter,
against the same backbones built small in Keras, and against the published counts of the real presets.

Each tiny backbone is serialized as a preset's ``config.json`` holds it (``serialize_keras_object``: module,
class_name, config, registered_name). Where keras-hub's own ``get_config`` cannot rebuild a layer, the test
says so and works around it: in 0.32, ``ViTPatchingAndEmbedding.get_config()`` writes ``num_patches`` and
``num_positions``, which its ``__init__`` refuses (and leaves out ``use_patch_bias``). The ViT backbone's own
config is complete, so the counter needs no workaround; only rebuilding that one layer does.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import math
from pathlib import Path

import pytest

from autograder.reference import ParamCount
from autograder.reference.hub import count_hub

# T5's attention layers warn that they drop the padding mask Keras attaches while building: not a count matter.
pytestmark = pytest.mark.filterwarnings(r"ignore:Layer '\w+' \(of type T5MultiHeadAttention\):UserWarning")

keras_hub = pytest.importorskip("keras_hub")
keras = pytest.importorskip("keras")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hub" / "encoders"
TEXT = {"vocabulary_size": 30, "num_layers": 1, "num_heads": 2, "hidden_dim": 8, "intermediate_dim": 12}


def _sam():
    from keras_hub.src.models.sam.sam_mask_decoder import SAMMaskDecoder
    from keras_hub.src.models.sam.sam_prompt_encoder import SAMPromptEncoder

    image = keras_hub.models.ViTDetBackbone(hidden_size=8, num_layers=2, intermediate_dim=12, num_heads=2,
                                            global_attention_layer_indices=[1], image_shape=(32, 32, 3),
                                            patch_size=8, num_output_channels=8, window_size=2)
    prompt = SAMPromptEncoder(hidden_size=8, image_embedding_size=(4, 4), input_image_size=(32, 32),
                              mask_in_channels=8)
    decoder = SAMMaskDecoder(hidden_size=8, num_layers=1, intermediate_dim=8, num_heads=2, embedding_dim=8,
                             iou_head_hidden_dim=4)
    return keras_hub.models.SAMBackbone(image_encoder=image, prompt_encoder=prompt, mask_decoder=decoder)


def _clip():
    models = keras_hub.models
    vision = models.CLIPVisionEncoder(patch_size=4, hidden_dim=8, num_layers=1, num_heads=2, intermediate_dim=12,
                                      image_shape=(8, 8, 3), name="vision_encoder")
    text = models.CLIPTextEncoder(vocabulary_size=30, embedding_dim=8, hidden_dim=8, num_layers=1, num_heads=2,
                                  intermediate_dim=12, max_sequence_length=6, name="text_encoder")
    return models.CLIPBackbone(vision_encoder=vision, text_encoder=text, projection_dim=6)


EFFICIENT = {"stackwise_width_coefficients": [1.0, 1.1], "stackwise_depth_coefficients": [1.0, 1.5],
             "stackwise_kernel_sizes": [3, 5], "stackwise_num_repeats": [1, 2], "stackwise_input_filters": [8, 8],
             "stackwise_output_filters": [8, 12], "stackwise_expansion_ratios": [1, 4],
             "stackwise_squeeze_and_excite_ratios": [0.25, 0.25], "stackwise_strides": [1, 2],
             "stackwise_force_input_filters": [0, 0], "stackwise_nores_option": [False, False],
             "input_shape": (None, None, 3)}
RESNET = {"input_conv_filters": [8, 64], "input_conv_kernel_sizes": [3, 3], "stackwise_num_filters": [64, 8],
          "stackwise_num_strides": [1, 2], "image_shape": (None, None, 3)}
FAMILIES = {
    "bert": lambda: keras_hub.models.BertBackbone(**TEXT, max_sequence_length=6, num_segments=3),
    "distil_bert": lambda: keras_hub.models.DistilBertBackbone(**TEXT, max_sequence_length=6),
    "roberta": lambda: keras_hub.models.RobertaBackbone(**TEXT, max_sequence_length=6),
    "f_net": lambda: keras_hub.models.FNetBackbone(**{k: v for k, v in TEXT.items() if k != "num_heads"},
                                                   max_sequence_length=6, num_segments=3),
    "electra": lambda: keras_hub.models.ElectraBackbone(  # its config calls the vocabulary vocab_size
        vocab_size=30, num_layers=1, num_heads=2, hidden_dim=8, intermediate_dim=12, embedding_dim=6,
        max_sequence_length=6),
    "albert": lambda: keras_hub.models.AlbertBackbone(**{**TEXT, "num_layers": 4}, embedding_dim=6, num_groups=2,
                                                      num_inner_repetitions=2, max_sequence_length=6),
    "deberta_v3": lambda: keras_hub.models.DebertaV3Backbone(**TEXT, max_sequence_length=6, bucket_size=3),
    "bart": lambda: keras_hub.models.BartBackbone(**TEXT, max_sequence_length=6),
    "t5": lambda: keras_hub.models.T5Backbone(**{**TEXT, "num_layers": 2}, key_value_dim=3,
                                              tie_embedding_weights=False),
    "t5_relu_tied": lambda: keras_hub.models.T5Backbone(**TEXT, use_gated_activation=False),
    "whisper": lambda: keras_hub.models.WhisperBackbone(**TEXT, num_mels=5, max_encoder_sequence_length=12,
                                                        max_decoder_sequence_length=6),
    "vit": lambda: keras_hub.models.ViTBackbone(image_shape=(8, 12, 3), patch_size=4, num_layers=1, num_heads=2,
                                                hidden_dim=8, mlp_dim=12),
    "vit_no_bias": lambda: keras_hub.models.ViTBackbone(
        image_shape=(8, 8, 2), patch_size=(4, 2), num_layers=1, num_heads=2, hidden_dim=8, mlp_dim=12,
        use_mha_bias=False, use_mlp_bias=False, use_class_token=False, use_patch_bias=False),
    "clip": _clip,
    "dinov2": lambda: keras_hub.models.DINOV2Backbone(
        patch_size=4, num_layers=1, hidden_dim=8, num_heads=2, intermediate_dim=12, image_shape=(8, 8, 3),
        position_embedding_shape=(12, 12, 3), num_register_tokens=2, name="dino"),
    "dinov2_swiglu": lambda: keras_hub.models.DINOV2Backbone(
        patch_size=4, num_layers=1, hidden_dim=8, num_heads=2, intermediate_dim=20, use_swiglu_ffn=True,
        use_mask_token=False, image_shape=(8, 8, 3), position_embedding_shape=(8, 8, 3), name="dino_swiglu"),
    "sam": _sam,
    "resnet_basic": lambda: keras_hub.models.ResNetBackbone(**RESNET, stackwise_num_blocks=[2, 1],
                                                            block_type="basic_block"),
    "resnet_bottleneck_vd": lambda: keras_hub.models.ResNetBackbone(**RESNET, stackwise_num_blocks=[1, 2],
                                                                    block_type="bottleneck_block_vd"),
    "resnet_v2": lambda: keras_hub.models.ResNetBackbone(**RESNET, stackwise_num_blocks=[1, 2],
                                                         block_type="bottleneck_block", use_pre_activation=True),
    "efficientnet_v1": lambda: keras_hub.models.EfficientNetBackbone(**EFFICIENT, stackwise_block_types=["v1"] * 2),
    "efficientnet_v2": lambda: keras_hub.models.EfficientNetBackbone(**EFFICIENT,
                                                                     stackwise_block_types=["fused", "unfused"]),
    "efficientnet_cba": lambda: keras_hub.models.EfficientNetBackbone(
        **{**EFFICIENT, "stackwise_expansion_ratios": [1, 1]}, stackwise_block_types=["cba", "unfused"]),
}
# Keras names SAM's image-encoder layers by a session-wide counter (windowed_transformer_encoder_3): compared in order.
UNSTABLE_NAMES = {"sam"}


def preset_config(model) -> dict:
    """The model as a preset's config.json holds it."""
    return json.loads(json.dumps(keras.saving.serialize_keras_object(model)))


def keras_params(model) -> ParamCount:
    sizes = lambda weights: sum(math.prod(w.shape) for w in weights)  # noqa: E731
    return ParamCount(sizes(model.trainable_weights), sizes(model.non_trainable_weights))


@functools.cache
def backbone_of(family: str):
    """Each tiny backbone is built once per session (the task tests wrap the same instances)."""
    return FAMILIES[family]()


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def built(request):
    return request.param, backbone_of(request.param)


def test_the_config_alone_gives_keras_count(built):
    """Does the standard-library counter, reading only the preset config, give Keras's trainable and
    non-trainable counts for every encoder, seq2seq and vision family?"""
    family, backbone = built
    assert count_hub(preset_config(backbone)).params == keras_params(backbone), family


def test_each_layer_matches_keras(built):
    """Does each Keras layer of the backbone that holds weights have the count the counter derives for the
    layer of that name (shared ALBERT layers once, CLIP's towers as wholes; SAM's in order)?"""
    family, backbone = built
    counted = count_hub(preset_config(backbone)).layers()
    real = {layer.name: keras_params(layer) for layer in backbone.layers if layer.weights}
    if family in UNSTABLE_NAMES:  # the same layers in the same order, under names Keras numbered itself
        assert list(counted.values()) == list(real.values())
    else:
        assert counted == real


def test_the_closed_form_evaluates_to_the_total(built):
    """Does the closed form, evaluated with its symbols, give the total (so the formula shown is the count)?"""
    _, backbone = built
    counted = count_hub(preset_config(backbone))
    assert eval(counted.closed_form.replace("·", "*"), {}, dict(counted.symbols)) == counted.total


def test_vit_patching_layer_cannot_rebuild_from_its_own_config():
    """Does keras-hub 0.32's ViTPatchingAndEmbedding refuse its own get_config() (num_patches, num_positions),
    and once those are dropped and use_patch_bias put back, does the rebuilt layer hold the weights the counter
    gives that layer?"""
    backbone = FAMILIES["vit_no_bias"]()
    layer = backbone.get_layer("vit_patching_and_embedding")
    config = layer.get_config()
    with pytest.raises(TypeError, match=r"num_patches|num_positions"):
        type(layer).from_config(config)
    fixed = {k: v for k, v in config.items() if k not in ("num_patches", "num_positions")}
    rebuilt = type(layer).from_config({**fixed, "use_patch_bias": layer.use_patch_bias})
    rebuilt.build((None, 8, 8, 2))
    counted = count_hub(preset_config(backbone)).layers()["vit_patching_and_embedding"]
    assert keras_params(rebuilt) == counted == keras_params(layer)


def test_efficientnet_get_config_forgets_num_features():
    """Does keras-hub 0.32's EfficientNetBackbone.get_config() leave out num_features, so that its config
    rebuilds (and counts) a 1280-feature top, and does putting the key back give Keras's count?"""
    backbone = keras_hub.models.EfficientNetBackbone(**EFFICIENT, stackwise_block_types=["v1"] * 2, num_features=16)
    config = preset_config(backbone)
    assert "num_features" not in config["config"]
    forgot, real = count_hub(config), keras_params(backbone)
    # Scaled by the last stack's width 1.1 and rounded to 8s: 1280 → 1408 and 16 → 16 top filters, each a 1×1
    # conv over 16 channels (12 × 1.1, rounded) and a BatchNorm's 4 weights.
    assert forgot.total - real.total == (1408 - 16) * (16 + 4)
    config["config"]["num_features"] = 16
    assert count_hub(config).params == real


def test_sam_backbone_counts_its_encoders_and_the_segmenter_its_mask_decoder():
    """Does SAM's backbone count hold its image and prompt encoders but not the mask decoder it never calls,
    and does a SAMImageSegmenter config add exactly the decoder's weights, as Keras counts them?"""
    backbone = _sam()
    counted = count_hub(preset_config(backbone))
    assert keras_params(backbone.image_encoder).total + backbone.prompt_encoder.count_params() == counted.total
    assert not backbone.mask_decoder.weights
    task = keras_hub.models.SAMImageSegmenter(backbone=backbone)
    with_head = count_hub(preset_config(task))
    assert with_head.task == "SAMImageSegmenter" and with_head.params == keras_params(task)
    assert with_head.total - counted.total == keras_params(backbone.mask_decoder).total > 0


def test_a_frozen_backbone_is_all_non_trainable():
    """Does trainable: false in an encoder's config move every weight to non-trainable, as Keras does?"""
    backbone = FAMILIES["whisper"]()
    backbone.trainable = False
    assert count_hub(preset_config(backbone)).params == keras_params(backbone) == ParamCount(
        0, backbone.count_params())


TASKS = {
    "BertTextClassifier": ("bert", {"num_classes": 3}),
    "AlbertTextClassifier": ("albert", {"num_classes": 3}),
    "RobertaTextClassifier": ("roberta", {"num_classes": 3, "hidden_dim": 5}),
    "DistilBertTextClassifier": ("distil_bert", {"num_classes": 3}),
    "DebertaV3TextClassifier": ("deberta_v3", {"num_classes": 3}),
    "BertMaskedLM": ("bert", {}),
    "FNetTextClassifier": ("f_net", {"num_classes": 3}),
    "FNetMaskedLM": ("f_net", {}),
    "AlbertMaskedLM": ("albert", {}),
    "DebertaV3MaskedLM": ("deberta_v3", {}),
    "BartSeq2SeqLM": ("bart", {}),
    "T5Seq2SeqLM": ("t5", {}),
    "ResNetImageClassifier": ("resnet_basic", {"num_classes": 3}),
    "EfficientNetImageClassifier": ("efficientnet_v1", {"num_classes": 3}),
    "ViTImageClassifier": ("vit", {"num_classes": 3, "intermediate_dim": 5}),
}


@pytest.mark.parametrize("task_class", sorted(TASKS))
def test_a_task_config_adds_its_head_to_the_backbone(task_class):
    """Is a whole task config (backbone nested) counted as Keras counts the task, and is each head layer's
    count what Keras holds in that layer beyond the weights it shares with the backbone (a masked LM's
    head reads the token embedding backwards; a seq2seq LM's output is that embedding)?"""
    family, kwargs = TASKS[task_class]
    backbone = backbone_of(family)
    task = getattr(keras_hub.models, task_class)(backbone=backbone, preprocessor=None, **kwargs)
    counted = count_hub(preset_config(task))
    assert counted.task == task_class and counted.params == keras_params(task)
    shared = {id(w) for w in backbone.weights}
    own = {layer.name: sum(math.prod(w.shape) for w in layer.weights if id(w) not in shared)
           for layer in task.layers if layer is not backbone}
    heads = {b.name: b.params.total for b in counted.blocks if b.kind == "head"}
    assert heads == {name: n for name, n in own.items() if n}


@pytest.mark.parametrize(("family", "part"), [("clip", "vision_encoder"), ("clip", "text_encoder"),
                                              ("sam", "image_encoder"), ("sam", "prompt_encoder")])
def test_a_frozen_tower_is_non_trainable_inside_its_model(family, part):
    """Does a frozen CLIP tower or SAM encoder (trainable: false in its nested config) make exactly its own
    weights non-trainable, as Keras does, and leave the rest of the model trainable?"""
    model = backbone_of(family)
    layer = getattr(model, part)
    layer.trainable = False
    try:
        counted, real = count_hub(preset_config(model)).params, keras_params(model)
    finally:
        layer.trainable = True
    assert counted == real and real.trainable > 0
    assert real.non_trainable - keras_params(model).non_trainable == keras_params(layer).trainable > 0


def _published() -> dict[str, int]:
    """Every preset's "params" in the installed keras-hub's preset files, read without importing them."""
    models = Path(importlib.util.find_spec("keras_hub").origin).parent / "src" / "models"
    found = {}
    for path in models.glob("*/*_presets.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Dict):
                        meta = ast.literal_eval(value).get("metadata") if _literal(value) else None
                        if isinstance(meta, dict) and "params" in meta:
                            found[key.value] = meta["params"]
    return found


def _literal(node) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


PUBLISHED = _published()
# keras-hub 0.32 publishes SAM large's count under sam_huge_sa1b and SAM huge's under sam_large_sa1b.
SAM_SWAPPED = {"sam_large_sa1b": "sam_huge_sa1b", "sam_huge_sa1b": "sam_large_sa1b"}


def _segmenter(stem: str):
    backbone = json.loads((FIXTURES / f"{stem}.json").read_text())
    return count_hub({"class_name": "SAMImageSegmenter", "config": {"backbone": backbone}})
IMAGENET_HEAD = 1280 * 1000 + 1000  # EfficientNet-B0's ImageClassifier: Dense(1000) on 1280 pooled features


def _published_part(stem: str, counted) -> int:
    """What keras-hub's published number counts, where it is not the backbone's total (each reason checked)."""
    if stem == "whisper_tiny_en":  # trainable only: the frozen 1500 × 384 encoder position table left out
        return counted.params.trainable
    if stem.startswith("sam_"):  # the segmenter's count: backbone plus the mask decoder it calls
        return _segmenter(SAM_SWAPPED.get(stem, stem)).total
    if stem == "efficientnet_b0_ra_imagenet":  # the classifier's trainable weights: no BatchNorm statistics
        return counted.params.trainable + IMAGENET_HEAD
    return counted.total


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_real_presets_match_keras_hub_published_counts(path):
    """Does each real preset's config, counted without building it, give the parameter count keras-hub
    publishes for it (or the part the published number is known to count), recognised as that preset?"""
    counted = count_hub(path)
    assert counted.preset == path.stem
    assert PUBLISHED[path.stem] == _published_part(path.stem, counted)


def test_published_counts_that_differ_from_the_backbone_differ_by_what_they_leave_out():
    """Are the presets whose published number is not the backbone's total off by exactly the part named: the
    frozen Whisper position table, SAM's mask decoder, EfficientNet's BatchNorm statistics and ImageNet head,
    the output table of T5 1.1 small (published as if tied; FLAN-T5 small, the same shape, untied), and SAM
    large's and huge's numbers, each published under the other's name?"""
    whisper = count_hub(FIXTURES / "whisper_tiny_en.json")
    assert whisper.total - PUBLISHED["whisper_tiny_en"] == 1500 * 384 == whisper.params.non_trainable
    assert PUBLISHED["whisper_tiny_multi"] == count_hub(FIXTURES / "whisper_tiny_multi.json").total
    efficient = count_hub(FIXTURES / "efficientnet_b0_ra_imagenet.json")
    assert PUBLISHED["efficientnet_b0_ra_imagenet"] - efficient.total == IMAGENET_HEAD - efficient.params.non_trainable
    flan = count_hub(FIXTURES / "flan_small_multi.json")
    assert not flan.tied and PUBLISHED["flan_small_multi"] == flan.total
    assert PUBLISHED["t5_1.1_small"] == flan.total - flan.symbols["V"] * flan.symbols["d"]
    large, huge = _segmenter("sam_large_sa1b"), _segmenter("sam_huge_sa1b")
    assert large.total < huge.total and PUBLISHED["sam_large_sa1b"] > PUBLISHED["sam_huge_sa1b"]
    assert (PUBLISHED["sam_large_sa1b"], PUBLISHED["sam_huge_sa1b"]) == (huge.total, large.total)
