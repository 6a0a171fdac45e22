"""Which answers are numbers: ints, NumPy integers and whole floats; everything else gets a message."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.grading.answers import LARGEST, describe, parse_count


class AlwaysEqual:
    """An answer that claims to equal everything."""

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class EqualInt(int):
    """An int whose == is always true and whose __index__ lies."""

    def __eq__(self, other):
        return True

    def __index__(self):
        return 999

    __hash__ = int.__hash__


class BrokenRepr:
    def __repr__(self):
        raise RuntimeError("no repr")


@given(st.integers(min_value=0, max_value=LARGEST))
def test_every_non_negative_int_up_to_the_limit_is_accepted(n):
    """Is every int from 0 to 10**18 accepted as itself?"""
    assert parse_count(n).value == n


@given(st.integers(min_value=0, max_value=2**52))
def test_whole_floats_are_accepted(n):
    """Is a float with no fraction (514.0) accepted as the int it equals?"""
    parsed = parse_count(float(n))
    assert parsed.ok and parsed.value == n and type(parsed.value) is int


@pytest.mark.parametrize("answer", [True, False, "514", b"514", None, math.nan, math.inf, -math.inf, [514],
                                   (514,), {514}, {"a": 514}, 513.5, -1, -514.0, 10**18 + 1, 1e19,
                                   AlwaysEqual(), object(), 514j, BrokenRepr()])
def test_odd_answers_get_a_message_and_no_value(answer):
    """Does each odd answer (bool, str, None, NaN, inf, a list, a fraction, a negative, a huge
    number, an object whose == is always true) give a clear message instead of a value or a crash?"""
    parsed = parse_count(answer)
    assert not parsed.ok and parsed.value is None
    assert "answer" in parsed.problem.lower() and len(parsed.problem) > 30


def test_an_int_subclass_is_read_by_its_value_not_its_methods():
    """Is an int subclass with a lying __eq__ and __index__ read as its real value?"""
    assert parse_count(EqualInt(5)).value == 5


def test_numpy_numbers():
    """Are NumPy integers and whole NumPy floats accepted, and NumPy booleans and fractions refused?"""
    np = pytest.importorskip("numpy")
    assert parse_count(np.int64(514)).value == 514
    assert parse_count(np.uint16(514)).value == 514
    assert parse_count(np.float32(514.0)).value == 514
    assert not parse_count(np.float64(513.5)).ok
    assert not parse_count(np.bool_(True)).ok
    assert not parse_count(np.array([514])).ok


def test_describe_never_raises_and_stays_short():
    """Does describing an answer survive a broken __repr__ and cut long ones short?"""
    assert "BrokenRepr" in describe(BrokenRepr())
    assert len(describe(list(range(1000)))) <= 60
