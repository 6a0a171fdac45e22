"""Learner content made inert (autograder/inert.py) and the instructor's review notes (autograder/review_notes.py).

:func:`executable` finds what a browser would run in a page; tests/notebooks/test_learner_visible.py uses it
on the pages a real course makes.
"""

from __future__ import annotations

import csv
import os
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder import review_notes
from autograder.inert import CSP, clean_html, inert_outputs, strip_controls, with_policy

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc")
ESC = "\x1b"
TITLE = 'document.title = ["PW", "NED"].join("")'  # the marker is made at run time: no page holds "PWNED"
HOSTILE_HTML = ('<b style="color:red;position:fixed;background:url(https://example.org/t)">bold</b>'
                f"<script>{TITLE}</script><img src=x onerror='{TITLE}'><iframe src=\"javascript:{TITLE}\"></iframe>"
                '<form action="https://example.org"><input name=a></form><a href="javascript:alert(1)">link</a>'
                f"<svg onload='{TITLE}'><script>{TITLE}</script></svg><style>body{{display:none}}</style>"
                '<div id="formgrader" name="x" class="kept" data-n="1">div</div>')
HOSTILE_MARKDOWN = (f"Hi <script>{TITLE}</script> <img src=x onerror='{TITLE}'> [click](javascript:alert(1)) "
                    f"<a href=\"javascript:{TITLE}\">a</a> <svg onload='{TITLE}'></svg>")
HOSTILE_SVG = (f"<svg xmlns='http://www.w3.org/2000/svg' onload='{TITLE}'><script>{TITLE}</script>"
               "<circle r='5'/></svg>")


class _Executable(HTMLParser):
    """Collects what a browser could run: script elements, event handlers, javascript: URLs, frames and objects."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "frame", "base"):
            self.found.append(f"<{tag}> {dict(attrs)}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            squeezed = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.found.append(f"<meta refresh {dict(attrs)}>")


def executable(page: str) -> list[str]:
    """Everything in ``page`` a browser would run or load as a document (empty for an inert page)."""
    parser = _Executable()
    parser.feed(page)
    parser.close()
    return parser.found


def test_the_checker_finds_each_kind_of_script():
    """Does :func:`executable` find a script element, an event handler, a javascript: link and a frame (so its
    silence on a page means something)?"""
    found = executable(HOSTILE_HTML)
    assert any(f.startswith("<script>") for f in found) and any("onerror" in f for f in found)
    assert any("javascript:" in f for f in found) and any(f.startswith("<iframe>") for f in found)


def test_clean_html_leaves_nothing_executable():
    """Does cleaned HTML keep no script, handler, javascript: link, frame, form, SVG, <style>, id or name?"""
    cleaned = clean_html(HOSTILE_HTML)
    assert executable(cleaned) == []
    for gone in ("<script", "<form", "<input", "<svg", "<style", "javascript:", " id=", " name=", "url("):
        assert gone not in cleaned.lower(), gone
    assert "bold" in cleaned and 'class="kept"' in cleaned and 'data-n="1"' in cleaned


def test_clean_html_keeps_the_feedback_blocks_own_styles():
    """Does the grader's feedback block keep its inline layout and colours through the sanitizer?"""
    from autograder.grading.block import as_html
    from autograder.grading.verdicts import Verdict

    block = as_html(Verdict.said("dense.mlp.hidden", False, "Not yet: 4096 forgets the biases."))
    cleaned = clean_html(block)
    kept = cleaned.replace(" ", "")
    assert "border-left:4pxsolid#c62828" in kept and "background:#fdf3f3" in kept and "forgets the biases" in cleaned


def test_an_inline_image_is_kept_and_a_data_link_is_not():
    """Is a data: image kept as an image, while a data: URL as a link or frame source is dropped?"""
    cleaned = clean_html('<img src="data:image/png;base64,iVBORw0KGgo="><a href="data:text/html,<b>x</b>">x</a>'
                         '<img src="data:image/svg+xml;base64,PHN2Zz4=">')
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in cleaned
    assert "data:text/html" not in cleaned and "svg+xml" not in cleaned


def _hostile_notebook():
    return new_notebook(cells=[new_markdown_cell(HOSTILE_MARKDOWN), new_code_cell("show()", outputs=[
        new_output("display_data", data={"text/html": HOSTILE_HTML, "text/plain": "html"}),
        new_output("display_data", data={"application/javascript": TITLE}),
        new_output("display_data", data={"application/javascript": TITLE, "text/plain": "js"}),
        new_output("display_data", data={"image/svg+xml": HOSTILE_SVG}),
        new_output("display_data", data={"text/html": f"<p>in a frame<script>{TITLE}</script></p>"},
                   metadata={"text/html": {"isolated": True}}),
        new_output("stream", name="stdout", text=f"{ESC}[31mred{ESC}[0m <script>{TITLE}</script>"),
        new_output("error", ename="NotYet", evalue="x", traceback=["✗ 0 points"])])])


