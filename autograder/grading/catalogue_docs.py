"""The generated part of ``bank/README.md``: the question and misconception tables.

``python -m autograder questions --refresh`` rewrites the text between the markers, and a
unit test fails when the committed README is out of date.
"""

from __future__ import annotations

from pathlib import Path

from .misconceptions import CATALOGUE
from .questions import ASSIGNMENTS, all_questions

__all__ = ["README", "render_tables", "update_readme"]

README = Path(__file__).parent / "bank" / "README.md"
BEGIN, END = "<!-- BEGIN GENERATED -->", "<!-- END GENERATED -->"


def render_tables() -> str:
    """Markdown: one table of questions per assignment, then the misconception catalogue."""
    parts = []
    for assignment in ASSIGNMENTS:
        parts += [f"### {assignment}", "", "| id | kind | asks | prompt |", "|---|---|---|---|"]
        for q in all_questions(assignment):
            what = q.signature if q.kind == "function" else q.asks
            if q.kind == "budget":
                what = f"{q.asks} (knob: `{q.knob[0]}.{q.knob[1]}`)"
            parts.append(f"| `{q.id}` | {q.kind} | {what} | {_cell(q.prompt)} |")
        parts.append("")
    parts += ["### Misconceptions", "", "| code | title | example question |", "|---|---|---|"]
    parts += [f"| `{m.code}` | {m.title} | `{m.example}` |" for m in CATALOGUE]
    return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def update_readme(path: Path = README) -> bool:
    """Rewrite the generated section of the README; True when it changed."""
    text = path.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    new = f"{head}{BEGIN}\n{render_tables()}{END}{tail}"
    if new != text:
        path.write_text(new)
    return new != text
