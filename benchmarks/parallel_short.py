"""Benchmark 5 on short notebooks: stock ``nbgrader autograde`` against ``--workers 2``, in one run, with where
the time goes and the coordinator projected to 64 workers.

A class of ``size`` honest ``a02_dense`` submissions of five kinds (tests/fixtures/parallel_class.py: right and
wrong answers, blanks, learners' own numbers, copiers, and the honest notebooks of the hostile fixtures), about
a second each, and optionally a class of ``long`` notebooks that import Keras (a few seconds of CPU each), in
copies of one course (tests/fixtures/parallel_course.py: due date, timestamps, per-learner numbers; the
repository's own limits, 20 s a cell, not the tests' short ones). Each round
grades each class three ways, in turn, on fresh copies (stock, ``--workers 2``, and ``--workers 2`` with two
grading processes per worker, ``AUTOGRADER_OVERLAP=2``); the order alternates from round to round. Every
process logs its steps (:mod:`autograder.parallel.timing`, ``AUTOGRADER_TIMING``), which gives the breakdown
(:mod:`benchmarks.parallel_breakdown`). Every gradebook must hold exactly what stock's holds, and the short
class its expected scores. Then :mod:`benchmarks.coordinator_sim` feeds the coordinator's writer with simulated
workers at the measured pace of one worker, up to 64 of them: the projection of larger clusters.

    python -m benchmarks.parallel --class 40 [--long 8] [--rounds 1]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from autograder.parallel.timing import ENV as TIMING
from autograder.parallel.worker import OVERLAP_ENV
from benchmarks import coordinator_sim
from benchmarks import parallel_breakdown as breakdown
from tests.fixtures import parallel_class, parallel_course

KINDS = (*parallel_class.GENERATED, "honest")
SLOW_HONEST = ("honest_keras",)  # imports Keras: the long class
PROJECTED = (4, 8, 16, 32, 64)
KEPT = '\nc.LateSubmissionPlugin.penalty_method = "zero"\nc.Variants.keys = "handed-out"\n'  # of the tests' LIMITS
LEARNERS, ASSIGNMENTS = 1000, 8
INSTALL = "\nimport autograder.parallel.timing as _timing  # the benchmark's breakdown\n_timing.install()\n"
PARALLEL = [str(parallel_course.BIN / "python"), "-m", "autograder", "autograde", parallel_class.ASSIGNMENT,
            "--workers", "2", "--dashboard", ":0"]
WAYS = {"stock": ([str(parallel_course.BIN / "nbgrader"), "autograde", parallel_class.ASSIGNMENT], {}),
        "workers 2": (PARALLEL, {}),
        "workers 2, overlap": (PARALLEL, {OVERLAP_ENV: "2"})}  # two grading processes per worker


def short_class(size: int) -> list[str]:
    """``size`` honest students, taking the five kinds in turn while each lasts (then mixed ones)."""
    everyone = parallel_class.students(size + 60)
    kinds: dict[str, list[str]] = {}
    for student, entry in everyone.items():
        if entry["kind"] in KINDS and student not in SLOW_HONEST:
            kinds.setdefault(entry["kind"], []).append(student)
    chosen: list[str] = []
    while len(chosen) < size and any(kinds.values()):
        for queue in kinds.values():
            if queue and len(chosen) < size:
                chosen.append(queue.pop(0))
    return chosen


def make_class(root: Path, size: int, long: int) -> tuple[Path, dict]:
    """The course (and the students' expected scores): ``size`` short notebooks and ``long`` that import Keras."""
    folder = root / "notebooks"
    chosen = short_class(size)
    expected = parallel_class.build(folder, size + 60, only=(*chosen, *SLOW_HONEST[:1] * bool(long)))
    for i in range(long):  # the long class: copies of the honest notebook that imports Keras
        shutil.copyfile(folder / f"{SLOW_HONEST[0]}.ipynb", folder / f"long_{i:02d}.ipynb")
        expected[f"long_{i:02d}"] = expected[SLOW_HONEST[0]]
    expected.pop(SLOW_HONEST[0], None)
    short = {s: expected[s] for s in chosen}  # make_course needs every student; the expected scores, only
    longs = {s: e for s, e in expected.items() if s.startswith("long_")}
    courses = {"short": _course_limits(parallel_course.make_course(root / "short", folder, short))}
    if long:
        courses["long"] = _course_limits(parallel_course.make_course(root / "long", folder, longs))
    return courses, {s: e for s, e in short.items() if e["kind"] in parallel_class.GENERATED}


def _course_limits(course: Path) -> Path:
    """The course with the repository's own limits (20 s a cell, 120 s a notebook), not the tests' short ones;
    learners keep their own numbers and late work its penalty."""
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace(parallel_course.LIMITS, KEPT))
    return course


