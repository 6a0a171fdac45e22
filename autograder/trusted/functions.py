"""Function questions, graded outside the notebook: the learner's function runs in a fresh
sandboxed process (``python -m autograder._runner``) on argument sets drawn at grading time.

The argument sets come from a secret seed (the course's, or a random one in self-study), so they
cannot be learnt from the notebook, the feedback or an earlier run. The process gets only the
arguments; the expected values are computed here, and so is the verdict.

The process answers on a pipe of its own (``reply_fd``), not on its standard output, which goes to
``/dev/null`` with its standard error. Learner code runs in that process and can write to the pipe
too, so the reply is read as it comes, at most :data:`REPLY_BYTES`: past that, or past its time,
the process and everything it started are killed. Whatever the learner's code writes, the grader
holds at most :data:`REPLY_BYTES` of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..grading.functions import CASES, TIME_LIMIT, Failure, cases, judge_all
from ..grading.questions import Question
from ..grading.verdicts import Verdict, judge_function
from .capture import rebuild
from .sandbox import Sandbox

__all__ = ["REPLY_BYTES", "WALL_SECONDS", "grade_function"]

WALL_SECONDS = 60  # the whole process at most: definitions (an `import keras` takes seconds) and calls
REPLY_BYTES = 2_000_000
POLL_SECONDS = 0.2  # how often the reader looks whether the process has exited


def grade_function(question: Question, cells: list[str], seed: str, cwd: Path,
                   sandbox: Sandbox | None, *, seconds: float = WALL_SECONDS) -> Verdict:
    """Run the learner's definitions and function in a fresh process for at most ``seconds`` (and
    :data:`WALL_SECONDS`); judge its results here."""
    drawn = cases(question, CASES, seed=seed)
    request = {"cells": cells, "name": question.function_name, "calls": [c.given for c in drawn],
               "seconds": TIME_LIMIT}
    seconds = min(seconds, WALL_SECONDS)
    reply = _run(request, cwd, sandbox, seconds) if seconds > 0 else {"problem": "slow"}
    if "results" not in reply:
        return Verdict.said(question.id, False, _problem(question, reply, seconds))
    return judge_function(question, *judge_all(question, zip(drawn, _results(reply["results"], len(drawn)),
                                                             strict=True)))


def _run(request: dict, cwd: Path, sandbox: Sandbox | None, seconds: float) -> dict:
    # -P: a learner's own autograder.py beside the notebook is not found; -s: no user site. Not -I: without
    # namespaces the stub package is found through PYTHONPATH, which the sandbox sets (its environment is clean).
    command = [sys.executable, "-P", "-s", "-m", "autograder._runner"]
    if sandbox is not None:
        sandbox.workdir = Path(cwd).resolve()
        command = sandbox.wrap(command)
    try:
        return _exchange(request, command, cwd, seconds)
    finally:
        if sandbox is not None:
            sandbox.cleanup()


def _exchange(request: dict, command: list[str], cwd: Path, seconds: float) -> dict:
    """Start the process with a reply pipe, send the request, read the reply as it comes; kill it all after."""
    reading, writing = os.pipe()
    try:
        try:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, pass_fds=(writing,), cwd=cwd, start_new_session=True)
        finally:
            os.close(writing)  # the process holds the only writing end: the pipe ends when it exits
        try:
            request = json.dumps({**request, "reply_fd": writing}).encode()
            threading.Thread(target=_send, args=(proc, request), daemon=True).start()  # never blocks the reader
            return _reply(_receive(proc, reading, time.monotonic() + seconds))
        finally:
            _kill(proc)
    except OSError:
        return {"problem": "crashed"}
    finally:
        os.close(reading)


def _send(proc: subprocess.Popen, request: bytes) -> None:
    with contextlib.suppress(OSError):  # a process that died at once answers nothing, which is read as a crash
        proc.stdin.write(request)
    with contextlib.suppress(OSError):
        proc.stdin.close()


def _receive(proc: subprocess.Popen, fd: int, deadline: float) -> bytes | str:
    """The bytes written to the reply pipe until the process exits, or "slow" / "flooded"."""
    chunks, size = [], 0
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(left, POLL_SECONDS))
        if not ready:
            if proc.poll() is not None:
                return b"".join(chunks)
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > REPLY_BYTES:
            return "flooded"
        chunks.append(chunk)
    return "slow"


def _reply(data: bytes | str) -> dict:
    if isinstance(data, str):
        return {"problem": data}
    try:
        reply = json.loads(data)
    except (ValueError, RecursionError):
        return {"problem": "crashed"}
    return reply if isinstance(reply, dict) else {"problem": "crashed"}


def _kill(proc: subprocess.Popen) -> None:
    """Kill the process and everything in its session, then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _problem(question: Question, reply: dict, seconds: float) -> str:
    name, problem = question.function_name, reply.get("problem")
    if problem == "missing":
        return (f"Not yet: no function `{name}` is defined in your notebook (grading runs its imports, "
                f"`def`s and assignments again). Expected `def {question.signature}: ...`.")
    if problem == "slow":
        return (f"Not yet: running your notebook's definitions and `{name}` took longer than the "
                f"{max(seconds, 0):.0f} s left for it; keep `{name}` and what it uses free of slow work.")
    if problem == "flooded":
        return (f"Not yet: the process running `{name}` wrote more than {REPLY_BYTES:,} bytes to the grader's "
                "channel, so it was stopped.")
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
