"""What learners see, and what only instructors see, after the real nbgrader autograde → feedback → export.

A small class of a02_dense with per-learner variants: alice answers her own numbers; bob types alice's numbers;
carol answers her own, one of them by asking a "model" for count_params() (flagged for review); mallory adds
hostile HTML, JavaScript, SVG and Markdown to her notebook; eve's submission is not a notebook, and its
nbformat field holds terminal escapes. Learner-visible artefacts (every file of a learner's autograded/ and
feedback/ folders) must name no classmate and carry no review note; the instructor's export and class report
must still flag bob and carol; every page must be inert (checked in headless Chromium as well).
"""

from __future__ import annotations

import csv
import re
import shutil
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from autograder import course, review_notes
from autograder.classreport import make_report
from autograder.grading import all_questions
from autograder.grading.questions import amount
from autograder.grading.variants import learner_key
from autograder.inert import CSP
from autograder.reference import count
from tests.book.browser import OFFLINE, chromium, open_quietly
from tests.unit.test_inert import ESC, HOSTILE_HTML, HOSTILE_MARKDOWN, HOSTILE_SVG, TITLE, executable

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

ASSIGNMENT, SECRET = "a02_dense", "a-secret-known-to-the-learner-visible-test"
ALICE, BOB, CAROL, MALLORY, EVE = "alice_q7", "bob_q7", "carol_q7", "mallory_q7", "eve_q7"
STUDENTS = (ALICE, BOB, CAROL, MALLORY, EVE)
FUNCTION = "def dense_params(inputs, units, use_bias=True):\n    return units * inputs + (units if use_bias else 0)"
HOSTILE_CELL = (f"from IPython.display import display\n"
                f"display({{'text/html': {HOSTILE_HTML!r}, 'text/plain': 'html'}}, raw=True)\n"
                f"display({{'application/javascript': {TITLE!r}, 'text/plain': 'js'}}, raw=True)\n"
                f"display({{'image/svg+xml': {HOSTILE_SVG!r}}}, raw=True)\n"
                f"print({ESC + '[31mred' + ESC + '[0m'!r})")


def _answers(key: str) -> dict[str, str]:
    """Answer cell → source with the numbers of ``key``'s variant typed in."""
    answers = {}
    for question in all_questions(ASSIGNMENT):
        variant = question.variant(key)
        if question.kind == "function":
            answers[question.answer_cell] = FUNCTION
        elif question.kind == "budget":
            answers[question.answer_cell] = f"answer = {variant.sizes[variant.knob_size]}"
        else:
            answers[question.answer_cell] = f"answer = {amount(count(variant.model), variant.asks)}"
    return answers


def _asks_keras(answers: dict[str, str]) -> tuple[dict[str, str], str]:
    """The answers with the first count question's number asked of a "model" (count_params()); its grade id."""
    question = next(q for q in all_questions(ASSIGNMENT) if q.kind not in ("function", "budget"))
    number = answers[question.answer_cell].removeprefix("answer = ")
    stand_in = f"class model:  # stands in for a Keras model\n    count_params = staticmethod(lambda: {number})\n"
    return {**answers, question.answer_cell: f"{stand_in}answer = model.count_params()"}, question.grade_id


