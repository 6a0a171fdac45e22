"""The reference counter: exact Keras 3 parameter counts from a model config.

Standard library only: it never imports TensorFlow or Keras. It reads a model
config, infers each layer's output shape, and derives each layer's trainable and
non-trainable parameters with the arithmetic shown::

    >>> from autograder import reference
    >>> reference.dense(units=2, inputs=256).formula
    '2 × (256 + 1) = 514'

One module per Keras layer family, mirroring ``keras/src/layers``, and ``operations`` for the
Keras ops (``keras/src/ops``) that functional graphs record. Importing this package imports every
family module, which registers its rules.
"""

from __future__ import annotations

from typing import Any

# Every family module, so that its @register lines run (reference.attention.attention and
# reference.preprocessing.normalization are two formulas named like their modules: reachable as attributes).
from . import (  # noqa: F401 -- imported for their registrations
    activations,
    applications,
    attention,
    convolutional,
    core,
    merging,
    models,
    normalization,
    operations,
    pooling,
    preprocessing,
    regularization,
    reshaping,
    rnn,
)
from ._expr import Expr, product, term, total
from ._load import load_config, load_text
from ._registry import (
    Call,
    Counted,
    Fallback,
    apply_layer,
    current_fallback,
    falling_back,
    known_classes,
    overriding,
    register,
    rule_for,
)
from ._shapes import data_format, split_spatial
from ._types import Derivation, LayerCount, ModelCount, ParamCount, Shape
from .applications import layer_scale
from .attention import additive_attention, group_query_attention, multi_head_attention
from .convolutional import (
    conv1d,
    conv1d_transpose,
    conv2d,
    conv2d_transpose,
    conv3d,
    conv3d_transpose,
    depthwise_conv1d,
    depthwise_conv2d,
    separable_conv1d,
    separable_conv2d,
)
from .core import dense, einsum_dense, embedding
from .models import walk_model
from .normalization import (
    batch_normalization,
    group_normalization,
    layer_normalization,
    rms_normalization,
    spectral_normalization,
)
from .quantize import refuse_hidden_quantization
from .rnn import conv_lstm1d, conv_lstm2d, conv_lstm3d, gru, lstm, simple_rnn

__all__ = [
    "Call",
    "Counted",
    "Derivation",
    "Expr",
    "Fallback",
    "LayerCount",
    "ModelCount",
    "ParamCount",
    "Shape",
    "additive_attention",
    "batch_normalization",
    "conv1d",
    "conv1d_transpose",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "conv_lstm1d",
    "conv_lstm2d",
    "conv_lstm3d",
    "count",
    "count_layer",
    "current_fallback",
    "data_format",
    "dense",
    "depthwise_conv1d",
    "depthwise_conv2d",
    "einsum_dense",
    "embedding",
    "falling_back",
    "group_normalization",
    "group_query_attention",
    "gru",
    "known_classes",
    "layer_normalization",
    "layer_scale",
    "load_config",
    "load_text",
    "lstm",
    "multi_head_attention",
    "overriding",
    "product",
    "register",
    "rms_normalization",
    "rule_for",
    "separable_conv1d",
    "separable_conv2d",
    "simple_rnn",
    "spectral_normalization",
    "split_spatial",
    "term",
    "total",
]


def count(source: Any, overrides: dict | None = None, fallback: Fallback | None = None) -> ModelCount:
    """Count a model: JSON text, a dict, a path to a .json or .keras file, or a Keras model.

    ``overrides`` maps Keras class names to replacement rules (the misconception
    catalogue uses it to compute the number a wrong formula would give). ``fallback`` counts
    what no rule can (see :func:`falling_back`); ``autograder.live.count_custom`` passes one."""
    model = load_config(source)
    refuse_hidden_quantization(model)
    with overriding(overrides or {}), falling_back(fallback):
        layers, _, params = walk_model(model)
    config = model["config"]
    return ModelCount(config.get("name", "model"), model["class_name"], tuple(layers), params)


def count_layer(class_name: str, config: dict, *input_shapes: Shape) -> LayerCount:
    """Count one layer called on the given input shape(s), e.g.
    ``count_layer("Dense", {"units": 2}, (None, 256))``; missing keys take Keras's defaults."""
    counted = apply_layer({"class_name": class_name, "config": config}, Call.on(*input_shapes))
    return LayerCount(config.get("name", class_name.lower()), class_name, counted.output,
                      counted.derivation, counted.children)
