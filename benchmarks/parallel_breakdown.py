"""Where a graded notebook's time goes, from the events :mod:`autograder.parallel.timing` wrote in one run.

:func:`breakdown` reads one run's events (one JSON line each) and gives the seconds of each step per notebook,
on the process that graded it, plus the fixed costs of the run: from the command's start to the first
notebook's start, and from the last notebook's end to the command's exit. Stock ``nbgrader autograde``
grades each submission between ``init_assignment`` and the end of ``convert_single_notebook``; a parallel
run's grading process between the start and end of each task. Steps nested in others (the kernel's, inside
``SandboxedExecute``) are shown under them, and each group's rest is what is left of its parent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

__all__ = ["breakdown", "read", "table"]

STOCK_FIRST, STOCK_LAST = "nbgrader: student and submission rows", "nbgrader: convert notebook"
TASK = "grading process: task"
EXECUTE = "preprocessor: SandboxedExecute"
KERNEL = ("kernel: sandbox and launch", "kernel: wait until ready", "kernel: run cells", "kernel: shut down",
          "kernel: sandbox clean-up", "function question run again")
PRIVATE = ("private course: lay out, load config", "private course: gradebook copied and seeded",
           "private course: outcome collected")
# Rows of the table: (label, events summed, events subtracted). Per notebook, on the process grading it.
ROWS = (
    ("kernel: sandbox set-up and launch", ("kernel: sandbox and launch",), ()),
    ("kernel: start until ready", ("kernel: wait until ready",), ()),
    ("kernel: the notebook's cells", ("kernel: run cells",), ()),
    ("kernel: shut down, sandbox removed", ("kernel: shut down", "kernel: sandbox clean-up"), ()),
    ("function question run again (fresh sandbox)", ("function question run again",), ()),
    ("SandboxedExecute's own work (verdicts)", (EXECUTE,), KERNEL),
    ("nbgrader's other preprocessors and exporter", (STOCK_LAST,), (EXECUTE, "nbgrader: write notebook")),
    ("nbgrader: gradebook rows, notebook written", (STOCK_FIRST, "nbgrader: write notebook"), ()),
    ("private course: laid out, gradebook seeded", PRIVATE[:2], ()),
    ("private course: outcome collected", PRIVATE[2:], ()),
)


def read(path: Path) -> list[dict]:
    """The events of a run (none if the file is missing)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _windows(events: list[dict]) -> list[tuple[int, float, float, float]]:
    """(pid, start, end, CPU seconds) of each notebook graded: a parallel run's tasks, else stock's submissions.
    The CPU is the grading process's and its kernels'."""
    tasks = [(e["pid"], e["start"], e["end"], e["cpu"] - e["cpu0"]) for e in events if e["event"] == TASK]
    if tasks:
        return tasks
    firsts = sorted((e["pid"], e["start"], e["cpu0"]) for e in events if e["event"] == STOCK_FIRST)
    lasts = sorted((e["pid"], e["end"], e["cpu"]) for e in events if e["event"] == STOCK_LAST)
    windows = []
    for pid, start, used in firsts:
        end = min(((t, c) for p, t, c in lasts if p == pid and t >= start), default=None)
        if end is not None:
            windows.append((pid, start, end[0], end[1] - used))
    return windows


def _within(events: list[dict], windows) -> dict[str, float]:
    """Seconds of each event inside the notebooks' windows, summed over them."""
    by_pid = defaultdict(list)
    for pid, start, end, _ in windows:
        by_pid[pid].append((start, end))
    seconds = defaultdict(float)
    for e in events:
        if any(s <= e["start"] and e["end"] <= t for s, t in by_pid.get(e["pid"], ())):
            seconds[e["event"]] += e["end"] - e["start"]
    return seconds


def _delivery(events: list[dict]) -> float | None:
    """Seconds from a grading process sending an outcome to the coordinator having it (pickles, Dask), averaged."""
    sent = {e["student"]: e["end"] for e in events if e["event"] == "grading process: outcome sent"}
    arrived = {e["student"]: e["end"] for e in events if e["event"] == "coordinator: outcome arrived"}
    both = [arrived[s] - sent[s] for s in sent.keys() & arrived.keys()]
    return sum(both) / len(both) if both else None


def breakdown(events: list[dict], launched: float, exited: float) -> dict:
    """Per-notebook seconds of each row of :data:`ROWS`, the fixed costs, and the coordinator's share."""
    windows = _windows(events)
    count = len(windows) or 1
    seconds = _within(events, windows)
    rows = {label: (sum(seconds[e] for e in add) - sum(seconds[e] for e in sub)) / count for label, add, sub in ROWS}
    notebook = sum(end - start for _, start, end, _ in windows) / count
    rows["rest of the notebook's time"] = notebook - sum(rows.values())
    written = [e for e in events if e["event"] == "coordinator: batch written"]
    first = min((w[1] for w in windows), default=launched)
    last = max((w[2] for w in windows), default=exited)
    used = defaultdict(float)  # each process's CPU seconds by its last event, its ended children's included
    for e in events:
        used[e["pid"]] = max(used[e["pid"]], e["cpu"])
    return {"notebooks": len(windows), "processes": len({w[0] for w in windows}), "rows": rows,
            "cpu": sum(w[3] for w in windows) / count, "cpu_run": sum(used.values()),
            "notebook": notebook, "delivery": _delivery(events), "startup": first - launched,
            "ending": exited - last, "wall": exited - launched,
            "writer": sum(e["end"] - e["start"] for e in written) / count if written else None}


def table(stock: dict, parallel: dict) -> str:
    """Markdown: stock and parallel side by side, seconds per notebook and the fixed costs."""
    lines = ["| where the time goes | stock `nbgrader autograde` | `--workers 2` (per worker) |", "|---|---:|---:|"]

    def row(label: str, a: float | None, b: float | None) -> None:
        show = lambda x: "" if x is None else f"{x:.3f}"  # noqa: E731
        lines.append(f"| {label} | {show(a)} | {show(b)} |")

    for label in stock["rows"]:
        row(label, stock["rows"][label], parallel["rows"][label])
    row("**one notebook, on the process grading it**", stock["notebook"], parallel["notebook"])
    row("CPU seconds of one notebook (its grading process and kernels)", stock["cpu"], parallel["cpu"])
    row("an outcome's way to the coordinator (pickles, Dask)", None, parallel["delivery"])
    row("coordinator: writing one outcome (gradebook, notes, folder)", None, parallel["writer"])
    lines.append("| **fixed, once per run** | | |")
    row("command start to the first notebook's start", stock["startup"], parallel["startup"])
    row("last notebook's end to the command's exit", stock["ending"], parallel["ending"])
    row("**whole command**", stock["wall"], parallel["wall"])
    row("CPU seconds of the whole run (processes that logged)", stock["cpu_run"], parallel["cpu_run"])
    return "\n".join(lines)
