"""What the core (counter and grader) says about this course, as JSON that must be the same on every Python.

``python tests/unit/core_snapshot.py ROOT`` prints it; tests/unit/test_py314.py runs it on this CPython
and on CPython 3.14 in Pyodide (Node.js) and compares. Standard library and ``autograder`` only.

- ``counts``: the reference count (trainable, non-trainable) of every bank model and model fixture;
- ``hub_counts``: every keras-hub config fixture counted by ``reference.hub`` (trainable, non-trainable,
  embedding, active);
- ``verdicts``: every released exercise notebook run top to bottom, each answer cell replaced by the
  solution's, each check cell's verdict recorded (right or not, and the misconception), and for each
  question answered with a number, the verdict on a number a misconception of the catalogue gives;
- ``too_slow``: the verdict on a counting function that never returns (the time limit's own path on
  each Python: an alarm signal on CPython, :mod:`sys.monitoring` in Pyodide); in Pyodide also
  ``stubborn``, one that catches whatever stops it.
"""

from __future__ import annotations

import contextlib
import io
import json
import platform
import sys
from pathlib import Path

from autograder import reference
from autograder.errors import AutograderError
from autograder.grading import functions, get_question, verdict
from autograder.grading.misconceptions import CATALOGUE
from autograder.reference.hub import count_hub

TOO_SLOW_LIMIT = 1.0  # seconds: the endless function's time limit here (the course's is functions.TIME_LIMIT)


def snapshot(root: Path) -> dict:
    """Everything compared, plus which Python said it."""
    answered: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):  # show() prints each model where there is no IPython
        for notebook in sorted((root / "exercises").glob("*/*.ipynb")):
            answered.update(run_notebook(notebook, root / "solutions" / notebook.parent.name / notebook.name))
    found = {"python": platform.python_version(), "platform": sys.platform, "counts": counts(root),
             "hub_counts": hub_counts(root), "verdicts": answered, "too_slow": too_slow(answered)}
    if sys.platform in functions.NO_THREADS:  # an alarm strikes once: CPython's main thread would hang here
        found["stubborn"] = too_slow(answered, _stubborn)
    return found


def counts(root: Path) -> dict:
    """model file -> [trainable, non-trainable], or the error a bad config gets."""
    found = {}
    for path in [*sorted((root / "autograder/grading/bank/models").glob("*.json")),
                 *sorted((root / "tests/fixtures/models").glob("*.json"))]:
        try:
            counted = reference.count(json.loads(path.read_text()))
        except (AutograderError, ValueError) as err:
            found[path.name] = f"error: {type(err).__name__}"
        else:
            found[path.name] = [counted.trainable, counted.non_trainable]
    return found


def hub_counts(root: Path) -> dict:
    """keras-hub config fixture -> [trainable, non-trainable, embedding, active]."""
    found = {}
    for path in sorted((root / "tests/fixtures/hub").rglob("*.json")):
        name = path.relative_to(root).as_posix()
        try:
            counted = count_hub(json.loads(path.read_text()))
        except AutograderError as err:
            found[name] = f"error: {type(err).__name__}"
        else:
            found[name] = [counted.params.trainable, counted.params.non_trainable, counted.embedding,
                           counted.active]
    return found


def run_notebook(released: Path, solved: Path) -> dict:
    """Run a released notebook with the solution's answers; each check cell's verdict, by question id."""
    solutions = {_grade_id(cell): cell for cell in _code_cells(solved)}
    namespace: dict = {"__name__": "__main__"}
    said: dict = {}
    for cell in _code_cells(released):
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade"):
            exec(_source(cell), {**namespace, "check": lambda qid, answer, **_: said.update(_judged(qid, answer))})
        else:
            exec(_source(solutions[meta["grade_id"]] if meta.get("solution") else cell), namespace)
    return said


def _judged(question_id: str, answer) -> dict:
    """The verdict on the answer, and on a misconception's number when the answer is a number."""
    said = verdict(question_id, answer)
    found = {question_id: [said.correct, said.mistake]}
    if isinstance(answer, int) and get_question(question_id).kind == "count":
        wrong = _misconceived(question_id, answer)
        if wrong is not None:
            mistaken = verdict(question_id, wrong)
            found[f"{question_id} {wrong}"] = [mistaken.correct, mistaken.mistake]
    return found


def _misconceived(question_id: str, right: int) -> int | None:
    """The first number the catalogue's wrong formulas give for this question that is not the key."""
    question = get_question(question_id)
    numbers = (mistake.number(question.model, question.asks) for mistake in CATALOGUE)
    return next((n for n in numbers if n is not None and n != right), None)


def too_slow(answered: dict, function=None) -> list:
    """The verdict on an endless counting function for the first function question: right or not, the
    misconception, and whether the feedback says it was too slow."""
    question = next(get_question(q) for q in answered if " " not in q and get_question(q).kind == "function")
    limit, functions.TIME_LIMIT = functions.TIME_LIMIT, TOO_SLOW_LIMIT
    try:
        said = verdict(question.id, function or _endless)
    finally:
        functions.TIME_LIMIT = limit
    return [said.correct, said.mistake, functions.TOO_SLOW in said.feedback]


def _endless(**_):
    while True:
        pass


def _stubborn(**_):
    """Endless, and swallows whatever stops it: only a limit that strikes again and again ends it."""
    while True:
        try:
            while True:
                pass
        except BaseException:  # the point of this learner's code
            pass


def _code_cells(path: Path) -> list[dict]:
    return [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]


def _grade_id(cell: dict) -> str | None:
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


def _source(cell: dict) -> str:
    """A cell's code, nbgrader's solution markers taken out (the solution itself kept)."""
    lines = "".join(cell["source"]).splitlines()
    return "\n".join(line for line in lines if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


if __name__ == "__main__":
    print(json.dumps(snapshot(Path(sys.argv[1])), sort_keys=True))
