"""The real nbgrader pipeline on the committed sample submissions (what `make grade-demo` runs)."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from autograder.commands import demo
from autograder.grading.block import CSS_CLASS
from tests.book.browser import chromium, open_quietly, screenshot

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# nbgrader 0.9.6's own gradebook code triggers SQLAlchemy autoflush warnings; they are not ours to fix.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    keep = tmp_path_factory.mktemp("course")
    return demo.run_demo(keep=keep), keep


def test_every_submission_gets_its_exact_score(graded):
    """Does generate_assignment → collect → autograde → generate_feedback → CSV export give each
    sample submission exactly the points of the questions it answers correctly?"""
    outcomes, _ = graded
    wrong = [f"{o.assignment}/{o.student}: expected {o.expected:g}, got {o.actual:g}" for o in outcomes if not o.ok]
    assert not wrong, "\n".join(wrong)
    assert len(outcomes) == len(demo.load_manifest()["submissions"])


def test_feedback_is_generated_for_every_submission(graded):
    """Does generate_feedback write an HTML report per submission, carrying the grader's feedback?"""
    outcomes, course_dir = graded
    for o in outcomes:
        assert (course_dir / "feedback" / o.student / o.assignment / f"{o.assignment}.html").exists()
    report = (course_dir / "feedback" / "misconceptions" / "a06_recurrent" / "a06_recurrent.html").read_text()
    assert "GRU_RESET_AFTER_BIAS" in report and "LSTM_GATES_MISSING" in report


def test_the_csv_export_has_a_row_per_submission(graded):
    """Does the CSV written by nbgrader's exporter list every submission with its score and maximum?"""
    outcomes, course_dir = graded
    with open(course_dir / "grades.csv", newline="") as handle:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(handle)}
    for o in outcomes:
        assert float(rows[(o.student, o.assignment)]["score"]) == o.expected


def test_asking_keras_is_flagged_for_review_not_zeroed(graded):
    """When an answer cell calls count_params(), does it keep its points, list the question in the export's
    review column, and keep the note out of the learner's feedback (it is for the instructor alone)?"""
    _, course_dir = graded
    report = (course_dir / "feedback" / "used_keras" / "a01_the_question" / "a01_the_question.html").read_text()
    assert "For review" not in report and "count_params()" in report  # the learner's own code, not a note
    with open(course_dir / "grades.csv", newline="") as handle:
        review = {(r["student_id"], r["assignment"]): r["review"] for r in csv.DictReader(handle)}
    expected = {key: " ".join(e.get("review", [])) for e in demo.load_manifest()["submissions"]
                for key in [(e["student"], e["assignment"])]}
    assert {key: value for key, value in review.items() if value} == {k: v for k, v in expected.items() if v}
    assert review[("used_keras", "a01_the_question")] == "dense-seed-layer1"


def _visible_text(page: str) -> str:
    """What a reader sees of an HTML page: no style or script, no tags."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_feedback_pages_show_verdicts_not_tracebacks(graded):
    """Does every feedback page show the grader's words only: no traceback, no hidden-test text, no path
    of the grading machine, and each misconception code in full?"""
    outcomes, course_dir = graded
    for o in outcomes:
        page = (course_dir / "feedback" / o.student / o.assignment / f"{o.assignment}.html").read_text()
        text = _visible_text(page)
        for banned in ("Traceback", "BEGIN HIDDEN TESTS", "source=In", str(course_dir), "/autograder/", ".py\""):
            assert banned not in text, f"{o.student}/{o.assignment}: {banned!r} on the feedback page"
    for assignment, codes in {"a01_the_question": ["BIAS_MISSING", "BATCH_DIM_COUNTED"],
                              "a06_recurrent": ["LSTM_GATES_MISSING", "GRU_RESET_AFTER_BIAS"]}.items():
        page = (course_dir / "feedback" / "misconceptions" / assignment / f"{assignment}.html").read_text()
        assert all(re.search(rf"\b{code}\b", _visible_text(page)) for code in codes)


def test_feedback_blocks_fit_a_phone_screen(graded, tmp_path):
    """At 390 px wide, does every feedback block fit the page (nothing cut off or scrolled sideways)?"""
    _, course_dir = graded
    with chromium(tmp_path / "profile", viewport={"width": 390, "height": 844}) as (page, _):
        for assignment in ("a01_the_question", "a06_recurrent"):
            feedback = course_dir / "feedback" / "misconceptions" / assignment / f"{assignment}.html"
            open_quietly(page, feedback.as_uri())
            cut = page.evaluate(f"""[...document.querySelectorAll('.{CSS_CLASS}')].filter(b =>
                b.scrollWidth > b.clientWidth + 1 || b.getBoundingClientRect().right > window.innerWidth + 1
            ).map(b => b.dataset.question)""")
            count = page.evaluate(f"document.querySelectorAll('.{CSS_CLASS}').length")
            assert count >= 6 and cut == [], (assignment, cut)
            screenshot(page, ARTIFACTS / f"feedback-{assignment}-390px.png")


def test_the_class_report_of_the_sample_class(graded, tmp_path):
    """Does the class report of the sample submissions give each question's share right as the manifest
    says, and name the misconceptions the misconception submissions show, with no learner named?"""
    from autograder.classreport import make_report, read_report

    _, course_dir = graded
    entries = [e for e in demo.load_manifest()["submissions"] if e["assignment"] == "a06_recurrent"]
    report = read_report("a06_recurrent", course_dir)
    for summary in report.questions:
        grade_id = summary.question.replace(".", "-")
        assert summary.right == sum(grade_id in e["correct"] for e in entries), summary.question
        assert summary.submissions == len(entries)
    lstm = next(s for s in report.questions if s.question == "rnn.lstm.layer")
    assert "LSTM_GATES_MISSING" in {w.mistake for w in lstm.top_wrong}
    page = make_report("a06_recurrent", course_dir, tmp_path / "report")[0].read_text()
    assert "GRU_RESET_AFTER_BIAS" in page
    assert not any(e["student"] in _visible_text(page) for e in entries if "_" in e["student"])  # ids, not words
