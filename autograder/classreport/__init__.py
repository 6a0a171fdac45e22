"""The class misconception report: what a class got wrong in one assignment, and why, for its instructors.

``python -m autograder report ASSIGNMENT`` (:mod:`autograder.commands.report`) runs, in an nbgrader course
directory, a pipeline of small steps:

- :mod:`.course`: the course's nbgrader configuration; from its gradebook, who submitted and their scores;
- :mod:`.verdicts`: the verdict of every test cell, read from each graded notebook;
- :mod:`.summary`: per question, the share right, the most common wrong answers and the misconceptions;
- :mod:`.chart`, :mod:`.page`, :mod:`.table`: the bar chart, the self-contained HTML page and the CSV;
- :mod:`.synthetic`: a made-up class of any size, written as nbgrader leaves one, for tests and timing.

Learners are named only when asked (``by_student``). nbgrader and matplotlib are imported only when used.
"""

from __future__ import annotations

from pathlib import Path

from .summary import ClassReport, summarize

__all__ = ["FILES", "ClassReport", "make_report", "read_report", "write_report"]

FILES = ("report.html", "report.csv", "chart.png")


def read_report(assignment: str, root: Path | None = None) -> ClassReport:
    """The report of an assignment of the course at ``root`` (default: the current directory)."""
    from .course import course_directory, read_class
    from .summary import known_questions

    order, ids = known_questions(assignment)
    submissions = read_class(course_directory(root), assignment, ids)
    return summarize(assignment, submissions, order)


def write_report(report: ClassReport, out: Path, by_student: bool = False) -> list[Path]:
    """Write ``FILES`` into ``out`` (created if needed); their paths."""
    from .chart import chart_png
    from .page import render
    from .table import write_csv

    chart = chart_png(report)  # first: a report that cannot be drawn leaves no folder behind
    out.mkdir(parents=True, exist_ok=True)
    html, table, picture = (out / name for name in FILES)
    picture.write_bytes(chart)
    write_csv(report, table)
    html.write_text(render(report, chart, by_student), encoding="utf-8")
    return [html, table, picture]


def make_report(assignment: str, root: Path | None = None, out: Path | None = None,
                by_student: bool = False) -> list[Path]:
    """Read and write an assignment's report: by default into ``<root>/reports/<assignment>/``."""
    report = read_report(assignment, root)
    base = Path.cwd() if root is None else Path(root)
    return write_report(report, out if out is not None else base / "reports" / assignment, by_student)
