"""Function questions, graded outside the notebook: the learner's function runs in a fresh
sandboxed process (``python -m autograder._runner``) on argument sets drawn at grading time.

The argument sets come from a secret seed (the course's, or a random one in self-study), so they
cannot be learnt from the notebook, the feedback or an earlier run. The process gets only the
arguments; the expected values are computed here, and so is the verdict.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..grading.functions import CASES, TIME_LIMIT, Failure, cases, judge_all
from ..grading.questions import Question
from ..grading.verdicts import Verdict, judge_function
from .capture import rebuild
from .sandbox import Sandbox

__all__ = ["WALL_SECONDS", "grade_function"]

WALL_SECONDS = 60  # the whole process: definitions (an `import keras` takes seconds) and calls
REPLY_BYTES = 2_000_000


def grade_function(question: Question, cells: list[str], seed: str, cwd: Path,
                   sandbox: Sandbox | None) -> Verdict:
    """Run the learner's definitions and function in a fresh process; judge its results here."""
    drawn = cases(question, CASES, seed=seed)
    request = {"cells": cells, "name": question.function_name, "calls": [c.given for c in drawn],
               "seconds": TIME_LIMIT}
    reply = _run(request, cwd, sandbox)
    if "results" not in reply:
        return Verdict.said(question.id, False, _problem(question, reply))
    return judge_function(question, *judge_all(question, zip(drawn, _results(reply["results"], len(drawn)),
                                                             strict=True)))


def _run(request: dict, cwd: Path, sandbox: Sandbox | None) -> dict:
    # -P: a learner's own autograder.py beside the notebook is not found; -s: no user site. Not -I: without
    # namespaces the stub package is found through PYTHONPATH, which the sandbox sets (its environment is clean).
    command = [sys.executable, "-P", "-s", "-m", "autograder._runner"]
    if sandbox is not None:
        sandbox.workdir = Path(cwd).resolve()
        command = sandbox.wrap(command)
    try:
        done = subprocess.run(command, input=json.dumps(request), capture_output=True, text=True,
                              timeout=WALL_SECONDS, cwd=cwd, check=False)
    except subprocess.TimeoutExpired:
        return {"problem": "slow"}
    finally:
        if sandbox is not None:
            sandbox.cleanup()
    try:
        reply = json.loads(done.stdout[:REPLY_BYTES])
    except ValueError:
        return {"problem": "crashed"}
    return reply if isinstance(reply, dict) else {"problem": "crashed"}


def _problem(question: Question, reply: dict) -> str:
    name, problem = question.function_name, reply.get("problem")
    if problem == "missing":
        return (f"Not yet: no function `{name}` is defined in your notebook (grading runs its imports, "
                f"`def`s and assignments again). Expected `def {question.signature}: ...`.")
    if problem == "slow":
        return (f"Not yet: running your notebook's definitions and `{name}` took longer than "
                f"{WALL_SECONDS} s; keep `{name}` and what it uses free of slow work.")
    if problem == "crashed":
        return f"Not yet: the process running `{name}` stopped before it reported (exit(), a crash or a limit)."
    shown = rebuild(problem) if isinstance(problem, dict) else None
    return f"Expected a function, `def {question.signature}: ...`, got {shown.value!r}." if shown and shown.found \
        else f"Expected a function, `def {question.signature}: ...`."


def _results(raw: object, n: int) -> list:
    """Each reported result as a value or a Failure; missing ones were never called."""
    raw = raw if isinstance(raw, list) else []
    out = [_result(item) for item in raw[:n]]
    return out + [Failure("was not called: the time limit was used up by earlier calls (is the function slow?)")
                  ] * (n - len(out))


def _result(item: object):
    if not isinstance(item, dict):
        return Failure("returned something the grader cannot read")
    if item.get("timeout"):
        return Failure(f"did not return within {TIME_LIMIT:g} seconds (an infinite loop?)")
    if "raised" in item:
        return Failure(f"raised {str(item.get('raised'))[:60]}: {str(item.get('text'))[:200]}")
    captured = rebuild(item)
    return captured.value if captured.found else Failure("returned something the grader cannot read")
