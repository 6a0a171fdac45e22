"""Benchmark: from the book's "Open in your browser" button to a check's first verdict (JupyterLite, Pyodide).

The site is built alone (``lite.build``, as ``make book`` builds it into the book) into a temporary folder and
served on 127.0.0.1 under ``/lite/``, beside the built book's chapter 1 (``_build/html``; a stand-in page with the
same button if the book is not built). Headless Chromium opens chapter 1 and clicks the button, as a reader does;
the reader then works the first question at once: runs the import cell and the question cell, types the answer
(the solution's code) and runs the check cell, each with a click and Shift+Enter, without waiting (cells queue
while Python starts). Each round is two visits with one browser profile:

- **cold**: a first visit, nothing cached;
- **warm**: the browser closed and opened again on the same profile (its HTTP cache, compiled-code cache and
  service worker kept), as a reader who comes back.

Times are seconds from the click, read in the page: **status line** (the notebook page says Python is starting:
``lite/starting.js``), **notebook** (the cells on screen), **Python ready** (the kernel's first "idle": Pyodide
started and the kernel's packages imported), **package** (``from autograder import check, show`` done) and
**verdict** (the check cell shows ✓), and the CPU time the browser used meanwhile (its processes, from /proc:
less moved by other programs than the wall clock, so two builds can be compared on a busy machine with
``--site``), and the bytes of the site's files it was sent (a warm visit: those not in its cache). Also the
check cell alone (run again once warm) against a local CPython kernel, and the site's size.
Target (issue 22): the first verdict within 5 s of the click, cold.

    python -m benchmarks.lite              # 3 rounds, prints a Markdown report with the load average
    python -m benchmarks.lite --rounds 1 --site _build/html/lite    # an already built site
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

from jupyter_client.manager import start_new_kernel

from lite import build, snapshot
from tests.book import notebook_ui as ui
from tests.book.browser import OFFLINE, chromium
from tests.book.serving import serve

ROUNDS = 3
NOTEBOOK = "a01_the_question.ipynb"
CHAPTER = "book/01-the-question.html"
BUTTON = "[...document.querySelectorAll('a')].find(a => a.innerText.trim() === 'Open in your browser')"
STATUS = "document.getElementById('course-python-status')"
STAND_IN = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Chapter 1</title></head><body>'
            f'<a href="../lite/notebooks/index.html?path={NOTEBOOK}">Open in your browser</a></body></html>')
MILESTONES = ("status_s", "notebook_s", "python_s", "package_s", "verdict_s")
RECORDER = """(([importCell, checkCell]) => {
  const marks = window.__marks = {};
  const cells = () => [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const session = () => window.jupyterapp.shell.currentWidget.sessionContext;
  const idle = () => { if (!marks.python) marks.python = Date.now(); };
  if (session().kernelDisplayStatus === 'idle') idle();
  session().statusChanged.connect((_, status) => { if (status === 'idle') idle(); });
  const queued = {};  // a cell is done once its prompt went from [*] to a number (a warm visit shows old ones)
  const done = (index) => {
    const prompt = cells()[index].querySelector('.jp-InputPrompt').innerText;
    if (prompt.includes('*')) queued[index] = true;
    return queued[index] && /\\[\\d+\\]/.test(prompt);
  };
  const timer = setInterval(() => {
    if (!marks.package && done(importCell)) marks.package = Date.now();
    const out = cells()[checkCell].querySelector('.jp-OutputArea');
    if (done(checkCell) && out && out.innerText.includes('✓')) { marks.verdict = Date.now(); clearInterval(timer); }
  }, 10);
})"""


class _Quiet(SimpleHTTPRequestHandler):
    site: Path
    served: ClassVar[list[int]] = []  # the size of each file of the site served since the last visit began

    def translate_path(self, path: str) -> str:
        """``/lite/...`` from the site built for this run, everything else from the book's folder."""
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if bare.startswith("/lite/"):
            found = self.site / bare.removeprefix("/lite/")
            if found.is_file():
                _Quiet.served.append(found.stat().st_size)
            return str(found)
        return super().translate_path(path)

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


def book_root(tmp: Path) -> tuple[Path, bool]:
    """The folder served as the book: the built book if chapter 1 is there, else a stand-in (False)."""
    built = build.ROOT / "_build" / "html"
    if (built / CHAPTER).is_file():
        return built, True
    (tmp / "stand-in" / "book").mkdir(parents=True)
    (tmp / "stand-in" / CHAPTER).write_text(STAND_IN)
    return tmp / "stand-in", False


def visit(url: str, steps: list[tuple[int, str]], profile: Path) -> dict:
    """One visit: open chapter 1, click the button, work the first question; seconds from the click."""
    with chromium(profile, OFFLINE, timeout=120) as (page, _):
        page.goto(url, wait_until="networkidle")
        clicked, cpu = page.evaluate("Date.now()"), cpu_seconds()
        _Quiet.served.clear()
        ui.click(page, BUTTON)
        seen = {"status_s": _wait(page, clicked, f"({STATUS} && !{STATUS}.hidden) || {ui.CELLS}.length",
                                  "the status line")}
        if not page.evaluate(STATUS):
            seen["status_s"] = None  # a site built before lite/starting.js: compared by --site
        seen["notebook_s"] = _wait(page, clicked, f"{ui.CELLS}.length > {steps[-1][0]}", "the notebook's cells")
        ui.wait_for(page, "window.jupyterapp && window.jupyterapp.shell.currentWidget.sessionContext.session",
                    60, "the kernel's session", every=0.02)
        page.evaluate(f"{RECORDER}({json.dumps([steps[0][0], steps[-1][0]])})")
        for index, code in steps:
            if "answer" in code or "def " in code:
                ui.type_into(page, index, code)
            ui.click(page, f"{ui.CELLS}[{index}].querySelector('.jp-InputArea-editor')")
            page.keyboard.press("Shift+Enter")
        ui.wait_for(page, "window.__marks.verdict", 240, "the first verdict", every=0.05)
        marks, cpu = page.evaluate("window.__marks"), cpu_seconds() - cpu
        seen |= {f"{name}_s": (marks[name] - clicked) / 1000 for name in ("python", "package", "verdict")}
        seen["cpu_s"] = cpu
        seen["served_mb"] = sum(_Quiet.served) / 1e6  # what the site sent (a warm visit: what was not cached)
        if seen["status_s"] is not None:
            ui.wait_for(page, f"{STATUS}.hidden", 10, "the status line to go once Python is ready")
        seen["check_s"] = ui.run(page, steps[-1][0], 60)
        return seen


def _wait(page, clicked: float, expression: str, what: str) -> float:
    """Poll every 20 ms until ``expression`` holds; seconds since the click (``Date.now()`` then)."""
    ui.wait_for(page, expression, 120, what, every=0.02)
    return (page.evaluate("Date.now()") - clicked) / 1000


def cpu_seconds() -> float:
    """CPU seconds used so far by this process's descendants: the browser's processes and Playwright's driver
    (Linux's /proc; a finished process counts in its parent's). Less moved by other programs' load than the
    wall clock, so two sites can be compared on a busy machine."""
    ticks, parents, times = os.sysconf("SC_CLK_TCK"), {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
        times[int(stat.parent.name)] = sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
    mine = {os.getpid()}
    for pid in sorted(parents, key=lambda p: _depth(p, parents)):
        if parents[pid] in mine:
            mine.add(pid)
    return sum(times[pid] for pid in mine - {os.getpid()})


def _depth(pid: int, parents: dict[int, int]) -> int:
    depth = 0
    while pid in parents and depth < 64:
        pid, depth = parents[pid], depth + 1
    return depth


def local(steps: list[tuple[int, str]]) -> dict:
    """The same cells on a local CPython kernel: start to idle, then the check cell's round trip."""
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
             "Python's snapshot": mb(pyodide.glob(snapshot.SNAPSHOT)),
             "the packages' files (the kernel's and this one)": mb(pyodide.glob(snapshot.FILES)),
             "wheels": mb(pyodide.glob("*.whl")),  # a site built before lite/snapshot.py (--site)
             "the notebooks": mb((site / "files").glob("*.ipynb"))}
    total = mb(site.rglob("*"))
    return {"site": total, "JupyterLite's app": total - sum(parts.values()), **parts}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").is_file() else "?"


def run(rounds: int = ROUNDS, site: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        site = site.resolve() if site else build.build(Path(tmp) / "lite")
        steps = first_question(site / "files" / NOTEBOOK)
        root, real_book = book_root(Path(tmp))
        handler = type("_Served", (_Quiet,), {"site": site})
        loads = [load_average()]
        visits: dict[str, list[dict]] = {"cold": [], "warm": []}
        with serve(root, handler) as address:
            for number in range(rounds):
                profile = Path(tmp) / f"profile-{number}"
                for kind in ("cold", "warm"):
                    visits[kind].append(visit(address + CHAPTER, steps, profile))
        loads.append(load_average())
        kernel = [local(steps) for _ in range(rounds)]
        return {"cold": visits["cold"], "warm": visits["warm"], "local": _medians(kernel), "sizes": sizes(site),
                "load": loads, "real_book": real_book, "rounds": rounds}


def _medians(runs: list[dict]) -> dict:
    return {key: statistics.median(v) if (v := [run[key] for run in runs if run[key] is not None]) else None
            for key in runs[0]}


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def report(r: dict) -> str:
    lines = [f"| visit (median of {r['rounds']}) | status line | notebook | Python ready | package imported "
             "| **first verdict** | target |", "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, target in (("cold", "≤ 5 s"), ("warm", "")):
        m = _medians(r[kind])
        lines.append(f"| {kind} | " + " | ".join(_seconds(m[key]) for key in MILESTONES[:-1])
                     + f" | **{m['verdict_s']:.1f} s** | {target} |")
    for kind in ("cold", "warm"):
        lines.append(f"\nEach {kind} first verdict: " + ", ".join(f"{v['verdict_s']:.1f} s" for v in r[kind])
                     + "; CPU time the browser used from the click to the verdict: "
                     + ", ".join(f"{v['cpu_s']:.1f} s" for v in r[kind])
                     + "; the site's files it was sent meanwhile: "
                     + ", ".join(f"{v['served_mb']:.1f} MB" for v in r[kind]) + ".")
    b, k, s = _medians(r["cold"] + r["warm"]), r["local"], r["sizes"]
    lines += ["", f"The check cell alone: {b['check_s'] * 1000:.0f} ms in the browser, {k['check_s'] * 1000:.0f} ms "
              f"on a local CPython kernel (which starts in {k['idle_s']:.1f} s).",
              f"Site size: **{s['site']:.1f} MB** (target ≤ 45 MB): " + ", ".join(
                  f"{name} {mb:.1f} MB" for name, mb in s.items() if name != "site" and mb) + ".",
              f"Load average (1, 5, 15 min) before: {r['load'][0]}; after: {r['load'][1]}; "
              + ("chapter 1 of the built book." if r["real_book"] else "a stand-in chapter page (no built book).")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lite", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="cold + warm visits, each on a new profile")
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--json", action="store_true", help="print every visit's times as JSON too")
    args = parser.parse_args(argv)
    result = run(args.rounds, args.site)
    print(report(result))
    if args.json:
        print(json.dumps({kind: result[kind] for kind in ("cold", "warm")}, indent=1))


if __name__ == "__main__":
    main()
