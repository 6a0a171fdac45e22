"""The core on CPython 3.14, as the browser runs it: Pyodide in Node.js, offline, against this checkout.

Pyodide (the npm package the in-browser exercises ship, fetched once by lite/fetch.py) runs
tests/unit/core_snapshot.py on this checkout, mounted into it (no bytecode is written there): every
model's count, every exercise notebook answered as its solution answers, misconceptions, and an
endless counting function. The same script on this CPython must say exactly the same.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lite import LiteError, fetch

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pyodide")]

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "unit" / "core_snapshot.py"
RUNNER = """
import { loadPyodide } from "%(index)s/pyodide.mjs";
const py = await loadPyodide({ indexURL: "%(index)s/" });
py.FS.mkdir("/proj");
py.FS.mount(py.FS.filesystems.NODEFS, { root: "%(root)s" }, "/proj");
try {
  console.log(py.runPython(`
import json, sys
sys.dont_write_bytecode = True  # the checkout stays as it is
sys.path.insert(0, "/proj")
from pathlib import Path
from tests.unit.core_snapshot import snapshot
json.dumps(snapshot(Path("/proj")), sort_keys=True)
`));
} catch (err) {  // a Python exception: its traceback, not Pyodide's minified source
  console.error(err.message);
  process.exit(1);
}
"""


@pytest.fixture(scope="module")
def pyodide() -> Path:
    """The npm package ``pyodide`` at the pinned version (fetched with npm on first use)."""
    if shutil.which("node") is None:
        pytest.fail("node is not installed: `make browser` installs Debian's npm and Node.js")
    try:
        return fetch.pyodide()
    except LiteError as err:
        pytest.fail(f"cannot fetch Pyodide: {err}")


@pytest.fixture(scope="module")
def in_pyodide(pyodide, tmp_path_factory) -> dict:
    """The core snapshot as CPython 3.14 in Pyodide computes it."""
    script = tmp_path_factory.mktemp("node") / "snapshot.mjs"
    script.write_text(RUNNER % {"index": pyodide.as_posix(), "root": ROOT.as_posix()})
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def here() -> dict:
    """The same snapshot from this CPython, in a fresh process."""
    done = subprocess.run([sys.executable, str(SNAPSHOT), str(ROOT)], capture_output=True, text=True,
                          timeout=600, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_it_really_is_python_314_in_pyodide(in_pyodide):
    """Did the snapshot run on CPython 3.14 compiled for the browser (Emscripten), as the site's kernel is?"""
    assert in_pyodide["python"].startswith("3.14.") and in_pyodide["platform"] == "emscripten"


def test_every_count_is_the_same_on_314(in_pyodide, here):
    """Does the reference counter give every bank model and fixture the same split on 3.14 as here?"""
    assert in_pyodide["counts"] == here["counts"]
    assert len(here["counts"]) >= 10


def test_every_verdict_is_the_same_on_314(in_pyodide, here):
    """Does every exercise notebook, answered as its solution, run on 3.14 with the same verdicts as here,
    misconceptions included?"""
    assert in_pyodide["verdicts"] == here["verdicts"]
    answers = [v for q, v in here["verdicts"].items() if " " not in q]
    assert answers and all(correct for correct, _ in answers), "a solution answer is not marked right"
    assert any(mistake for q, (_, mistake) in here["verdicts"].items() if " " in q), "no misconception named"


def test_an_endless_function_is_too_slow_without_threads_or_signals(in_pyodide, here):
    """In Pyodide, with neither threads nor setitimer, does a counting function that never returns get
    the "did not return within" verdict instead of hanging, as it does here?"""
    assert in_pyodide["too_slow"] == here["too_slow"] == [False, None, True]


def test_an_endless_function_that_swallows_every_exception_is_stopped_too(in_pyodide):
    """In Pyodide, is a counting function that catches even BaseException in its endless loop still
    stopped with the "too slow" verdict (the limit strikes at every loop turn after the deadline)?"""
    assert in_pyodide["stubborn"] == [False, None, True]
