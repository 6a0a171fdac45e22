"""Each Dask worker starts its grading process as it joins the cluster, before any task arrives.

Importing nbgrader in a new grading process takes seconds. :class:`WarmUp`, a worker plugin the
coordinator registers, does it on every worker of the cluster, now or joining later; a worker started
with this module as a preload (``dask worker --preload autograder.parallel.warmup``, :func:`dask_setup`)
starts it before it even joins. A local cluster's grading processes start as the run is planned
(:func:`.cluster.warm_local`). All are in the background, and a second start is a no-op.
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
