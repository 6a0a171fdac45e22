"""Benchmark 4: what the checks cost when a submission is graded.

For each assignment, a fully correct submission (the solution notebook, hidden tests included)
is executed headless three ways, side by side:

- **no checks**: the same notebook with every test cell and ``from autograder import check`` replaced
  by ``pass`` (the same number of cells to execute): the learner's own code only, the floor for any grader;
- **with checks**: the notebook as nbgrader's autograde runs it (the same nbclient execution);
- **nbgrader autograde**: the real ``nbgrader autograde`` step in a temporary course, for context
  (it adds nbgrader's own bookkeeping: the gradebook, checksums, cell overwrites).

The checks' overhead is (with checks − no checks) / no checks; the target is ≤ 10 % with a warm
key cache (the committed ``bank/verified.json``: grading never imports Keras). Each figure is the
median of ``repeat`` runs, after one untimed warm-up.

    python -m benchmarks.grading            # prints a Markdown table
"""

from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path

import nbformat

from autograder import course, selfstudy

REPEAT = 5


def _without_checks(nb):
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("grade") or meta.get("grade_id") == "setup"):
            cell.source = "pass"  # still a cell to execute: only the checks themselves are left out
    return nb


def _run_seconds(nb, cwd: Path) -> float:
    start = time.perf_counter()
    executed = selfstudy.execute(nbformat.from_dict(nb), cwd, timeout=120)
    seconds = time.perf_counter() - start
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    if errors:
        raise RuntimeError(f"the benchmark notebook failed: {errors[0].ename}: {errors[0].evalue}")
    return seconds


def _autograde_seconds(assignment: str, repeat: int) -> float:
    times = []
    # Autograding the same submission again makes nbgrader's gradebook warn (SQLAlchemy's SAWarning)
    # on stderr, once per cell: its own bookkeeping, not a finding of this benchmark.
    with warnings.catch_warnings(), course.temp_course(timeout=120) as grader:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        grader.generate(assignment)
        grader.submit("bench", assignment, course.solution_path(assignment))
        grader.autograde(assignment, "bench")  # warm-up
        for _ in range(repeat):
            start = time.perf_counter()
            grader.autograde(assignment, "bench")
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(assignment: str, repeat: int = REPEAT) -> dict:
    """Median seconds for one assignment: no checks, with checks (alternating runs), nbgrader autograde."""
    path = course.solution_path(assignment)
    with_checks = nbformat.read(path, as_version=4)
    no_checks = _without_checks(with_checks)
    _run_seconds(with_checks, path.parent)  # warm the key cache and the OS file cache
    plain, checked = [], []
    for _ in range(repeat):
        plain.append(_run_seconds(no_checks, path.parent))
        checked.append(_run_seconds(with_checks, path.parent))
    return {"assignment": assignment, "no_checks_s": statistics.median(plain),
            "with_checks_s": statistics.median(checked), "autograde_s": _autograde_seconds(assignment, 3)}


def run(assignments: tuple[str, ...] = course.ASSIGNMENTS, repeat: int = REPEAT) -> list[dict]:
    return [measure(a, repeat) for a in assignments]


def report(rows: list[dict]) -> str:
    lines = ["| assignment | no checks (s) | with checks (s) | checks' overhead | nbgrader autograde (s) |",
             "|---|---:|---:|---:|---:|"]
    for r in rows:
        extra = r["with_checks_s"] - r["no_checks_s"]
        lines.append(f"| {r['assignment']} | {r['no_checks_s']:.2f} | {r['with_checks_s']:.2f} | "
                     f"{extra / r['no_checks_s']:+.0%} ({extra * 1000:+.0f} ms) | {r['autograde_s']:.2f} |")
    plain = sum(r["no_checks_s"] for r in rows)
    checked = sum(r["with_checks_s"] for r in rows)
    lines.append(f"| **all** | {plain:.2f} | {checked:.2f} | {(checked - plain) / plain:+.0%} | "
                 f"{sum(r['autograde_s'] for r in rows):.2f} |")
    return "\n".join(lines)


def main() -> None:
    print(report(run()))


if __name__ == "__main__":
    main()
