"""Benchmark 4: what trusted grading costs, against stock nbgrader, measured side by side.

1. **Per notebook**: ``nbgrader autograde`` of each assignment's solution notebook in a temporary
   course, with nbgrader's own pipeline (verdicts in the learner's kernel, no sandbox) and with this
   course's (learner code in the sandbox, verdicts decided outside the kernel, function questions run
   again in a fresh sandboxed process). Median of ``repeat`` runs after a warm-up; target ≤ +25 %.
2. **A class with denial-of-service notebooks**: 40 submissions of ``a02_dense``, 37 honest and 3 that
   try to hold the grader (a cell that sleeps forever, an endless loop that ignores interrupts, an
   endless flood of output), graded with the course's default limits, against the 37 honest ones
   alone; target ≤ 3×. Every honest submission must still get full marks.

    python -m benchmarks.grading            # prints two Markdown tables
"""

from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path

import nbformat

from autograder import course

REPEAT = 3
HONEST, ASSIGNMENT = 37, "a02_dense"
DOS = {
    "dos_sleep": "import time\ntime.sleep(10**6)",
    "dos_ignores_interrupts": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    "dos_output_flood": "while True:\n    print('x' * 10_000)",
}


def autograde_seconds(assignment: str, repeat: int, stock: bool = False, variants: bool = True) -> float:
    """Median seconds of ``nbgrader autograde`` of the assignment's solution notebook, after a warm-up."""
    times = []
    with warnings.catch_warnings(), course.temp_course(stock=stock, variants=variants) as grader:
        warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's re-autograde bookkeeping
        grader.generate(assignment)
        grader.submit("bench", assignment, course.solution_path(assignment))
        grader.autograde(assignment, "bench")  # warm-up
        for _ in range(repeat):
            start = time.perf_counter()
            grader.autograde(assignment, "bench")
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_notebook(assignments=course.ASSIGNMENTS, repeat: int = REPEAT) -> list[dict]:
    """Median autograde seconds of one solution notebook per assignment, stock vs trusted, alternating."""
    return [{"assignment": a, "stock_s": autograde_seconds(a, repeat, stock=True),
             "trusted_s": autograde_seconds(a, repeat)} for a in assignments]


def _dos_notebook(folder: Path, name: str, code: str) -> Path:
    nb = nbformat.read(course.solution_path(ASSIGNMENT), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "dense-mlp-hidden")
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(code))
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _class_seconds(with_dos: bool, folder: Path) -> tuple[float, dict]:
    with warnings.catch_warnings(), course.temp_course() as grader:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        grader.generate(ASSIGNMENT)
        for i in range(HONEST):
            grader.submit(f"honest_{i:02d}", ASSIGNMENT, course.solution_path(ASSIGNMENT))
        for name, code in DOS.items() if with_dos else ():
            grader.submit(name, ASSIGNMENT, _dos_notebook(folder, name, code))
        start = time.perf_counter()
        grader.autograde(ASSIGNMENT)
        seconds = time.perf_counter() - start
        return seconds, {student: score for (student, _), score in grader.export().items()}


def class_with_dos(folder: Path) -> dict:
    """Seconds to autograde the honest class alone and with the DoS notebooks; the scores of both runs."""
    alone, _ = _class_seconds(False, folder)
    together, scores = _class_seconds(True, folder)
    return {"alone_s": alone, "with_dos_s": together, "scores": scores}


def report(rows: list[dict], klass: dict) -> str:
    lines = ["| assignment | stock nbgrader (s) | trusted, sandboxed (s) | extra |", "|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['assignment']} | {r['stock_s']:.2f} | {r['trusted_s']:.2f} | "
                     f"{r['trusted_s'] / r['stock_s'] - 1:+.0%} |")
    stock, trusted = sum(r["stock_s"] for r in rows), sum(r["trusted_s"] for r in rows)
    lines.append(f"| **all** | {stock:.2f} | {trusted:.2f} | **{trusted / stock - 1:+.0%}** (target ≤ +25 %) |")
    honest = [s for student, s in klass["scores"].items() if student.startswith("honest")]
    dos = {student: s for student, s in klass["scores"].items() if student.startswith("dos")}
    lines += ["", "| class of a02_dense | seconds | ratio |", "|---|---:|---:|",
              f"| {HONEST} honest submissions alone | {klass['alone_s']:.1f} | 1.00× |",
              f"| the same + {len(DOS)} DoS submissions | {klass['with_dos_s']:.1f} | "
              f"**{klass['with_dos_s'] / klass['alone_s']:.2f}×** (target ≤ 3×) |",
              "", f"Honest scores: {len(honest)} × {set(honest)}; DoS scores: {dos}."]
    return "\n".join(lines)


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(report(per_notebook(), class_with_dos(Path(folder))))


if __name__ == "__main__":
    main()
