"""Dask: the cluster to grade on, and the tasks that run there with one retry each.

:func:`connect` gives a ``distributed.Client``: of a ``LocalCluster`` of one worker per core (or ``workers``) in
this process, each with :data:`~.worker.OVERLAP` threads and grading processes (a worker starts its next
submission while the last one finishes, :mod:`.worker`), or of an existing scheduler (``tcp://HOST:PORT``).
:func:`outcomes` submits one task per submission and yields each one's final :class:`~.tasks.Outcome` as it
arrives (:func:`batches`: those that arrived together, as one list): a task that fails, overruns its time or
whose grading process dies is tried once more on another worker (the same one when it is the only one), and
then reported failed with the reason. A task whose worker dies is moved to another worker by the scheduler
itself; one that kills a second worker comes back as ``KilledWorker`` and is reported failed
(``distributed.scheduler.allowed-failures`` is 1 on a local cluster, and should be on a cluster of your own).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator

from ..errors import AutograderError
from .tasks import Outcome, Task

__all__ = ["ParallelError", "batches", "connect", "outcomes", "warm_up", "workers"]

ATTEMPTS = 2
CONNECT_SECONDS = 30
WORKER_SECONDS = 60
POLL_SECONDS = 0.2


class ParallelError(AutograderError, RuntimeError):
    """The run cannot go on: no scheduler, no worker, or a worker that cannot grade at all."""


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, dashboard: str = ":8787") -> Iterator:
    """A Dask client: of ``scheduler`` if given, else of a new LocalCluster of ``workers`` workers in this process
    (their grading processes, started at once, are the processes that work)."""
    _quiet()
    if scheduler:
        with _client(scheduler) as client:
            yield client
        return
    from distributed import Client

    from . import worker

    count = workers or os.cpu_count() or 1
    warm_local(count)  # if not yet: the grading processes import nbgrader while the cluster starts
    try:
        with _local_cluster(count, dashboard) as cluster, Client(cluster) as client:
            yield client
    finally:
        worker.stop()


def _local_cluster(count: int, dashboard: str):
    """A LocalCluster of ``count`` workers in this process, each with :data:`~.worker.OVERLAP` threads. Not worker
    processes: each would import Dask and Python again, only to wait on its grading processes (which are in
    their own processes: a crash there costs one submission)."""
    import dask
    from distributed import LocalCluster

    from .worker import OVERLAP

    # A worker's thread only waits for its grading process: Dask's profiler of it (every 10 ms) is CPU for nothing.
    with dask.config.set({"distributed.scheduler.allowed-failures": ATTEMPTS - 1,
                          "distributed.worker.profile.enabled": False}):
        return LocalCluster(n_workers=count, threads_per_worker=OVERLAP, processes=False,
                            dashboard_address=dashboard, silence_logs=logging.ERROR)


def _quiet() -> None:
    for name in ("distributed", "bokeh", "tornado"):  # the progress bar owns the terminal
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)  # the link says


@contextlib.contextmanager
def _client(address: str) -> Iterator:
    from distributed import Client

    _reachable(address)
    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as err:
        raise ParallelError(f"cannot reach the Dask scheduler at {address} ({' '.join(str(err).split())[:200]}); "
                            "start one with `dask scheduler` and pass its tcp://HOST:PORT") from err
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_SECONDS)
        except TimeoutError as err:
            raise ParallelError(f"no Dask worker joined the scheduler at {address} within {WORKER_SECONDS} s; "
                                f"start workers with `dask worker {address} --nthreads 1`") from err
        _check_workers(client)
        yield client
    finally:
        client.close()


def _reachable(address: str) -> None:
    """Fail at once, in one line, when nothing listens at a tcp:// address (Dask would retry for a while)."""
    if not address.startswith("tcp://"):
        return
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except (OSError, ValueError) as err:
        raise ParallelError(f"cannot reach the Dask scheduler at {address} ({err}); start one with "
                            "`dask scheduler` and pass its tcp://HOST:PORT") from err


def _check_workers(client) -> None:
    """Every worker must be able to import this package (workers grade with it)."""
    def probe():
        import importlib

        return importlib.import_module("autograder.parallel.worker").__name__

    try:
        client.run(probe)
    except Exception as err:
        raise ParallelError(f"a Dask worker cannot import the autograder package ({' '.join(str(err).split())[:200]}); "
                            "install it on every worker machine: pip install 'keras-params-course[course]'") from err


