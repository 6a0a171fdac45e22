"""The Dask task, :func:`grade`: grade one submission on whichever worker runs it.

A worker grades through grading processes (:class:`GradingProcess`, :mod:`.server`), each one task at a time
(nbgrader changes the working directory while it converts, so two at once in one process would collide).
The workers of a local cluster run in the coordinator's process and share one pool (:func:`configure`).

A worker may keep :data:`OVERLAP` grading processes (``AUTOGRADER_OVERLAP``, default 1) and as many threads,
so that the next submission starts while the last one finishes: its private course, nbgrader's sanitizing and
its kernel's start overlap the last one's nbgrader steps after grading and its way back. Only one learner's
code runs at a time per worker: a submission is sent to its grading process once the one before has run all
its learner code (its cells, in a kernel now shut down, and its function questions run again; the process
says so, :data:`.server.LEARNER_DONE`) or finished. It is off by default: it keeps the cores busier, and a
cell's time limit is wall-clock time, so a cell near its limit (importing Keras under a 15 s limit on a busy
2-core machine) can run past it where stock nbgrader's would not.
A task that runs past its time, or whose grading process dies, comes back as a failed
:class:`~.tasks.Outcome` saying so, and the process is replaced: the worker itself carries on.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

from . import timing
from .server import HEADER, LEARNER_DONE, send
from .tasks import Outcome, Task

__all__ = ["OVERLAP", "GradingProcess", "configure", "grade", "stop", "warm_up", "warming"]

START_SECONDS = 180.0  # for a new grading process to import nbgrader, on a busy machine
OVERLAP_ENV = "AUTOGRADER_OVERLAP"  # grading processes per worker, to try overlapping (default 1: see the docstring)


def _overlap() -> int:
    value = os.environ.get(OVERLAP_ENV, "1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{OVERLAP_ENV} must be a whole number of grading processes per worker, 1 or more, "
                         f"not {value!r}")
    return int(value)


OVERLAP = _overlap()  # grading processes per worker (a local cluster gives its workers as many threads)


class _Pool:
    """The grading processes of the Dask workers in this process (one, or a local cluster's, all in the
    coordinator): :data:`OVERLAP` per worker, and one submission running learner code per worker at a time."""

    def __init__(self, workers: int = 1):
        self.cells = threading.Semaphore(workers)  # held by a task until its learner code has all run
        self.processes: list[GradingProcess | None] = [None] * (OVERLAP * workers)
        self.starting = [threading.Lock() for _ in self.processes]  # held while a slot's process is started
        self.free: queue.SimpleQueue[int] = queue.SimpleQueue()  # slots no task is using
        for slot in range(len(self.processes)):
            self.free.put(slot)
        self.workers, self.warming, self.stopped = workers, False, False


_POOL = _Pool()


def warming(workers: int) -> bool:
    """Are this process's grading processes started (or starting) for ``workers`` workers?"""
    return _POOL.warming and _POOL.workers == workers


def configure(workers: int) -> None:
    """Size this process's pool for ``workers`` Dask workers running in it (a local cluster's)."""
    global _POOL
    _POOL = _Pool(workers)


