"""Every Keras class the reference counter has a rule for, each in a small model against live Keras, and each
one that owns weights named in the formula appendix (book/appendix-formulas.md).

A new rule without an example here fails ``test_every_registered_class_has_an_example``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import keras
import pytest
from keras.src.applications.convnext import LayerScale, StochasticDepth
from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

from autograder import reference
from tests.keras.compare import assert_matches_keras

L = keras.layers
APPENDIX = Path(__file__).resolve().parents[2] / "book" / "appendix-formulas.md"


def one(shape, make, dtype="float32", head=False):
    """A builder: ``Input(shape) → make()`` (→ Dense(2) with ``head``: a layer that may return its input as is)."""
    def build():
        inputs = keras.Input(shape, dtype=dtype)
        x = make()(inputs)
        return keras.Model(inputs, L.Dense(2)(x) if head else x)
    return build


def two(first, second, make, dtype="float32"):
    """A builder: ``make()([Input(first), Input(second)])``."""
    def build():
        inputs = [keras.Input(first, dtype=dtype), keras.Input(second, dtype=dtype)]
        return keras.Model(inputs, make()(inputs))
    return build


def attention(make):
    """A builder: an attention layer called on (query, value)."""
    def build():
        query, value = keras.Input((5, 16)), keras.Input((7, 16))
        return keras.Model([query, value], make()(query, value))
    return build


def nested(kind):
    """A builder: a model inside a model (Sequential, or Functional written as class Model)."""
    def build():
        inner_in = keras.Input((6,))
        inner = keras.Sequential([inner_in, L.Dense(4)]) if kind == "Sequential" else keras.Model(
            inner_in, L.Dense(4)(inner_in))
        outer_in = keras.Input((6,))
        return keras.Model(outer_in, L.Dense(2)(inner(outer_in)))
    return build


def _image(name, *args, **kwargs):
    return one((8, 8, 3), lambda: getattr(L, name)(*args, **kwargs), head=True)


SEQ, IMG, VOL = (10, 4), (8, 8, 3), (6, 6, 6, 2)
SHAPES = {1: SEQ, 2: IMG, 3: VOL}
EXAMPLES = {
    "Activation": one(SEQ, lambda: L.Activation("relu")), "ActivityRegularization": one(SEQ, L.ActivityRegularization),
    "AdditiveAttention": two((5, 16), (7, 16), L.AdditiveAttention), "Attention": two((5, 16), (7, 16), L.Attention),
    "AlphaDropout": one(SEQ, lambda: L.AlphaDropout(0.1)), "BatchNormalization": one(IMG, L.BatchNormalization),
    "Bidirectional": one(SEQ, lambda: L.Bidirectional(L.LSTM(3))),
    "CategoryEncoding": one((3,), lambda: L.CategoryEncoding(7, output_mode="multi_hot"), "int32"),
    "CenterCrop": _image("CenterCrop", 4, 5), "RandomCrop": _image("RandomCrop", 4, 5),
    "Resizing": _image("Resizing", 4, 5), "Rescaling": _image("Rescaling", 1 / 255),
    "CustomScaleLayer": two(IMG, IMG, lambda: CustomScaleLayer(0.17)),
    "Dense": one(SEQ, lambda: L.Dense(5)), "Discretization": one((3,), lambda: L.Discretization([0.0, 1.0])),
    "ELU": one(SEQ, L.ELU), "EinsumDense": one(SEQ, lambda: L.EinsumDense("abc,cd->abd", (10, 6), bias_axes="d")),
    "Embedding": one((5,), lambda: L.Embedding(20, 6), "int32"), "Flatten": one(IMG, L.Flatten),
    "Functional": nested("Functional"), "Model": nested("Functional"), "Sequential": nested("Sequential"),
    "GroupNormalization": one(IMG, lambda: L.GroupNormalization(groups=3)),
    "GroupQueryAttention": attention(lambda: L.GroupQueryAttention(8, 4, 2)),
    "GroupedQueryAttention": attention(lambda: L.GroupQueryAttention(8, 4, 2)),
    "MultiHeadAttention": attention(lambda: L.MultiHeadAttention(2, 8)),
    "HashedCrossing": two((1,), (1,), lambda: L.HashedCrossing(6), "int32"),
    "Hashing": one((3,), lambda: L.Hashing(5), "int32"), "Identity": one(SEQ, L.Identity),
    "InputLayer": one(SEQ, L.Identity), "IntegerLookup": one((4,), lambda: L.IntegerLookup(vocabulary=[1, 2]), "int64"),
    "Lambda": one(SEQ, lambda: L.Lambda(lambda x: x * 2, output_shape=SEQ)),
    "LayerNormalization": one(SEQ, L.LayerNormalization), "LayerScale": one(SEQ, lambda: LayerScale(0.1, 4)),
    "LeakyReLU": one(SEQ, L.LeakyReLU), "Masking": one(SEQ, L.Masking), "ReLU": one(SEQ, L.ReLU),
    "MelSpectrogram": one((1000,), lambda: L.MelSpectrogram(sequence_stride=100, num_mel_bins=16)),
    "Normalization": one(SEQ, L.Normalization), "PReLU": one(SEQ, L.PReLU), "Softmax": one(SEQ, L.Softmax),
    "Permute": one(SEQ, lambda: L.Permute((2, 1))),
    "Pipeline": one(IMG, lambda: L.Pipeline([L.Normalization(), L.Resizing(4, 4)])),
    "RMSNormalization": one(SEQ, L.RMSNormalization), "RepeatVector": one((4,), lambda: L.RepeatVector(3)),
    "Reshape": one(SEQ, lambda: L.Reshape((8, 5))), "ReversibleEmbedding": one(
        (5,), lambda: L.ReversibleEmbedding(20, 6, tie_weights=False), "int32"),
    "STFTSpectrogram": one((1000, 1), lambda: L.STFTSpectrogram(frame_length=64, window=None)),
    "SpectralNormalization": one(SEQ, lambda: L.SpectralNormalization(L.Dense(3))),
    "StochasticDepth": one(SEQ, lambda: StochasticDepth(0.1)),
    "StringLookup": one((2,), lambda: L.StringLookup(vocabulary=["a", "b"]), "string"),
    "TextVectorization": one((1,), lambda: L.TextVectorization(10, output_sequence_length=4), "string"),
    "TimeDistributed": one(SEQ, lambda: L.TimeDistributed(L.Dense(3))),
    "UnitNormalization": one(SEQ, L.UnitNormalization),
    "RNN": one(SEQ, lambda: L.RNN(L.GRUCell(3))), "GRUCell": one(SEQ, lambda: L.RNN(L.GRUCell(3))),
    "LSTMCell": one(SEQ, lambda: L.RNN(L.LSTMCell(3))), "SimpleRNNCell": one(SEQ, lambda: L.RNN(L.SimpleRNNCell(3))),
    "StackedRNNCells": one(SEQ, lambda: L.RNN([L.LSTMCell(3), L.GRUCell(2)])),
    "GRU": one(SEQ, lambda: L.GRU(3)), "LSTM": one(SEQ, lambda: L.LSTM(3)),
    "SimpleRNN": one(SEQ, lambda: L.SimpleRNN(3)),
    "Dot": two((5,), (5,), lambda: L.Dot(axes=1)), "Concatenate": two(SEQ, SEQ, L.Concatenate),
    **{name: two(SEQ, SEQ, getattr(L, name)) for name in ("Add", "Average", "Maximum", "Minimum", "Multiply",
                                                             "Subtract")},
    **{name: one(SEQ, lambda name=name: getattr(L, name)(0.2)) for name in ("Dropout", "GaussianDropout",
                                                                             "GaussianNoise")},
    **{f"SpatialDropout{n}D": one(SHAPES[n], lambda n=n: getattr(L, f"SpatialDropout{n}D")(0.2)) for n in (1, 2, 3)},
    **{f"{kind}{n}D": one(SHAPES[n], lambda kind=kind, n=n: getattr(L, f"{kind}{n}D")(output_size=2))
       for kind in ("AdaptiveAveragePooling", "AdaptiveMaxPooling") for n in (1, 2, 3)},
    **{f"{kind}{n}D": one(SHAPES[n], lambda kind=kind, n=n: getattr(L, f"{kind}{n}D")())
       for kind in ("MaxPooling", "MaxPool", "GlobalAveragePooling", "GlobalAvgPool",
                    "GlobalMaxPooling", "GlobalMaxPool", "UpSampling", "ZeroPadding", "Cropping")
       for n in (1, 2, 3)},
    **{f"{kind}{n}D": one(SHAPES[n], lambda kind=kind, n=n: getattr(L, f"{kind}{n}D")(2))
       for kind in ("AveragePooling", "AvgPool") for n in (1, 2, 3)},
    **{f"{kind}{n}D{t}": one(SHAPES[n], lambda kind=kind, n=n, t=t: getattr(L, f"{kind}{n}D{t}")(4, 3))
       for kind in ("Conv", "Convolution") for n in (1, 2, 3) for t in ("", "Transpose")},
    **{f"{kind}{n}D": one(SHAPES[n], lambda kind=kind, n=n: getattr(L, f"{kind}{n}D")(4, 3))
       for kind in ("SeparableConv", "SeparableConvolution") for n in (1, 2)},
    **{f"DepthwiseConv{n}D": one(SHAPES[n], lambda n=n: getattr(L, f"DepthwiseConv{n}D")(3, depth_multiplier=2))
       for n in (1, 2)},
    **{f"ConvLSTM{n}D": one((3, *SHAPES[n]), lambda n=n: getattr(L, f"ConvLSTM{n}D")(4, 3)) for n in (1, 2, 3)},
    **{name: _image(name) for name in (
        "AugMix", "AutoContrast", "CutMix", "MixUp", "RandAugment", "RandomColorJitter", "RandomElasticTransform",
        "RandomErasing", "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomInvert", "RandomPerspective",
        "Solarization")},
    **{name: _image(name, 0.2) for name in ("RandomBrightness", "RandomColorDegeneration", "RandomContrast",
                                            "RandomRotation", "RandomSaturation", "RandomSharpness", "RandomShear",
                                            "RandomZoom")},
    "RandomTranslation": _image("RandomTranslation", 0.1, 0.1),
    "RandomHue": _image("RandomHue", 0.1, value_range=(0, 1)),
    "RandomPosterization": _image("RandomPosterization", 4, value_range=(0, 255)),
    "Equalization": lambda: keras.Sequential([  # Keras returns its input as is, so only a Sequential records it
        keras.Input(IMG), L.Equalization(value_range=(0, 255)), L.Dense(2)]),
    "ContrastLimitedAdaptiveHistogramEqualization": _image("ContrastLimitedAdaptiveHistogramEqualization",
                                                           value_range=(0, 255)),
    "MaxNumBoundingBoxes": _image("MaxNumBoundingBoxes", 5),
}
CONTAINERS = {"Functional", "Model", "Sequential", "Pipeline", "StackedRNNCells"}  # their weights are their layers'
MISSING_ROWS: set[str] = set()  # owners of weights the appendix has no row for yet (none)
AS_MODEL = {"Model"}  # written by hand as class_name "Model" (older or hand-made configs): Keras writes Functional


def test_every_registered_class_has_an_example():
    """Does every class with a reference rule have a live-Keras example here (and every example a rule)?"""
    assert sorted(EXAMPLES) == reference.known_classes()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_class_matches_keras(name):
    """Is the class counted exactly as Keras counts it, totals, per-layer split and shapes?"""
    model = EXAMPLES[name]()
    config = json.loads(model.to_json())
    if name in AS_MODEL:
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "Functional":
                layer["class_name"] = "Model"
    rule = reference.rule_for({"class_name": name})
    assert any(reference.rule_for({"class_name": c}) is rule for c in _class_names(config)), "not in the config"
    ours = reference.count(config)
    assert ours.params == assert_matches_keras(model).params


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(
    strict=True, reason="no row in book/appendix-formulas.md yet")) if name in MISSING_ROWS else name
    for name in sorted(EXAMPLES)])
def test_every_class_with_weights_has_an_appendix_row(name):
    """Is each class that owns weights named in the formula appendix (a class without weights being covered by
    its line "a layer not listed here has no parameters")?"""
    _check_appendix(name, EXAMPLES[name]())


def _class_names(value) -> set[str]:
    """Every class_name in a serialized model, at any depth, that the reference counter has a rule for."""
    if isinstance(value, list):
        return {name for item in value for name in _class_names(item)}
    if not isinstance(value, dict):
        return set()
    found = {name for item in value.values() for name in _class_names(item)}
    return found | ({value["class_name"]} if value.get("class_name") in reference.known_classes() else set())


def _keras_name(name: str) -> str:
    """The class Keras writes for an alias (Convolution2D is Conv2D)."""
    layer = getattr(L, name, None)
    return layer.__name__ if isinstance(layer, type) else name


def _check_appendix(name: str, model) -> None:
    """A class that owns weights is named in the formula appendix (its Keras name or an alias of it); one
    without weights is covered by the appendix's line that every layer not listed has none."""
    if name in CONTAINERS or sum(layer.count_params() for layer in model.layers if _is(layer, name)) == 0:
        assert "has no parameters" in APPENDIX.read_text()
        return
    text = APPENDIX.read_text()
    names = {name, _keras_name(name), name.removesuffix("Cell")} | {alias for alias, cls in vars(L).items()
                                        if isinstance(cls, type) and cls.__name__ == _keras_name(name)}
    assert any(re.search(rf"\b{re.escape(n)}\b", text) for n in names), f"{name} owns weights: add a row"


def _is(layer, name: str) -> bool:
    return type(layer).__name__ in (name, _keras_name(name)) or (
        name in ("Functional", "Model", "Sequential") and isinstance(layer, keras.Model)) or (
        name in ("LSTMCell", "GRUCell", "SimpleRNNCell", "StackedRNNCells", "RNN") and isinstance(layer, L.RNN))
