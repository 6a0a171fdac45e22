"""check() and verdict(): right, wrong, odd, functions that fail, budgets, and the grader-bug path."""

from __future__ import annotations

import sys

import pytest

from autograder import check, reference
from autograder.errors import QuestionError
from autograder.grading import all_questions, used_keras_to_count, verdict, verify
from autograder.grading.questions import amount, get_question


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "keys.json"))


def _key(question_id: str) -> int:
    q = get_question(question_id)
    return amount(reference.count(q.model), q.asks)


def lstm_params(input_dim, units, use_bias=True):
    return 4 * (units * (input_dim + units) + units * use_bias)


def test_check_returns_for_a_right_answer_and_raises_feedback_for_a_wrong_one():
    """Does check() return for the key and raise AssertionError carrying the feedback otherwise?"""
    assert check("dense.seed.layer1", _key("dense.seed.layer1")) is None
    with pytest.raises(AssertionError, match="Not yet"):
        check("dense.seed.layer1", _key("dense.seed.layer1") + 1)


def test_check_on_an_unknown_id_raises_question_error():
    """Does an unknown question id raise QuestionError, not AssertionError?"""
    with pytest.raises(QuestionError):
        check("no.such.question", 1)


def test_wrong_feedback_gives_the_direction_but_never_the_key():
    """Does generic feedback say too high / too low and name a layer, without the expected number?"""
    key = _key("dense.mlp.total")
    for answer, word in ((key + 7, "too high"), (key - 7, "too low")):
        result = verdict("dense.mlp.total", answer)
        assert not result.correct and result.mistake is None and word in result.feedback
        assert str(key) not in result.feedback.replace(",", "") and "`hidden`" in result.feedback


def test_odd_answers_get_no_credit_and_no_crash():
    """Do True, '514', None and a list get a message and no credit?"""
    for answer in (True, "514", None, [514], float("nan")):
        result = verdict("dense.seed.layer1", answer)
        assert not result.correct and result.mistake is None and result.feedback


