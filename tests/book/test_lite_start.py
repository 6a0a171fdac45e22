"""Python's quick start in the browser, and the notebook saying so (issue 22): lite/starting.js and
lite/start.mjs, in headless Chromium.

The JupyterLite site is built alone (``lite.build``, no book needed), served on 127.0.0.1 and opened on chapter 1's
notebook with a new profile. The page is watched every 50 ms from the first moment until Python is ready: what
the status line said and how (its role, its live region, its progress bar), whether a cell run as soon as the
notebook showed ran once Python was ready, and that the line went away. Then: was Python restored from its
snapshot, with one kernel started before the notebook showed, and can a learner still import a module of their
own from the notebook's folder? Three more servers: one that sends the gzipped files gzip-encoded, one without
the snapshot (Python then starts the usual way), and one without the packages' files (Python cannot start, and the
console says which file failed).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from playwright.sync_api import Page

from lite import build
from tests.book import notebook_ui as ui
from tests.book.axe import axe_source
from tests.book.browser import OFFLINE, Recorder, chromium
from tests.book.serving import serve

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kernels")]

NOTEBOOK = "a01_the_question.ipynb"
KERNEL_TIMEOUT = 180  # seconds: Pyodide's first start on 2 busy cores
LINE = "document.getElementById('course-python-status')"
LOOK = f"""(() => {{ const line = {LINE}; if (!line) return null;
  return {{ state: line.dataset.state || '', text: line.innerText, role: line.getAttribute('role'),
    live: line.getAttribute('aria-live'), hidden: line.hidden || getComputedStyle(line).display === 'none',
    progress: !!line.querySelector('progress:not([value])'), cells: {ui.CELLS}.length,
    kernel: window.jupyterapp && window.jupyterapp.shell.currentWidget
      ? window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus : '',
    session: !!(window.jupyterapp && window.jupyterapp.shell.currentWidget
      && window.jupyterapp.shell.currentWidget.sessionContext.session) }}; }})()"""
BUILD_SECRET = "KPC_BUILD_MACHINE_ONLY"
OWN_MODULE = f"""import os, sys
open("course_own_module.py", "w").write("ANSWER = 42")
import course_own_module
print(os.getcwd().startswith("/drive"), sys.path[-1] == "", course_own_module.ANSWER, {BUILD_SECRET!r} in os.environ)"""
AXE_LINE = """;
axe.run('#course-python-status', {resultTypes: ['violations']}).then(result => result.violations
  .map(v => `${v.impact} ${v.id} (${v.help})`))"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Start:
    """What the page showed while Python started, one look every 50 ms, and the early cell's fate."""

    looks: list[dict] = field(default_factory=list)
    early_prompt: str = ""
    early_output: str = ""
    after_ready: dict | None = None
    axe: list[str] | None = None
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    kernels: int = 0
    own_module: str = ""


class _GzipEncoded(_Quiet):
    """A server that sends a ``.gz`` file as itself with ``Content-Encoding: gzip`` (Apache's ``AddEncoding``,
    nginx's ``gzip_static`` do): the browser unpacks it before the page sees it."""

    def end_headers(self):
        if self.path.split("?")[0].endswith(".gz"):
            self.send_header("Content-Encoding", "gzip")
        super().end_headers()


class _Without(_Quiet):
    """A server without one file of the site (:attr:`missing`): it answers 404."""

    missing = ""

    def do_GET(self):
        if self.path.split("?")[0].endswith(f"/{self.missing}"):
            self.send_error(404)
        else:
            super().do_GET()


class _NoSnapshot(_Without):
    """Without the snapshot (as if it could not be restored): Python must start the usual way."""

    missing = "snapshot.bin.gz"


class _NoArchive(_Without):
    """Without the packages' files: Python cannot start, and must say which file failed."""

    missing = "site-packages.bin.gz"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built alone, with a variable in the build's environment that must not reach it."""
    folder = tmp_path_factory.mktemp("lite-start")
    os.environ[BUILD_SECRET] = "a value only the build machine has"
    try:
        build.build(folder / "lite")
    finally:
        del os.environ[BUILD_SECRET]
    return folder


@contextlib.contextmanager
def _opened(site: Path, handler, profile: Path) -> Iterator[tuple[Page, Recorder]]:
    """The site served by ``handler``, the notebook's page opened in a new profile (not waited for), and what
    the page and its workers asked for and said."""
    with serve(site, handler) as address, chromium(profile, OFFLINE, timeout=120) as (page, recorder):
        page.goto(f"{address}lite/notebooks/index.html?path={NOTEBOOK}", wait_until="commit")
        yield page, recorder