def _command(root: Path, way: str, timing: Path) -> tuple[float, float]:
    """Run ``argv`` in the course ``root`` with the steps logged to ``timing``; its start and end times."""
    argv, extra = WAYS[way]
    env = {**parallel_course.ENV, TIMING: str(timing), "TF_ENABLE_ONEDNN_OPTS": "0", **extra}
    with open(root / "benchmark.out", "w") as log:
        start = time.time()
        done = subprocess.run(argv, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, check=False)
        end = time.time()
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed in {root} (exit {done.returncode}); see benchmark.out there")
    return start, end


def grade(template: Path, scratch: Path, way: str) -> dict:
    """Grade a fresh copy of ``template`` one way; the wall time, the breakdown and the gradebook."""
    root = parallel_course.copy_course(template, scratch / f"{template.name}-{way.replace(' ', '').replace(',', '-')}")
    if way == "stock":  # the parallel run's grading processes time themselves; stock, through its config
        config = root / "nbgrader_config.py"
        config.write_text(config.read_text() + INSTALL)
    timing = scratch / f"{root.name}.jsonl"
    timing.unlink(missing_ok=True)  # one round's steps only
    load, busy = os.getloadavg()[0], _cores_busy()
    start, end = _command(root, way, timing)
    busy = (_cores_busy() - busy) / (end - start)
    result = {"seconds": end - start, "load": (load, os.getloadavg()[0]), "gradebook": parallel_course.gradebook(root),
              "breakdown": breakdown.breakdown(breakdown.read(timing), start, end), "cores_busy": busy}
    shutil.rmtree(root)
    return result


