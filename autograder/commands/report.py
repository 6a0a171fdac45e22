"""``python -m autograder report ASSIGNMENT [--course DIR] [--out DIR] [--by-student]``: the class report.

Run in an nbgrader course directory after ``nbgrader autograde``: from the gradebook and the graded
notebooks, per question, the share of submissions right, the most common wrong answers and the
misconception each shows, written as ``report.html`` (one self-contained page), ``report.csv`` and
``chart.png`` (:mod:`autograder.classreport`). No learner is named unless ``--by-student``.
Exit code 0; 2 when there is no gradebook, the assignment is unknown or nothing was submitted.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["add_parser"]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="the class misconception report of an autograded assignment, for instructors",
        description="What a class got wrong in one assignment: share right, common wrong answers and "
                    "misconceptions per question, as an HTML page, a CSV and a chart.")
    parser.add_argument("assignment", help="the assignment, as named in the gradebook (e.g. a02_dense)")
    parser.add_argument("--course", type=Path, metavar="DIR",
                        help="the nbgrader course directory (default: the current directory)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="where to write the report (default: reports/ASSIGNMENT/ in the course directory)")
    parser.add_argument("--by-student", action="store_true",
                        help="add a table naming each student with their score and misconceptions")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..classreport import make_report

    paths = make_report(args.assignment, args.course, args.out, args.by_student)
    print(f"wrote {', '.join(str(p) for p in paths)}")
    return 0
