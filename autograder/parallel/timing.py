"""Timestamps of where grading spends its time, for the benchmark's breakdown; off unless asked for.

With ``AUTOGRADER_TIMING=FILE`` in the environment, :func:`span` and :func:`mark` append one JSON line per
event to ``FILE`` (each line written whole by one ``write`` on a file opened for appending, so processes
can share it): the process id, the event's name, its start and end (``time.time()``) and what it is about
(a student). Without it both are a no-op and cost a dictionary look-up.

:func:`install` adds the same timing, from outside, to the steps of grading that are not this package's
own: nbgrader's converter and preprocessors, and the trusted pipeline's kernel start, cells, kernel shut-down
and function questions. The benchmark calls it from its courses' ``nbgrader_config.py``, so stock
``nbgrader autograde`` and every process of a parallel run are timed alike. Nothing here changes what
grading does or returns.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import time
from collections.abc import Iterator

__all__ = ["ENV", "cpu", "enabled", "install", "mark", "span"]

ENV = "AUTOGRADER_TIMING"
_INSTALLED: set[str] = set()
# (module, class or None, attribute, event name): the steps of stock nbgrader and of the trusted pipeline.
STEPS = (
    ("nbgrader.converters.autograde", "Autograde", "init_assignment", "nbgrader: student and submission rows"),
    ("nbgrader.converters.autograde", "Autograde", "convert_single_notebook", "nbgrader: convert notebook"),
    ("nbgrader.converters.base", "BaseConverter", "write_single_notebook", "nbgrader: write notebook"),
    ("autograder.trusted.execute", "BoundedClient", "async_start_new_kernel", "kernel: sandbox and launch"),
    ("autograder.trusted.execute", "BoundedClient", "async_start_new_kernel_client", "kernel: wait until ready"),
    ("autograder.trusted.execute", "BoundedClient", "async_execute_cell", "kernel: run cells"),
    ("autograder.trusted.execute", "BoundedClient", "_async_cleanup_kernel", "kernel: shut down"),
    ("autograder.trusted.execute", "BoundedClient", "cleanup", "kernel: sandbox clean-up"),
    ("autograder.trusted.pipeline", None, "grade_function", "function question run again"),
)


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def cpu() -> float:
    """CPU seconds this process and its children that have ended (kernels, sandboxes) have used."""
    return sum(os.times()[:4])


def mark(event: str, start: float, end: float | None = None, **about) -> None:
    """Append one event (``end`` defaults to now), with the CPU seconds used by then (``cpu``)."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = json.dumps({"pid": os.getpid(), "event": event, "start": start,
                       "end": time.time() if end is None else end, "cpu": cpu(), **about}) + "\n"
    with contextlib.suppress(OSError):  # timing never changes what grading does
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line.encode())
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def span(event: str, **about) -> Iterator[None]:
    """Time the block as ``event`` (also when it raises)."""
    if not enabled():
        yield
        return
    start, used = time.time(), cpu()
    try:
        yield
    finally:
        mark(event, start, cpu0=used, **about)


def install() -> None:
    """Time :data:`STEPS` and each nbconvert preprocessor in this process (once; a no-op unless enabled)."""
    if not enabled() or "steps" in _INSTALLED:
        return
    _INSTALLED.add("steps")
    import importlib

    for module, owner, name, event in STEPS:
        with contextlib.suppress(ImportError, AttributeError):
            target = importlib.import_module(module)
            target = getattr(target, owner) if owner else target
            setattr(target, name, _timed(getattr(target, name), event))
    from nbconvert.preprocessors.base import Preprocessor

    Preprocessor.__call__ = _timed(Preprocessor.__call__, None)


def _timed(function, event: str | None):
    """``function`` timed as ``event`` (None: ``preprocessor: <class of self>``)."""
    def name(args) -> str:
        return event or f"preprocessor: {type(args[0]).__name__}"

    if inspect.iscoroutinefunction(function):
        @functools.wraps(function)
        async def timed_async(*args, **kw):
            with span(name(args)):
                return await function(*args, **kw)
        return timed_async

    @functools.wraps(function)
    def timed(*args, **kw):
        with span(name(args)):
            return function(*args, **kw)
    return timed
