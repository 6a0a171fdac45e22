"""Assignment 10, fine-tuning, compression, memory and compute: LoRA's trainable split, what quantize("int8")
adds, the bytes training takes with SGD, momentum and Adam, and a convolution's FLOPs."""

from __future__ import annotations

from ...reference import Derivation, flops, term
from ...reference.memory import ITEMSIZE, OPTIMIZERS
from ..variants import Size, Template
from ._spec import Arg, Bank

bank = Bank("a10_fine_tuning_memory")


def _lora_mlp(rank=4, name="lora_mlp"):
    import keras

    features = keras.Input(shape=(256,), name="features")
    x = keras.layers.Dense(128, activation="relu", lora_rank=rank, name="hidden")(features)
    out = keras.layers.Dense(10, lora_rank=4, name="output")(x)
    return keras.Model(features, out, name=name)


def _int8_mlp():
    import keras

    features = keras.Input(shape=(256,), name="features")
    x = keras.layers.Dense(128, activation="relu", name="hidden")(features)
    model = keras.Model(features, keras.layers.Dense(10, name="output")(x), name="int8_mlp")
    model.quantize("int8")
    return model


MODELS = {"lora_mlp": _lora_mlp, "lora_budget": lambda: _lora_mlp(6, "lora_budget"), "int8_mlp": _int8_mlp}


_LORA_CODE = """features = keras.Input(shape=({features},), name="features")
x = keras.layers.Dense({hidden}, activation="relu", lora_rank={rank}, name="hidden")(features)
out = keras.layers.Dense({outputs}, lora_rank={out_rank}, name="output")(x)
keras.Model(features, out)"""
_LORA = (Size("features", "features.batch_shape.1", range(32, 1025, 8)),
         Size("hidden", "hidden.units", range(16, 513, 8)), Size("outputs", "output.units", range(2, 33)),
         Size("rank", "hidden.lora_rank", range(2, 33)), Size("out_rank", "output.lora_rank", range(1, 17)))
TEMPLATES = {  # how each model varies per learner (autograder/grading/variants.py)
    "lora_mlp": Template(_LORA_CODE, _LORA),
    "lora_budget": Template(_LORA_CODE, _LORA),
    "int8_mlp": Template("""features = keras.Input(shape=({features},), name="features")
x = keras.layers.Dense({hidden}, activation="relu", name="hidden")(features)
model = keras.Model(features, keras.layers.Dense({outputs}, name="output")(x))
model.quantize("int8")
model""", (Size("features", "features.batch_shape.1", range(32, 1025, 8)),
                            Size("hidden", "hidden.units", range(16, 513, 8)),
                            Size("outputs", "output.units", range(2, 33)))),
}


def training_bytes(params, optimizer):
    """float32 training: the weights, a gradient per weight and the optimizer's slots per weight, 4 bytes each
    (Keras's ``optimizer.build``: SGD none, momentum one, Adam and AdamW two)."""
    return Derivation(term(params) * term(ITEMSIZE["float32"]) * term(2 + OPTIMIZERS[optimizer]),
                      note="bytes: weights + gradients + optimizer slots")


_KERAS_OPTIMIZERS = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}), "adam": ("Adam", {}),
                     "adamw": ("AdamW", {})}


def _live_training_bytes(params, optimizer):
    """Live Keras: a float32 variable of ``params`` values, its gradient (as large), and the variables
    ``optimizer.build`` creates for it, without the optimizer's scalars (its step and learning rate)."""
    import keras

    weights = keras.Variable(keras.ops.zeros((params,)), dtype="float32")
    name, options = _KERAS_OPTIMIZERS[optimizer]
    keras_optimizer = getattr(keras.optimizers, name)(**options)
    keras_optimizer.build([weights])
    slots = sum(v.numpy().nbytes for v in keras_optimizer.variables if len(v.shape))
    return 2 * weights.numpy().nbytes + slots


def conv2d_flops(filters, kernel_size, input_channels, image_size):
    """A Conv2D's forward FLOPs on one image (padding "valid", stride 1): 2 per multiply-add, the products only."""
    counted = flops.conv2d(filters, kernel_size, input_channels, image_size)
    return Derivation(term(2) * counted.multiply_adds, note="forward FLOPs")


def _live_conv2d_flops(filters, kernel_size, input_channels, image_size):
    """TensorFlow's profiler on the graph of a Keras Conv2D applied to one image: its convolution's float
    operations (as book chapter 12 measures them)."""
    import keras
    import tensorflow as tf

    inputs = keras.Input((image_size, image_size, input_channels))
    model = keras.Model(inputs, keras.layers.Conv2D(filters, kernel_size)(inputs))
    spec = tf.TensorSpec((1, image_size, image_size, input_channels), tf.float32)
    graph = tf.function(model).get_concrete_function(spec).graph
    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = builder(builder.float_operation()).with_empty_output().build()
    nodes = tf.compat.v1.profiler.profile(graph, options=options).children
    return sum(n.total_float_ops for n in nodes if n.name.endswith("/convolution"))


LIVE = {"memory.fn.training_bytes": _live_training_bytes,  # measured with live Keras (and TensorFlow) by the tests
        "compute.fn.conv2d_flops": _live_conv2d_flops}


def questions():
    return [
        bank.count("lora.mlp.trainable", "lora_mlp", "trainable",
                   "{features} features → Dense({hidden}, lora_rank={rank}) → Dense({outputs}, "
                   "lora_rank={out_rank}), both with biases: how many trainable parameters?"),
        bank.count("lora.mlp.non_trainable", "lora_mlp", "non_trainable",
                   "The same model: how many non-trainable parameters?"),
        bank.count("quant.int8.total", "int8_mlp", "total",
                   "{features} features → Dense({hidden}) → Dense({outputs}), then `model.quantize(\"int8\")`: "
                   "how many parameters does `count_params()` return?"),
        bank.count("quant.int8.trainable", "int8_mlp", "trainable",
                   "The same quantized model: how many trainable parameters?"),
        bank.function("memory.fn.training_bytes", "training_bytes(params, optimizer)",
                      (Arg("params", range(1, 1_000_001)), Arg("optimizer", tuple(_KERAS_OPTIMIZERS))),
                      training_bytes, None,
                      "Write `training_bytes(params, optimizer)`: the bytes that training `params` float32 "
                      "trainable parameters takes before activations (the weights, their gradients and the "
                      "optimizer's variables per weight, leaving out its two scalars), for `optimizer` one of "
                      "'sgd', 'momentum' (SGD with momentum), 'adam' or 'adamw'."),
        bank.function("compute.fn.conv2d_flops", "conv2d_flops(filters, kernel_size, input_channels, image_size)",
                      (Arg("filters", range(1, 257)), Arg("kernel_size", (1, 3, 5, 7)),
                       Arg("input_channels", range(1, 257)), Arg("image_size", range(8, 257))),
                      conv2d_flops, None,
                      "Write `conv2d_flops(filters, kernel_size, input_channels, image_size)`: the FLOPs of one "
                      "forward pass of `Conv2D(filters, kernel_size)` (padding \"valid\", stride 1) on one "
                      "`image_size × image_size` image of `input_channels` channels, counting 2 FLOPs per "
                      "multiply-add and the products only (no bias)."),
        bank.budget("lora.budget.rank", "lora_budget", "trainable", ("hidden", "lora_rank"),
                    "{features} features → Dense({hidden}, lora_rank=?) → Dense({outputs}, lora_rank={out_rank}), "
                    "both with biases: choose the first layer's LoRA rank so that the model has exactly "
                    "{target:,} trainable parameters."),
    ]