class GradingError(Exception):
    """The grading process failed (did not start, died, or overran); the message says how."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal  # the worker cannot grade at all (its grading process does not start)


def grade(task: Task) -> Outcome:
    """Grade ``task`` in a free grading process of this worker, started on first use (or by :func:`warm_up`),
    once no other submission of this worker is running learner code."""
    pool = _POOL
    slot = pool.free.get()  # a worker with more threads than OVERLAP grades OVERLAP at a time
    pool.cells.acquire()
    cells = _Once(pool.cells.release)
    try:
        with timing.span("worker: task, grading process and pickles", student=task.student):
            outcome = _process(pool, slot).grade(task, cells)
    except GradingError as err:
        with pool.starting[slot]:
            pool.processes[slot] = None
        outcome = Outcome(task.student, ok=False, reason=str(err), fatal=err.fatal, attempt=task.attempt)
    finally:
        cells()
        pool.free.put(slot)
    outcome.worker = _address()
    return outcome


def warm_up() -> None:
    """Start the grading processes now, in the background (one per worker at once, then the others), so
    that the first tasks do not wait for them to import nbgrader (a failure to start is left for a task to
    report). A second call does nothing."""
    pool = _POOL
    if pool.warming:
        return
    pool.warming = True

    def start(first: int):
        for slot in range(first, len(pool.processes), pool.workers):
            with contextlib.suppress(GradingError):
                if not pool.stopped:
                    _process(pool, slot)
        if pool.stopped:
            stop()

    for first in range(pool.workers):
        threading.Thread(target=start, args=(first,), name="autograder-warm-up", daemon=True).start()


def stop() -> None:
    """Let this process's grading processes end (each removes its folder as it exits); none starts after."""
    _POOL.stopped = True
    for process in _POOL.processes:
        if process is not None:
            with contextlib.suppress(OSError):
                process.proc.stdin.close()


class _Once:
    """``function``, called at most once."""

    def __init__(self, function):
        self.function, self.called, self.lock = function, False, threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            if not self.called:
                self.called = True
                self.function()


def _process(pool: _Pool, slot: int) -> GradingProcess:
    """The grading process of ``slot``, started if there is none or it has exited."""
    with pool.starting[slot]:
        process = pool.processes[slot]
        if process is None or process.proc.poll() is not None:
            with timing.span("worker: grading process start (imports, warm-up)"):
                process = pool.processes[slot] = GradingProcess()
        return process


def _address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


class GradingProcess:
    """A ``python -m autograder.parallel.server`` child, killed with everything it started on failure."""

    def __init__(self):
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 -- kept for the process's life, for its last words
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.parallel.server", str(os.getpid())],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     start_new_session=True)
        try:
            ready = self._receive(time.monotonic() + START_SECONDS, "to start")
        except GradingError as err:
            raise GradingError(f"its grading process did not start ({err})", fatal=True) from err
        if ready != "ready":
            self.kill()
            raise GradingError(f"its grading process did not start{self._tail()}", fatal=True)

    def grade(self, task: Task, cells_done=lambda: None) -> Outcome:
        """Send one task and wait for its outcome, at most ``task.timeout`` seconds; ``cells_done`` is called
        when the process says the learner's code has all run."""
        try:
            send(self.proc.stdin, task)
        except OSError as err:
            self.kill()
            raise GradingError(f"the grading process died before the task was sent ({err}){self._tail()}") from err
        deadline, what = time.monotonic() + task.timeout, f"for this submission (limit {task.timeout:g} s)"
        while (frame := self._receive(deadline, what)) == LEARNER_DONE:
            cells_done()
        return frame

    def _receive(self, deadline: float, what: str):
        size = int.from_bytes(self._read(HEADER, deadline, what), "big")
        return pickle.loads(self._read(size, deadline, what))

    def _read(self, size: int, deadline: float, what: str) -> bytes:
        chunks, fd = [], self.proc.stdout.fileno()
        while size > 0:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                self.kill()
                raise GradingError(f"timed out: grading took longer than the time allowed {what}")
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                code = self.kill(grace=5.0)
                raise GradingError(f"the grading process died ({_describe(code)}){self._tail()}")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def kill(self, grace: float = 0.0) -> int | None:
        """Kill the process and its whole process group (kernels, sandboxes), after ``grace`` seconds for it
        to exit by itself; its exit code."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        return self.proc.wait()

    def _tail(self) -> str:
        self.stderr.seek(0, os.SEEK_END)
        self.stderr.seek(max(0, self.stderr.tell() - 2000))
        lines = [line for line in self.stderr.read().decode(errors="replace").splitlines() if line.strip()]
        return f": {lines[-1].strip()[:300]}" if lines else ""


def _describe(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"
