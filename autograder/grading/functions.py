"""Grading a learner's counting function on many seeded random arguments.

The same question always draws the same arguments (the random generator is seeded with
the question id), so feedback is reproducible. Each call is guarded: an exception, an odd
return value or a call that runs too long becomes a message naming the arguments, never
a crash of the grader. The expected value for the failing arguments is shown; the formula is not.

The time limit is an alarm signal where there is one (CPython's main thread), else a thread to
wait on, else (Pyodide in the browser: no threads, no ``setitimer``) :mod:`sys.monitoring`, which
checks the clock at every loop turn and call of the learner's code, so an endless loop still ends
with a verdict instead of a hung tab.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .answers import describe, parse_count
from .questions import Question

__all__ = ["CASES", "TIME_LIMIT", "Case", "Failure", "Outcome", "cases", "judge_all", "run_cases"]

CASES = 60  # random argument sets per question
TIME_LIMIT = 5.0  # seconds for all the calls of one question
NO_THREADS = ("emscripten", "wasi")  # sys.platform where Thread.start() raises (Pyodide is emscripten)
TOO_SLOW = f"did not return within {TIME_LIMIT:g} seconds (an infinite loop?)"


@dataclass(frozen=True)
class Case:
    """One set of arguments: what the learner's function is called with, and the full set."""

    given: dict
    full: dict

    def call_text(self, name: str) -> str:
        return f"{name}({', '.join(f'{k}={v!r}' for k, v in self.given.items())})"


@dataclass(frozen=True)
class Outcome:
    """The first failing case (None: every case passed) and what went wrong."""

    case: Case | None = None
    problem: str = ""
    got: int | None = None
    expected: int | None = None


def cases(question: Question, n: int = CASES, hidden: bool = False, seed: str | None = None) -> list[Case]:
    """The seeded argument sets: optional arguments are left out a third of the time.
    ``hidden`` draws a different set; ``seed`` (the trusted grader's secret) another again."""
    rng = random.Random(seed if seed is not None else f"{question.id}:hidden" if hidden else question.id)
    out = []
    for _ in range(n):
        given, full = {}, {}
        for arg in question.arguments:
            value = rng.choice(arg.values)
            full[arg.name] = value
            if not (arg.optional and rng.random() < 1 / 3):
                given[arg.name] = value
            else:
                full[arg.name] = arg.default
        out.append(Case(given, full))
    return out


def run_cases(question: Question, function: Callable, limit: float | None = None,
              hidden: bool = False) -> tuple[Outcome, list]:
    """Call ``function`` on every case; the first failure, and the (case, got, expected) mismatches."""
    deadline = time.monotonic() + (TIME_LIMIT if limit is None else limit)
    calls = ((case, _guarded(function, case.given, deadline - time.monotonic()))
             for case in cases(question, hidden=hidden))
    return judge_all(question, calls)


def judge_all(question: Question, results) -> tuple[Outcome, list]:
    """Judge ``(case, result)`` pairs (a result is the value returned or a :class:`Failure`), in
    order, stopping at the first failure that is not a number: later ones would repeat it."""
    mismatches = []
    first = Outcome()
    for case, result in results:
        expected = question.formula(**case.full).params.total
        outcome = _judge(question, case, result, expected)
        if outcome is None:
            continue
        first = first if first.case else outcome
        if outcome.got is None:
            break  # an exception, an odd type or a timeout: later cases would repeat it
        mismatches.append((case, outcome.got, expected))
    return first, mismatches


def _judge(question: Question, case: Case, result, expected: int) -> Outcome | None:
    name = question.function_name
    call = case.call_text(name)
    if isinstance(result, Failure):
        return Outcome(case, f"{call} {result.text}")
    parsed = parse_count(result, "a parameter count")
    if not parsed.ok:
        return Outcome(case, f"{call} returned {describe(result)}, which is not a usable count: "
                             f"{parsed.problem}")
    if parsed.value != expected:
        return Outcome(case, f"{call} returned {parsed.value:,}, expected {expected:,}.",
                       parsed.value, expected)
    return None


class Failure:
    """A call that gave no value: ``text`` says what happened (``raised ValueError: ...``)."""

    def __init__(self, text: str):
        self.text = text


class _TimedOut(BaseException):
    """Raised inside the learner's function when its time is up (BaseException: their
    ``except Exception`` cannot swallow it)."""


def _guarded(function: Callable, kwargs: dict, seconds: float):
    if seconds <= 0:
        return Failure("was not called: the time limit was used up by earlier calls (is the function slow?)")
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _with_alarm(function, kwargs, seconds)
    if sys.platform in NO_THREADS:
        return _with_monitoring(function, kwargs, seconds)
    return _in_thread(function, kwargs, seconds)


def _with_alarm(function: Callable, kwargs: dict, seconds: float):
    def stop(signum, frame):
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return _called(function, kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _in_thread(function: Callable, kwargs: dict, seconds: float):
    box: list = []
    worker = threading.Thread(target=lambda: box.append(_called(function, kwargs)), daemon=True)
    worker.start()
    worker.join(seconds)
    return box[0] if box else Failure(TOO_SLOW)


def _with_monitoring(function: Callable, kwargs: dict, seconds: float):
    """The call watched through :mod:`sys.monitoring` (Python 3.12+): every backward jump (a loop
    turning) and every Python call checks the clock, and raises :class:`_TimedOut` once the time is
    up, again at each later event, so a bare ``except:`` inside the loop cannot keep it going
    (events in this module's own code, which turns the failure into a verdict, are let through)."""
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12+
    tool = next((i for i in range(6) if monitoring.get_tool(i) is None), None) if monitoring else None
    if tool is None:  # no sys.monitoring, or every tool id held (a debugger, coverage): no limit, still a grade
        return _called(function, kwargs)
    deadline = time.monotonic() + seconds

    def check_clock(code, *_):
        if time.monotonic() > deadline and code.co_filename != _called.__code__.co_filename:  # not in ours
            raise _TimedOut

    events = (monitoring.events.JUMP, monitoring.events.PY_START)
    monitoring.use_tool_id(tool, "autograder time limit")
    for event in events:
        monitoring.register_callback(tool, event, check_clock)
    monitoring.set_events(tool, events[0] | events[1])
    try:
        return _called(function, kwargs)
    finally:
        monitoring.set_events(tool, 0)
        for event in events:
            monitoring.register_callback(tool, event, None)
        monitoring.free_tool_id(tool)


def _called(function: Callable, kwargs: dict):
    """What the call returned, or a :class:`Failure` saying how it failed or that its time ran out."""
    try:
        return function(**kwargs)
    except _TimedOut:
        return Failure(TOO_SLOW)
    except (Exception, SystemExit) as err:
        return Failure(f"raised {type(err).__name__}: {err}")
