"""Merging layers against live Keras: broadcasting, concatenation and dot products."""

from __future__ import annotations

import keras
import pytest

from autograder import reference
from autograder.errors import ShapeError
from tests.keras.compare import assert_matches_keras

L = keras.layers
ELEMENTWISE = [L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum]


def merged(shapes, layer, head=True):
    """A functional model merging Inputs of ``shapes`` with ``layer``, then a Dense."""
    inputs = [keras.Input(shape=s) for s in shapes]
    x = layer(inputs)
    return keras.Model(inputs, L.Dense(2)(x) if head else x)


@pytest.mark.parametrize("layer", ELEMENTWISE)
@pytest.mark.parametrize("shapes", [[(4,), (4,)], [(3, 4), (1, 4)], [(3, 4), (4,)], [(3, 1), (1, 5)]])
def test_elementwise_merges_broadcast(layer, shapes):
    """Does this element-wise merge broadcast its inputs' shapes exactly as Keras does?"""
    assert_matches_keras(merged(shapes, layer()))


@pytest.mark.parametrize("layer", [L.Add, L.Maximum])
def test_elementwise_merge_of_three(layer):
    """Does an element-wise merge of three inputs keep the broadcast shape?"""
    assert_matches_keras(merged([(2, 4), (2, 1), (4,)], layer()))


@pytest.mark.parametrize(("shapes", "axis"), [
    ([(4,), (6,)], -1), ([(3, 4), (3, 2), (3, 1)], -1), ([(3, 4), (5, 4)], 1), ([(2, 3, 4), (2, 3, 4)], 2),
])
def test_concatenate(shapes, axis):
    """Does Concatenate add the sizes along its axis, as Keras does?"""
    assert_matches_keras(merged(shapes, L.Concatenate(axis=axis)))


@pytest.mark.parametrize(("shapes", "axes", "normalize"), [
    ([(4,), (4,)], 1, False), ([(4,), (4,)], -1, True), ([(3, 4), (5, 4)], (2, 2), False),
    ([(3, 4), (3, 5)], (1, 1), False), ([(3, 4), (4, 5)], (2, 1), True),
])
def test_dot(shapes, axes, normalize):
    """Does Dot contract the given axes and give Keras's output shape?"""
    assert_matches_keras(merged(shapes, L.Dot(axes=axes, normalize=normalize)))


def test_add_incompatible_shapes_is_a_shape_error():
    """Is Add on shapes that cannot broadcast refused as a ShapeError naming Add?"""
    with pytest.raises(ShapeError, match="Add cannot broadcast"):
        reference.count_layer("Add", {}, (None, 3), (None, 4))


def test_subtract_needs_two_inputs():
    """Is Subtract on three inputs refused with a message saying it takes exactly 2?"""
    with pytest.raises(ShapeError, match=r"Subtract.*exactly 2"):
        reference.count_layer("Subtract", {}, (None, 3), (None, 3), (None, 3))


def test_concatenate_mismatch_is_a_shape_error():
    """Is Concatenate of inputs differing off the axis refused as a ShapeError naming Concatenate?"""
    with pytest.raises(ShapeError, match="Concatenate"):
        reference.count_layer("Concatenate", {"axis": -1}, (None, 3, 4), (None, 5, 4))


def test_dot_size_mismatch_is_a_shape_error():
    """Is Dot over axes of different sizes refused as a ShapeError naming Dot?"""
    with pytest.raises(ShapeError, match="Dot"):
        reference.count_layer("Dot", {"axes": 1}, (None, 3), (None, 4))
