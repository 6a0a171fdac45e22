"""Benchmark 5: what per-learner variants cost, against the book's numbers for everyone, side by side.

1. **Grading per notebook**: ``nbgrader autograde`` of each assignment's solution notebook in a
   temporary course, once with variants on (the learner's own numbers: key from the course secret,
   every question's variant drawn and counted, the ``show`` cells re-rendered, copy detection
   ready) and once with them off. Median of ``repeat`` runs after a warm-up, alternating; target ≤ +10 %.
2. **Rendering**: what ``show`` does in the learner's kernel for every question of the course: draw
   the variant, patch its config, count it and render the Markdown, for a new learner each time,
   against rendering the book's numbers.

    python -m benchmarks.variants            # prints two Markdown tables
"""

from __future__ import annotations

import time

from autograder import course
from autograder.grading.learner import render
from autograder.grading.questions import _variant, all_questions
from autograder.grading.variants import learner_key

from .grading import autograde_seconds

REPEAT = 3
LEARNERS = 200


def grading(assignments=course.ASSIGNMENTS, repeat: int = REPEAT) -> list[dict]:
    """Median autograde seconds of one solution notebook per assignment, variants off vs on."""
    return [{"assignment": a, "off_s": autograde_seconds(a, repeat, variants=False),
             "on_s": autograde_seconds(a, repeat, variants=True)} for a in assignments]


def rendering(learners: int = LEARNERS) -> dict:
    """Milliseconds to render every question of the course once, for the book's numbers and per new learner."""
    questions = [q for q in all_questions() if q.varies]
    start = time.perf_counter()
    for _ in range(learners):
        for question in questions:
            render(question)
    book = (time.perf_counter() - start) / learners
    _variant.cache_clear()
    start = time.perf_counter()
    for i in range(learners):
        key = learner_key("bench", f"learner{i}")
        for question in questions:
            render(question.variant(key))
    own = (time.perf_counter() - start) / learners
    return {"questions": len(questions), "book_ms": book * 1000, "own_ms": own * 1000}


def report(rows: list[dict], shown: dict) -> str:
    lines = ["| assignment | variants off (s) | variants on (s) | extra |", "|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['assignment']} | {r['off_s']:.2f} | {r['on_s']:.2f} | {r['on_s'] / r['off_s'] - 1:+.1%} |")
    off, on = sum(r["off_s"] for r in rows), sum(r["on_s"] for r in rows)
    lines.append(f"| **all** | {off:.2f} | {on:.2f} | **{on / off - 1:+.1%}** (target ≤ +10 %) |")
    lines += ["", f"| rendering all {shown['questions']} varied questions | ms per learner |", "|---|---:|",
              f"| the book's numbers | {shown['book_ms']:.2f} |",
              f"| a new learner's own numbers (draw, patch, count, render) | {shown['own_ms']:.2f} |"]
    return "\n".join(lines)


def main() -> None:
    print(report(grading(), rendering()))


if __name__ == "__main__":
    main()
