"""The coordinator alone, with simulated workers: how many notebooks a minute its one writer can record.

A parallel run's workers grade side by side, but one process writes every result (:mod:`autograder.parallel.writer`).
This drives that writer, through the coordinator's own loop (:func:`autograder.parallel.coordinator.write`),
with simulated workers: no Dask, no kernels, no CPU spent grading. Worker ``w`` of ``W`` finishes a
notebook every ``--grade-seconds`` (default 1.23 s, the one-worker pace of benchmark 5), and the outcomes
that have finished wait for the coordinator as Dask's do (polled every 0.2 s when none has). Each outcome is
a fake of what a worker sends for an ``a02_dense`` submission (the gradebook snapshot of a graded notebook,
the autograded folder, review notes, a sandbox level), written into a real course made by
``nbgrader generate_assignment``. So the figures are those of the writer: its gradebook writes through
nbgrader's API, its notes and folders.

For each number of workers, ``--rounds`` notebooks per worker are recorded twice, in fresh copies of the
course: one by one (a gradebook transaction per notebook, the writer before batching) and batched (all
outcomes that arrived while it wrote the last ones, at most ``--batch``, in one transaction). Reported:
notebooks a minute, the writer's milliseconds per notebook (time not spent waiting for workers; its first
write's warm-up weighs on the rows with few notebooks), how many outcomes arrived together on average (a
batch, cut at ``--batch``), and what the workers alone would give. A last row has workers that take no time at all: the
writer's ceiling. The machine's load slows the writer too, so on a busy machine read the ratios.

    python -m benchmarks.coordinator_sim [--workers 1,2,4,8,16,32,64] [--rounds 4] [--grade-seconds 1.23]
"""

from __future__ import annotations

import argparse
import bisect
import os
import shutil
import tempfile
import time
from pathlib import Path

from autograder.parallel import cluster, coordinator, gradebook
from autograder.parallel.plan import Plan
from autograder.parallel.tasks import Outcome, read_folder
from autograder.parallel.writer import BATCH

ASSIGNMENT = "a02_dense"
WORKERS = (1, 2, 4, 8, 16, 32, 64)
SECONDS = 1.23  # one notebook on one worker: benchmark 5, `--workers 1`, 98.6 s for 80 notebooks
LEVEL = "user namespace"


def fake_graded(structure: dict, wrong: bool) -> dict:
    """A private gradebook's :func:`~autograder.parallel.gradebook.snapshot` after grading: every answer
    right, or (``wrong``) the first one wrong and flagged for review."""
    notebooks = {}
    for nb in structure["notebooks"]:
        cells = [*nb["grade_cells"], *nb["task_cells"]]
        grades = {c["name"]: {"auto_score": 0.0 if wrong and i == 0 else c["max_score"], "manual_score": None,
                              "extra_credit": None, "needs_manual_grade": wrong and i == 0}
                  for i, c in enumerate(cells)}
        commented = [c["name"] for c in [*nb["solution_cells"], *nb["task_cells"]]]
        comments = {name: {"auto_comment": "No response." if wrong else None, "manual_comment": None}
                    for name in commented}
        notebooks[nb["name"]] = {"flagged": False, "late_submission_penalty": None, "grades": grades,
                                 "comments": comments}
    return {"timestamp": None, "extension": None, "courses": [], "notebooks": notebooks}


def fake_outcome(structure: dict, student: str, files: dict, index: int) -> Outcome:
    """What a worker would send back for ``student``'s submission (``files``, its autograded folder); every
    third has a wrong answer, a review note and no sandbox level."""
    wrong = index % 3 == 2
    first = structure["notebooks"][0]
    review = {first["name"]: {first["grade_cells"][0]["name"]: "For review: a copied answer?"}} if wrong else {}
    return Outcome(student, ok=True, graded=fake_graded(structure, wrong), files=files, review=review,
                   sandbox="" if wrong else LEVEL, seconds=SECONDS, worker=f"sim-{index}")


