"""Assignment 3, trainable or not: BatchNormalization's moving statistics and frozen layers."""

from __future__ import annotations

from ...reference.normalization import batch_normalization
from ..variants import Size, Template
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


_BN_CODE = """keras.Sequential([
    keras.Input(shape=({inputs},), name="features"),
    keras.layers.Dense({units}, name="dense"),
    keras.layers.BatchNormalization(name="batch_norm"),
    keras.layers.Dense(1, name="score"),
])"""
_BN = (Size("inputs", "features.batch_shape.1", range(8, 257)), Size("units", "dense.units", range(8, 257)))
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "dense_bn": Template(_BN_CODE, _BN),
    "dense_bn_budget": Template(_BN_CODE, _BN),
    "frozen_base": Template("""base = keras.layers.Dense({units}, activation="relu", name="pretrained")
base.trainable = False
keras.Sequential([
    keras.Input(shape=({inputs},), name="features"),
    base,
    keras.layers.Dense({classes}, name="head"),
])""", (Size("inputs", "features.batch_shape.1", range(8, 257)), Size("units", "pretrained.units", range(8, 257)),
        Size("classes", "head.units", range(2, 33)))),
}


def questions():
    return [
        bank.count("trainable.bn.trainable", "dense_bn", "trainable",
                   "{inputs} → Dense({units}) → BatchNormalization → Dense(1): how many trainable parameters?"),
        bank.count("trainable.bn.non_trainable", "dense_bn", "non_trainable",
                   "The same model: how many non-trainable parameters?"),
        bank.count("trainable.frozen.trainable", "frozen_base", "trainable",
                   "{inputs} → Dense({units}) with `trainable = False` → Dense({classes}): "
                   "how many trainable parameters?"),
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
                    "In {inputs} → Dense(?) → BatchNormalization → Dense(1), choose the Dense width so that "
                    "the model has exactly {target:,} non-trainable parameters."),
    ]
