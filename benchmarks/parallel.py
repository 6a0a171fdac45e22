"""Benchmark 5: a class graded one after another against Dask with 1 and 2 workers, side by side.

One class of ``size`` ``a02_dense`` submissions (the solution notebook; every third one with some
answers wrong) in three copies of one course (same config, same course secret), graded in one run:

1. stock ``nbgrader autograde a02_dense``: one submission after another;
2. ``python -m autograder autograde a02_dense --workers 1``: a LocalCluster of one worker;
3. ``python -m autograder autograde a02_dense --workers 2``: a LocalCluster of two workers.

Each is the wall time of the whole command (the cluster's start included), in ``rounds`` rounds
that run the three in turn on fresh copies (a change in the machine's load falls on all three); the
report takes each way's median and also gives each round's speed-up. It gives notebooks per minute,
the speed-up against the sequential run (target ≥ 1.7× with 2 workers on a 2-core machine), a check
that every gradebook holds the same scores, the machine's load before and after, and the projected
time for 1,000 learners × 8 assignments: measured rates for 1 and 2 workers, and for clusters of 4 to 64
workers the coordinator's own loop and writer fed by that many simulated workers at the 1-worker pace
(:mod:`benchmarks.coordinator_sim`).

    python -m benchmarks.parallel [--size 80] [--rounds 3]

With ``--class N`` it measures short notebooks instead, stock against 2 workers only, with a breakdown of
where the time goes and the projection to 64 workers (:mod:`benchmarks.parallel_short`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import course

ASSIGNMENT = "a02_dense"
BIN = Path(sys.executable).parent
LEARNERS, ASSIGNMENTS = 1000, 8
PROJECTED_WORKERS = (4, 8, 16, 32, 64)  # the coordinator fed by simulated workers at the 1-worker pace
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "COLUMNS": "200",
       "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}
PARALLEL = ["python", "-m", "autograder", "autograde", ASSIGNMENT, "--dashboard", ":0", "--workers"]
RUNS = {"one after another (stock nbgrader autograde)": ["nbgrader", "autograde", ASSIGNMENT],
        "Dask, 1 worker": [*PARALLEL, "1"], "Dask, 2 workers": [*PARALLEL, "2"]}


def _command(root: Path, argv: list[str]) -> float:
    """Run one command in the course ``root``; its wall time. Output goes to a log file."""
    with open(root / f"{argv[0]}.log", "w") as log:
        start = time.perf_counter()
        done = subprocess.run([str(BIN / argv[0]), *argv[1:]], cwd=root, env=ENV, stdout=log,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
        seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed in {root}; see {log.name} there")
    return seconds


def _wrong(nb) -> None:
    """Make the first two answers of a notebook wrong (``answer = 1``)."""
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
               and c.cell_type == "code" and "answer =" in c.source]
    for cell in answers[:2]:
        cell.source = "answer = 1"


def make_course(root: Path, size: int) -> Path:
    """A course with the repository's config, the assignment generated and ``size`` submissions."""
    root.mkdir(parents=True)
    shutil.copy(course.ROOT / "nbgrader_config.py", root)
    (root / ".autograder_secret").write_text(os.urandom(32).hex())
    shutil.copytree(course.ROOT / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    _command(root, ["nbgrader", "generate_assignment", ASSIGNMENT, "--force"])
    solution = nbformat.read(course.solution_path(ASSIGNMENT), as_version=4)
    for i in range(size):
        nb = nbformat.from_dict(solution)
        if i % 3 == 2:
            _wrong(nb)
        dest = root / "submitted" / f"learner_{i:03d}" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        dest.parent.mkdir(parents=True)
        nbformat.write(nb, dest)
    return root


def _scores(root: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "keras-params") as book:
        return {s.student.id: float(s.score) for s in book.find_assignment(ASSIGNMENT).submissions}


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def run(size: int = 80, rounds: int = 3) -> dict:
    """Grade the same class three ways, ``rounds`` times in turn (the three ways alternate, so a change in
    the machine's load falls on all of them); each way's seconds per round, whether every gradebook holds
    the same scores, the load around it."""
    with tempfile.TemporaryDirectory(prefix="bench-parallel-") as tmp:
        template = make_course(Path(tmp) / "template", size)
        before, seconds, scores = _load(), {name: [] for name in RUNS}, []
        for round_ in range(rounds):
            for n, (name, argv) in enumerate(RUNS.items()):
                root = Path(tmp) / f"round{round_}-run{n}"
                shutil.copytree(template, root)
                seconds[name].append(_command(root, argv))
                scores.append(_scores(root))
                shutil.rmtree(root)
        after = _load()
        from benchmarks.parallel_short import _simulate

        simulated = _simulate(Path(tmp) / "sim", statistics.median(seconds["Dask, 1 worker"]) / size)
        return {"size": size, "seconds": seconds, "same": all(s == scores[0] for s in scores),
                "graded": len(scores[0]), "load": (before, after), "cpus": os.cpu_count(), "simulated": simulated}


def _hours(notebooks_per_minute: float) -> str:
    minutes = LEARNERS * ASSIGNMENTS / notebooks_per_minute
    return f"{minutes / 60:.1f} h" if minutes >= 90 else f"{minutes:.0f} min"


def report(result: dict) -> str:
    size, runs = result["size"], result["seconds"]
    seconds = {name: statistics.median(times) for name, times in runs.items()}
    sequential, rounds = next(iter(seconds.values())), len(next(iter(runs.values())))
    lines = [f"A class of {size} a02_dense submissions, {result['cpus']} cores, {rounds} rounds (median); "
             f"{result['load'][0]} before, {result['load'][1]} after.", "",
             f"| how | seconds | notebooks/minute | vs one after another | {LEARNERS:,} learners × {ASSIGNMENTS} |",
             "|---|---:|---:|---:|---:|"]
    for name, s in seconds.items():
        rate = size / s * 60
        lines.append(f"| {name} | {s:.1f} | {rate:.1f} | **{sequential / s:.2f}×** | {_hours(rate)} |")
    for workers, sim in result["simulated"].items():
        lines.append(f"| Dask, {workers} workers (projected: the coordinator fed by {workers} simulated workers at "
                     f"the 1-worker pace) | | {sim['per_minute']:.0f} | | {_hours(sim['per_minute'])} |")
    each = [f"{a / b:.2f}×" for a, b in zip(next(iter(runs.values())), runs["Dask, 2 workers"], strict=True)]
    lines += ["", f"2 workers against one after another, round by round: {', '.join(each)}. "
                  f"Scores identical in every gradebook ({result['graded']} submissions each): "
                  f"{'yes' if result['same'] else 'NO'}. Target: ≥ 1.7× with 2 workers. The projections run the "
                  "coordinator's own loop and writer (benchmarks/coordinator_sim.py) with simulated workers that "
                  "each deliver a notebook at the measured 1-worker pace."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parallel", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=80, help="submissions in the class (default 80)")
    parser.add_argument("--rounds", type=int, default=3, help="times each way is run, in turn (default 3)")
    parser.add_argument("--class", dest="short", type=int, metavar="N",
                        help="instead: stock against --workers 2 on a class of N short honest notebooks, with the "
                             "breakdown and the projection to 64 workers (benchmarks/parallel_short.py)")
    parser.add_argument("--long", type=int, default=0, metavar="M",
                        help="with --class: also a class of M long notebooks (each imports Keras)")
    args = parser.parse_args(argv)
    if args.short:
        from benchmarks import parallel_short

        parallel_short.main(args.short, args.long, args.rounds)
        return
    print(report(run(args.size, args.rounds)))


if __name__ == "__main__":
    main()