def warm_local(workers: int | None) -> None:
    """Start the grading processes of a local cluster of ``workers`` (default: one per core), in the background,
    unless they are started already."""
    from . import worker

    count = workers or os.cpu_count() or 1
    if not worker.warming(count):
        worker.configure(count)
        worker.warm_up()


def stop_local() -> None:
    """Let a local cluster's grading processes end."""
    from . import worker

    worker.stop()


def warm_up(client) -> None:
    """Have every worker, now and joining later, start its grading process at once (:mod:`.warmup`)."""
    from .warmup import WarmUp

    client.register_plugin(WarmUp())


def workers(client) -> list[str]:
    """The addresses of the workers now connected."""
    return sorted(client.scheduler_info(n_workers=-1)["workers"])


def outcomes(client, tasks: Iterable[Task]) -> Iterator[Outcome]:
    """Run every task; yield each submission's final outcome (after at most one retry) as it arrives."""
    for batch in batches(client, tasks):
        yield from batch


def batches(client, tasks: Iterable[Task]) -> Iterator[list[Outcome]]:
    """Run every task; yield the final outcomes that have arrived since the last yield, together (one
    when the caller keeps up with the workers, more when it does not)."""
    runner = _Runner(client)
    for task in tasks:
        runner.submit(task)
    while not runner.running.is_empty():
        done = runner.running.next_batch(block=False)
        if not done:
            runner.unpin()
            time.sleep(POLL_SECONDS)
        arrived = [outcome for outcome in map(runner.settle, done) if outcome is not None]
        if arrived:
            yield arrived


class _Runner:
    """The tasks in flight. A retry is pinned to the workers other than the one that failed it; should
    all of those leave the cluster, it is moved to any worker (:meth:`unpin`)."""

    def __init__(self, client):
        from distributed import as_completed

        self.client, self.running = client, as_completed()
        self.tasks: dict[str, Task] = {}  # Dask key -> task
        self.pinned: dict[str, tuple[object, set[str]]] = {}  # Dask key -> (future, the workers it may run on)
        self.tried: dict[str, list[str]] = {}  # student -> the workers of its failed attempts

    def submit(self, task: Task, avoid: str | None = None, anywhere: bool = False) -> None:
        from .worker import grade

        others = [] if anywhere else [w for w in workers(self.client) if avoid and w != avoid]
        key = f"{task.key}-{uuid.uuid4().hex[:8]}"
        future = self.client.submit(grade, task, key=key, pure=False, workers=others or None,
                                    allow_other_workers=False, priority=task.attempt - 1)
        self.tasks[key] = task
        if others:
            self.pinned[key] = (future, set(others))
        self.running.add(future)

    def settle(self, future) -> Outcome | None:
        """The final outcome of a finished task, or None when it is retried (or was moved)."""
        task = self.tasks.pop(future.key, None)
        self.pinned.pop(future.key, None)
        if task is None:
            return None
        outcome = _outcome(future, task)
        future.release()
        if outcome.ok or outcome.fatal or outcome.attempt >= ATTEMPTS:
            outcome.worker = " then ".join([*self.tried.pop(task.student, []), outcome.worker or "?"])
            return outcome
        self.tried.setdefault(task.student, []).append(outcome.worker or "?")
        self.submit(task.again(), avoid=outcome.worker)
        return None

    def unpin(self) -> None:
        if not self.pinned:
            return
        alive = set(workers(self.client))
        for key, (future, allowed) in list(self.pinned.items()):
            if not allowed & alive and not future.done():
                task = self.tasks.pop(key)
                del self.pinned[key]
                future.cancel()
                self.submit(task, anywhere=True)


def _outcome(future, task: Task) -> Outcome:
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as err:
        return Outcome(task.student, ok=False, attempt=ATTEMPTS,
                       reason=f"its grading killed the worker each time it was tried ({_one_line(err)})")
    except Exception as err:
        return Outcome(task.student, ok=False, attempt=task.attempt, reason=_one_line(err))


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}"[:300] if text else type(err).__name__
