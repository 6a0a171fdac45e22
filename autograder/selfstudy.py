"""Self-study grading: run a notebook headless and score it by nbgrader's rules, with no course set-up.

A test cell earns its points unless it raised or wrote to stderr (``nbgrader.utils.determine_grade``);
a cell that runs past the time limit is interrupted and fails, and the rest of the notebook still
runs. When the notebook comes from this course, its test cells are first put back from
``solutions/`` with their hidden tests, as ``nbgrader autograde`` does, so an edited test cell
cannot help and a deleted one scores zero. nbgrader itself is not needed.
"""

from __future__ import annotations

import atexit
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import ASSIGNMENTS, ROOT, quiet_environment, solution_path
from .errors import AutograderError

__all__ = ["CellGrade", "NotebookError", "execute", "find_source", "grade_cells", "restore_tests"]


class NotebookError(AutograderError, RuntimeError):
    """The notebook could not be run to the end (its kernel died)."""

CHECK_CALL = re.compile(r"""check\(\s*["']([^"']+)["']""")
TIMEOUT_ERROR = {"ename": "CellTimeoutError", "evalue": "the cell ran past the time limit (an infinite loop?)",
                 "traceback": ["CellTimeoutError: the cell ran past the time limit (an infinite loop?)"]}


@dataclass(frozen=True)
class CellGrade:
    """One graded cell of an executed notebook, scored the way nbgrader scores it."""

    grade_id: str
    question: str | None
    points: float
    max_points: float
    feedback: str = ""
    manual: bool = False

    @property
    def passed(self) -> bool:
        return not self.manual and self.points == self.max_points

    def to_dict(self) -> dict:
        return {"cell": self.grade_id, "question": self.question, "points": self.points,
                "max_points": self.max_points, "passed": self.passed, "manual": self.manual,
                "feedback": self.feedback}


def execute(nb, cwd: Path, timeout: int = 120):
    """Run a notebook headless with nbclient; a cell past ``timeout`` seconds is interrupted and
    recorded as an error (as nbgrader does), and the rest of the notebook still runs."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    quiet_environment()

    def record_timeout(cell, execute_reply, **_):
        content = execute_reply["content"]
        if content["status"] == "error" and not any(o.get("output_type") == "error" for o in cell.outputs):
            cell.outputs.append(nbformat.v4.new_output("error", ename=content["ename"],
                                                       evalue=content["evalue"], traceback=content["traceback"]))

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, error_on_timeout=TIMEOUT_ERROR,
                            resources={"metadata": {"path": str(cwd)}}, on_cell_executed=record_timeout)
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log lines, not cell output
    except DeadKernelError as err:
        raise NotebookError(f"the Jupyter kernel died while running the notebook ({err}); a cell may call "
                            "exit() or use all the memory. Fix that cell and grade again.") from err
    except RuntimeError as err:  # nbclient's words when the kernel never started
        atexit.unregister(client._cleanup_kernel)  # nbclient leaves it registered, to fail at exit
        raise NotebookError(f"the Jupyter kernel could not start ({err}). Check that `python -m ipykernel "
                            "--version` works in this environment, then grade again.") from err
    return nb


def grade_cells(nb) -> list[CellGrade]:
    """Score every graded cell: a test cell earns its points unless it raised or wrote to stderr."""
    grades = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade"):
            continue
        max_points = float(meta.get("points", 0))
        if meta.get("solution") or cell.cell_type != "code":
            grades.append(CellGrade(meta["grade_id"], None, 0.0, max_points, "graded by hand", manual=True))
            continue
        feedback = _failure(cell.get("outputs", []))
        question = CHECK_CALL.search(cell.source)
        grades.append(CellGrade(meta["grade_id"], question.group(1) if question else None,
                                0.0 if feedback else max_points, max_points, feedback or ""))
    return grades


def _failure(outputs: list) -> str | None:
    """Why a test cell earns nothing (its error message, or its stderr), or None if it passed."""
    for output in outputs:
        if output.get("output_type") == "error":
            message = output.get("evalue") or ""
            return message if output.get("ename") == "AssertionError" else f"{output.get('ename')}: {message}"
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return "the cell wrote to stderr, which nbgrader scores as a failure: " + output.get("text", "")[:200]
    return None


def _test_cells(nb) -> dict[str, object]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c.cell_type == "code"
            and not c.metadata["nbgrader"].get("solution")}


def find_source(nb, root: Path = ROOT) -> Path | None:
    """The solutions notebook a learner's notebook was released from (matched by its test cells)."""
    ids = set(_test_cells(nb))
    for assignment in ASSIGNMENTS:
        path = solution_path(assignment, root)
        if ids and path.exists() and ids & set(_test_cells(nbformat.read(path, as_version=4))):
            return path
    return None


def restore_tests(nb, source) -> list[CellGrade]:
    """Put back the source's test cells (with their hidden tests), as ``nbgrader autograde`` does;
    a test cell the learner deleted scores zero, with a message saying so."""
    mine = _test_cells(nb)
    missing = []
    for grade_id, cell in _test_cells(source).items():
        if grade_id in mine:
            mine[grade_id].source = cell.source
        else:
            question = CHECK_CALL.search(cell.source)
            missing.append(CellGrade(grade_id, question.group(1) if question else None, 0.0,
                                     float(cell.metadata["nbgrader"].get("points", 0)),
                                     "the test cell was deleted from the notebook; copy it back from the "
                                     "released exercise to be graded on it"))
    return missing
