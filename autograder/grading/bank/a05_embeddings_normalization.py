"""Assignment 5, embeddings and normalization: lookup tables and per-feature scales."""

from __future__ import annotations

from ...reference.core import embedding
from ..variants import Derived, Size, Template
from ._spec import Arg, Bank

bank = Bank("a05_embeddings_normalization")


def _text(output_dim=64, name="text_classifier"):
    import keras

    return keras.Sequential([
        keras.Input(shape=(100,), dtype="int32", name="tokens"),
        keras.layers.Embedding(10000, output_dim, name="embedding"),
        keras.layers.GlobalAveragePooling1D(name="average"),
        keras.layers.Dense(1, activation="sigmoid", name="score"),
    ], name=name)


def _norms():
    import keras

    return keras.Sequential([
        keras.Input(shape=(16, 16, 3), name="image"),
        keras.layers.Conv2D(32, 3, use_bias=False, name="conv"),
        keras.layers.BatchNormalization(name="batch_norm"),
        keras.layers.Reshape((14 * 14, 32), name="tokens"),
        keras.layers.LayerNormalization(name="layer_norm"),
    ], name="norms")


MODELS = {"text_classifier": _text, "text_budget": lambda: _text(output_dim=50, name="text_budget"),
          "norms": _norms}


_TEXT_CODE = """keras.Sequential([
    keras.Input(shape=(100,), dtype="int32", name="tokens"),
    keras.layers.Embedding({vocab}, {dim}, name="embedding"),
    keras.layers.GlobalAveragePooling1D(name="average"),
    keras.layers.Dense(1, activation="sigmoid", name="score"),
])"""
_TEXT = (Size("vocab", "embedding.input_dim", range(1000, 50001, 500)),
         Size("dim", "embedding.output_dim", range(8, 257)))
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "text_classifier": Template(_TEXT_CODE, _TEXT),
    "text_budget": Template(_TEXT_CODE, _TEXT),
    "norms": Template("""keras.Sequential([
    keras.Input(shape=({side}, {side}, 3), name="image"),
    keras.layers.Conv2D({filters}, 3, use_bias=False, name="conv"),
    keras.layers.BatchNormalization(name="batch_norm"),
    keras.layers.Reshape(({out} * {out}, {filters}), name="tokens"),
    keras.layers.LayerNormalization(name="layer_norm"),
])""", (Size("side", ("image.batch_shape.1", "image.batch_shape.2"), range(8, 33)),
        Size("filters", "conv.filters", range(8, 129))),
        (Derived("out", (), lambda s: s["side"] - 2),
         Derived("_target", "tokens.target_shape", lambda s: [s["out"] ** 2, s["filters"]]))),
}


def questions():
    return [
        bank.count("embed.text.embedding", "text_classifier", "layer:embedding",
                   "Embedding({vocab}, {dim}): how many parameters does `embedding` have?"),
        bank.count("embed.text.total", "text_classifier", "total",
                   "Embedding({vocab}, {dim}) → GlobalAveragePooling1D → Dense(1): how many parameters in all?"),
        bank.count("norm.conv_bn.non_trainable", "norms", "non_trainable",
                   "Conv2D({filters}, 3, use_bias=False) → BatchNormalization → Reshape → LayerNormalization: "
                   "how many non-trainable parameters?"),
        bank.count("norm.conv_bn.total", "norms", "total", "The same model: how many parameters in all?"),
        bank.count("norm.layer_norm.layer", "norms", "layer:layer_norm",
                   "The same model: how many parameters does `layer_norm` have?"),
        bank.function("embed.fn.embedding_params", "embedding_params(input_dim, output_dim)",
                      (Arg("input_dim", range(1, 100001)), Arg("output_dim", range(1, 1025))),
                      embedding,
                      lambda input_dim, output_dim: (
                          "Embedding", {"input_dim": input_dim, "output_dim": output_dim}, (None, 10)),
                      "Write `embedding_params(input_dim, output_dim)`."),
        bank.budget("embed.budget.output_dim", "text_budget", "layer:embedding", ("embedding", "output_dim"),
                    "Choose `output_dim` so that an Embedding with a vocabulary of {vocab:,} has exactly "
                    "{target:,} parameters."),
    ]
