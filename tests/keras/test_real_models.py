"""Models written the way the official Keras examples write them, each counted and compared with live Keras.

Three kinds of case:

- ``BUILT_IN``: built-in layers, ops on symbolic tensors, Lambdas with ``output_shape``, compiled models:
  the reference counter alone gives Keras's totals and per-layer split (``assert_matches_keras``).
- ``CUSTOM``: a user's layers and models: the reference counter alone refuses them, naming the layer and
  ``--custom-objects``; with the user's file, built-in layers are counted by formula and each custom layer
  by Keras, and the totals and per-layer split are Keras's.
- ``REFUSED``: models Keras itself cannot count from their config: one line saying why.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import layers, ops

from autograder import live, reference
from autograder.errors import AutograderError, UnknownLayerError
from tests.keras import user_layers as U
from tests.keras.compare import assert_matches_keras

USER_FILE = Path(U.__file__)
CUSTOM_OBJECTS = live.load_custom_objects([USER_FILE])


def _dense_stack(x, *units):
    for u in units:
        x = layers.Dense(u, activation="relu")(x)
    return x


# ---- built-in layers, ops and Lambdas: the reference counter alone ------------------------------------------------

def caffe_preprocessing_cnn():
    """ResNet's caffe-style preprocessing inside the model (RGB→BGR by slicing, minus the mean): GetItem, ops."""
    inputs = keras.Input((32, 32, 3))
    x = keras.applications.resnet50.preprocess_input(inputs)
    x = layers.Conv2D(8, 3, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(10)(layers.GlobalAveragePooling2D()(x)))


def hard_swish_block():
    """MobileNetV3's hard-swish written with ops: x * relu6(x + 3) / 6."""
    inputs = keras.Input((16, 16, 3))
    x = layers.Conv2D(8, 3, padding="same")(inputs)
    x = x * ops.relu6(x + 3.0) / 6.0
    return keras.Model(inputs, layers.Conv2D(4, 1)(x))


def deeplab_style_decoder():
    """DeepLabV3+'s decoder: upsample with ops.image.resize and join with keras.ops.concatenate."""
    inputs = keras.Input((32, 32, 3))
    low = layers.Conv2D(8, 3, padding="same")(inputs)
    high = layers.Conv2D(16, 3, strides=4, padding="same")(low)
    up = ops.image.resize(high, (32, 32))
    x = ops.concatenate([up, low], axis=-1)
    return keras.Model(inputs, layers.Conv2D(5, 1)(x))


def attention_with_ops():
    """Scaled dot-product attention written with ops (matmul, transpose, softmax), then a Dense."""
    inputs = keras.Input((10, 16))
    q, k, v = (layers.Dense(16)(inputs) for _ in range(3))
    scores = ops.softmax(ops.matmul(q, ops.transpose(k, (0, 2, 1))) / 4.0, axis=-1)
    return keras.Model(inputs, layers.Dense(8)(ops.matmul(scores, v)))


def split_and_stack():
    """ops.split, ops.stack, ops.unstack and ops.mean between layers."""
    inputs = keras.Input((12, 6))
    a, b, c = ops.split(inputs, 3, axis=1)
    stacked = ops.stack([layers.Dense(4)(a), layers.Dense(4)(b), layers.Dense(4)(c)], axis=1)
    first, *_ = ops.unstack(stacked, axis=1)
    return keras.Model(inputs, layers.Dense(2)(ops.mean(first, axis=1)))


def einsum_and_slicing():
    """A bilinear score with ops.einsum, the CLS token by slicing x[:, 0], expand_dims and squeeze."""
    inputs = keras.Input((7, 12))
    x = layers.Dense(12)(inputs)
    scores = ops.einsum("bqd,bkd->bqk", x, x)
    cls = ops.squeeze(ops.expand_dims(x[:, 0], 1), 1)
    return keras.Model(inputs, [layers.Dense(3)(cls), layers.Dense(2)(scores)])


def lambda_with_output_shape():
    """A Lambda given its output_shape: counted without running it."""
    inputs = keras.Input((8,))
    x = layers.Lambda(lambda t: ops.concatenate([t, t], axis=-1), output_shape=(16,))(inputs)
    return keras.Model(inputs, layers.Dense(3)(x))


def compiled_with_custom_loss():
    """A siamese network compiled with the example's contrastive loss: losses own no parameters."""
    a, b = keras.Input((28, 28, 1)), keras.Input((28, 28, 1))
    tower = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 5), layers.Flatten(), layers.Dense(10)])
    distance = ops.sqrt(ops.sum(ops.square(tower(a) - tower(b)), axis=1, keepdims=True))
    model = keras.Model([a, b], layers.Dense(1, activation="sigmoid")(distance))
    model.compile(loss=U.contrastive_loss, optimizer="adam", metrics=["accuracy"])
    return model