def arrivals(outcomes: list[Outcome], workers: int, seconds: float, waited: list[float]):
    """The outcomes in batches, as ``workers`` workers of ``seconds`` a notebook would deliver them to a
    coordinator polling as :func:`autograder.parallel.cluster.batches` does; time spent waiting goes in ``waited``."""
    start = time.monotonic()
    due = [start + (i // workers + 1) * seconds for i in range(len(outcomes))]
    sent = 0
    while sent < len(outcomes):
        ready = bisect.bisect_right(due, time.monotonic(), lo=sent)
        if ready == sent:
            time.sleep(cluster.POLL_SECONDS)
            waited.append(cluster.POLL_SECONDS)
            continue
        yield outcomes[sent:ready]
        sent = ready


class _Quiet:
    """The progress view, silent."""

    def start(self, *args) -> None:
        pass

    def advance(self, record) -> None:
        pass


def make_template(root: Path, size: int) -> tuple[Path, list[str]]:
    """A course with the assignment generated and ``size`` submissions (benchmark 5's class)."""
    from benchmarks.parallel import make_course

    make_course(root, size)
    return root, sorted(p.name for p in (root / "submitted").iterdir())


def outcomes_of(root: Path, students: list[str]) -> list[Outcome]:
    course = coordinator.Course.open(root)
    with course.gradebook() as book:
        structure = gradebook.structure(book, ASSIGNMENT)
    folder = root / "submitted"
    return [fake_outcome(structure, s, read_folder(folder / s / ASSIGNMENT), i) for i, s in enumerate(students)]


def once(template: Path, students: list[str], scratch: Path, *, workers: int, seconds: float, limit: int) -> dict:
    """Record ``len(students)`` outcomes of ``workers`` simulated workers in a fresh copy of the course."""
    root = scratch / f"course-{workers}-{limit}-{len(students)}"
    shutil.copytree(template, root)
    outcomes, waited, sizes = outcomes_of(root, students), [], []
    run = coordinator.Run(coordinator.Course.open(root), Plan(ASSIGNMENT, dict.fromkeys(students, "new"), ()))
    batches = (sizes.append(len(b)) or b for b in arrivals(outcomes, workers, seconds, waited))
    start = time.perf_counter()
    coordinator.write(run, ASSIGNMENT, batches, _Quiet(), limit)
    elapsed = time.perf_counter() - start
    placed = sum(1 for s in students if (root / "autograded" / s / ASSIGNMENT).is_dir())
    assert placed == len(run.records) == len(students), "a submission was not recorded"
    shutil.rmtree(root)
    return {"per_minute": 60 * len(students) / elapsed, "ms": 1000 * (elapsed - sum(waited)) / len(students),
            "batch": sum(sizes) / len(sizes)}


def run(workers=WORKERS, rounds: int = 4, seconds: float = SECONDS, limit: int = BATCH) -> list[dict]:
    """Each number of workers (and 0 s workers at the largest number, the ceiling), one by one and batched."""
    with tempfile.TemporaryDirectory(prefix="coordinator-sim-") as tmp:
        scratch = Path(tmp)
        template, everyone = make_template(scratch / "template", max(workers) * rounds)
        rows = []
        for count, pace in [*((w, seconds) for w in workers), (max(workers), 0.0)]:
            students = everyone[:count * rounds]
            rows.append({"workers": count, "seconds": pace,
                         "one_by_one": once(template, students, scratch, workers=count, seconds=pace, limit=1),
                         "batched": once(template, students, scratch, workers=count, seconds=pace, limit=limit)})
    return rows


def report(rows: list[dict], limit: int = BATCH) -> str:
    lines = [f"| simulated workers | workers alone (nb/min) | one by one: nb/min | ms/nb | batched (≤ {limit}): "
             "nb/min | ms/nb | arrived together |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        alone = f"{60 * r['workers'] / r['seconds']:,.0f}" if r["seconds"] else "no limit"
        one, many = r["one_by_one"], r["batched"]
        lines.append(f"| {r['workers']}{'' if r['seconds'] else ' (0 s each)'} | {alone} | "
                     f"{one['per_minute']:,.0f} | {one['ms']:.1f} | {many['per_minute']:,.0f} | {many['ms']:.1f} | "
                     f"{many['batch']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coordinator_sim", description=__doc__.split("\n")[0])
    parser.add_argument("--workers", default=",".join(map(str, WORKERS)), help="comma-separated worker counts")
    parser.add_argument("--rounds", type=int, default=4, help="notebooks per simulated worker")
    parser.add_argument("--grade-seconds", type=float, default=SECONDS, help="one notebook on one simulated worker")
    parser.add_argument("--batch", type=int, default=BATCH, help="most outcomes in one gradebook transaction")
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    if min(workers) < 1 or args.rounds < 1 or args.grade_seconds <= 0 or args.batch < 1:
        parser.error("--workers, --rounds and --batch must be at least 1, --grade-seconds above 0")
    before = os.getloadavg()[0]
    rows = run(workers, args.rounds, args.grade_seconds, args.batch)
    print(report(rows, args.batch))
    print(f"\nload average {before:.2f} before, {os.getloadavg()[0]:.2f} after; {args.rounds} notebooks per worker, "
          f"{args.grade_seconds} s each")


if __name__ == "__main__":
    main()