@pytest.fixture(scope="module")
def start(site, tmp_path_factory) -> Start:
    """Open the notebook, run the import cell as soon as the notebook shows, watch until Python is ready; then a
    learner's own module."""
    seen = Start()
    with _opened(site, _Quiet, tmp_path_factory.mktemp("profile")) as (page, recorder):
        seen.console, seen.requests = recorder.console, recorder.requests
        ui.wait_for(page, LINE, 60, "the status line", every=0.05)
        _watch(page, seen)
        ui.wait_for(page, f"/\\[\\d+\\]/.test({ui.CELLS}[1].querySelector('.jp-InputPrompt').innerText)", 60,
                    "the early cell to run")
        ui.pump(page, 3)  # the line says "ready", then goes
        seen.after_ready = page.evaluate(LOOK)
        seen.early_prompt = page.evaluate(f"{ui.CELLS}[1].querySelector('.jp-InputPrompt').innerText")
        seen.early_output = ui.output(page, 1)
        seen.kernels = page.evaluate("[...window.jupyterapp.serviceManager.kernels.running()].length")
        answer = _answer_cell()
        ui.type_into(page, answer, OWN_MODULE)
        ui.run(page, answer, 60)
        ui.wait_for(page, f"{ui.CELLS}[{answer}].querySelector('.jp-OutputArea').innerText.trim()", 30,
                    "the answer cell's output")
        seen.own_module = ui.output(page, answer)
    return seen


def _answer_cell() -> int:
    """The index of the notebook's first answer cell (the import cell above it is read-only)."""
    cells = json.loads((build.EXERCISES / Path(NOTEBOOK).stem / NOTEBOOK).read_text())["cells"]
    return next(i for i, cell in enumerate(cells) if cell["metadata"].get("nbgrader", {}).get("solution"))


def _watch(page, seen: Start) -> None:
    """Look every 50 ms until the kernel is idle; the first time the line says Python is starting, run axe on
    it; as soon as the notebook's cells show and it has its session, run the import cell (click, Shift+Enter)
    as a reader who does not wait."""
    ran = False
    for _ in range(int(KERNEL_TIMEOUT / 0.05)):
        look = page.evaluate(LOOK)
        seen.looks.append(look)
        if look["state"] == "python" and seen.axe is None:
            seen.axe = page.evaluate(axe_source() + AXE_LINE)
        if not ran and look["cells"] > 1 and look["session"]:
            ui.click(page, f"{ui.CELLS}[1].querySelector('.jp-InputArea-editor')")
            page.keyboard.press("Shift+Enter")
            ran = True
        if look["kernel"] == "idle" and ran:
            return
        ui.pump(page, 0.05)
    raise TimeoutError(f"Python did not start within {KERNEL_TIMEOUT} s")


def test_the_notebook_says_python_is_starting(start):
    """While the kernel is not ready, does the page show a status line saying Python is starting and the
    course package is loading, with a progress bar?"""
    starting = [look for look in start.looks if look["state"] == "python"]
    assert starting, f"the line never said Python was starting: {[look['state'] for look in start.looks][:20]}"
    assert all(not look["hidden"] and look["progress"] for look in starting)
    assert "Starting Python" in starting[0]["text"] and "course package" in starting[0]["text"]
    assert all(look["kernel"] != "idle" for look in starting)


def test_the_status_line_is_announced_to_screen_readers(start):
    """Is the line a polite live region (role=status), so a screen reader says when Python is starting and
    when it is ready?"""
    assert {(look["role"], look["live"]) for look in start.looks} == {("status", "polite")}


def test_axe_finds_nothing_wrong_with_the_status_line(start):
    """Does axe-core, run on the line while it says Python is starting, report no accessibility violation
    (contrast, roles, names)?"""
    assert start.axe == [], start.axe


def test_the_status_line_is_there_before_the_notebook(start):
    """Does the line show from the first moment, before the notebook's cells are on screen?"""
    assert start.looks[0]["cells"] == 0 or start.looks[0]["state"] == "page", start.looks[0]
    assert not start.looks[0]["hidden"]


def test_the_status_line_says_ready_and_goes(start):
    """Once the kernel is idle, does the line say, visibly, that Python is ready, and then leave the notebook?"""
    assert any(look["state"] == "ready" and not look["hidden"] for look in start.looks if look["kernel"] == "idle")
    assert start.after_ready["state"] == "ready" and start.after_ready["hidden"]
    assert "Python is ready" in start.after_ready["text"]