def compiled_with_schedule():
    """A classifier compiled with a learning-rate schedule and a custom metric function."""
    inputs = keras.Input((20,))
    model = keras.Model(inputs, layers.Dense(3)(_dense_stack(inputs, 32, 16)))
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=100, decay_rate=0.9)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse", metrics=[U.contrastive_loss])
    return model


def unet_with_ops():
    """A small U-Net whose skip connections are keras.ops.concatenate and whose upsampling is UpSampling2D."""
    inputs = keras.Input((32, 32, 1))
    d1 = layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    d2 = layers.Conv2D(16, 3, padding="same", activation="relu")(layers.MaxPooling2D()(d1))
    u1 = ops.concatenate([layers.UpSampling2D()(d2), d1], axis=-1)
    return keras.Model(inputs, layers.Conv2D(2, 1)(layers.Conv2D(8, 3, padding="same")(u1)))


BUILT_IN = [caffe_preprocessing_cnn, hard_swish_block, deeplab_style_decoder, attention_with_ops, split_and_stack,
            einsum_and_slicing, lambda_with_output_shape, compiled_with_custom_loss, compiled_with_schedule,
            unet_with_ops]


@pytest.mark.parametrize("build", BUILT_IN, ids=lambda f: f.__name__)
def test_built_in_model_matches_keras(build):
    """Does the reference counter alone give Keras's totals, per-layer split and shapes?"""
    assert assert_matches_keras(build()).total > 0


# ---- a user's layers and models: refused alone, counted with the user's file ----------------------------------------

def vae_encoder():
    """The VAE example's encoder: convolutions, then z_mean / z_log_var and the Sampling layer."""
    inputs = keras.Input((28, 28, 1))
    x = layers.Flatten()(layers.Conv2D(8, 3, strides=2, activation="relu")(inputs))
    z_mean, z_log_var = layers.Dense(2, name="z_mean")(x), layers.Dense(2, name="z_log_var")(x)
    return keras.Model(inputs, [z_mean, z_log_var, U.Sampling()([z_mean, z_log_var])])


def vit_classifier():
    """The ViT example: Patches and PatchEncoder (custom), then transformer blocks of built-in layers."""
    inputs = keras.Input((32, 32, 3))
    x = U.PatchEncoder(64, 32)(U.Patches(4)(inputs))
    for _ in range(2):
        attention = layers.MultiHeadAttention(num_heads=2, key_dim=32)(layers.LayerNormalization()(x), x)
        x = layers.Add()([attention, x])
        x = layers.Add()([layers.Dense(32)(layers.Dense(64, activation="gelu")(layers.LayerNormalization()(x))), x])
    return keras.Model(inputs, layers.Dense(10)(layers.Flatten()(layers.LayerNormalization()(x))))


def text_transformer():
    """The text-classification example: TokenAndPositionEmbedding and TransformerBlock on int32 tokens."""
    inputs = keras.Input((20,), dtype="int32")
    x = U.TransformerBlock(32, 2, 32)(U.TokenAndPositionEmbedding(20, 1000, 32)(inputs))
    return keras.Model(inputs, layers.Dense(2, activation="softmax")(layers.GlobalAveragePooling1D()(x)))


def ocr_with_ctc_layer():
    """The OCR captcha example: a CTCLayer called on (labels, predictions), after a CNN and a BiLSTM."""
    image, labels = keras.Input((40, 100, 1), name="image"), keras.Input((5,), name="label")
    x = layers.MaxPooling2D()(layers.Conv2D(8, 3, padding="same", activation="relu")(image))
    x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(layers.Reshape((50, 160))(x))
    return keras.Model([image, labels], U.CTCLayer(name="ctc_loss")(labels, layers.Dense(11, activation="softmax")(x)))


def linear_layers():
    """The guide's Linear layer, twice, between built-in layers."""
    inputs = keras.Input((12,))
    return keras.Model(inputs, layers.Dense(2)(U.Linear(4)(U.Linear(8)(inputs))))


def sequential_with_custom_layers():
    """A Sequential model mixing custom and built-in layers (no inbound nodes: shapes come from the order)."""
    return keras.Sequential([keras.Input((10,)), U.Linear(6), U.NormalizedDense(5), layers.Dense(3)])


def frozen_custom_layer():
    """A custom layer frozen with trainable = False: all its weights non-trainable."""
    inputs = keras.Input((10,))
    block = U.NormalizedDense(6)
    block.trainable = False
    return keras.Model(inputs, layers.Dense(2)(block(inputs)))


