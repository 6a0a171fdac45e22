"""Preprocessing layers against live Keras: Normalization's stored statistics, and the
output shapes of the encoding, lookup and image layers."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers
IMAGE_SAME_SHAPE = [
    L.RandomFlip, lambda: L.RandomRotation(0.1), lambda: L.RandomZoom(0.1),
    lambda: L.RandomTranslation(0.1, 0.1), lambda: L.RandomContrast(0.2),
    lambda: L.RandomBrightness(0.2), lambda: L.Rescaling(1 / 255), L.RandomGrayscale,
    lambda: L.RandomHue(0.1, value_range=(0, 1)), L.Solarization, L.AutoContrast,
    L.RandomPerspective, lambda: L.RandomShear(0.1), L.RandomInvert, lambda: L.RandomSaturation(0.2),
    lambda: L.RandomSharpness(0.2), lambda: L.RandomPosterization(4, value_range=(0, 255)),
    L.RandomGaussianBlur, L.RandomErasing, lambda: L.RandomColorDegeneration(0.2), L.RandomColorJitter,
    L.RandAugment, L.AugMix, L.CutMix, L.MixUp, L.RandomElasticTransform,
    lambda: L.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 255)),
    lambda: L.MaxNumBoundingBoxes(5),
]


def one_layer(shape, layer, dtype="float32", head=False):
    """``Input(shape) → layer``, optionally followed by a Dense that depends on the output shape."""
    inputs = keras.Input(shape=shape, dtype=dtype)
    x = layer(inputs)
    return keras.Model(inputs, L.Dense(2)(x) if head else x)


@pytest.mark.parametrize(("shape", "kwargs"), [
    ((4, 3), {}), ((4, 3), {"axis": (1, 2)}), ((4, 3), {"axis": None}),
    ((4, 3), {"mean": 2.0, "variance": 3.0}), ((4, 3), {"mean": [1.0, 2.0, 3.0], "variance": [1.0] * 3}),
])
def test_normalization(shape, kwargs):
    """Does Normalization hold non-trainable mean, variance and count only when it is to be adapted?"""
    assert_matches_keras(one_layer(shape, L.Normalization(**kwargs)))


@pytest.mark.parametrize("layer", IMAGE_SAME_SHAPE)
def test_image_layers_keep_the_shape(layer):
    """Does this image augmentation layer hold no weights and keep the image's shape?"""
    assert_matches_keras(one_layer((8, 8, 3), layer(), head=True))


@pytest.mark.parametrize("layer", [lambda: L.Resizing(4, 5), lambda: L.CenterCrop(4, 5),
                                   lambda: L.RandomCrop(4, 5),
                                   lambda: L.Resizing(4, 5, data_format="channels_first")])
def test_image_layers_that_resize(layer):
    """Do Resizing, CenterCrop and RandomCrop give the configured height and width, as in Keras?"""
    assert_matches_keras(one_layer((8, 8, 3), layer(), head=True))


@pytest.mark.parametrize(("shape", "mode"), [((1,), "one_hot"), ((3,), "one_hot"), ((3,), "multi_hot"),
                                             ((3,), "count")])
def test_category_encoding(shape, mode):
    """Does CategoryEncoding shape its output as Keras does in this output_mode?"""
    assert_matches_keras(one_layer(shape, L.CategoryEncoding(7, output_mode=mode), "int32", head=True))


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_hashing(mode):
    """Does Hashing shape its output as Keras does in this output_mode?"""
    assert_matches_keras(one_layer((3,), L.Hashing(num_bins=5, output_mode=mode), "int32"))


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization(mode):
    """Does Discretization give as many bins as boundaries plus one, in Keras's shape?"""
    layer = L.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode)
    assert_matches_keras(one_layer((3,), layer))


@pytest.mark.parametrize(("shape", "kwargs"), [
    ((1,), {"output_mode": "int"}), ((4,), {"output_mode": "multi_hot"}),
    ((1,), {"output_mode": "one_hot"}), ((4,), {"output_mode": "count", "num_oov_indices": 2}),
    ((4,), {"output_mode": "multi_hot", "mask_token": ""}),
])
def test_string_lookup(shape, kwargs):
    """Does StringLookup's output width follow its vocabulary, OOV and mask tokens, as in Keras?"""
    layer = L.StringLookup(vocabulary=["a", "b", "c"], **kwargs)
    assert_matches_keras(one_layer(shape, layer, "string"))


