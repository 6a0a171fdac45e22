"""Benchmark: the grader's peak memory while a notebook floods every channel to it, against an honest notebook.

Each notebook of ``a02_dense`` is graded alone by ``nbgrader autograde`` (in this process, through
nbgrader's API, with the course's pipeline and default limits) in a temporary course. Around each grading
this process's peak resident memory is reset (``/proc/self/clear_refs``) and read (``VmHWM``): the
grader's own memory, not the kernel's or the function runner's (separate processes). The floods are the
hostile fixtures (tests/fixtures/hostile/a02_dense):

- ``dos_runner_flood``: a definition writes 640 MB to every file descriptor of the function runner;
- ``dos_output_channels``: 1 MB answer reports, 300 displays updated to 1.5 MB each, one 300 MB display;
- ``dos_deep_json``: outputs nested deeper than the grader's stack.

Target: every flood within 300 MB of the grader's baseline. Linux only (``/proc``)::

    python -m benchmarks.flood
"""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

from autograder import course

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hostile" / "a02_dense"
ASSIGNMENT = "a02_dense"
NOTEBOOKS = ("honest_plain", "dos_runner_flood", "dos_output_channels", "dos_deep_json")
CEILING_MB = 300


def _mb(field: str) -> float:
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


def grade_one(grader: course.Course, name: str) -> dict:
    """Grade one fixture as student ``name``: peak memory above the resident memory before, seconds, score."""
    grader.submit(name, ASSIGNMENT, FIXTURES / f"{name}.ipynb")
    before = _mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    start = time.perf_counter()
    grader.autograde(ASSIGNMENT, name)
    seconds, peak = time.perf_counter() - start, _mb("VmHWM") - before
    graded = grader.root / "autograded" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return {"notebook": name, "peak_mb": peak, "seconds": seconds, "graded_kb": graded.stat().st_size / 1024}


def run() -> list[dict]:
    """One row per notebook, after a warm-up grading (imports, the first kernel) that is not counted."""
    with warnings.catch_warnings(), course.temp_course(variants=False) as grader:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        grader.generate(ASSIGNMENT)
        grade_one(grader, "honest_plain")  # warm-up
        rows = [grade_one(grader, name) for name in NOTEBOOKS]
        scores = grader.export()
    for row in rows:
        row["score"] = scores[(row["notebook"], ASSIGNMENT)]
    return rows


def report(rows: list[dict]) -> str:
    lines = ["| notebook | grader's peak above baseline (MB) | graded notebook (KB) | seconds | score |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['notebook']} | {r['peak_mb']:.0f} | {r['graded_kb']:.0f} | {r['seconds']:.1f} | {r['score']:g} |"
              for r in rows]
    worst = max(r["peak_mb"] for r in rows)
    lines.append(f"\nWorst peak {worst:.0f} MB above baseline (ceiling {CEILING_MB} MB): "
                 f"{'within' if worst <= CEILING_MB else 'OVER'} the ceiling.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(run()))
