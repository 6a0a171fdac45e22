"""While Python starts in the browser, the notebook says so (issue 22): lite/starting.js, in headless Chromium.

The JupyterLite site is built alone (``lite.build``, no book needed), served on 127.0.0.1 and opened on chapter 1's
notebook with a new profile. The page is watched every 50 ms from the first moment until Python is ready: what
the status line said and how (its role, its live region, its progress bar), whether a cell run while Python
started ran once it was ready, and that the line went away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler

import pytest

from lite import build
from tests.book import notebook_ui as ui
from tests.book.axe import axe_source
from tests.book.browser import OFFLINE, chromium
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
      ? window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus : '' }}; }})()"""
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


@pytest.fixture(scope="module")
def start(tmp_path_factory) -> Start:
    """Open the notebook, run the import cell as soon as the line says Python is starting, watch until ready."""
    folder = tmp_path_factory.mktemp("lite-start")
    build.build(folder / "lite")
    seen = Start()
    with serve(folder, _Quiet) as address, \
            chromium(tmp_path_factory.mktemp("profile"), OFFLINE, timeout=120) as (page, _):
        page.goto(f"{address}lite/notebooks/index.html?path={NOTEBOOK}", wait_until="commit")
        ui.wait_for(page, LINE, 60, "the status line", every=0.05)
        _watch(page, seen)
        ui.wait_for(page, f"/\\[\\d+\\]/.test({ui.CELLS}[1].querySelector('.jp-InputPrompt').innerText)", 60,
                    "the early cell to run")
        ui.pump(page, 3)  # the line says "ready", then goes
        seen.after_ready = page.evaluate(LOOK)
        seen.early_prompt = page.evaluate(f"{ui.CELLS}[1].querySelector('.jp-InputPrompt').innerText")
        seen.early_output = ui.output(page, 1)
    return seen


def _watch(page, seen: Start) -> None:
    """Look every 50 ms until the kernel is idle; the first time the line says Python is starting, run the
    import cell (click, Shift+Enter) as a reader who does not wait."""
    ran = False
    for _ in range(int(KERNEL_TIMEOUT / 0.05)):
        look = page.evaluate(LOOK)
        seen.looks.append(look)
        if look["state"] == "python" and not ran and look["cells"] > 1:
            ui.click(page, f"{ui.CELLS}[1].querySelector('.jp-InputArea-editor')")
            page.keyboard.press("Shift+Enter")
            ran = True
            seen.axe = page.evaluate(axe_source() + AXE_LINE)
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
    """Does the import cell, run with Shift+Enter while the line said Python was starting, run once Python
    is ready, without an error?"""
    assert start.early_prompt.strip().startswith("[1]"), start.early_prompt
    assert "Error" not in start.early_output, start.early_output