def test_a_right_function_passes_and_a_three_gate_lstm_is_named():
    """Is a right lstm_params accepted, and a three-gate one named LSTM_GATES_MISSING with the failing call?"""
    assert verdict("rnn.fn.lstm_params", lstm_params).correct
    result = verdict("rnn.fn.lstm_params", lambda input_dim, units, use_bias=True:
                     lstm_params(input_dim, units, use_bias) // 4 * 3)
    assert result.mistake == "LSTM_GATES_MISSING" and "lstm_params(input_dim=" in result.feedback


@pytest.mark.parametrize(("function", "words"), [
    (lambda input_dim, units, use_bias=True: 1 / 0, "raised ZeroDivisionError"),
    (lambda input_dim, units, use_bias=True: "many", "not a usable count"),
    (lambda input_dim, units: 4 * units, "TypeError"),
    (lambda input_dim, units, use_bias=True: sys.exit(1), "SystemExit"),
])
def test_a_failing_function_gets_its_failure_reported(function, words):
    """Is a learner function that raises, returns text or has the wrong signature reported, not crashing?"""
    result = verdict("rnn.fn.lstm_params", function)
    assert not result.correct and words in result.feedback


def test_an_infinite_loop_is_stopped(monkeypatch):
    """Is a learner function that never returns stopped by the time limit?"""
    from autograder.grading import functions

    monkeypatch.setattr(functions, "TIME_LIMIT", 0.5)

    def forever(input_dim, units, use_bias=True):
        while True:
            pass

    result = verdict("rnn.fn.lstm_params", forever)
    assert not result.correct and "did not return" in result.feedback


def test_a_non_callable_answer_to_a_function_question():
    """Does a number given to a function question ask for a function?"""
    assert "Expected a function" in verdict("rnn.fn.lstm_params", 19200).feedback


def test_budget_right_wrong_and_impossible_values():
    """Does a budget question accept the stored knob, refuse others with a direction, and refuse 0?"""
    q = get_question("rnn.budget.lstm_units")
    stored = next(layer for layer in q.model["config"]["layers"] if layer["config"]["name"] == "lstm")
    units = stored["config"]["units"]
    assert verdict(q.id, units).correct
    assert "too many" in verdict(q.id, units + 1).feedback
    assert "too few" in verdict(q.id, units - 1).feedback
    assert not verdict(q.id, 0).correct


def test_a_disagreement_with_keras_is_a_grader_bug_and_costs_nothing(monkeypatch):
    """When live Keras disagrees with the reference, is the learner given credit with a GRADER BUG message?"""
    monkeypatch.setattr(verify, "live_record", lambda config: {"trainable": -1, "non_trainable": 0, "layers": {}})
    result = verdict("dense.seed.layer1", 12345)
    assert result.correct and result.feedback.startswith("GRADER BUG")


def test_verification_can_be_switched_off(monkeypatch):
    """With AUTOGRADER_VERIFY=0, is live verification skipped entirely?"""
    monkeypatch.setenv("AUTOGRADER_VERIFY", "0")
    monkeypatch.setattr(verify, "live_record", lambda config: pytest.fail("verification ran"))
    assert verdict("dense.seed.layer1", _key("dense.seed.layer1")).correct


def test_the_cache_is_used_and_written_atomically(monkeypatch, tmp_path):
    """Is a model not in the committed keys measured once, cached by content, then read from the cache?"""
    monkeypatch.setattr(verify, "COMMITTED", tmp_path / "none.json")
    calls = []
    model = get_question("dense.seed.layer1").model
    record = verify.record_of(reference.count(model))
    monkeypatch.setattr(verify, "_measure", lambda config: calls.append(1) or record)
    assert verify.live_record(model) == record and verify.live_record(model) == record
    assert calls == [1] and verify.fingerprint(model) in verify.cache_path().read_text()


@pytest.mark.parametrize(("source", "used"), [
    ("answer = model.count_params()", True),
    ("model.summary()\nanswer = 514", True),
    ("from autograder.reference import count\nanswer = count(m).total", True),
    ("import autograder\nanswer = autograder.reference.count(m).total", True),
    ("%time x = 1\nanswer = 2 * (256 + 1)", False),
    ("# model.count_params() would be cheating\nanswer = 514", False),
    ("answer = 'count_params()'", False),
    ("answer = model.count_params(", True),
    ("def summary(n):\n    return n * 2\nanswer = summary(257)", False),
    ("from helpers import count_layer\nanswer = count_layer(2, 256)", False),
    (None, False),
])
def test_used_keras_to_count(source, used):
    """Does the AST check spot count_params()/summary()/the counter, and ignore comments, strings and a
    learner's own helpers called by their bare names?"""
    assert used_keras_to_count(source) is used


def test_an_answer_computed_by_keras_gets_no_credit():
    """With source= showing count_params(), is even the right number refused, with a message saying why?"""
    result = verdict("dense.seed.layer1", _key("dense.seed.layer1"), source="answer = model.count_params()")
    assert not result.correct and "count_params()" in result.feedback


@pytest.mark.parametrize("question", [q for q in all_questions() if q.kind == "function"], ids=lambda q: q.id)
def test_each_function_question_accepts_its_reference_solution(question):
    """Does every function question accept a solution computed by its reference formula, and refuse one off by one?"""
    def solution(**kwargs):
        return question.formula(**kwargs).params.total

    assert verdict(question.id, solution).correct
    result = verdict(question.id, lambda **kwargs: solution(**kwargs) + 1)
    assert not result.correct and f"{question.function_name}(" in result.feedback


def test_the_time_limit_also_holds_outside_the_main_thread(monkeypatch):
    """Is a looping function stopped when grading runs in a worker thread (no signals there)?"""
    import threading

    from autograder.grading import functions

    monkeypatch.setattr(functions, "TIME_LIMIT", 0.3)
    box = []

    def forever(input_dim, units, use_bias=True):
        while True:
            pass

    worker = threading.Thread(target=lambda: box.append(verdict("rnn.fn.lstm_params", forever)))
    worker.start()
    worker.join(10)
    assert box and "did not return" in box[0].feedback


def _store_many(args):
    path, start = args
    import os

    os.environ["AUTOGRADER_CACHE"] = path
    for i in range(start, start + 20):
        verify._store(f"key{i}", {"trainable": i, "non_trainable": 0, "layers": {}})


def test_several_processes_can_write_the_cache_at_once(tmp_path):
    """When several processes add keys to the cache at the same time, is every key kept and the file valid?"""
    import json
    from concurrent.futures import ProcessPoolExecutor

    path = str(tmp_path / "keys.json")
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_store_many, [(path, 0), (path, 100), (path, 200)]))
    data = json.loads((tmp_path / "keys.json").read_text())
    assert len(data) == 60


def test_hidden_tests_draw_other_arguments():
    """Do hidden=True checks call the function with a different seeded set of arguments?"""
    from autograder.grading.functions import cases

    q = get_question("rnn.fn.lstm_params")
    assert cases(q) == cases(q) and cases(q) != cases(q, hidden=True)
    assert verdict(q.id, lstm_params, hidden=True).correct
