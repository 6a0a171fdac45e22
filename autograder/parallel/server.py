"""The grading process a worker keeps: ``python -m autograder.parallel.server PARENT_PID``.

Each Dask worker grades through long-lived child processes (:class:`.worker.GradingProcess`, two per worker)
that import nbgrader once (about 2 s) and then grade task after task with :func:`.private.grade`. The
worker can kill one, with everything it started, when a submission overruns its time, and a crash in
it costs one submission, never the worker. Tasks and outcomes travel over its stdin and stdout as
frames: an 8-byte big-endian length, then a pickle. Before a task's outcome, the process sends
:data:`LEARNER_DONE`: the learner's code has all run (the notebook's cells, in a kernel now gone, and its
function questions again), so the worker may start its next submission (:mod:`.worker`). Anything else
that writes to stdout here is sent to stderr, so it cannot corrupt a frame. The process, and all it
started, dies within a second of its parent (the worker, or the coordinator of a local cluster).
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["LEARNER_DONE", "receive", "send"]

LEARNER_DONE = "learner code done"
HEADER = 8
PREFIX = "autograder-worker-"
WATCH_SECONDS = 1.0


def send(stream, obj) -> None:
    """Write one frame."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(HEADER, "big") + data)
    stream.flush()


def receive(stream):
    """Read one frame; None at end of stream."""
    header = stream.read(HEADER)
    if len(header) < HEADER:
        return None
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _die_with(parent: int) -> None:
    """Watch the worker that started this process: once it is gone, kill this process's whole group
    (the kernels and sandboxes it started go too)."""
    def watch():
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _sweep(top: Path) -> None:
    """Remove the folders of grading processes that were killed (their pid is gone)."""
    for folder in top.glob(f"{PREFIX}*"):
        pid = folder.name.removeprefix(PREFIX).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def _warm_up(workdir: Path) -> None:
    """Before the first task's clock starts: import nbgrader and the course's plug-ins, make the empty
    gradebook private courses start from, and check the sandbox once (it is remembered)."""
    import nbgrader.apps.baseapp
    import nbgrader.converters  # noqa: F401

    from .private import empty_gradebook, throwaway_gradebooks

    throwaway_gradebooks()
    empty_gradebook(workdir)
    with contextlib.suppress(ImportError):
        import autograder.nbgrader_plugins  # noqa: F401
        from autograder.trusted.sandbox import available

        available()


def _announce_learner_done(channel) -> None:
    """Send :data:`LEARNER_DONE` when the trusted pipeline's ``grade`` returns or fails: the notebook's cells
    have run, its kernel is gone and its function questions have run again. That one function is wrapped,
    nothing of it changes; without the pipeline (a course grading with nbgrader's Execute), nothing is sent
    and the worker waits for the outcome."""
    try:
        from autograder.trusted import pipeline
    except ImportError:
        return
    grade = pipeline.grade

    @functools.wraps(grade)
    def graded(*args, **kw):
        try:
            return grade(*args, **kw)
        finally:
            send(channel, LEARNER_DONE)

    pipeline.grade = graded


def main(argv: list[str]) -> int:
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _die_with(int(argv[0]))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the kernels start as under nbgrader (workers ignore it)
    scripts = str(Path(sys.executable).parent)  # nbgrader runs tools by name (alembic)
    os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    from . import private, timing
    from .startup import skip_unused_imports

    skip_unused_imports()
    top = Path(tempfile.gettempdir())
    _sweep(top)
    workdir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=top))
    try:
        _warm_up(workdir)
        timing.install()  # the benchmark's breakdown (AUTOGRADER_TIMING); nothing otherwise
        _announce_learner_done(channel)
        send(channel, "ready")
        while (task := receive(sys.stdin.buffer)) is not None:
            send(channel, private.grade(task, workdir))
            timing.mark("grading process: outcome sent", time.time(), student=task.student)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
