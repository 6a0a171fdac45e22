"""The reference counter's fast paths, without Keras: lazily written texts, shapes found once,
and the graph walk's fallback when a config lists a layer before its inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import reference
from autograder.errors import ConfigError
from autograder.reference import Call, product, term, total

SIAMESE = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "siamese.json"


@pytest.mark.parametrize(("expr", "text"), [
    (term(2) * (term(256) + 1), "2 × (256 + 1)"),
    ((term(3) + 4) * (term(5) + 6), "(3 + 4) × (5 + 6)"),
    (term(3) * 4 + term(5) * 6, "3 × 4 + 5 × 6"),
    (1 + term(2), "2 + 1"),
    (2 * term(3), "2 × 3"),
    (term(16, "32 / 2") * term(64), "(32 / 2) × 64"),
    (term(1234567), "1,234,567"),
    (product([]), "1"),
    (total([]), "0"),
])
def test_text_is_written_as_before(expr, text):
    """Is the text, written only when asked for, the arithmetic exactly as the learner reads it?"""
    assert expr.text == text


def test_deep_sum_is_written_without_recursion():
    """Does a sum of 5,000 terms write its text without hitting Python's recursion limit?"""
    expr = total(range(1, 5001))
    assert expr.value == sum(range(1, 5001))
    assert expr.text.startswith("1 + 2 + 3") and expr.text.endswith("4,999 + 5,000")


def test_equality_does_not_depend_on_when_text_is_written():
    """Are two equal expressions equal, with equal hashes, whether or not one was written first?"""
    first, second = term(3) * (term(4) + 5), term(3) * (term(4) + 5)
    assert first.text
    assert first == second and hash(first) == hash(second)
    assert first != term(3) * term(9)


def test_shared_parts_are_written_once_and_correctly():
    """Does an expression reusing one part in two places write both places the same?"""
    window = term(3) * term(3)
    assert (window * term(8) + window * term(2)).text == "3 × 3 × 8 + 3 × 3 × 2"


def test_call_shapes_in_order():
    """Are a call's shapes listed positional first, then keyword, inside lists and dicts?"""
    call = Call(((None, 1), [(None, 2), {"a": (None, 3)}]), {"mask": None, "b": [(None, 4)]})
    assert call.shapes == [(None, 1), (None, 2), (None, 3), (None, 4)]
    assert call.shape == (None, 1)


def test_layers_listed_before_their_inputs_still_count():
    """Does a Functional config listing a layer before the layers it is called on count the same?"""
    config = json.loads(SIAMESE.read_text())
    expected = reference.count(config).to_dict()
    config["config"]["layers"].reverse()  # outputs first: each pass resolves one more level
    shuffled = reference.count(config).to_dict()
    assert sorted(shuffled["layers"], key=lambda layer: layer["name"]) == sorted(
        expected["layers"], key=lambda layer: layer["name"])
    assert shuffled["total"] == expected["total"]


def test_non_dict_layer_in_a_graph_is_refused():
    """Is a Functional config whose layers hold a non-dict entry refused with a clear error?"""
    config = json.loads(SIAMESE.read_text())
    config["config"]["layers"].append("dense")
    with pytest.raises(ConfigError, match="expected each entry"):
        reference.count(config)
