"""The Dask task, :func:`grade`: grade one submission on whichever worker runs it.

A worker process grades through one :class:`GradingProcess` (:mod:`.server`), one task at a time
(nbgrader changes the working directory while it converts, so two at once in one process would
collide; a worker started with several threads still grades one submission at a time). A task that
runs past its time, or whose grading process dies, comes back as a failed :class:`~.tasks.Outcome`
saying so, and the process is replaced: the worker itself carries on.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

from .server import HEADER, send
from .tasks import Outcome, Task

__all__ = ["GradingProcess", "grade", "warm_up"]

START_SECONDS = 180.0  # for a new grading process to import nbgrader, on a busy machine
_LOCK = threading.Lock()
_PROCESS: GradingProcess | None = None


class GradingError(Exception):
    """The grading process failed (did not start, died, or overran); the message says how."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal  # the worker cannot grade at all (its grading process does not start)


def grade(task: Task) -> Outcome:
    """Grade ``task`` in this worker's grading process, started on first use (or by :func:`warm_up`)."""
    global _PROCESS
    with _LOCK:
        try:
            outcome = _process().grade(task)
        except GradingError as err:
            _PROCESS = None
            outcome = Outcome(task.student, ok=False, reason=str(err), fatal=err.fatal, attempt=task.attempt)
    outcome.worker = _address()
    return outcome


def warm_up() -> None:
    """Start this worker's grading process now, in the background, so that the first task does not wait
    for it to import nbgrader (a failure to start is left for that task to report)."""
    def start():
        with _LOCK, contextlib.suppress(GradingError):
            _process()

    threading.Thread(target=start, name="autograder-warm-up", daemon=True).start()


def _process() -> GradingProcess:
    """This worker's grading process, started if there is none or it has exited (call with ``_LOCK`` held)."""
    global _PROCESS
    if _PROCESS is None or _PROCESS.proc.poll() is not None:
        _PROCESS = GradingProcess()
    return _PROCESS


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

    def grade(self, task: Task) -> Outcome:
        """Send one task and wait for its outcome, at most ``task.timeout`` seconds."""
        try:
            send(self.proc.stdin, task)
        except OSError as err:
            self.kill()
            raise GradingError(f"the grading process died before the task was sent ({err}){self._tail()}") from err
        return self._receive(time.monotonic() + task.timeout, f"for this submission (limit {task.timeout:g} s)")

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
