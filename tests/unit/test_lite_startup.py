"""The first cell of every exercise notebook, ``from autograder import check, show``, stays light.

In the browser that cell runs while a reader waits for their first verdict (issue 22): whatever it imports is read
and run by CPython in WebAssembly on the reader's machine. So it imports the counter and the grading only, both
standard library: no third-party package, and none of this package's heavy parts (the live Keras side, the
course's command line, the sandbox, the parallel grader, the notebook runner).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

THIRD_PARTY_HEAVY = ("keras", "tensorflow", "numpy", "jax", "torch", "IPython", "nbformat", "nbclient",
                     "nbconvert", "nbgrader", "jupyter_client", "zmq", "sqlalchemy", "yaml", "traitlets",
                     "pandas", "matplotlib", "scipy", "dask", "distributed", "playwright", "keras_hub")
OWN_HEAVY = ("autograder.live", "autograder.cli", "autograder.commands", "autograder.parallel",
             "autograder.trusted", "autograder._runner", "autograder._capture", "autograder.nbgrader_plugins",
             "autograder.classreport", "autograder.course", "autograder.custom_objects", "autograder.hub")
PROBE = """
import json, sys
before = set(sys.modules)
from autograder import check, show
print(json.dumps(sorted(set(sys.modules) - before)))
"""


@pytest.fixture(scope="module")
def imported() -> list[str]:
    """The modules a fresh Python imports for the notebooks' first cell."""
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_first_cell_imports_no_heavy_third_party_package(imported):
    """Does ``from autograder import check, show`` import none of Keras, NumPy, IPython, Jupyter's or
    nbgrader's packages, SQLAlchemy or YAML?"""
    heavy = sorted(m for m in imported if m.split(".")[0] in THIRD_PARTY_HEAVY)
    assert heavy == [], f"the notebooks' first cell imports {heavy[:8]}: import them where they are used"


def test_the_first_cell_imports_none_of_the_packages_heavy_parts(imported):
    """Does it leave out this package's live Keras side, command line, sandbox, parallel grader and runner?"""
    heavy = sorted(m for m in imported if any(m == own or m.startswith(own + ".") for own in OWN_HEAVY))
    assert heavy == [], f"the notebooks' first cell imports {heavy[:8]}"


def test_the_first_cell_imports_only_the_standard_library_besides_this_package(imported):
    """Is every module it imports outside ``autograder`` part of Python's standard library, as in Pyodide,
    whose kernel ships no other package for it?"""
    outside = {m.split(".")[0] for m in imported if not m.startswith("autograder")}
    assert outside, "the probe saw no module imported: is autograder already imported at start-up?"
    others = sorted(name for name in outside if name not in sys.stdlib_module_names)
    assert others == [], f"the notebooks' first cell imports non-standard modules {others}"
