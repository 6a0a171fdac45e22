"""The `questions` and `check` commands: JSON shapes and exit codes."""

from __future__ import annotations

import json

import pytest

from autograder import reference
from autograder.cli import main
from autograder.grading.questions import amount, get_question


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "keys.json"))


def test_questions_json_lists_every_question(capsys):
    """Does `questions --json` print each question with id, assignment, kind, asks and model?"""
    assert main(["questions", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) >= 40
    counts = [q for q in data if q["kind"] == "count"]
    assert all(q["model"]["class_name"] in ("Sequential", "Functional") for q in counts)


def test_questions_table_and_unknown_assignment(capsys):
    """Does the table print, and does an unknown assignment exit 2 with a message?"""
    assert main(["questions", "--assignment", "a06_recurrent"]) == 0
    assert "rnn.lstm.layer" in capsys.readouterr().out
    assert main(["questions", "--assignment", "a99"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


def test_check_exit_codes_and_json(capsys):
    """Does `check` exit 0 when right, 1 when wrong (the feedback's parts and the mistake code in JSON),
    2 for an unknown id?"""
    q = get_question("dense.seed.layer1")
    key = amount(reference.count(q.model), q.asks)
    assert main(["check", q.id, str(key)]) == 0
    assert main(["check", q.id, str(key - 2), "--json"]) == 1
    out = capsys.readouterr().out
    verdict = json.loads(out[out.index("{"):])
    assert (verdict["question"], verdict["correct"], verdict["mistake"]) == (q.id, False, "BIAS_MISSING")
    assert verdict["headline"] == "Not yet: 512 is too low." and "[BIAS_MISSING]" in verdict["misconception"]
    assert verdict["hint"] and "512" not in verdict["hint"] and verdict["feedback"].startswith(verdict["headline"])
    assert main(["check", "nope", "1"]) == 2
    assert main(["check", q.id, "five"]) == 1
    assert main(["check", "rnn.fn.lstm_params", "1"]) == 2


def test_grading_with_the_committed_keys_imports_no_keras():
    """In a fresh process, does `from autograder import check` and grading every count question
    leave TensorFlow, Keras and NumPy unimported (the committed keys are warm)?"""
    import subprocess
    import sys

    probe = ("import sys\nfrom autograder import check, reference\nfrom autograder.grading import all_questions\n"
             "from autograder.grading.questions import amount\n"
             "for q in all_questions():\n"
             "    if q.kind == 'count': check(q.id, amount(reference.count(q.model), q.asks))\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'numpy')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]" and done.stderr == ""
