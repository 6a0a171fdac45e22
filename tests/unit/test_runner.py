"""The function runner: only definitions run again, each call is guarded, the reply is data."""

from __future__ import annotations

import json
import subprocess
import sys

from autograder import _runner


def _run(cells, name="f", calls=({"x": 2},), seconds=2.0):
    request = {"cells": list(cells), "name": name, "calls": list(calls), "seconds": seconds, "statement_seconds": 1}
    done = subprocess.run([sys.executable, "-I", "-m", "autograder._runner"], input=json.dumps(request),
                          capture_output=True, text=True, timeout=60, check=False)
    return json.loads(done.stdout)


def test_only_definitions_are_kept():
    """Are imports, defs, classes and assignments kept, and loops, calls and prints left out?"""
    kept = _runner.definitions("import math\nx = 1\nprint(x)\nwhile True: pass\ndef f(): pass\nclass C: pass")
    assert [type(m.body[0]).__name__ for m in kept] == ["Import", "Assign", "FunctionDef", "ClassDef"]
    assert _runner.definitions("%timeit f()\n!ls\ny = 2")[0].body[0].targets[0].id == "y"
    assert _runner.definitions("def broken(:") == []


def test_the_function_runs_on_each_call_and_its_prints_stay_out_of_the_reply():
    """Is each call's result described, with the learner's prints kept off the reply channel?"""
    reply = _run(["import sys\ndef f(x):\n    print('noise'); print('more', file=sys.stderr)\n    return x * 10"],
                 calls=[{"x": 2}, {"x": 3}])
    assert [r["value"] for r in reply["results"]] == ["20", "30"]


def test_an_endless_scratch_cell_does_not_stop_the_function():
    """Does a top-level endless loop get skipped (not a definition) and an endless assignment cut short?"""
    reply = _run(["while True: pass", "y = [i for i in iter(int, 1)]", "def f(x):\n    return x"])
    assert reply["results"][0]["value"] == "2"


def test_exceptions_timeouts_and_missing_functions_are_results():
    """Are an exception, an endless call and a missing function reported as data, not crashes?"""
    assert _run(["def f(x):\n    return 1 / 0"])["results"][0]["raised"] == "ZeroDivisionError"
    looped = _run(["def f(x):\n    while True:\n        pass"], calls=[{"x": 1}, {"x": 2}], seconds=0.5)
    assert looped["results"] == [{"timeout": True}]
    assert _run(["g = 1"])["problem"] == "missing"
