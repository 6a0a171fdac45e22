"""Benchmark 4b: what each sandbox level costs per notebook, against stock nbgrader without a sandbox.

Stock ``nbgrader autograde`` (the CLI, as an instructor runs it) of ``a02_dense``'s solution notebook, submitted
by ``STUDENTS`` learners in a temporary course, graded:

- with nbgrader's own pipeline (verdicts in the learner's kernel, no sandbox);
- with this course's trusted pipeline at each level this user can run, forced with
  ``c.SandboxedExecute.level``: ``root`` (as root), ``userns``;
- in a simulated pod (``bwrap --unshare-user --uid 1000 --disable-userns``: nested namespaces fail), where the
  grader falls back to ``landlock``.

The three (or four) ways run in turn, ``ROUNDS`` times, so a change in the machine's load falls on all; the
median seconds per notebook of each, and its ratio to stock.

    python -m benchmarks.levels            # prints a Markdown table
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import ROOT, solution_path

ASSIGNMENT, STUDENTS, ROUNDS = "a02_dense", 4, 3
BIN = Path(sys.executable).parent
POD = ["bwrap", "--unshare-user", "--uid", "1000", "--gid", "1000", "--disable-userns", "--bind", "/", "/",
       "--dev-bind", "/dev", "/dev", "--unshare-pid", "--proc", "/proc", "--die-with-parent", "--"]
STOCK = """
from nbgrader.converters import Autograde
for name in ("sanitize_preprocessors", "autograde_preprocessors", "exporter_class"):
    c.Autograde[name] = Autograde.class_traits()[name].default()
"""


def ways() -> dict[str, tuple[str, list[str]]]:
    """name -> (config appended to the course's, command prefix)."""
    out = {"stock nbgrader, no sandbox": (STOCK, [])}
    if os.geteuid() == 0:
        out["trusted, level root"] = ('c.SandboxedExecute.level = "root"\n', [])
    out["trusted, level userns"] = ('c.SandboxedExecute.level = "userns"\n', [])
    out["trusted, level landlock (simulated pod)"] = ("", POD)
    return out


def course(root: Path, extra: str) -> Path:
    """A course with the solution submitted by every student, released."""
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    config = (ROOT / "nbgrader_config.py").read_text() + "\nc.Variants.enabled = False\n" + extra
    (root / "nbgrader_config.py").write_text(config)
    _nbgrader(root, [], "generate_assignment", ASSIGNMENT, "--force")
    for i in range(STUDENTS):
        dest = root / "submitted" / f"s{i}" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        dest.parent.mkdir(parents=True)
        shutil.copyfile(solution_path(ASSIGNMENT), dest)
    return root


def _nbgrader(root: Path, prefix: list[str], *args: str) -> float:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    start = time.perf_counter()
    done = subprocess.run([*prefix, str(BIN / "nbgrader"), *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=1800, check=False)
    if done.returncode:
        raise RuntimeError(f"nbgrader {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def run(rounds: int = ROUNDS) -> dict[str, list[float]]:
    """Seconds per notebook of each way, round by round (a fresh course each time; the first round warms up)."""
    seconds: dict[str, list[float]] = {name: [] for name in ways()}
    for _ in range(rounds + 1):
        for name, (extra, prefix) in ways().items():
            with tempfile.TemporaryDirectory(prefix="bench-levels-") as folder:
                os.chmod(folder, 0o755)
                root = course(Path(folder), extra)
                seconds[name].append(_nbgrader(root, prefix, "autograde", ASSIGNMENT) / STUDENTS)
    return {name: values[1:] for name, values in seconds.items()}


def table(seconds: dict[str, list[float]]) -> str:
    stock = statistics.median(next(iter(seconds.values())))
    lines = ["| how | seconds per notebook (median) | vs stock |", "|---|---:|---:|"]
    for name, values in seconds.items():
        median = statistics.median(values)
        lines.append(f"| {name} | {median:.2f} | {median / stock:.2f}× |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS)))
