"""Self-study grading: score a notebook by nbgrader's rules, with no course set-up.

:func:`grade_file` runs the same trusted pipeline as ``nbgrader autograde`` with this course's
configuration (:mod:`autograder.trusted`): cells sanitized against the package's question list,
learner code sandboxed, verdicts decided outside the kernel. A test cell then earns its points
unless it raised or wrote to stderr (``nbgrader.utils.determine_grade``, :func:`grade_cells`).
:func:`execute` runs a notebook plainly (instant ``check()`` feedback, as a learner's Jupyter does).
nbgrader itself is not needed.
"""

from __future__ import annotations

import atexit
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from .course import ASSIGNMENTS, quiet_environment
from .errors import NotebookError

__all__ = ["CellGrade", "NotebookError", "execute", "grade_cells", "grade_file", "read_notebook"]



PRACTICE_CALL = re.compile(r"""^\s*(?:autograder\.)?practice\(\s*(["'])(.*?)\1\s*\)""", re.MULTILINE)
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
    answer_text: str = ""  # hand-graded questions: the learner's text, the model answer and the rubric
    model_answer: str = ""
    rubric: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.manual and self.points == self.max_points

    def to_dict(self) -> dict:
        out = {"cell": self.grade_id, "question": self.question, "points": self.points,
               "max_points": self.max_points, "passed": self.passed, "manual": self.manual, "feedback": self.feedback}
        if self.model_answer:
            out.update(answer_text=self.answer_text, model_answer=self.model_answer, rubric=list(self.rubric))
        return out


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
            wrong = output.get("ename") in ("AssertionError", "NotYet")  # a verdict, not a crash
            return message if wrong else f"{output.get('ename')}: {message}"
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return "the cell wrote to stderr, which nbgrader scores as a failure: " + output.get("text", "")[:200]
    return None


def learner_of(nb, key: str | None = None):
    """Whose numbers a self-study notebook is graded on: ``key`` if given (a course's learner key),
    else the seed of a ``practice("...")`` call in the notebook, else the book's numbers."""
    from .trusted.variants import Learner

    if key:
        return Learner(key.rpartition(":")[0] or "you", key)
    sources = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    seed = PRACTICE_CALL.search(sources)
    return Learner("you", f"practice/{seed.group(2)}") if seed else Learner()


def grade_file(path: Path, settings=None, assignment: str | None = None, key: str | None = None) -> dict:
    """Self-study grading of one notebook, with the trusted pipeline; the dict ``grade --json`` prints.

    Questions, ids and points come from the package, never from the file: extra, duplicated or
    renamed cells add nothing, and a deleted test cell scores zero. Learner code runs in the
    sandbox where it can (Linux with bubblewrap), and without it elsewhere (nothing is at stake)."""
    from .grading.questions import all_questions
    from .trusted import cells, pipeline
    from .trusted.execute import KernelStartError
    from .trusted.sandbox import available

    nb = read_notebook(path)
    assignment = assignment or cells.assignment_of(nb) or _by_name(path)
    questions = all_questions(assignment) if assignment else []
    settings = settings or pipeline.Settings(sandbox=available() is None)
    notes = cells.sanitize(nb, cells.package_specs(questions))
    try:
        results = {r.grade_id: r for r in pipeline.grade(nb, path.parent, {q.grade_id: q for q in questions},
                                                         settings, learner=learner_of(nb, key))}
    except KernelStartError as err:  # in self-study, this machine's problem: say so in one line
        raise NotebookError(f"{err}. Check that `python -m ipykernel --version` works in this environment, "
                            "then grade again.") from err
    grades = [g for g in grade_cells(nb) if g.manual or g.grade_id in results]
    grades += [CellGrade(q.grade_id, q.id, 0.0, q.points, "The test cell was deleted from the notebook; copy it "
                         "back from the released exercise to be graded on it.") for q in questions
               if q.grade_id not in results]
    auto = [g for g in grades if not g.manual]
    if model_answers(path):
        _add_model_answers(grades, nb, assignment)
    return {"notebook": str(path), "assignment": assignment, "sandboxed": settings.sandbox,
            "score": sum(g.points for g in auto), "max_score": sum(g.max_points for g in auto),
            "manual_points": sum(g.max_points for g in grades if g.manual), "notes": notes,
            "questions": [dict(g.to_dict(), **_parts(results.get(g.grade_id))) for g in grades]}


def model_answers(path: Path) -> bool:
    """Show model answers for the hand-graded questions? Yes, unless an ``nbgrader_config.py`` in the
    current folder or above the notebook sets ``c.SelfStudy.model_answers = False``."""
    for folder in [Path.cwd(), *Path(path).resolve().parents]:
        config = folder / "nbgrader_config.py"
        if config.is_file():
            return _setting(config)
    return True


def _setting(config: Path) -> bool:
    from traitlets.config.loader import PyFileConfigLoader

    try:
        loaded = PyFileConfigLoader(config.name, path=str(config.parent)).load_config()
    except Exception:
        return True
    return bool(loaded.get("SelfStudy", {}).get("model_answers", True))


def _add_model_answers(grades: list, nb, assignment: str | None) -> None:
    """Put the learner's own text, the model answer and the rubric on each hand-graded question."""
    from .grading.bank.explain import EXPLAIN

    explain = EXPLAIN.get(assignment)
    texts = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution")}
    for index, grade in enumerate(grades):
        if grade.manual and explain is not None:
            grades[index] = replace(grade, answer_text=texts.get(grade.grade_id, ""),
                                    model_answer=explain.model_answer, rubric=explain.rubric)


def _parts(result) -> dict:
    """The verdict's feedback in parts (headline, failing case, misconception, hint) and the review note."""
    verdict = getattr(result, "verdict", None)
    keys = ("headline", "case", "misconception", "hint")
    return {**{key: getattr(verdict, key, "") if verdict else "" for key in keys},
            "review": getattr(result, "review", None)}


def _by_name(path: Path) -> str | None:
    return path.stem if path.stem in ASSIGNMENTS else None


def read_notebook(path: Path):
    """A notebook file, or :class:`~autograder.errors.ConfigError` saying why it cannot be read."""
    from .errors import ConfigError

    if not path.is_file():
        raise ConfigError(f"no notebook at {path}: expected the path of an .ipynb file")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as err:  # nbformat raises several types for unreadable files
        raise ConfigError(f"{path} is not a readable Jupyter notebook ({str(err)[:200]}); "
                          "expected an .ipynb file saved by Jupyter") from err