def test_string_lookup_padded_to_max_tokens():
    """Does pad_to_max_tokens make the output max_tokens wide, as in Keras?"""
    layer = L.StringLookup(max_tokens=10, pad_to_max_tokens=True, output_mode="multi_hot")
    assert_matches_keras(one_layer((4,), layer, "string", head=True))


def test_integer_lookup():
    """Does IntegerLookup in count mode give Keras's output width?"""
    layer = L.IntegerLookup(vocabulary=[1, 2, 3], output_mode="count")
    assert_matches_keras(one_layer((4,), layer, "int64", head=True))


@pytest.mark.parametrize("kwargs", [
    {"max_tokens": 10, "output_sequence_length": 6}, {"max_tokens": 10},
    {"vocabulary": ["a", "b"], "output_mode": "multi_hot"},
    {"max_tokens": 10, "output_mode": "count", "pad_to_max_tokens": True},
    {"vocabulary": ["a", "b"], "output_mode": "tf_idf", "idf_weights": [0.5, 0.5]},
    {"vocabulary": ["a", "b"], "output_mode": "multi_hot", "split": None},
])
def test_text_vectorization(kwargs):
    """Does TextVectorization give Keras's output shape in this configuration?"""
    assert_matches_keras(one_layer((1,), L.TextVectorization(**kwargs), "string"))


@pytest.mark.parametrize("mode", ["int", "one_hot"])
def test_hashed_crossing(mode):
    """Does HashedCrossing of two features give Keras's output shape?"""
    a, b = keras.Input(shape=(1,), dtype="int32"), keras.Input(shape=(1,), dtype="int32")
    out = L.HashedCrossing(num_bins=6, output_mode=mode)((a, b))
    assert_matches_keras(keras.Model([a, b], out))


@pytest.mark.parametrize("shape", [(1000,), (None,)])
def test_mel_spectrogram(shape):
    """Does MelSpectrogram give Keras's (batch, mel bins, frames) shape and no weights?"""
    layer = L.MelSpectrogram(sequence_stride=100, num_mel_bins=32)
    assert_matches_keras(one_layer(shape, layer))


@pytest.mark.parametrize(("shape", "kwargs"), [
    ((1000, 2), {}), ((1000, 2), {"mode": "real", "frame_length": 100, "frame_step": 30, "padding": "same"}),
    ((1000, 2), {"mode": "stft", "frame_length": 64, "expand_dims": True}),
    ((1000, 2), {"mode": "imag", "fft_length": 512, "trainable": False}),
    ((2, 1000), {"data_format": "channels_first"}),
])
def test_stft_spectrogram(shape, kwargs):
    """Does STFTSpectrogram count its real and imaginary kernels and give Keras's shape?"""
    # window=None: a string window needs scipy, which the course does not depend on.
    assert_matches_keras(one_layer(shape, L.STFTSpectrogram(window=None, **kwargs)))


def test_pipeline():
    """Does a Pipeline own its layers' weights and apply their shapes in turn, as in Keras?"""
    layer = L.Pipeline([L.Normalization(), L.Resizing(4, 4), L.RandomFlip()])
    assert_matches_keras(one_layer((8, 8, 3), layer, head=True))


def test_lookup_without_vocabulary_size_is_a_clear_error():
    """Is a multi_hot lookup whose config lacks vocabulary_size refused with how to fix it?"""
    with pytest.raises(ConfigError, match=r"StringLookup.*vocabulary_size"):
        reference.count_layer("StringLookup", {"output_mode": "multi_hot"}, (None, 4))


def test_resizing_wrong_rank_is_a_shape_error():
    """Is Resizing on a rank-2 input refused as a ShapeError?"""
    with pytest.raises(ShapeError, match="images of rank 4"):
        reference.count_layer("Resizing", {"height": 4, "width": 4}, (None, 8))
