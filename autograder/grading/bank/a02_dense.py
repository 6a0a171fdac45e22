"""Assignment 2, Dense: a weight per input per unit and a bias per unit, on any input rank."""

from __future__ import annotations

from ...reference.core import dense
from ..variants import Size, Template
from ._spec import Arg, Bank

bank = Bank("a02_dense")


def _mlp(hidden=128, name="mlp"):
    import keras

    return keras.Sequential([
        keras.Input(shape=(784,), name="image"),
        keras.layers.Dense(hidden, activation="relu", name="hidden"),
        keras.layers.Dense(64, activation="relu", name="hidden_2"),
        keras.layers.Dense(10, activation="softmax", name="classes"),
    ], name=name)


def _no_bias():
    import keras

    return keras.Sequential([
        keras.Input(shape=(100,), name="features"),
        keras.layers.Dense(50, use_bias=False, name="projection"),
        keras.layers.Dense(20, name="scores"),
    ], name="no_bias")


def _sequence():
    import keras

    return keras.Sequential([
        keras.Input(shape=(20, 16), name="steps"),
        keras.layers.Dense(8, name="per_step"),
    ], name="per_step_dense")


MODELS = {"mlp": _mlp, "mlp_budget": lambda: _mlp(hidden=200, name="mlp_budget"),
          "no_bias": _no_bias, "per_step_dense": _sequence}


_MLP_CODE = """keras.Sequential([
    keras.Input(shape=({inputs},), name="image"),
    keras.layers.Dense({hidden}, activation="relu", name="hidden"),
    keras.layers.Dense({hidden_2}, activation="relu", name="hidden_2"),
    keras.layers.Dense({classes}, activation="softmax", name="classes"),
])"""
_MLP = (Size("inputs", "image.batch_shape.1", range(64, 1025)), Size("hidden", "hidden.units", range(16, 513)),
        Size("hidden_2", "hidden_2.units", range(8, 257)), Size("classes", "classes.units", range(2, 33)))
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "mlp": Template(_MLP_CODE, _MLP),
    "mlp_budget": Template(_MLP_CODE, _MLP),
    "no_bias": Template("""keras.Sequential([
    keras.Input(shape=({inputs},), name="features"),
    keras.layers.Dense({projection}, use_bias=False, name="projection"),
    keras.layers.Dense({scores}, name="scores"),
])""", (Size("inputs", "features.batch_shape.1", range(16, 513)),
        Size("projection", "projection.units", range(4, 257)), Size("scores", "scores.units", range(2, 65)))),
    "per_step_dense": Template("""keras.Sequential([
    keras.Input(shape=({steps}, {features}), name="steps"),
    keras.layers.Dense({units}, name="per_step"),
])""", (Size("steps", "steps.batch_shape.1", range(5, 101)), Size("features", "steps.batch_shape.2", range(4, 129)),
        Size("units", "per_step.units", range(2, 65)))),
}


def questions():
    return [
        bank.count("dense.mlp.hidden", "mlp", "layer:hidden",
                   "In the MLP {inputs} → {hidden} → {hidden_2} → {classes}, how many parameters does `hidden` have?"),
        bank.count("dense.mlp.total", "mlp", "total", "How many parameters does the MLP have in all?"),
        bank.count("dense.nobias.total", "no_bias", "total",
                   "The model {inputs} → {projection} (`use_bias=False`) → {scores}: how many parameters in all?"),
        bank.count("dense.sequence.layer", "per_step_dense", "layer:per_step",
                   "A Dense({units}) layer applied to an input of shape ({steps}, {features}): how many parameters?"),
        bank.function("dense.fn.dense_params", "dense_params(inputs, units, use_bias=True)",
                      (Arg("inputs", range(1, 4097)), Arg("units", range(1, 2049)),
                       Arg("use_bias", (True, False), default=True)),
                      lambda inputs, units, use_bias=True: dense(units, inputs, use_bias),
                      lambda inputs, units, use_bias=True: (
                          "Dense", {"units": units, "use_bias": use_bias}, (None, inputs)),
                      "Write `dense_params(inputs, units, use_bias=True)`."),
        bank.budget("dense.budget.hidden", "mlp_budget", "total", ("hidden", "units"),
                    "Choose the width of `hidden` in {inputs} → ? → {hidden_2} → {classes} so that the model "
                    "has exactly {target:,} parameters."),
    ]
