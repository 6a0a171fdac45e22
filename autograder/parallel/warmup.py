"""Each Dask worker starts its grading process as it joins the cluster, before any task arrives.

Importing nbgrader in a new grading process takes seconds. :class:`WarmUp`, a worker plugin the
coordinator registers, does it on every worker of the cluster, now or joining later; the workers of
a local cluster also load this module as a preload (:func:`dask_setup`), which starts it before they
even join. Both are in the background: the worker joins at once, and a second start is a no-op.
"""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from .worker import warm_up

__all__ = ["WarmUp", "dask_setup"]


class WarmUp(WorkerPlugin):
    """On each worker: :func:`.worker.warm_up`."""

    name = "autograder-warm-up"
    idempotent = True

    def setup(self, worker) -> None:
        warm_up()


def dask_setup(worker) -> None:
    """Dask's preload hook: :func:`.worker.warm_up` as the worker starts."""
    warm_up()
