"""FLOPs formulas (autograder.reference.flops), without Keras: how they relate to the parameter formulas, how they
grow with image size and sequence length, and the errors they give."""

from __future__ import annotations

import dataclasses
import doctest

import pytest

from autograder import reference
from autograder.errors import ConfigError
from autograder.reference import flops


def test_docstring_examples():
    """Do the examples in the module's docstrings give the numbers and texts they show?"""
    assert doctest.testmod(flops).failed == 0


@pytest.mark.parametrize(("units", "inputs", "positions"), [(2, 256, 1), (64, 32, 1), (16, 8, 10)])
def test_dense_is_two_flops_per_kernel_weight_per_position(units, inputs, positions):
    """Is a Dense layer's forward pass 2 FLOPs per kernel weight (its parameters without the bias) at each
    position, and a training step 3 times that?"""
    kernel = reference.dense(units, inputs, use_bias=False).params.total
    counted = flops.dense(units, inputs, positions)
    assert counted.forward == 2 * kernel * positions
    assert counted.training == 3 * counted.forward


def test_the_formula_shows_its_arithmetic():
    """Does the formula write the product it computes, ending with the forward FLOPs it reports?"""
    counted = flops.dense(units=4, inputs=3, positions=5)
    assert counted.formula.startswith("2 × 5 × 3 × 4 = ")
    assert counted.formula.endswith(f"{counted.forward:,}") and str(counted) == counted.formula


@pytest.mark.parametrize("kwargs", [{}, {"strides": 2, "padding": "same"}, {"groups": 2},
                                    {"kernel_size": (1, 5), "dilation_rate": 2}])
def test_conv2d_is_kernel_weights_times_output_pixels(kwargs):
    """Is a Conv2D's forward pass 2 FLOPs per kernel weight per output pixel, the output size following the
    reference counter's own shape rule for the same strides, padding and dilation?"""
    kernel_size = kwargs.pop("kernel_size", 3)
    groups = kwargs.get("groups", 1)
    layer = {"filters": 8, "kernel_size": kernel_size, **kwargs}
    counted = reference.count_layer("Conv2D", layer, (None, 20, 24, 4))
    weights = reference.conv2d(8, kernel_size, 4, groups=groups, use_bias=False).params.total
    height, width = counted.output_shape[1:3]
    assert flops.conv2d(8, kernel_size, 4, (20, 24), **kwargs).forward == 2 * weights * height * width


def test_conv2d_flops_grow_with_the_image_and_parameters_do_not():
    """Does doubling the image's side about quadruple a convolution's FLOPs while its parameters stay the same?"""
    small = flops.conv2d(16, 3, 3, 64, padding="same")
    large = flops.conv2d(16, 3, 3, 128, padding="same")
    assert large.forward == 4 * small.forward
    params = [reference.count_layer("Conv2D", {"filters": 16, "kernel_size": 3}, (None, side, side, 3)).params
              for side in (64, 128)]
    assert params[0] == params[1]


def test_attention_parts_add_up():
    """Are MultiHeadAttention's forward FLOPs the sum of its parts: projections, scores and weighted sum?"""
    counted = flops.multi_head_attention(4, 8, 32, 16)
    assert counted.forward == sum(flops for _, flops in counted.parts)
    assert counted.part("projections") + counted.part("scores") + counted.part("weighted_sum") == counted.forward


def test_attention_projections_are_two_flops_per_kernel_weight_per_token():
    """Without bias, do the four projections cost 2 FLOPs per kernel weight per token, the query and output
    projections per query token, the key and value ones per value token?"""
    heads, key_dim, features, tokens = 4, 8, 32, 16
    kernels = reference.multi_head_attention(heads, key_dim, features, use_bias=False).params.total
    counted = flops.multi_head_attention(heads, key_dim, features, tokens)
    assert counted.part("projections") == 2 * kernels * tokens
    cross = flops.multi_head_attention(heads, key_dim, features, tokens, value_length=3 * tokens)
    assert cross.part("projections") == 2 * kernels * tokens * 2  # half per query token, half per value token


def test_attention_context_terms_grow_with_the_square_of_the_length():
    """Does doubling the sequence quadruple the scores and the weighted sum, while the projections double?"""
    short, long = (flops.multi_head_attention(4, 8, 32, n) for n in (100, 200))
    assert long.part("scores") == 4 * short.part("scores")
    assert long.part("weighted_sum") == 4 * short.part("weighted_sum")
    assert long.part("projections") == 2 * short.part("projections")


def test_value_dim_sizes_the_weighted_sum():
    """Does value_dim, not key_dim, size the weighted sum of the values (key_dim sizes the scores)?"""
    counted = flops.multi_head_attention(2, 4, 16, 10, value_dim=12)
    assert counted.part("weighted_sum") == 3 * counted.part("scores")


def test_per_token_is_2n_forward_and_6n_training():
    """Is the rule of thumb 2 FLOPs per parameter per token forward and 6 in training, without a context?"""
    rule = flops.per_token(1_000_000)
    assert (rule.forward, rule.training) == (2 * 1_000_000, 6 * 1_000_000)


def test_per_token_context_term_is_attentions_per_token():
    """Does per_token's context term equal what MultiHeadAttention's scores and weighted sum cost one token,
    over all layers, and its parameters term the rest?"""
    heads, key_dim, tokens, layers = 4, 8, 64, 3
    attention = flops.multi_head_attention(heads, key_dim, 32, tokens)
    context = (attention.part("scores") + attention.part("weighted_sum")) // tokens
    rule = flops.per_token(5000, layers=layers, context=tokens, attention_dim=heads * key_dim)
    assert rule.part("context") == layers * context
    assert rule.forward == rule.part("parameters") + rule.part("context")


@pytest.mark.parametrize(("call", "name"), [
    (lambda: flops.dense(0, 8), "units"),
    (lambda: flops.dense(4, None), "inputs"),
    (lambda: flops.dense(4, 8, positions=True), "positions"),
    (lambda: flops.conv2d(8, 3, 3, None), "image_size"),
    (lambda: flops.conv2d(8, 3, 3, 32, padding="full"), "padding"),
    (lambda: flops.multi_head_attention(2, 4, 16, 0), "query_length"),
    (lambda: flops.per_token(100, layers=2), "context"),
])
def test_bad_sizes_are_config_errors_naming_the_argument(call, name):
    """Is an unknown, zero or boolean size a ConfigError that names the argument and the value received?"""
    with pytest.raises(ConfigError, match=f"`{name}`"):
        call()


def test_groups_that_do_not_divide_are_refused():
    """Are groups that divide neither the channels nor the filters refused with both numbers in the message?"""
    with pytest.raises(ConfigError, match=r"groups=2 .*\(3\).*\(8\)"):
        flops.conv2d(8, 3, 3, 32, groups=2)


def test_an_unknown_part_names_the_parts_there_are():
    """Does asking for a part a count does not have raise a KeyError that lists the parts it has?"""
    with pytest.raises(KeyError, match="projections"):
        flops.multi_head_attention(2, 4, 16, 10).part("softmax")


def test_a_count_is_frozen():
    """Is a Flops value immutable, like the parameter counts?"""
    counted = flops.dense(2, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        counted.parts = ()
