"""Every keras.applications model, built offline with weights=None, against the reference counter.

The reference counter reads only ``model.to_json()``; Keras counts the built weights.
Configs are generated here at test time, never committed. Three small models run by
default; the rest are marked slow (``pytest --slow``, as CI runs).
"""

from __future__ import annotations

import gc

import keras
import pytest

from autograder import reference
from autograder.reference import applications
from tests.keras.compare import assert_matches_keras

FAST = ["MobileNet", "MobileNetV3Small", "EfficientNetB0"]
SLOW = [
    "Xception", "VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152",
    "ResNet50V2", "ResNet101V2", "ResNet152V2", "InceptionV3", "InceptionResNetV2",
    "MobileNetV2", "MobileNetV3Large", "DenseNet121", "DenseNet169", "DenseNet201",
    "NASNetMobile", "NASNetLarge",
    *[f"EfficientNetB{i}" for i in range(1, 8)],
    "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
    "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L",
    "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
]
ALL = [pytest.param(name) for name in FAST] + [pytest.param(name, marks=pytest.mark.slow)
                                               for name in SLOW]


@pytest.fixture
def application(request):
    """Build one application with weights=None, and free its memory afterwards."""
    model = getattr(keras.applications, request.param)(weights=None)
    yield model
    del model
    keras.backend.clear_session()
    gc.collect()


@pytest.mark.parametrize("application", ALL, indirect=True)
def test_application_matches_keras(application):
    """Does the reference counter give this application's total and every layer's split, as Keras?"""
    assert_matches_keras(application)


@pytest.mark.parametrize("application", ["MobileNetV3Small"], indirect=True)
def test_application_leaves_operations_out_of_its_layers(application):
    """Are MobileNetV3's weightless Keras operations (x + 3) left out of the layer list, as Keras does?"""
    ours = reference.count(application)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in application.layers]
    assert ours.total == application.count_params()


def test_convnext_layer_scale_with_stochastic_depth():
    """Does ConvNeXt with drop_path_rate > 0 (StochasticDepth layers) still match Keras?"""
    from keras.src.applications import convnext

    model = convnext.ConvNeXt(depths=[1, 1, 1, 1], projection_dims=[8, 16, 24, 32],
                              drop_path_rate=0.1, weights=None, input_shape=(32, 32, 3),
                              include_top=True, classes=5, name="tiny_convnext")
    classes = {layer["class_name"] for layer in _nested_layers(model)}
    assert {"StochasticDepth", "LayerScale"} <= classes
    assert_matches_keras(model)


def test_application_layer_formulas():
    """Does each application-defined layer explain itself: LayerScale's gamma, zero for the others?"""
    assert applications.layer_scale(96).formula.startswith("96")
    assert applications.layer_scale(96).params.trainable == 96
    assert applications.stochastic_depth(0.1).params.total == 0
    assert applications.custom_scale_layer(0.17).params.total == 0


def _nested_layers(model):
    import json

    found = []

    def walk(value):
        if isinstance(value, dict):
            if "class_name" in value and "config" in value:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(model.to_json()))
    return found
