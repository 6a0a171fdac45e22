"""Assignment 8, functional models: shared layers count once, nested and frozen models."""

from __future__ import annotations

from ...reference.core import dense
from ..variants import Size, Template
from ._spec import Arg, Bank

bank = Bank("a08_functional")


def _siamese(width=32, name="siamese"):
    import keras

    left = keras.Input(shape=(64,), name="left")
    right = keras.Input(shape=(64,), name="right")
    shared = keras.layers.Dense(width, activation="relu", name="shared")
    joined = keras.layers.Concatenate(name="join")([shared(left), shared(right)])
    out = keras.layers.Dense(1, name="score")(joined)
    return keras.Model([left, right], out, name=name)


def _towers():
    import keras

    text = keras.Input(shape=(300,), name="text")
    image = keras.Input(shape=(512,), name="image")
    a = keras.layers.Dense(64, name="text_tower")(text)
    b = keras.layers.Dense(32, name="image_tower")(image)
    out = keras.layers.Dense(8, name="head")(keras.layers.Concatenate(name="join")([a, b]))
    return keras.Model([text, image], out, name="two_towers")


def _nested():
    import keras

    encoder = keras.Sequential([keras.Input(shape=(40,), name="x"),
                                keras.layers.Dense(16, name="enc_dense"),
                                keras.layers.BatchNormalization(name="enc_bn")], name="encoder")
    encoder.trainable = False
    inputs = keras.Input(shape=(40,), name="features")
    out = keras.layers.Dense(4, name="head")(encoder(inputs))
    return keras.Model(inputs, out, name="frozen_encoder")


MODELS = {"siamese": _siamese, "siamese_budget": lambda: _siamese(width=20, name="siamese_budget"),
          "two_towers": _towers, "frozen_encoder": _nested}


_SIAMESE_CODE = """left = keras.Input(shape=({features},), name="left")
right = keras.Input(shape=({features},), name="right")
shared = keras.layers.Dense({width}, activation="relu", name="shared")
joined = keras.layers.Concatenate(name="join")([shared(left), shared(right)])
out = keras.layers.Dense({outputs}, name="score")(joined)
keras.Model([left, right], out)"""
_SIAMESE = (Size("features", ("left.batch_shape.1", "right.batch_shape.1"), range(8, 257)),
            Size("width", "shared.units", range(4, 129)), Size("outputs", "score.units", range(1, 9)))
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "siamese": Template(_SIAMESE_CODE, _SIAMESE),
    "siamese_budget": Template(_SIAMESE_CODE, _SIAMESE),
    "two_towers": Template("""text = keras.Input(shape=({text},), name="text")
image = keras.Input(shape=({image},), name="image")
a = keras.layers.Dense({a}, name="text_tower")(text)
b = keras.layers.Dense({b}, name="image_tower")(image)
out = keras.layers.Dense({units}, name="head")(keras.layers.Concatenate(name="join")([a, b]))
keras.Model([text, image], out)""", (Size("text", "text.batch_shape.1", range(50, 1025)),
                                     Size("image", "image.batch_shape.1", range(64, 2049)),
                                     Size("a", "text_tower.units", range(8, 257)),
                                     Size("b", "image_tower.units", range(8, 257)),
                                     Size("units", "head.units", range(2, 33)))),
    "frozen_encoder": Template("""encoder = keras.Sequential([
    keras.Input(shape=({features},), name="x"),
    keras.layers.Dense({enc}, name="enc_dense"),
    keras.layers.BatchNormalization(name="enc_bn"),
], name="encoder")
encoder.trainable = False
inputs = keras.Input(shape=({features},), name="features")
out = keras.layers.Dense({units}, name="head")(encoder(inputs))
keras.Model(inputs, out)""", (Size("features", ("features.batch_shape.1", "x.batch_shape.1"), range(8, 257)),
                              Size("enc", "enc_dense.units", range(4, 129)),
                              Size("units", "head.units", range(2, 33)))),
}


def questions():
    return [
        bank.count("functional.siamese.total", "siamese", "total",
                   "One Dense({width}) layer applied to two inputs of {features} features, concatenated, then "
                   "Dense({outputs}): how many parameters in all?"),
        bank.count("functional.siamese.shared", "siamese", "layer:shared",
                   "The same model: how many parameters does `shared` have?"),
        bank.count("functional.towers.head", "two_towers", "layer:head",
                   "Two towers, Dense({a}) on {text} features and Dense({b}) on {image}, concatenated, then "
                   "Dense({units}) (`head`): how many parameters does `head` have?"),
        bank.count("functional.nested.trainable", "frozen_encoder", "trainable",
                   "A frozen encoder (Dense({enc}) → BatchNormalization on {features} features) → Dense({units}): "
                   "how many trainable parameters?"),
        bank.count("functional.nested.non_trainable", "frozen_encoder", "non_trainable",
                   "The same model: how many non-trainable parameters?"),
        bank.function("functional.fn.concat_dense_params", "concat_dense_params(width_a, width_b, units)",
                      (Arg("width_a", range(1, 1025)), Arg("width_b", range(1, 1025)),
                       Arg("units", range(1, 513))),
                      lambda width_a, width_b, units: dense(units, width_a + width_b),
                      lambda width_a, width_b, units: ("Dense", {"units": units}, (None, width_a + width_b)),
                      "Write `concat_dense_params(width_a, width_b, units)`: a Dense(units) layer "
                      "applied to the concatenation of two tensors of `width_a` and `width_b` features."),
        bank.budget("functional.budget.shared_width", "siamese_budget", "total", ("shared", "units"),
                    "In the siamese model (a shared Dense(?) on two inputs of {features} features, "
                    "concatenated, then Dense({outputs})), choose the shared width so that the model has "
                    "exactly {target:,} parameters."),
    ]
