"""``python -m autograder grade NOTEBOOK [--json]``: self-study grading, no course set-up.

Grades a learner's notebook with the same trusted pipeline as ``nbgrader autograde`` under this
course's configuration: questions, ids and points from the package (never from the file), learner
code in the sandbox where bubblewrap works (elsewhere without it: nothing is at stake), verdicts
decided outside the kernel. Exit code 0 when every autograded question passed, 1 otherwise
(a notebook with no recognisable answers scores 0 of its assignment's points), 2 on bad input.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import ConfigError

__all__ = ["add_parser", "grade_notebook"]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade", help="grade a learner's notebook and print each question's verdict, feedback and the score",
        description="Self-study grading: run an exercise notebook sandboxed and score it as nbgrader would.")
    parser.add_argument("notebook", help="the .ipynb to grade")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--assignment", help="the assignment, if the notebook's cells do not say (e.g. a02_dense)")
    parser.add_argument("--timeout", type=int, default=20, metavar="SECONDS",
                        help="time limit per cell; a cell that runs longer is stopped and fails (default 20)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run learner code without the sandbox (it is used by default where bubblewrap works)")
    parser.add_argument("--learner-key", metavar="KEY", default=os.environ.get("AUTOGRADER_LEARNER_KEY"),
                        help="grade on this learner's own numbers (default: $AUTOGRADER_LEARNER_KEY, else a "
                             "practice(...) call in the notebook, else the book's numbers)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..trusted.execute import Budget
    from ..trusted.pipeline import Settings
    from ..trusted.sandbox import available

    settings = Settings(Budget(cell_seconds=args.timeout, notebook_seconds=max(120, 6 * args.timeout)),
                        sandbox=not args.no_sandbox and available() is None)
    result = grade_notebook(Path(args.notebook), settings, args.assignment, args.learner_key)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_table(result)
    return 0 if result["max_score"] and result["score"] == result["max_score"] else 1


def grade_notebook(path: Path, settings=None, assignment: str | None = None, key: str | None = None) -> dict:
    """Grade one notebook with the trusted pipeline; the dict printed by ``--json``."""
    from .. import selfstudy

    if assignment is not None and assignment not in selfstudy.ASSIGNMENTS:
        raise ConfigError(f"unknown assignment {assignment!r}; expected one of {', '.join(selfstudy.ASSIGNMENTS)}")
    return selfstudy.grade_file(path, settings, assignment, key)


def _block(q: dict) -> str:
    """A question's feedback block as text: the same rows as in the notebook and on nbgrader's page."""
    from types import SimpleNamespace

    from ..grading.block import as_text

    if q["manual"]:
        if not q.get("model_answer"):
            return q["feedback"]
        rubric = "\n".join(f"• {point} (1 point)" for point in q["rubric"])
        return (f"Your text: {q['answer_text'].strip() or '(empty)'}\n\nModel answer: {q['model_answer']}\n\n"
                f"Rubric:\n{rubric}")
    return as_text(SimpleNamespace(question=q["question"], correct=q["passed"], feedback=q["feedback"],
                                   **{key: q.get(key, "") for key in ("headline", "case", "misconception", "hint")}))


def _print_table(result: dict) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Grading {result['notebook']}")
    for column in ("Question", "Points", "Verdict", "Feedback"):
        table.add_column(column, overflow="fold")
    for q in result["questions"]:
        verdict = "[yellow]by hand[/]" if q["manual"] else ("[green]right[/]" if q["passed"] else "[red]wrong[/]")
        points = f"– / {q['max_points']:g}" if q["manual"] else f"{q['points']:g} / {q['max_points']:g}"
        feedback = _block(q) + (f"\n{q['review']}" if q.get("review") else "")
        table.add_row(escape(q["question"] or q["cell"]), points, verdict, escape(feedback))
    console = Console()
    console.print(table)
    console.print(f"Score: {result['score']:g} / {result['max_score']:g} autograded "
                  f"(+ {result['manual_points']:g} points graded by hand)"
                  + ("" if result["sandboxed"] else "; learner code ran without the sandbox"))
