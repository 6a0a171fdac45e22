"""Benchmark: the exercises in the browser (JupyterLite, Pyodide) against a local Jupyter kernel.

The site is built alone (``lite.build``, as ``make book`` builds it into the book) into a temporary folder,
served on 127.0.0.1 and opened in headless Chromium with a new profile each time (a first visit: nothing
cached). Side by side, the same steps on a local CPython kernel (jupyter_client, the venv's ``python3``):

- **start**: page load (or kernel start) until the kernel is idle;
- **first check**: the first question worked as a learner does (setup, question and answer cells), then
  the check cell alone, from Shift+Enter (or ``execute``) to its verdict;
- **size**: the site on disk, and its parts.

Targets (issue 8): kernel idle ≤ 10 s, a check ≤ 0.5 s, the site ≤ 45 MB.

    python -m benchmarks.lite          # prints a Markdown table
"""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from lite import build
from tests.book import notebook_ui as ui
from tests.book.browser import OFFLINE, chromium

REPEAT = 3
NOTEBOOK = "a01_the_question.ipynb"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def first_question(notebook: Path) -> list[tuple[int, str]]:
    """(cell index, code) of the cells up to the first check cell, the answer cell as its solution."""
    solved = {c["metadata"]["nbgrader"]["grade_id"]: c for c in
              json.loads((build.ROOT / "solutions" / notebook.stem / notebook.name).read_text())["cells"]
              if c["metadata"].get("nbgrader")}
    steps = []
    for index, cell in enumerate(json.loads(notebook.read_text())["cells"]):
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] == "code":
            source = solved[meta["grade_id"]] if meta.get("solution") else cell
            steps.append((index, _unmarked("".join(source["source"]))))
            if meta.get("grade"):
                return steps
    raise ValueError(f"{notebook} has no check cell")


def _unmarked(code: str) -> str:
    return "\n".join(line for line in code.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def in_browser(url: str, steps: list[tuple[int, str]], profile: Path) -> dict:
    """One first visit: seconds to an idle kernel, and the check cell's seconds."""
    with chromium(profile, OFFLINE, timeout=120) as (page, _):
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        ui.wait_until_idle(page, 180)
        idle = time.perf_counter() - start
        for index, code in steps[:-1]:
            if "answer" in code or "def " in code:
                ui.type_into(page, index, code)
            ui.run(page, index, 60)
        check = ui.run(page, steps[-1][0], 60)
        assert "✓" in ui.output(page, steps[-1][0]), ui.output(page, steps[-1][0])
        return {"idle_s": idle, "check_s": check}


def local(steps: list[tuple[int, str]]) -> dict:
    """The same on a local CPython kernel: start to idle, then the check cell's round trip."""
    start = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        idle = time.perf_counter() - start
        for _, code in steps[:-1]:
            client.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
        begun = time.perf_counter()
        reply = client.execute_interactive(steps[-1][1], timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        return {"idle_s": idle, "check_s": time.perf_counter() - begun}
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def sizes(site: Path) -> dict[str, float]:
    """Megabytes of the site and of its parts."""
    def mb(paths) -> float:
        return sum(p.stat().st_size for p in paths if p.is_file()) / 1e6

    pyodide = site / "static" / "pyodide"
    parts = {"Pyodide runtime": mb(pyodide.glob("pyodide*")) + mb(pyodide.glob("python_stdlib.zip")),
             "the kernel's wheels": mb(pyodide.glob("*.whl")) - mb(pyodide.glob("keras_params_course-*.whl")),
             "this package": mb(pyodide.glob("keras_params_course-*.whl")),
             "the notebooks": mb((site / "files").glob("*.ipynb"))}
    total = mb(site.rglob("*"))
    return {"site": total, "JupyterLite's app": total - sum(parts.values()), **parts}


def run(repeat: int = REPEAT) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        site = build.build(Path(tmp) / "lite")
        steps = first_question(site / "files" / NOTEBOOK)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=tmp))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/lite/notebooks/index.html?path={NOTEBOOK}"
        try:
            browser = [in_browser(url, steps, Path(tmp) / f"profile-{i}") for i in range(repeat)]
            kernel = [local(steps) for _ in range(repeat)]
        finally:
            server.shutdown()
            server.server_close()
        return {"browser": _medians(browser), "local": _medians(kernel), "sizes": sizes(site)}


def _medians(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def report(r: dict) -> str:
    b, k, s = r["browser"], r["local"], r["sizes"]
    lines = ["| | in the browser (Pyodide) | local kernel (CPython) | ratio | target |", "|---|---:|---:|---:|---:|",
             f"| page load / kernel start to idle | {b['idle_s']:.1f} s | {k['idle_s']:.1f} s | "
             f"{b['idle_s'] / k['idle_s']:.1f}× | ≤ 10 s |",
             f"| first check | {b['check_s'] * 1000:.0f} ms | {k['check_s'] * 1000:.0f} ms | "
             f"{b['check_s'] / k['check_s']:.1f}× | ≤ 0.5 s |", "",
             f"Site size: **{s['site']:.1f} MB** (target ≤ 45 MB): " + ", ".join(
                 f"{name} {mb:.1f} MB" for name, mb in s.items() if name != "site") + "."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(run()))
