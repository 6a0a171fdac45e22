"""The report as CSV: one row per question × distinct wrong answer, for a spreadsheet or pandas.

Long ("tidy") layout, every wrong answer and not only the top five: each row repeats its question's
totals (``submissions``, ``right``, ``share_right``, ``answered``, ``flagged_for_review``), then gives one
wrong ``answer``, its ``rank`` (1 = most common), its ``count`` and the ``mistake`` code and title diagnosed
in it. A question nobody got wrong has one row with an empty answer and a count of 0. Filter on
``rank == 1`` for one row per question; sum ``count`` by ``mistake`` for misconceptions. No learner is named.
Text a spreadsheet would run as a formula (``=...``) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .summary import ClassReport, QuestionSummary, title

__all__ = ["COLUMNS", "write_csv"]

COLUMNS = ("assignment", "question", "submissions", "right", "share_right", "answered", "flagged_for_review",
           "rank", "answer", "count", "mistake", "mistake_title")


def write_csv(report: ClassReport, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for q in report.questions:
            writer.writerows(_rows(report.assignment, q))


def _rows(assignment: str, q: QuestionSummary) -> list[list]:
    totals = [assignment, q.question, q.submissions, q.right, round(q.share_right, 4), q.answered, q.flagged]
    if not q.wrong_answers:
        return [[*totals, "", "", 0, "", ""]]
    return [[*totals, rank, _cell(a.answer), a.count, a.mistake or "", title(a.mistake) if a.mistake else ""]
            for rank, a in enumerate(q.wrong_answers, start=1)]


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (a plain number such as -3 stays as it is)."""
    if text[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text
