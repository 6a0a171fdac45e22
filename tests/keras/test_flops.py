"""FLOPs from the formulas (``autograder.reference.flops``) against an independent measure: TensorFlow's profiler
counting the float operations of a built Keras model's graph (``tf.compat.v1.profiler``, 2 per multiply-add of a
MatMul or a convolution), and, for attention's score and weighted-sum products, which TensorFlow runs as einsums
it does not count, the shapes of the scores Keras returns."""

from __future__ import annotations

import pytest

from autograder.reference import flops

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def profiled(model: keras.Model, input_shape: tuple) -> dict[str, int]:
    """The float operations TensorFlow's profiler counts in ``model``'s graph on one example, by op name."""
    function = tf.function(model)
    graph = function.get_concrete_function(tf.TensorSpec((1, *input_shape), tf.float32)).graph
    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = builder(builder.float_operation()).with_empty_output().build()
    profile = tf.compat.v1.profiler.profile(graph, options=options)
    return {node.name: node.total_float_ops for node in profile.children}


def products(ops: dict[str, int]) -> int:
    """The float operations of the matrix products and convolutions (not bias adds, scales or softmax)."""
    return sum(n for name, n in ops.items() if name.endswith(("/MatMul", "/convolution", "/Conv2D")))


def test_dense_flops_are_the_profilers_matmul_flops():
    """Does a stack of Dense layers cost, by the formulas, the MatMul float operations TensorFlow counts?"""
    model = keras.Sequential([keras.Input((256,)), keras.layers.Dense(2), keras.layers.Dense(3),
                              keras.layers.Dense(4)])
    mine = sum(flops.dense(layer.units, layer.kernel.shape[0]).forward for layer in model.layers)
    assert mine == products(profiled(model, (256,)))


def test_dense_on_a_sequence_counts_every_position():
    """Is a Dense on a sequence of 7 vectors counted once per position, as TensorFlow counts it?"""
    model = keras.Sequential([keras.Input((7, 12)), keras.layers.Dense(5)])
    assert flops.dense(5, 12, positions=7).forward == products(profiled(model, (7, 12)))


@pytest.mark.parametrize("side", [32, 64])
@pytest.mark.parametrize("kwargs", [{}, {"strides": 2, "padding": "same"}])
def test_conv2d_flops_are_the_profilers_convolution_flops(side, kwargs):
    """Does a Conv2D cost, by the formula, the float operations TensorFlow counts for its convolution, at two
    image sizes (where Keras's parameter count stays the same)?"""
    model = keras.Sequential([keras.Input((side, side, 4)), keras.layers.Conv2D(8, 3, **kwargs)])
    mine = flops.conv2d(8, 3, 4, side, **kwargs).forward
    assert mine == products(profiled(model, (side, side, 4)))


def test_attention_flops_are_the_profilers_and_the_scores_shapes():
    """Do MultiHeadAttention's projections cost what TensorFlow counts for them, and its scores and weighted sum
    one multiply-add per entry of the scores Keras returns per key_dim (scores) and value_dim (weighted sum)?"""
    tokens, features, heads, key_dim, value_dim = 10, 16, 2, 4, 6
    layer = keras.layers.MultiHeadAttention(heads, key_dim, value_dim=value_dim)
    x = keras.Input((tokens, features))
    model = keras.Model(x, layer(x, x))
    counted = flops.multi_head_attention(heads, key_dim, features, tokens, value_dim=value_dim)
    assert counted.part("projections") == products(profiled(model, (tokens, features)))
    _, scores = layer(tf.zeros((1, tokens, features)), tf.zeros((1, tokens, features)),
                      return_attention_scores=True)
    entries = int(tf.size(scores))  # one per head, query token and key token
    assert counted.part("scores") == 2 * entries * key_dim
    assert counted.part("weighted_sum") == 2 * entries * value_dim


def test_grouped_conv2d_flops_follow_the_built_kernel():
    """Does a grouped Conv2D (which TensorFlow's profiler leaves uncounted) cost 2 FLOPs per weight of the kernel
    Keras built, per pixel of the output Keras computes?"""
    layer = keras.layers.Conv2D(8, 3, groups=2)
    model = keras.Sequential([keras.Input((32, 32, 4)), layer])
    height, width = model.output_shape[1:3]
    weights = int(tf.size(layer.kernel))
    assert flops.conv2d(8, 3, 4, 32, groups=2).forward == 2 * weights * height * width
