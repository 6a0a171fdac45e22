"""Assignment 3, trainable or not: BatchNormalization's moving statistics and frozen layers."""

from __future__ import annotations

from ...reference.normalization import batch_normalization
from ._spec import Arg, Bank

bank = Bank("a03_trainable")


def _bn(units=32, name="dense_bn"):
    import keras

    return keras.Sequential([
        keras.Input(shape=(20,), name="features"),
        keras.layers.Dense(units, name="dense"),
        keras.layers.BatchNormalization(name="batch_norm"),
        keras.layers.Dense(1, name="score"),
    ], name=name)


def _frozen():
    import keras

    base = keras.layers.Dense(64, activation="relu", name="pretrained")
    base.trainable = False
    return keras.Sequential([
        keras.Input(shape=(32,), name="features"),
        base,
        keras.layers.Dense(10, name="head"),
    ], name="frozen_base")


MODELS = {"dense_bn": _bn, "dense_bn_budget": lambda: _bn(units=48, name="dense_bn_budget"),
          "frozen_base": _frozen}


def questions():
    return [
        bank.count("trainable.bn.trainable", "dense_bn", "trainable",
                   "20 → Dense(32) → BatchNormalization → Dense(1): how many trainable parameters?"),
        bank.count("trainable.bn.non_trainable", "dense_bn", "non_trainable",
                   "The same model: how many non-trainable parameters?"),
        bank.count("trainable.frozen.trainable", "frozen_base", "trainable",
                   "32 → Dense(64) with `trainable = False` → Dense(10): how many trainable parameters?"),
        bank.count("trainable.frozen.total", "frozen_base", "total",
                   "The same model: how many parameters in all (what `count_params()` returns)?"),
        bank.function("trainable.fn.batch_normalization_params",
                      "batch_normalization_params(features, center=True, scale=True)",
                      (Arg("features", range(1, 4097)), Arg("center", (True, False), default=True),
                       Arg("scale", (True, False), default=True)),
                      lambda features, center=True, scale=True: batch_normalization(
                          features, center, scale),
                      lambda features, center=True, scale=True: (
                          "BatchNormalization", {"center": center, "scale": scale}, (None, features)),
                      "Write `batch_normalization_params(features, center=True, scale=True)`: all "
                      "the parameters, trainable or not, of BatchNormalization on `features` features."),
        bank.budget("trainable.budget.bn_width", "dense_bn_budget", "non_trainable", ("dense", "units"),
                    "In 20 → Dense(?) → BatchNormalization → Dense(1), choose the Dense width so that "
                    "the model has exactly {target:,} non-trainable parameters."),
    ]