def _cores_busy() -> float:
    """Seconds the machine's cores have been busy since boot, all processes (/proc/stat; 0 elsewhere)."""
    stat = Path("/proc/stat")
    if not stat.is_file():
        return 0.0
    fields = [int(f) for f in stat.read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def run(size: int = 40, long: int = 0, rounds: int = 1) -> dict:
    """Each class both ways, ``rounds`` times (the order alternating), then the coordinator simulated to 64."""
    with tempfile.TemporaryDirectory(prefix="bench-parallel-short-") as tmp:
        scratch = Path(tmp)
        courses, expected = make_class(scratch / "class", size, long)
        results = {name: {way: [] for way in WAYS} for name in courses}
        for round_ in range(rounds):
            for name, template in courses.items():
                for way in (list(WAYS) if round_ % 2 == 0 else list(WAYS)[::-1]):
                    results[name][way].append(grade(template, scratch, way))
        pace = _worker_pace(results["short"]["workers 2"], size)
        simulated = _simulate(scratch / "sim", pace)
    return {"size": size, "long": long, "rounds": rounds, "results": results, "expected": expected,
            "pace": pace, "simulated": simulated, "cpus": os.cpu_count()}


def _worker_pace(runs: list[dict], size: int) -> float:
    """Seconds one worker takes per notebook in the 2-worker runs, from the first notebook's start to the last's end."""
    spans = [r["seconds"] - r["breakdown"]["startup"] - r["breakdown"]["ending"] for r in runs]
    return 2 * statistics.median(spans) / size


def _simulate(root: Path, pace: float, rounds: int = 2) -> dict[int, dict]:
    """The coordinator's writer fed by ``PROJECTED`` simulated workers at ``pace`` s a notebook each."""
    root.mkdir(parents=True)
    template, students = coordinator_sim.make_template(root / "template", max(PROJECTED) * rounds)
    return {w: coordinator_sim.once(template, students[:w * rounds], root, workers=w, seconds=pace,
                                    limit=coordinator_sim.BATCH) for w in PROJECTED}


def _same(result: dict, expected: dict) -> tuple[dict[str, bool], bool]:
    """Does each way's every gradebook equal the first stock one; does stock's hold the expected scores?"""
    first = result["stock"][0]["gradebook"]
    scores = {s: e["score"] for s, e in first.items()}
    same = {way: all(r["gradebook"] == first for r in runs) for way, runs in result.items()}
    return same, all(scores.get(s) == e["score"] for s, e in expected.items())


def _hours(per_minute: float) -> str:
    minutes = LEARNERS * ASSIGNMENTS / per_minute
    return f"{minutes / 60:.1f} h" if minutes >= 90 else f"{minutes:.0f} min"


def _ratio_rows(data: dict) -> list[str]:
    lines = ["| class, 2 cores | stock `nbgrader autograde` | `--workers 2` | ratio | `--workers 2`, "
             "`AUTOGRADER_OVERLAP=2` | ratio | load before each run |", "|---|---:|---:|---:|---:|---:|---|"]
    what = {"short": f"{data['size']} short notebooks (5 honest kinds)",
            "long": f"{data['long']} long notebooks (each imports Keras)"}
    for name, result in data["results"].items():
        seconds = {way: statistics.median(r["seconds"] for r in runs) for way, runs in result.items()}
        ratios = [f"{seconds[way]:.1f} s | **{seconds['stock'] / seconds[way]:.2f}×**" for way in list(WAYS)[1:]]
        loads = ", ".join(f"{r['load'][0]:.1f}" for runs in result.values() for r in runs)
        lines.append(f"| {what[name]} | {seconds['stock']:.1f} s | {' | '.join(ratios)} | {loads} |")
    return [*lines, "", *_rounds(data)]


def _rounds(data: dict) -> list[str]:
    """Round by round, each way's seconds and how many of the cores were busy on average (all processes)."""
    lines = []
    for name, result in data["results"].items():
        for number in range(data["rounds"]):
            ways = "; ".join(f"{way} {runs[number]['seconds']:.1f} s, {runs[number]['cores_busy']:.2f} cores busy"
                             for way, runs in result.items())
            lines.append(f"- {name} class, round {number + 1}: {ways}")
    return lines


def _projection_rows(data: dict) -> list[str]:
    short = data["results"]["short"]
    lines = ["| workers | notebooks/minute | how | 1,000 learners × 8 assignments |", "|---:|---:|---|---:|"]
    for way, label in (("stock", "stock, one after another (measured)"), ("workers 2", "measured, this run")):
        rate = data["size"] / statistics.median(r["seconds"] for r in short[way]) * 60
        lines.append(f"| {1 if way == 'stock' else 2} | {rate:,.0f} | {label} | {_hours(rate)} |")
    for workers, sim in data["simulated"].items():
        alone = 60 * workers / data["pace"]
        lines.append(f"| {workers} | {sim['per_minute']:,.0f} | coordinator simulated, workers at "
                     f"{alone:,.0f}/min; {sim['ms']:.1f} ms a notebook | {_hours(sim['per_minute'])} |")
    return lines


def report(data: dict) -> str:
    """README-ready Markdown: the ratios, the breakdown of the short class, the projection to 64 workers."""
    same = [_same(result, data["expected"] if name == "short" else {}) for name, result in data["results"].items()]
    short = data["results"]["short"]
    middle = lambda runs: sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]["breakdown"]  # noqa: E731
    lines = [f"{data['cpus']} cores, {data['rounds']} round(s), medians; load average "
             f"{min(r['load'][0] for w in short.values() for r in w):.1f} to "
             f"{max(r['load'][1] for w in short.values() for r in w):.1f}.", "", *_ratio_rows(data), "",
             "Gradebooks identical to stock's: " + "; ".join(
                 f"{name} class, {way}: {'yes' if ok else 'NO'}" for (name, (ways, _)) in zip(
                     data["results"], same, strict=True) for way, ok in ways.items() if way != "stock") + "; "
             f"the expected scores of the class's generated learners (right, wrong, blank, own numbers, copiers): "
             f"{'yes' if same[0][1] else 'NO'}.", "",
             "Where the time goes (short class, seconds; per notebook on the process that grades it):", "",
             breakdown.table(middle(short["stock"]), middle(short["workers 2"])), "",
             f"Projection (one worker grades a notebook every {data['pace']:.2f} s in the 2-worker run; beyond 2, "
             "the coordinator's own loop and writer fed by that many simulated workers):", "",
             *_projection_rows(data)]
    return "\n".join(lines)


def main(size: int, long: int, rounds: int) -> None:
    print(report(run(size, long, rounds)))