def shared_custom_layer():
    """A siamese pair sharing one custom layer: its weights counted once."""
    a, b = keras.Input((9,)), keras.Input((9,))
    shared = U.Linear(5)
    return keras.Model([a, b], layers.Dense(1)(layers.Concatenate()([shared(a), shared(b)])))


def registered_custom_layer():
    """A layer registered with @keras.saving.register_keras_serializable (registered_name course>Scale)."""
    inputs = keras.Input((4, 6))
    return keras.Model(inputs, layers.Dense(3)(U.Scale()(inputs)))


def multi_output_custom_layer():
    """A custom layer with two outputs, each feeding its own built-in layer."""
    inputs = keras.Input((8,))
    value, gate = U.TwoHeads(6)(inputs)
    return keras.Model(inputs, [layers.Dense(2)(value), layers.Dense(3)(gate)])


def rnn_with_custom_cell():
    """keras.layers.RNN around the guide's MinimalRNNCell: the whole RNN layer counted by Keras."""
    inputs = keras.Input((5, 3))
    return keras.Model(inputs, layers.Dense(2)(layers.RNN(U.MinimalRNNCell(4))(inputs)))


def time_distributed_custom_layer():
    """TimeDistributed around a custom layer: built once, on one step's shape."""
    inputs = keras.Input((6, 10))
    return keras.Model(inputs, layers.LSTM(4)(layers.TimeDistributed(U.Linear(7))(inputs)))


def custom_layer_in_nested_model():
    """A custom layer inside a nested functional model."""
    inner_in = keras.Input((8,))
    inner = keras.Model(inner_in, U.Linear(4)(inner_in), name="inner")
    inputs = keras.Input((8,))
    return keras.Model(inputs, layers.Dense(2)(inner(inputs)))


def subclassed_vae():
    """A subclassed model (the VAE example's shape), called once on data: Keras counts it, per layer."""
    model = U.VAE()
    model(np.zeros((1, 8)))
    return model


def subclassed_with_own_weight():
    """A subclassed model with a weight of its own (a temperature), outside every layer."""
    model = U.Tempered()
    model(np.zeros((1, 5)))
    return model


def functional_subclass():
    """A user's subclass of keras.Model built the functional way."""
    inputs = keras.Input((6,))
    return U.FunctionalSubclass(inputs, layers.Dense(3)(layers.Dense(5)(inputs)))


def look_alike_layer_normalization():
    """The user's own LayerNormalization (16 weights where Keras's would have 32)."""
    inputs = keras.Input((16,))
    return keras.Model(inputs, U.LayerNormalization(name="norm")(layers.Dense(16)(inputs)))


def look_alike_attention():
    """The user's own Attention (a pooling query), not Keras's Attention."""
    inputs = keras.Input((10, 8))
    return keras.Model(inputs, layers.Dense(2)(U.Attention(name="attention")(inputs)))


def lambda_named_function_without_shape():
    """A Lambda without output_shape whose function is defined by name in the user's file."""
    inputs = keras.Input((8,))
    return keras.Model(inputs, layers.Dense(3)(layers.Lambda(U.double)(inputs)))


CUSTOM = [vae_encoder, vit_classifier, text_transformer, ocr_with_ctc_layer, linear_layers,
          sequential_with_custom_layers, frozen_custom_layer, shared_custom_layer, registered_custom_layer,
          multi_output_custom_layer, rnn_with_custom_cell, time_distributed_custom_layer, custom_layer_in_nested_model,
          subclassed_vae, subclassed_with_own_weight, functional_subclass, look_alike_layer_normalization,
          look_alike_attention, lambda_named_function_without_shape]


def _by_keras(layer) -> bool:
    """Does a row (or a row nested in it) say Keras counted it?"""
    return "Keras" in layer.formula or any(_by_keras(child) for child in layer.children)


def _needs_keras(layer: dict) -> bool:
    """Does a serialized layer hold a user's class anywhere inside, or a Lambda without output_shape?"""
    if layer.get("class_name") == "Lambda" and layer["config"].get("output_shape") is None:
        return True
    if "class_name" in layer and "module" in layer and not str(layer["module"]).startswith("keras"):
        return not str(layer["class_name"]).startswith("__")
    return any(_needs_keras(v) for v in layer.values() if isinstance(v, dict)) or any(
        _needs_keras(i) for v in layer.values() if isinstance(v, list) for i in v if isinstance(i, dict))


@pytest.mark.parametrize("build", CUSTOM, ids=lambda f: f.__name__)
def test_custom_model_is_refused_alone_in_one_line(build):
    """Without the user's file, is the model refused in one line that says what to pass, never miscounted?"""
    config = json.loads(build().to_json())
    with pytest.raises(AutograderError) as refused:
        reference.count(config)
    message = str(refused.value)
    assert "\n" not in message and ("--custom-objects" in message or "--live" in message), message


