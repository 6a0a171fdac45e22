"""``python -m autograder questions [--json] [--assignment A] [--refresh]``: the autograded questions."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["add_parser"]

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "submissions" / "mistakes"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "questions", help="list the autograded questions (or regenerate the bank with Keras)",
        description="List every autograded question: id, assignment, kind, what it asks and its model.")
    parser.add_argument("--json", action="store_true", help="print the questions as a JSON list")
    parser.add_argument("--assignment", help="only this assignment's questions, e.g. a02_dense")
    parser.add_argument("--refresh", action="store_true",
                        help="regenerate the bank's model configs, live keys, README tables and "
                             "misconception fixtures with Keras (the golden refresh)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..grading.questions import ASSIGNMENTS, all_questions

    if args.refresh:
        return _refresh()
    if args.assignment and args.assignment not in ASSIGNMENTS:
        from ..errors import QuestionError

        raise QuestionError(f"unknown assignment {args.assignment!r}; expected one of {', '.join(ASSIGNMENTS)}")
    questions = all_questions(args.assignment)
    if args.json:
        print(json.dumps([q.to_dict() for q in questions], indent=1))
    else:
        _table(questions)
    return 0


def _table(questions) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(questions)} autograded questions")
    for column in ("id", "assignment", "kind", "asks", "prompt"):
        table.add_column(column, overflow="fold")
    for q in questions:
        asks = q.signature if q.kind == "function" else q.asks
        table.add_row(q.id, q.assignment, q.kind, asks, q.prompt)
    Console().print(table)


def _refresh() -> int:
    from ..grading import questions as q
    from ..grading.catalogue_docs import update_readme
    from ..grading.refresh import refresh, write_fixtures, write_verified

    changed = refresh()
    q._bank.cache_clear()  # the bank reads the rewritten model files
    verified = write_verified()
    readme = update_readme()
    fixtures = write_fixtures(FIXTURES) if FIXTURES.parent.exists() else []
    print(f"models changed: {', '.join(changed) or 'none'}; verified.json "
          f"{'rewritten' if verified else 'unchanged'}; README tables {'rewritten' if readme else 'unchanged'}; "
          f"fixtures changed: {', '.join(fixtures) or 'none'}")
    return 0
