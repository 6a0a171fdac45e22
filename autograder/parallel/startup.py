"""What each process of a parallel run pays once, at its start and at its end, kept small.

A class is graded by processes that each import nbgrader (the coordinator and one grading process per
worker), so a second saved at start is a second saved per process, with all of them starting at once
on a machine's few cores; and a run is over for the person who started it only when the coordinator exits.
"""

from __future__ import annotations

import gc
import importlib
import sys
import types

__all__ = ["exit_quickly", "skip_unused_imports"]

UNUSED = ("rfc3987_syntax",)
# imported only when one of these functions is called: nbgrader.utils takes its unzip from setuptools, for
# `nbgrader zip_collect`, and importing setuptools (pkg_resources and its vendored packages) costs 0.1-0.4 s
DEFERRED = {"setuptools.archive_util": ("unpack_archive", "unpack_tarfile", "unpack_zipfile")}


def skip_unused_imports() -> None:
    """Keep this process from importing what grading never uses. jsonschema, imported by nbformat, loads
    ``rfc3987_syntax`` when it is installed, only to offer checks of the ``iri`` string formats, and that
    builds a grammar as it is imported: about a second of CPU. Neither nbformat, nbconvert, nbclient nor
    nbgrader validates with format checks (a test keeps it so), so nothing here would call it. And put
    stand-ins for the modules of :data:`DEFERRED`, imported only if used. Call this before nbgrader is
    imported."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # `import name` now raises ImportError, as if not installed
    for name, functions in DEFERRED.items():
        if name not in sys.modules:
            sys.modules[name] = _stand_in(name, functions)


class _StandIn(types.ModuleType):
    """A module's place in ``sys.modules`` until one of its functions is called."""


def _stand_in(name: str, functions: tuple[str, ...]) -> _StandIn:
    """A stand-in for module ``name`` (:data:`DEFERRED`): each of ``functions`` imports the real module on its
    first call (which then takes the stand-in's place) and calls the real function."""
    module = _StandIn(name, f"Stands in for {name} until it is used (autograder.parallel.startup).")

    def forward(function: str):
        def call(*args, **kwargs):
            if isinstance(sys.modules.get(name), _StandIn):
                del sys.modules[name]
            return getattr(importlib.import_module(name), function)(*args, **kwargs)

        call.__name__ = call.__qualname__ = function
        return call

    for function in functions:
        setattr(module, function, forward(function))
    return module


def exit_quickly() -> None:
    """Before the process exits: leave out of the collection at exit every object made so far (nbgrader's
    and Dask's: a second of walking the heap, with nothing left to finalize once output is flushed)."""
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
