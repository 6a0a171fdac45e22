"""Learner content made inert: pages without script, text without terminal controls.

A learner's notebook reaches pages that learners and instructors open (nbgrader's feedback page, the
formgrader's view of a submission, the class report) and files an instructor reads in a terminal or a
spreadsheet (logs, CSV exports). Everything learner-controlled passes through here on its way:

- :func:`clean_html`: HTML through an allow-list sanitizer (`nh3`, the Ammonia library): no script,
  no event handler, no ``javascript:`` link, no form, frame, SVG or ``<style>`` element, no ``id`` or
  ``name`` (which could clobber a page script's globals); inline styles keep only layout and colour
  properties, never a ``url(...)``;
- :func:`inert_outputs`: a notebook's outputs without JavaScript or widget outputs, HTML ones cleaned;
- :data:`CSP`: the Content-Security-Policy of a page we write: no script from anywhere, nothing
  loaded but inline images;
- :func:`strip_controls`: text without ANSI escape sequences or other C0/C1 control characters
  (newlines and tabs kept).

:func:`with_policy` puts the policy into a page made from a trusted template. Standard library only, but
for `nh3`, imported when first used. :mod:`autograder.nbgrader_plugins` puts these into nbgrader
(``InertOutputs``, ``InertFeedbackExporter``, the ``markdown2html`` filter) through the course's
``nbgrader_config.py``.
"""

from __future__ import annotations

import re

__all__ = ["CSP", "SCRIPT_MIMES", "clean_html", "inert_outputs", "strip_controls", "with_policy"]

CSP = ("default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
       "form-action 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:")
SCRIPT_MIMES = frozenset({"application/javascript", "text/javascript", "application/x-javascript",
                          "application/ecmascript", "text/ecmascript", "application/vnd.jupyter.widget-view+json",
                          "application/vnd.jupyter.widget-state+json"})
_ESCAPES = re.compile(r"""
      \x1b\[[0-?]*[ -/]*[@-~]                # CSI: colours, cursor moves, screen clears
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?     # OSC: window titles, hyperlinks, clipboard
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?          # DCS, SOS, PM, APC strings
    | \x1b[ -/]*[0-~]                        # any other escape sequence
    | \x9b[0-?]*[ -/]*[@-~]                  # 8-bit CSI
""", re.VERBOSE)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_STYLES = frozenset({
    "color", "background", "background-color", "border", "border-left", "border-right", "border-top",
    "border-bottom", "border-color", "border-style", "border-width", "border-radius", "border-collapse",
    "margin", "margin-left", "margin-right", "margin-top", "margin-bottom", "padding", "padding-left",
    "padding-right", "padding-top", "padding-bottom", "font", "font-family", "font-size", "font-style",
    "font-weight", "line-height", "text-align", "text-decoration", "vertical-align", "white-space",
    "overflow-wrap", "word-break", "word-wrap", "width", "max-width", "min-width", "height", "box-sizing",
    "list-style", "list-style-type"})
_UNSAFE_STYLE = re.compile(r"url\s*\(|image-set|expression|@import|\\", re.IGNORECASE)
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);", re.IGNORECASE)
_MATHJAX = ("<!-- Load mathjax -->", "<!-- End of mathjax configuration -->")  # nbconvert's mathjax macro


def strip_controls(text: str) -> str:
    """``text`` without terminal escape sequences or control characters, but newlines and tabs."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean_html(html: object) -> str:
    """HTML with only inert elements and attributes left (see the module's docstring)."""
    import nh3

    text = html.decode(errors="replace") if isinstance(html, bytes) else str(html)
    return nh3.clean(text, tags=nh3.ALLOWED_TAGS, clean_content_tags={"script", "style"},
                     attributes={**nh3.ALLOWED_ATTRIBUTES, "*": {"class", "title", "role", "style", "lang", "dir"}},
                     generic_attribute_prefixes={"data-"}, url_schemes={"http", "https", "mailto", "data"},
                     filter_style_properties=_STYLES, attribute_filter=_attribute, strip_comments=True)


def _attribute(element: str, attribute: str, value: str) -> str | None:
    """Drop a ``data:`` URL but an inline image's, and any style that could load or escape."""
    if attribute in ("href", "src", "cite") and value.strip().lower().startswith("data:"):
        return value if element == "img" and attribute == "src" and _IMAGE_DATA.match(value.strip()) else None
    if attribute == "style" and _UNSAFE_STYLE.search(value):
        return None
    return value


def inert_outputs(nb) -> None:
    """Every code cell's outputs made inert in place: script outputs dropped, HTML cleaned, nothing isolated
    (an isolated HTML output would be shown in a frame)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if isinstance(data, dict):
                for mime in SCRIPT_MIMES & set(data):
                    del data[mime]
                if "text/html" in data:
                    data["text/html"] = clean_html(_text(data["text/html"]))
                if not data:
                    continue
                output.get("metadata", {}).pop("text/html", None)
            kept.append(output)
        cell.outputs = kept


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def with_policy(page: str) -> str:
    """A page from a trusted template with :data:`CSP` first in its ``<head>`` and the template's MathJax
    loader taken out (found by nbconvert's own comments around it; cleaned content holds no comments)."""
    start, end = (page.find(mark) for mark in _MATHJAX)
    if 0 <= start < end:
        page = page[:start] + page[end + len(_MATHJAX[1]):]
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    head = page.find("<head>")
    if head < 0:
        return f"{meta}\n{page}"
    return f"{page[:head + len('<head>')]}\n{meta}{page[head + len('<head>'):]}"