@pytest.mark.parametrize("build", CUSTOM, ids=lambda f: f.__name__)
def test_custom_model_with_the_users_file_matches_keras(build):
    """With the user's file, are the totals and each layer's split Keras's, custom rows counted by Keras and
    built-in rows by formula?"""
    from autograder.commands.count import disagreements

    model = build()
    config = json.loads(model.to_json())
    ours = live.count_custom(config, CUSTOM_OBJECTS)
    theirs = live.count_model(model)
    assert ours.params == theirs.params and ours.total == model.count_params()
    assert disagreements(ours, theirs) == []
    if config["class_name"] in ("Functional", "Sequential"):  # a user's model class is Keras's, row by row
        needs_keras = {layer["config"]["name"] for layer in config["config"]["layers"] if _needs_keras(layer)}
        assert {layer.name for layer in ours.layers if _by_keras(layer)} == needs_keras


def test_a_custom_row_names_each_weight_and_its_shape():
    """Does a custom layer's row say "counted by Keras" and name each weight with its shape?"""
    ours = live.count_custom(json.loads(linear_layers().to_json()), CUSTOM_OBJECTS)
    assert [layer.formula for layer in ours.layers if layer.class_name == "Linear"] == [
        "counted by Keras: w 12×8 + b 8 = 104", "counted by Keras: w 8×4 + b 4 = 36"]


def test_the_command_line_counts_with_custom_objects(tmp_path, capsys):
    """Does `count MODEL --custom-objects FILE.py --live` count the ViT and agree with Keras (exit 0)?"""
    from autograder.cli import main

    path = tmp_path / "vit.json"
    path.write_text(vit_classifier().to_json())
    assert main(["count", str(path), "--custom-objects", str(USER_FILE), "--live", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["live"]["agrees"] and out["total"] == out["live"]["total"]
    assert main(["count", str(path)]) == 2
    assert "'Patches' (layer 'patches" in capsys.readouterr().err


# ---- what Keras itself cannot count from the config: one line saying why ---------------------------------------------

def _python_lambda_model():
    inputs = keras.Input((8,))
    return keras.Model(inputs, layers.Dense(3)(layers.Lambda(lambda t: t * 2)(inputs)))


def _never_built():
    return U.VAE()


def _no_config():
    model = U.NoConfig(3)
    model(np.zeros((1, 4)))
    return model


REFUSED = [(_python_lambda_model, "holds a Python lambda"), (_never_built, "saved before it was built"),
           (_no_config, "could not rebuild")]


@pytest.mark.parametrize(("build", "why"), REFUSED, ids=lambda v: getattr(v, "__name__", ""))
def test_what_keras_cannot_rebuild_is_one_line(build, why):
    """Is a model Keras cannot rebuild from its config refused in one line that says why?"""
    with pytest.raises(AutograderError, match=why) as refused:
        live.count_custom(json.loads(build().to_json()), CUSTOM_OBJECTS)
    assert "\n" not in str(refused.value)


def test_a_python_lambda_is_counted_in_unsafe_mode():
    """In Keras's unsafe mode (a file the user trusts), is a Lambda holding a Python lambda counted?"""
    from keras.src.saving.serialization_lib import SafeModeScope

    model = _python_lambda_model()
    with SafeModeScope(False):
        ours = live.count_custom(json.loads(model.to_json()))
    assert ours.params == live.count_model(model).params


def test_a_look_alike_is_never_counted_as_the_built_in():
    """Is the user's LayerNormalization refused alone, and counted as 16 with the user's file (not 32)?"""
    config = json.loads(look_alike_layer_normalization().to_json())
    with pytest.raises(UnknownLayerError, match="not Keras's own 'LayerNormalization'"):
        reference.count(config)
    assert live.count_custom(config, CUSTOM_OBJECTS).layer("norm").params.total == 16


def test_live_without_the_users_file_names_the_custom_layer():
    """With Keras but without the user's file, is the refusal about the custom layer, not the whole model?"""
    with pytest.raises(UnknownLayerError, match=r"'Patches' \(layer 'patches.*--custom-objects"):
        live.count_custom(json.loads(vit_classifier().to_json()))


def test_a_lambda_whose_function_keras_cannot_find_is_one_line():
    """With Keras but without the file defining a Lambda's function, does one line name the function?"""
    with pytest.raises(AutograderError, match=r"Lambda layer 'lambda.*'double'.*--custom-objects") as refused:
        live.count_custom(json.loads(lambda_named_function_without_shape().to_json()))
    assert "\n" not in str(refused.value)
