"""``python -m autograder grade NOTEBOOK [--json]``: self-study grading, no course set-up.

Runs a learner's notebook headless (nbclient, with a time limit per cell) and scores each
test cell as ``nbgrader autograde`` would: full points unless it raised or wrote to stderr.
When the notebook comes from this course, its test cells are first restored from
``solutions/`` (hidden tests included), so an edited or deleted test cell cannot help.
Exit code 0 when every autograded question passed, 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ConfigError

__all__ = ["add_parser", "grade_notebook"]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade", help="run a learner's notebook and print each question's verdict, feedback and the score",
        description="Self-study grading: run an exercise notebook headless and score it as nbgrader would.")
    parser.add_argument("notebook", help="the .ipynb to grade")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--timeout", type=int, default=120, metavar="SECONDS",
                        help="time limit per cell; a cell that runs longer is stopped and fails (default 120)")
    parser.set_defaults(run=run)


def run(args) -> int:
    result = grade_notebook(Path(args.notebook), args.timeout)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_table(result)
    return 0 if result["score"] == result["max_score"] else 1


def grade_notebook(path: Path, timeout: int = 120) -> dict:
    """Execute and score one notebook; the dict printed by ``--json``."""
    from .. import selfstudy

    nb = _read(path)
    source_path = selfstudy.find_source(nb)
    missing = selfstudy.restore_tests(nb, _read(source_path)) if source_path else []
    selfstudy.execute(nb, path.parent, timeout)
    grades = selfstudy.grade_cells(nb) + missing
    auto = [g for g in grades if not g.manual]
    return {
        "notebook": str(path),
        "tests_from": str(source_path) if source_path else "the notebook itself",
        "score": sum(g.points for g in auto),
        "max_score": sum(g.max_points for g in auto),
        "manual_points": sum(g.max_points for g in grades if g.manual),
        "questions": [g.to_dict() for g in grades],
    }


def _read(path: Path):
    import nbformat

    if not path.is_file():
        raise ConfigError(f"no notebook at {path}: expected the path of an .ipynb file")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as err:  # nbformat raises several types for unreadable files
        raise ConfigError(f"{path} is not a readable Jupyter notebook ({err}); "
                          "expected an .ipynb file saved by Jupyter") from err


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
        table.add_row(escape(q["question"] or q["cell"]), points, verdict, escape(q["feedback"]))
    console = Console()
    console.print(table)
    console.print(f"Score: {result['score']:g} / {result['max_score']:g} autograded "
                  f"(+ {result['manual_points']:g} points graded by hand); tests from {result['tests_from']}")