def _notebook(released: Path, answers: dict[str, str], path: Path, hostile: bool = False) -> Path:
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    if hostile:
        nb.cells[1:1] = [new_markdown_cell(HOSTILE_MARKDOWN), new_code_cell(HOSTILE_CELL)]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class after autograde (its log kept), generate_feedback, export and the class report."""
    folder = tmp_path_factory.mktemp("visible")
    with warnings.catch_warnings(), course.temp_course() as grader:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        (grader.root / ".autograder_secret").write_text(SECRET)
        released = grader.generate(ASSIGNMENT)
        alice = _answers(learner_key(SECRET, ALICE))
        carol, keras_cell = _asks_keras(_answers(learner_key(SECRET, CAROL)))
        for student, answers, hostile in ((ALICE, alice, False), (BOB, alice, False), (CAROL, carol, False),
                                          (MALLORY, _answers(learner_key(SECRET, MALLORY)), True)):
            grader.submit(student, ASSIGNMENT, _notebook(released, answers, folder / f"{student}.ipynb", hostile))
        (folder / "eve.ipynb").write_text('{"nbformat": "\\u001b[2J\\u001b]0;owned\\u0007", "cells": []}')
        grader.submit(EVE, ASSIGNMENT, folder / "eve.ipynb")
        result = grader.api.autograde(ASSIGNMENT, "*", force=True, create=True)
        assert result["success"], result.get("log")
        grader.generate_feedback(ASSIGNMENT)
        grader.export(folder / "grades.csv")
        with open(folder / "grades.csv", newline="") as handle:
            export = {row["student_id"]: row for row in csv.DictReader(handle)}
        report = make_report(ASSIGNMENT, grader.root, folder / "report", by_student=True)
        yield {"root": grader.root, "config": grader.config, "log": result.get("log") or "", "export": export,
               "report": report, "keras_cell": keras_cell, "folder": folder}


def _learner_files(root: Path, student: str) -> list[Path]:
    """Every file a learner may be shown: their autograded and feedback folders."""
    return [p for base in ("autograded", "feedback") for p in sorted((root / base / student).rglob("*")) if p.is_file()]


def test_no_learner_visible_file_names_a_classmate_or_carries_a_review_note(graded):
    """Does every file of each learner's autograded and feedback folders leave out every classmate's id and
    every review note ("For review"), though bob and carol were flagged?"""
    leaks = []
    for student in STUDENTS:
        files = _learner_files(graded["root"], student)
        assert student == EVE or any(p.suffix == ".html" for p in files), f"no feedback page for {student}"
        for path in files:
            text = path.read_text(errors="replace")
            leaks += [f"{path.relative_to(graded['root'])}: {word}" for word in (*STUDENTS, "For review")
                      if word != student and word in text]
    assert review_notes.read(graded["root"], ASSIGNMENT, BOB), "bob was not flagged: the test proves nothing"
    assert not leaks, leaks


def test_the_instructors_export_still_flags_the_copy_and_the_keras_user(graded):
    """Does the export's review column flag bob (with alice named in review_notes) and carol's Keras cell, and
    leave alice's honest work unflagged?"""
    export = graded["export"]
    assert export[BOB]["review"] and ALICE in export[BOB]["review_notes"]
    assert graded["keras_cell"] in export[CAROL]["review"].split() and "count_params()" in export[CAROL]["review_notes"]
    assert export[ALICE]["review"] == "" and export[ALICE]["review_notes"] == ""


def test_the_class_report_lists_the_flags_and_is_inert(graded):
    """Does the class report (by student) show bob's note, count the flags, and hold nothing executable and no
    terminal escape?"""
    page, table, _ = graded["report"]
    html, rows = page.read_text(), table.read_text()
    assert ALICE in html and "For review" in html and executable(html) == []
    assert any(int(r["flagged_for_review"]) for r in csv.DictReader(rows.splitlines()))
    assert ESC not in html + rows and f'content="{CSP}"' in html


def test_every_feedback_page_is_inert_with_a_strict_policy(graded):
    """Is every learner's feedback page free of script, event handlers and javascript: links, with the policy?"""
    for student in (ALICE, BOB, CAROL, MALLORY):
        for page in (graded["root"] / "feedback" / student).rglob("*.html"):
            text = page.read_text()
            assert executable(text) == [], (student, executable(text))
            assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in text


def test_the_graded_notebook_keeps_no_script_output(graded):
    """Does mallory's graded notebook keep her text but no JavaScript output and no executable HTML?"""
    path = graded["root"] / "autograded" / MALLORY / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("red" in o.get("text", "") for o in outputs), "the hostile cell did not run: the test proves nothing"
    assert not any("application/javascript" in o.get("data", {}) for o in outputs)
    assert all(executable(o.data["text/html"]) == [] for o in outputs if "text/html" in o.get("data", {}))


