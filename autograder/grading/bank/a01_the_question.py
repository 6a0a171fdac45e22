"""Assignment 1, the question: where the seed model's 539 parameters come from (256 → 2 → 3 → 4)."""

from __future__ import annotations

from ...reference.core import dense
from ..variants import Derived, Size, Template
from ._spec import Arg, Bank

bank = Bank("a01_the_question")


def _seed(batch_size=None, first=2, name="seed"):
    import keras

    return keras.Sequential([
        keras.Input(shape=(256,), batch_size=batch_size, name="pixels"),
        keras.layers.Dense(first, activation="relu", name="dense"),
        keras.layers.Dense(3, activation="relu", name="dense_1"),
        keras.layers.Dense(4, name="dense_2"),
    ], name=name)


MODELS = {
    "seed": _seed,
    "seed_batch32": lambda: _seed(batch_size=32, name="seed_batch32"),
    "seed_wide": lambda: _seed(first=24, name="seed_wide"),
}


_SEED_CODE = """keras.Sequential([
    keras.Input(shape=({inputs},){_batch_arg}, name="pixels"),
    keras.layers.Dense({first}, activation="relu", name="dense"),
    keras.layers.Dense({second}, activation="relu", name="dense_1"),
    keras.layers.Dense({third}, name="dense_2"),
])"""
_SEED = (Size("inputs", "pixels.batch_shape.1", range(16, 1025)), Size("first", "dense.units", range(2, 33)),
         Size("second", "dense_1.units", range(2, 33)), Size("third", "dense_2.units", range(2, 33)))
_NO_BATCH = Derived("_batch_arg", (), lambda s: "")
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "seed": Template(_SEED_CODE, _SEED, (_NO_BATCH,), family="seed"),
    "seed_batch32": Template(_SEED_CODE, (*_SEED, Size("batch", "pixels.batch_shape.0", range(8, 257))),
                             (Derived("_batch_arg", (), lambda s: f", batch_size={s['batch']}"),), family="seed"),
    "seed_wide": Template(_SEED_CODE, (_SEED[0], Size("first", "dense.units", range(8, 65)), *_SEED[2:]),
                          (_NO_BATCH,)),
}


def questions():
    return [
        bank.count("dense.seed.layer1", "seed", "layer:dense",
                   "How many parameters does the seed model's first Dense layer (`dense`) have?"),
        bank.count("dense.seed.layer3", "seed", "layer:dense_2",
                   "How many parameters does the seed model's last layer (`dense_2`) have?"),
        bank.count("dense.seed.total", "seed", "total",
                   "How many parameters does the seed model have in all (what `count_params()` returns)?"),
        bank.count("seed.batch32.total", "seed_batch32", "total",
                   "The seed model again, with `keras.Input(shape=({inputs},), batch_size={batch})`: "
                   "how many parameters?"),
        bank.function("seed.fn.dense_params", "dense_params(inputs, units)",
                      (Arg("inputs", range(1, 2049)), Arg("units", range(1, 1025))),
                      lambda inputs, units: dense(units, inputs),
                      lambda inputs, units: ("Dense", {"units": units}, (None, inputs)),
                      "Write `dense_params(inputs, units)`: the parameters of a Dense layer with "
                      "`units` units on an input of `inputs` features."),
        bank.budget("seed.budget.first_width", "seed_wide", "total", ("dense", "units"),
                    "Choose the number of units of the first Dense layer (`dense`) so that the "
                    "model {inputs} → ? → {second} → {third} has exactly {target:,} parameters."),
    ]
