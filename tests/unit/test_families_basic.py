"""The formula functions of the core (rest), normalization, activations, regularization, merging
and preprocessing families, without Keras: their numbers, their derivation texts, their errors."""

from __future__ import annotations

import doctest

import pytest

from autograder import reference
from autograder.errors import ConfigError, ShapeError
from autograder.reference import (
    _axes,
    _einsum,
    activations,
    core,
    merging,
    normalization,
    preprocessing,
    regularization,
)

MODULES = [core, normalization, activations, regularization, merging, preprocessing, _axes, _einsum]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    """Do the examples in this family's docstrings give the numbers and texts they show?"""
    result = doctest.testmod(module)
    assert result.failed == 0


@pytest.mark.parametrize(("derivation", "text"), [
    (core.embedding(1000, 64), "1,000 × 64 = 64,000"),
    (core.einsum_dense("ab,bc->ac", 64, (None, 32), bias_axes="c"), "32 × 64 + 64 = 2,112"),
    (core.einsum_dense("abc,cde->abde", (None, 4, 8), (None, 7, 32)), "32 × 4 × 8 = 1,024"),
    (normalization.batch_normalization(64, center=False), "64 trainable; 2 × 64 = 128 non-trainable "
                                                          "(moving mean and variance)"),
    (normalization.layer_normalization((5, 3)), "2 × 5 × 3 = 30"),
    (normalization.layer_normalization(8, rms_scaling=True), "8"),
    (normalization.group_normalization(16, groups=4), "2 × 16 = 32"),
    (activations.p_re_lu((None, 8, 8, 3)), "8 × 8 × 3 = 192"),
    (preprocessing.normalization((4, 3)), "2 × 4 × 3 + 1 = 25 non-trainable (mean, variance and count)"),
])
def test_derivation_texts(derivation, text):
    """Does this formula function write its arithmetic the way a learner would read it?"""
    assert derivation.formula == text


@pytest.mark.parametrize("derivation", [
    normalization.unit_normalization(), activations.activation(), regularization.dropout(),
    merging.concatenate(), preprocessing.category_encoding(), preprocessing.normalization((3,), True),
])
def test_weightless_layers_count_zero(derivation):
    """Do the layers that learn nothing give 0 trainable and 0 non-trainable parameters?"""
    assert derivation.params == reference.ParamCount(0, 0)


@pytest.mark.parametrize("rank", [2, 5])
def test_lora_moves_the_table_to_non_trainable(rank):
    """Does LoRA on an Embedding freeze the table and train r × (input_dim + output_dim)?"""
    plain, lora = core.embedding(100, 8), core.embedding(100, 8, lora_rank=rank)
    assert lora.params.non_trainable == plain.params.trainable
    assert lora.params.trainable == rank * (100 + 8)


def test_einsum_lora_splits_the_kernel():
    """Does EinsumDense's LoRA train (kernel[:-1] × r) + (r × kernel[-1]) and keep the bias trainable?"""
    plain = core.einsum_dense("ab,bc->ac", 6, (None, 4), bias_axes="c")
    lora = core.einsum_dense("ab,bc->ac", 6, (None, 4), bias_axes="c", lora_rank=2)
    assert lora.params.non_trainable == plain.params.trainable - 6
    assert lora.params.trainable == 4 * 2 + 2 * 6 + 6


def test_batch_normalization_renorm_adds_three_vectors():
    """Does renorm add three non-trainable vectors to the moving mean and variance?"""
    assert normalization.batch_normalization(10, renorm=True).params.non_trainable == 5 * 10


def test_frozen_layer_inside_spectral_normalization():
    """Does a frozen wrapped layer stay all non-trainable inside SpectralNormalization?"""
    inner = core.dense(4, 8).freeze()
    outer = normalization.spectral_normalization(inner, 4)
    assert outer.params == reference.ParamCount(0, inner.params.total + 4)


@pytest.mark.parametrize(("shapes", "expected"), [
    (((None, 3, 1), (None, 1, 5)), (None, 3, 5)),
    (((None, 3, 4), (None, 4)), (None, 3, 4)),
    (((None, None, 4), (None, 2, 4)), (None, None, 4)),
])
def test_merge_broadcasting(shapes, expected):
    """Does an element-wise merge broadcast shapes the way Keras's merge layers do?"""
    assert reference.count_layer("Add", {}, *shapes).output_shape == expected


@pytest.mark.parametrize(("class_name", "config", "shapes", "error"), [
    ("Multiply", {}, [(None, 3), (None, 4)], ShapeError),
    ("Dot", {"axes": 1}, [(None, 3)], ShapeError),
    ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "z"}, [(None, 3)],
     ConfigError),
    ("PReLU", {"shared_axes": [7]}, [(None, 3)], ConfigError),
    ("Normalization", {"axis": 3}, [(None, 3)], ShapeError),
    ("SpectralNormalization", {"layer": {"class_name": "ReLU", "config": {}}}, [(None, 3)], ConfigError),
    ("CenterCrop", {"height": 2, "width": 2}, [(None, 3)], ShapeError),
])
def test_bad_inputs_are_clear_errors(class_name, config, shapes, error):
    """Is this impossible layer call refused with a typed error whose message says what to fix?"""
    with pytest.raises(error) as info:
        reference.count_layer(class_name, config, *shapes)
    assert len(str(info.value)) > 40


@pytest.mark.parametrize(("config", "inputs", "shape"), [
    ({}, (None, 1000, 2), (None, 6, 129 * 2)),
    ({"frame_length": 100, "frame_step": 30, "padding": "same", "mode": "real"}, (None, 1000, 2),
     (None, 34, 65 * 2)),
    ({"frame_length": 64, "mode": "stft", "expand_dims": True}, (None, 1000, 2), (None, 30, 66, 2)),
    ({"data_format": "channels_first"}, (None, 2, 1000), (None, 129 * 2, 6)),
])
def test_stft_spectrogram_shapes(config, inputs, shape):
    """Does STFTSpectrogram give the frames ⌊(T − frame_length) / step⌋ + 1 (valid) or ⌈T / step⌉
    (same) and fft_length / 2 + 1 bins per channel, as Keras's compute_output_shape does?"""
    assert reference.count_layer("STFTSpectrogram", config, inputs).output_shape == shape


def test_lambda_output_shape_nested():
    """Does a Lambda with several configured output shapes give each one the batch axis?"""
    layer = reference.count_layer("Lambda", {"output_shape": [[2], [3, 4]]}, (7, 6))
    assert layer.output_shape == [(7, 2), (7, 3, 4)]
