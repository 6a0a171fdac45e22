"""Answer capture: what the kernel publishes is data, checked and rebuilt outside the kernel."""

from __future__ import annotations

import numpy as np
import pytest
from nbformat.v4 import new_output

from autograder._capture import MIME as KERNEL_MIME
from autograder._capture import describe
from autograder.grading.answers import parse_count
from autograder.trusted.capture import MIME, capture_code, read_answer


def _published(payload: dict, question: str = "q.one"):
    return new_output("display_data", data={MIME: dict(payload, question=question), "text/plain": "x"})


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class Liar(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


def test_both_sides_agree_on_the_mime_type():
    """Do the kernel-side reporter and the trusted reader use one MIME type?"""
    assert MIME == KERNEL_MIME


@pytest.mark.parametrize(("value", "parsed"), [
    (514, 514), (np.int64(514), 514), (514.0, 514), (Liar(3), 3), (128 * (784 + 1.0), 100480),
])
def test_numbers_survive_the_round_trip(value, parsed):
    """Is a number the kernel describes read back as exactly the int it holds (never its __eq__)?"""
    captured = read_answer([_published(describe(value))], "q.one")
    assert captured.found and parse_count(captured.value).value == parsed


@pytest.mark.parametrize(("value", "words"), [
    ("514", "text"), (True, "boolean"), (None, "None"), (AlwaysEqual(), "AlwaysEqual"), (1.5, "fractional"),
    (float("nan"), "NaN"), ([514], "list"),
])
def test_odd_answers_get_feedback_and_no_credit(value, words):
    """Does an odd answer come back as something the answer checks refuse, with words saying why?"""
    captured = read_answer([_published(describe(value))], "q.one")
    parsed = parse_count(captured.value)
    assert captured.found and not parsed.ok and words in parsed.problem


@pytest.mark.parametrize("payload", [
    {"kind": "int", "value": "1e9"}, {"kind": "int", "value": 514}, {"kind": "int", "value": "9" * 500},
    {"kind": "float", "value": "1" * 100}, {"kind": "banana"}, {"kind": "other", "type": "x; import os", "repr": 5},
])
def test_forged_payloads_are_refused_or_harmless(payload):
    """Does a payload the real reporter never writes give no answer, or one that is not a number?"""
    captured = read_answer([_published(payload)], "q.one")
    assert not captured.found or not parse_count(captured.value).ok


def test_no_report_means_no_answer():
    """When the test cell published nothing (it did not run), is there no answer, with the reason?"""
    error = new_output("error", ename="CellNotRun", evalue="the kernel stopped", traceback=[])
    captured = read_answer([error], "q.one")
    assert not captured.found and "the kernel stopped" in captured.problem


def test_reports_for_other_questions_and_conflicting_reports_are_not_answers():
    """Is a report for another question ignored, and are two different reports for this one refused?"""
    assert not read_answer([_published(describe(514), "q.other")], "q.one").found
    twice = [_published(describe(514)), _published(describe(9))]
    assert "more than one" in read_answer(twice, "q.one").problem


def test_the_capture_line_names_the_question_and_the_variable():
    """Is the line that replaces a test cell a single call for that question's variable?"""
    line = capture_code("dense.mlp.hidden", "answer")
    assert line.count("\n") == 0 and "'dense.mlp.hidden'" in line and "lambda: answer" in line
