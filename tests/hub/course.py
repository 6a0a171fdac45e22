"""The instructor's side of the machine: the wheel built from this checkout, and the course in their home."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .machine import run

ROOT = Path(__file__).resolve().parents[2]


def build_wheel(folder: Path) -> Path:
    """The package's wheel, built from a copy of the checkout's sources (the checkout gets no build/)."""
    source = folder / "source"
    shutil.copytree(ROOT / "autograder", source / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", folder / "dist", source], cwd=folder)
    return next((folder / "dist").glob("*.whl"))


def make_course(home: Path, uid: int, gid: int, assignment: str, secret: str) -> Path:
    """The course folder ``~/course`` as an instructor sets it up: the course's ``nbgrader_config.py``, the
    assignment's source, the course secret (the instructor's alone) and ``~/.jupyter/nbgrader_config.py``
    (deploy/'s, naming this course); everything the instructor's own. The course folder."""
    course = home / "course"
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / ".autograder_secret").write_text(secret)
    (course / ".autograder_secret").chmod(0o600)
    (home / ".jupyter").mkdir()
    instructor = (ROOT / "deploy" / "nbgrader_config_instructor.py").read_text()  # per-learner keys from the Hub
    (home / ".jupyter" / "nbgrader_config.py").write_text(f"{instructor}\nc.CourseDirectory.root = {str(course)!r}\n")
    for path in (course, home / ".jupyter"):
        for folder, _, files in os.walk(path):
            os.chown(folder, uid, gid)
            for name in files:
                os.chown(Path(folder) / name, uid, gid)
    return course
