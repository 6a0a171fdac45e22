"""One feedback block per question, laid out the same wherever a learner reads it.

A :class:`~.verdicts.Verdict` is shown as: right or not yet (the headline), the smallest failing
case of a function, the misconception by name and code, and a hint that points at the idea without
giving the number. :func:`bundle` gives it as a Jupyter display bundle (``text/html`` that wraps at
any width, and ``text/plain``), used by ``check()`` in the notebook and by the graded notebook that
nbgrader's feedback page shows; :func:`as_text` is the plain form for terminals. No traceback, no
grader source, no file paths: only the verdict's own words. Standard library only.
"""

from __future__ import annotations

import html
import re

__all__ = ["CSS_CLASS", "as_html", "as_text", "bundle", "parts"]

CSS_CLASS = "autograder-feedback"
_BOX = ("border-left:4px solid {colour};background:{background};padding:0.4em 0.8em;margin:0.4em 0;"
        "white-space:normal;overflow-wrap:anywhere;word-break:normal;max-width:100%;box-sizing:border-box;"
        "font-family:inherit;font-size:inherit;line-height:1.45;color:#1b1f23")
_COLOURS = {True: ("#2e7d32", "#f1f8f2"), False: ("#c62828", "#fdf3f3")}
_TICKS = re.compile(r"`([^`]+)`")
_CODE = re.compile(r"\[([A-Z][A-Z0-9_]+)\]")
_SENTENCE = re.compile(r"^(.*?) \[([A-Z][A-Z0-9_]+)\](.*?): (.*)$", re.S)


def parts(verdict) -> list[tuple[str, str]]:
    """(label, text) rows of a verdict: the headline first, then the case, misconception and hint."""
    rows = [("✓" if verdict.correct else "✗", verdict.headline or verdict.feedback)]
    if verdict.case:
        rows.append(("Failing case:", verdict.case))
    if verdict.misconception:
        rows.append(_misconception(verdict.misconception))
    if verdict.hint:
        rows.append(("Hint:", verdict.hint))
    return rows


def _misconception(sentence: str) -> tuple[str, str]:
    """``Likely misconception [CODE] in layer `x`: title.`` as ("Likely misconception:", "title [CODE] in ...")."""
    found = _SENTENCE.match(sentence)
    if not found:
        return "", sentence
    lead, code, where, title = found.groups()
    return f"{lead}:", f"{title.rstrip('.')} [{code}]{where}."


def as_text(verdict) -> str:
    """The block as plain text, one row per line."""
    return "\n".join(f"{label} {text}" if label else text for label, text in parts(verdict))


def as_html(verdict) -> str:
    """The block as self-contained HTML (inline styles: it looks the same on any page)."""
    colour, background = _COLOURS[bool(verdict.correct)]
    rows = "".join(f'<p style="margin:0.15em 0"><strong>{html.escape(label)}</strong>'
                   f"{' ' if label else ''}{_inline(text)}</p>" for label, text in parts(verdict))
    return (f'<div class="{CSS_CLASS}" role="note" data-question="{html.escape(verdict.question)}" '
            f'style="{_BOX.format(colour=colour, background=background)}">{rows}</div>')


def bundle(verdict) -> dict:
    """A Jupyter display bundle of the block."""
    return {"text/html": as_html(verdict), "text/plain": as_text(verdict)}


def _inline(text: str) -> str:
    """Escaped text with `code` spans and [CODE] misconception codes set in monospace."""
    escaped = html.escape(text, quote=False)
    escaped = _TICKS.sub(r"<code>\1</code>", escaped)
    return _CODE.sub(r'<code class="autograder-code">\1</code>', escaped)