def test_inert_outputs_drops_scripts_and_cleans_html_but_keeps_errors_and_text():
    """After inert_outputs: no JavaScript output, HTML cleaned and not isolated, text and the error kept (nbgrader
    scores a test cell from its error output)?"""
    nb = _hostile_notebook()
    inert_outputs(nb)
    outputs = nb.cells[1].outputs
    assert not any("application/javascript" in o.get("data", {}) for o in outputs)
    assert len(outputs) == 6 and outputs[1].data == {"text/plain": "js"} and outputs[-1].ename == "NotYet"
    assert executable(outputs[0].data["text/html"]) == [] and "text/html" not in outputs[3].metadata


def _feedback_page(nb) -> str:
    import nbgrader
    from traitlets.config import Config

    from autograder.nbgrader_plugins import InertFeedbackExporter

    config, base = Config(), Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(base / "templates")]
    config.HTMLExporter.extra_template_paths = [str(base / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    resources = {"nbgrader": {"notebook": "a02_dense", "score": 1, "max_score": 2, "late_penalty": 0}}
    return InertFeedbackExporter(config=config).from_notebook_node(nb, resources=resources)[0]


def test_the_feedback_exporter_makes_a_page_with_no_script_and_a_strict_policy():
    """Is nbgrader's feedback page, made by the course's exporter from a hostile notebook, free of anything
    executable (MathJax's loader included), with the policy first in <head> and the learner's text still there?"""
    page = _feedback_page(_hostile_notebook())
    assert executable(page) == [], executable(page)
    head = page.index("<head>")
    assert page.index(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">') < page.index("<title>")
    assert head < page.index("Content-Security-Policy") and "cdnjs" not in page and "MathJax.Hub" not in page
    assert "Hi" in page and "bold" in page and "data:image/svg+xml;base64," in page


def test_the_policy_allows_no_script_and_no_load():
    """Does the policy forbid scripts from anywhere, frames, forms, a <base>, and any load but inline images?"""
    rules = dict(rule.strip().split(" ", 1) for rule in CSP.split(";"))
    assert rules["default-src"] == rules["script-src"] == rules["object-src"] == rules["frame-src"] == "'none'"
    assert rules["base-uri"] == rules["form-action"] == "'none'" and rules["img-src"] == "data:"
    assert "unsafe-inline" not in rules["script-src"] and "unsafe-eval" not in CSP


def test_with_policy_puts_the_policy_before_anything_else():
    """Does with_policy put the policy first in <head> (and in front of a page that has no <head>)?"""
    assert with_policy("<html><head><title>t</title></head></html>").startswith(
        f'<html><head>\n<meta http-equiv="Content-Security-Policy" content="{CSP}">')
    assert with_policy("<p>x</p>").startswith("<meta http-equiv")


@pytest.mark.parametrize(("text", "clean"), [
    (f"{ESC}[31mred{ESC}[0m", "red"),
    (f"{ESC}]0;title{chr(7)}after", "after"),
    (f"{ESC}]8;;https://example.org{ESC}\\link{ESC}]8;;{ESC}\\", "link"),
    (f"a{ESC}[2J{ESC}[Hb", "ab"),
    (f"{ESC}Pdevice{ESC}\\x", "x"),
    (f"{ESC}(Bx", "x"),
    ("\x9b31mc1\x85", "c1"),
    ("bell\x07 back\x08 cr\r del\x7f nul\x00", "bell back cr del nul"),
    ("line one\n\ttabbed", "line one\n\ttabbed"),
    ("ünïcödé → ✓", "ünïcödé → ✓"),
])
def test_strip_controls_removes_escapes_and_controls_but_newlines_and_tabs(text, clean):
    """Does strip_controls remove ANSI/OSC/DCS escapes and every other C0/C1 control, keeping \\n, \\t and text?"""
    assert strip_controls(text) == clean


def test_the_lenient_exporters_message_has_no_terminal_controls(tmp_path, caplog):
    """A file whose nbformat field holds terminal escapes: is it read as empty, with a message (log and
    notebook) that carries none of them?"""
    from autograder.nbgrader_plugins import LenientExporter

    path = tmp_path / "bad.ipynb"
    path.write_text('{"nbformat": "\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m", "nbformat_minor": 5, "cells": []}')
    with caplog.at_level("ERROR"):
        output, _ = LenientExporter().from_filename(str(path))
    assert "could not be read" in output and ESC not in output and "\x9b" not in output
    assert caplog.records and not any(ESC in r.getMessage() or "\x07" in r.getMessage() for r in caplog.records)


def test_review_notes_round_trip_and_vanish_when_empty(tmp_path):
    """Are a submission's notes written per notebook, read back, replaced on a regrade, and gone (no file)
    when a regrade finds nothing?"""
    review_notes.update(tmp_path, "a02_dense", "bob", "a02_dense", {"dense-mlp-hidden": "For review: x"})
    review_notes.update(tmp_path, "a02_dense", "bob", "extra", {"cell": "For review: y"})
    assert review_notes.read(tmp_path, "a02_dense", "bob") == {
        "a02_dense": {"dense-mlp-hidden": "For review: x"}, "extra": {"cell": "For review: y"}}
    review_notes.update(tmp_path, "a02_dense", "bob", "extra", {})
    assert review_notes.read(tmp_path, "a02_dense", "bob") == {"a02_dense": {"dense-mlp-hidden": "For review: x"}}
    review_notes.write(tmp_path, "a02_dense", "bob", {})
    assert not review_notes.path(tmp_path, "a02_dense", "bob").exists()
    assert review_notes.read(tmp_path, "a02_dense", "nobody") == {}


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden", ""])
def test_review_notes_refuse_a_name_that_leaves_their_folder(tmp_path, name):
    """Is a student or assignment id that would leave review/ refused with a message?"""
    with pytest.raises(ValueError, match="cannot name a folder"):
        review_notes.path(tmp_path, "a02_dense", name)


def test_the_export_reads_the_notes_and_strips_controls(tmp_path):
    """Does the CSV export list a flagged submission's cells and notes, and carry no terminal control from a
    learner's name in the gradebook?"""
    from nbgrader.api import Gradebook
    from traitlets.config import Config

    from autograder.classreport.synthetic import new_course, write_gradebook
    from autograder.nbgrader_plugins import ReviewCsvExport

    root = new_course(tmp_path / "course")
    write_gradebook(root, "a02_dense", {"dense-mlp-hidden": 1.0}, {"bob": {"dense-mlp-hidden": 0.0}, "amy": {}})
    review_notes.write(root, "a02_dense", "bob", {"a02_dense": {"dense-mlp-hidden": "For review: amy's key"}})
    config = Config()
    config.CourseDirectory.root = str(root)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_student("amy", last_name=f"{ESC}[2J{ESC}]0;x\x07Smith")
        plugin = ReviewCsvExport(config=config)
        plugin.to = str(tmp_path / "grades.csv")
        plugin.export(gradebook)
    text = (tmp_path / "grades.csv").read_text()
    rows = {r["student_id"]: r for r in csv.DictReader(text.splitlines())}
    assert rows["bob"]["review"] == "dense-mlp-hidden" and "amy's key" in rows["bob"]["review_notes"]
    assert rows["amy"]["review"] == "" and rows["amy"]["last_name"] == "Smith" and ESC not in text


def test_the_class_report_takes_flags_from_the_notes_and_strips_controls(tmp_path):
    """Does the class report count a note as a flag, list it by student, and show a learner's answer with its
    terminal escapes removed (HTML and CSV)?"""
    from autograder.classreport import make_report
    from autograder.classreport.synthetic import new_course, verdict, write_gradebook, write_notebook

    root = new_course(tmp_path / "course")
    records = [verdict("dense.mlp.hidden", False, f"'{ESC}[31m4096{ESC}]0;x\x07'", review="For review: amy's key")]
    write_notebook(root / "autograded" / "bob" / "a02_dense" / "a02_dense.ipynb", records)
    assert "For review" not in (root / "autograded" / "bob" / "a02_dense" / "a02_dense.ipynb").read_text()
    write_gradebook(root, "a02_dense", {"dense-mlp-hidden": 1.0}, {"bob": {"dense-mlp-hidden": 0.0}})
    page, table, _ = make_report("a02_dense", root, tmp_path / "out", by_student=True)
    html, rows = page.read_text(), list(csv.DictReader(table.read_text().splitlines()))
    assert ESC not in html + table.read_text() and "&#x27;4096&#x27;" in html and rows[0]["answer"] == "'4096'"
    assert rows[0]["flagged_for_review"] == "1" and "amy&#x27;s key" in html and executable(html) == []


def test_a_notebook_read_back_is_still_valid_after_inert_outputs(tmp_path):
    """Is a notebook whose outputs were made inert still a valid notebook (nbgrader writes it)?"""
    nb = _hostile_notebook()
    inert_outputs(nb)
    nbformat.write(nb, os.fspath(tmp_path / "nb.ipynb"))
    nbformat.validate(nbformat.read(tmp_path / "nb.ipynb", as_version=4))


def test_the_preprocessor_runs_when_nbconvert_calls_it():
    """Called as nbconvert calls a preprocessor (``__call__``, which skips one not enabled), does InertOutputs
    drop a JavaScript output?"""
    from autograder.nbgrader_plugins import InertOutputs

    nb, _ = InertOutputs()(_hostile_notebook(), {})
    assert not any("application/javascript" in o.get("data", {}) for o in nb.cells[1].outputs)