def _formgrader_page(config, path: Path) -> str:
    """The formgrader's view of a graded notebook: its exporter, configured as the formgrader configures it."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config(config)
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": ASSIGNMENT, "notebook_id": ASSIGNMENT, "submission_id": "x", "index": 0,
                 "total": 1, "base_url": "", "student": "s", "last_name": "", "first_name": "", "notebook_path": ""}
    return HTMLExporter(config=config).from_filename(str(path), resources=resources)[0]


def test_the_formgraders_view_runs_only_its_own_scripts(graded, tmp_path):
    """Does the formgrader's page of mallory's submission (on the instructor's own Jupyter origin) run exactly
    the scripts of the formgrader's page of an empty notebook, and no handler or javascript: link?"""
    path = graded["root"] / "autograded" / MALLORY / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(metadata=nbformat.read(path, as_version=4).metadata), tmp_path / "e.ipynb")
    own = sorted(executable(_formgrader_page(graded["config"], tmp_path / "e.ipynb")))
    page = _formgrader_page(graded["config"], path)
    assert own and sorted(executable(page)) == own
    assert len(re.findall(r"<script\b", page)) == len(re.findall(r"<script\b", _formgrader_page(
        graded["config"], tmp_path / "e.ipynb")))


def test_the_not_a_notebook_message_reaches_the_log_without_terminal_escapes(graded):
    """Is eve's non-notebook reported in autograde's log with its nbformat field's escapes removed?"""
    assert "not a readable notebook" in graded["log"] and ESC not in graded["log"] and "\x07" not in graded["log"]


def _title(page: Path, tmp_path: Path) -> str:
    """The title of ``page`` after headless Chromium (Playwright) loaded it and ran whatever it would run."""
    with chromium(tmp_path, OFFLINE) as (tab, _):
        open_quietly(tab, page.as_uri())
        tab.wait_for_timeout(1000)  # handlers that fire late (an image's onerror, an iframe's javascript:)
        return tab.title()


@pytest.mark.guarantee
def test_no_learner_script_runs_in_a_browser(graded, tmp_path):
    """In headless Chromium, does no hostile script change the title of mallory's feedback page, with its policy
    and without it (the sanitizer alone), while the same script in a plain page does (so the check can fail)?"""
    page = next((graded["root"] / "feedback" / MALLORY).rglob("*.html"))
    bare = tmp_path / "without-policy.html"
    bare.write_text(page.read_text().replace(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">', ""))
    control = tmp_path / "control.html"
    control.write_text(f"<html><head><title>t</title></head><body><script>{TITLE}</script></body></html>")
    assert _title(control, tmp_path / "c") == "PWNED"
    for checked in (page, bare):
        shutil.rmtree(tmp_path / "p", ignore_errors=True)
        assert _title(checked, tmp_path / "p") == ASSIGNMENT, checked.name


def test_parallel_autograde_writes_the_same_notes_as_stock_nbgrader(graded):
    """Graded again with ``python -m autograder autograde`` (Dask, in a private course per submission), does the
    class get exactly the review notes stock nbgrader wrote, and still show no learner a classmate's id?
    (Last in this file: it grades the course again.)"""
    from tests.fixtures.parallel_course import BIN, run

    root = graded["root"]
    stock = {p.relative_to(root): p.read_text() for p in (root / review_notes.FOLDER).rglob("*.json")}
    shutil.rmtree(root / review_notes.FOLDER)
    config = (Path(course.__file__).parents[1] / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(f'{config}\nc.Variants.keys = "handed-out"\n')
    code, out = run(root, str(BIN / "python"), "-m", "autograder", "autograde", ASSIGNMENT, "--force",
                    "--workers", "1", "--dashboard", ":0", log="parallel.out")
    assert code == 0, out[-3000:]
    parallel = {p.relative_to(root): p.read_text() for p in (root / review_notes.FOLDER).rglob("*.json")}
    assert stock and parallel == stock
    for student in STUDENTS:
        for path in _learner_files(root, student):
            text = path.read_text(errors="replace")
            assert not [w for w in (*STUDENTS, "For review") if w != student and w in text], path