def test_a_cell_run_while_python_starts_runs_once_ready(start):
    """Does the import cell, run with Shift+Enter as soon as the notebook showed (Python may still be starting),
    run once Python is ready, without an error?"""
    assert start.early_prompt.strip().startswith("[1]"), start.early_prompt
    assert "Error" not in start.early_output, start.early_output


def test_python_is_restored_from_its_snapshot(start):
    """Did the kernel start from the site's snapshot and its files' archive (lite/snapshot.py), without falling
    back to the usual start, and ask for no wheel?"""
    assert not [line for line in start.console if "could not be restored" in line], start.console
    asked = " ".join(start.requests)
    assert "static/pyodide/snapshot.bin.gz" in asked and "static/pyodide/site-packages.bin.gz" in asked
    assert ".whl" not in asked
    # the runtime, gzipped in the site, reached Pyodide unpacked: it ran, and the plain file was never asked for
    assert "static/pyodide/pyodide.asm.wasm.gz" in asked and "pyodide.asm.wasm " not in f"{asked} "


def test_one_kernel_starts_before_the_notebook_shows(start):
    """Did the line say Python was starting before the notebook's cells were on screen (starting.js started the
    notebook's kernel while the page loaded), and did the notebook join that kernel rather than start a
    second?"""
    assert any(look["state"] == "python" and look["cells"] == 0 for look in start.looks), \
        [(look["state"], look["cells"]) for look in start.looks][:40]
    assert start.kernels == 1


def test_a_learners_own_module_in_the_notebooks_folder_imports(start):
    """Once the kernel has started, is the working folder the notebook's drive again, is "" back on sys.path
    (last), and does a module the learner writes there import?"""
    assert "True True 42" in start.own_module, start.own_module


def test_nothing_of_the_build_machines_environment_reaches_the_page(start):
    """The snapshot is Python's memory as the build left it: does a variable set in the build's environment stay
    out of the learner's os.environ (a CI secret must never be published in the site)?"""
    assert start.own_module.split()[-1] == "False", start.own_module


FIRST_CELL = "from autograder import check, show\nimport IPython, jedi, sys\nprint('python', sys.version_info[0])"


def _first_cell(site: Path, handler, profile: Path) -> tuple[str, list[str]]:
    """Serve the site with ``handler``, open the notebook, run an answer cell that imports this package and the
    kernel's own: its output, and what the page's console said."""
    with _opened(site, handler, profile) as (page, recorder):
        ui.wait_until_idle(page, KERNEL_TIMEOUT)
        answer = _answer_cell()
        ui.type_into(page, answer, FIRST_CELL)
        ui.run(page, answer, 60)
        ui.wait_for(page, f"{ui.CELLS}[{answer}].querySelector('.jp-OutputArea').innerText.trim()", 60,
                    "the answer cell's output")
        return ui.output(page, answer), recorder.console


def test_python_starts_where_the_server_sends_gz_files_gzip_encoded(site, tmp_path_factory):
    """Where the server sends the site's ``.gz`` files with ``Content-Encoding: gzip`` (so the browser has
    unpacked them already), is Python still restored from its snapshot, and does a cell run?"""
    output, console = _first_cell(site, _GzipEncoded, tmp_path_factory.mktemp("profile-gzip"))
    assert "python 3" in output, output
    assert not [line for line in console if "could not be restored" in line], console


def test_without_its_snapshot_python_starts_the_usual_way(site, tmp_path_factory):
    """If the snapshot cannot be had, does Python start the usual way (the runtime still from its gzipped file,
    the packages from the files' archive), say why in the console, and run a cell that imports them?"""
    output, console = _first_cell(site, _NoSnapshot, tmp_path_factory.mktemp("profile-usual"))
    assert "python 3" in output, output
    assert [line for line in console if "could not be restored" in line and "404" in line], console


def test_a_file_python_cannot_start_without_is_named_once_in_the_console(site, tmp_path_factory):
    """If the packages' files cannot be had, does the console say once that Python could not start and which
    file failed, with no "uncaught (in promise)" error naming it?"""
    with _opened(site, _NoArchive, tmp_path_factory.mktemp("profile-no-archive")) as (page, recorder):
        for _ in range(600):
            if any("Python could not start" in line for line in recorder.console):
                break
            ui.pump(page, 0.1)
    said = [line for line in recorder.console if "site-packages.bin.gz" in line]
    assert said == ["error: Python could not start: site-packages.bin.gz: HTTP 404"], recorder.console
    uncaught = [e for e in recorder.errors if e.startswith("uncaught exception") and "site-packages.bin.gz" in e]
    assert not uncaught, recorder.errors
