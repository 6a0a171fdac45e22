"""The report as one self-contained HTML page: no external CSS, script or font; the chart inline as a
base64 PNG. It reads on a 390 px phone: questions are stacked cards, and on a narrow screen each table
row becomes a small card of its own, every value labelled (``data-label``). Every value from a notebook
(answers, codes, ids) is escaped and stripped of terminal control characters, and a Content-Security-Policy
(:data:`autograder.inert.CSP`) forbids scripts and any load.
"""

from __future__ import annotations

import base64
from html import escape

from ..inert import CSP, strip_controls
from .summary import ClassReport, QuestionSummary, Submission, WrongAnswer, title

__all__ = ["render"]

NO_VALUE = "—"
CSS = """
body{font:16px/1.45 system-ui,sans-serif;color:#1b1b1b;max-width:56rem;margin:0 auto;padding:0 .75rem 2rem}
h1{font-size:1.35rem;margin:1rem 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .35rem;overflow-wrap:anywhere}h4{font-size:.95rem;margin:.75rem 0 .25rem}
img{width:34rem;max-width:100%;height:auto}
table{width:100%;border-collapse:collapse;table-layout:fixed;margin:.25rem 0}
th,td{text-align:left;vertical-align:top;padding:.3rem .35rem;border-bottom:1px solid #ddd;
overflow-wrap:anywhere}
th.n,td.n{text-align:right;width:4.5rem}
section.q{border:1px solid #ccc;border-radius:6px;padding:.6rem .75rem;margin:.75rem 0}
.share{font-size:1.1rem;font-weight:600}.muted{color:#555;font-size:.9rem}
ul{padding-left:1.2rem;margin:.25rem 0}li{overflow-wrap:anywhere}
@media (max-width:36rem){thead{display:none}table,tbody,tr,td{display:block;width:auto}
tr{border-bottom:1px solid #ddd;padding:.35rem 0}td,td.n{border:0;padding:.05rem 0;text-align:left;width:auto}
td[data-label]::before{content:attr(data-label) ": ";font-weight:600}
table.pairs td:nth-child(-n+2){display:inline-block;margin-right:1.25rem}}
"""


def render(report: ClassReport, chart: bytes, by_student: bool = False) -> str:
    """The whole page; learners are named only ``by_student``."""
    picture = base64.b64encode(chart).decode("ascii")
    parts = [_head(report), _overview(report),
             f'<img src="data:image/png;base64,{picture}" alt="Bar chart: the share of submissions right per '
             'question, and the most common misconceptions">',
             _misconceptions(report), '<h2>Questions</h2>', *(_question(q) for q in report.questions)]
    if by_student:
        parts.append(_students(report))
    parts.append(f'<p class="muted">An answer shown as {NO_VALUE} recorded no value: a function question '
                 "(judged by running the learner's function) or a test cell that did not run. "
                 "An answer of None is usually an answer cell left as it was released.</p>")
    return "\n".join([*parts, "</body>\n</html>\n"])


def _head(report: ClassReport) -> str:
    name = escape(report.assignment)
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f"<title>Class report: {name}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<h1>Class report: {name}</h1>")


def _overview(report: ClassReport) -> str:
    graded = len(report.submissions)
    missing = graded - report.graded
    mean = report.mean_score
    score = f"; mean score {mean[0]:.2f} of {mean[1]:g}" if mean else ""
    note = f" ({missing:,} without a graded notebook, counted as not answered)" if missing else ""
    return f'<p class="muted">{graded:,} submissions{note}{score}.</p>'


def _misconceptions(report: ClassReport) -> str:
    where: dict[str, list[str]] = {}
    for q in report.questions:
        for code, _ in q.misconceptions:
            where.setdefault(code, []).append(q.question)
    rows = [[_code(code), f"{n:,}", escape(", ".join(where[code]))] for code, n in report.misconceptions]
    body = (_table(["Misconception", "Count", "Questions"], rows, numeric=(1,))
            if rows else "<p>No wrong answer showed a known misconception.</p>")
    return ("<h2>Misconceptions, most common first</h2>\n"
            f'<p class="muted">Count: the wrong answers that show it.</p>\n{body}')


def _question(q: QuestionSummary) -> str:
    stats = [f"{q.right:,} of {q.submissions:,} right", f"{q.flagged:,} flagged for review",
             f"{q.submissions - q.answered:,} not answered"]
    return (f'<section class="q">\n<h3>{escape(q.question)}</h3>\n'
            f'<p><span class="share">{100 * q.share_right:.0f}% right</span> '
            f'<span class="muted">({" · ".join(stats)})</span></p>\n'
            f"{_wrong_answers(q.top_wrong, len(q.wrong_answers))}\n{_question_codes(q)}\n</section>")


def _wrong_answers(answers: tuple[WrongAnswer, ...], distinct: int) -> str:
    if not answers:
        return "<p>No wrong answers.</p>"
    rows = [[f"<code>{escape(a.answer) or NO_VALUE}</code>", f"{a.count:,}",
             _code(a.mistake) if a.mistake else "none diagnosed"] for a in answers]
    shown = f"the {len(answers)} most common of {distinct:,}" if distinct > len(answers) else "all"
    return f"<h4>Wrong answers ({shown})</h4>\n{_table(['Answer', 'Count', 'Misconception'], rows, (1,), pairs=True)}"


def _question_codes(q: QuestionSummary) -> str:
    if not q.misconceptions:
        return ""
    items = "".join(f"<li>{_code(code)}: {n:,}</li>" for code, n in q.misconceptions)
    return f"<h4>Misconceptions</h4>\n<ul>{items}</ul>"


def _table(columns: list[str], rows: list[list[str]], numeric: tuple[int, ...] = (), pairs: bool = False) -> str:
    """A table of HTML cells (already escaped); ``numeric``: the right-aligned columns; ``pairs``: on a
    phone, the first two values (short ones) share a line."""
    def cell(tag: str, index: int, label: str, content: str) -> str:
        kind = " class=n" if index in numeric else ""
        data = f' data-label="{escape(label)}"' if tag == "td" else ""
        return f"<{tag}{kind}{data}>{content}</{tag}>"

    head = "".join(cell("th", i, label, escape(label)) for i, label in enumerate(columns))
    body = "".join("<tr>" + "".join(cell("td", i, columns[i], c) for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table{' class=pairs' if pairs else ''}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _code(code: str) -> str:
    return f"<code>{escape(code)}</code> {escape(title(code))}"


def _students(report: ClassReport) -> str:
    order = [q.question for q in report.questions]
    rows = [[escape(strip_controls(s.student)), _score(s), _student_codes(s, order), _notes(s)]
            for s in report.submissions]
    columns = ["Student", "Score", "Misconceptions", "For review"]
    return f"<h2>By student</h2>\n{_table(columns, rows, (1,), pairs=True)}"


def _notes(s: Submission) -> str:
    """The grader's review notes on a submission (instructors only: this section names learners)."""
    items = "".join(f"<li><code>{escape(question)}</code>: {escape(note)}</li>" for question, note in s.notes)
    return f"<ul>{items}</ul>" if items else NO_VALUE


def _score(s: Submission) -> str:
    return NO_VALUE if s.score is None else f"{s.score:g} / {s.max_score or 0:g}"


def _student_codes(s: Submission, order: list[str]) -> str:
    if s.marks is None:
        return "no graded notebook"
    codes = dict.fromkeys(s.marks[q].mistake for q in order if q in s.marks and s.marks[q].mistake)
    return ", ".join(f"<code>{escape(code)}</code>" for code in codes) or NO_VALUE
