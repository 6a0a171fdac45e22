"""What each process of a parallel run pays once, at its start and at its end, kept small.

A class is graded by processes that each import nbgrader (the coordinator and one grading process per
worker), so a second saved at start is a second saved per process, with all of them starting at once
on a machine's few cores; and a run is over for the person who started it only when the coordinator exits.
"""

from __future__ import annotations

import gc
import sys

__all__ = ["exit_quickly", "skip_unused_imports"]

UNUSED = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Keep this process from importing what grading never uses. jsonschema, imported by nbformat, loads
    ``rfc3987_syntax`` when it is installed, only to offer checks of the ``iri`` string formats, and that
    builds a grammar as it is imported: about a second of CPU. Neither nbformat, nbconvert, nbclient nor
    nbgrader validates with format checks (a test keeps it so), so nothing here would call it. Call this
    before nbgrader is imported."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # `import name` now raises ImportError, as if not installed


def exit_quickly() -> None:
    """Before the process exits: leave out of the collection at exit every object made so far (nbgrader's
    and Dask's: a second of walking the heap, with nothing left to finalize once output is flushed)."""
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
