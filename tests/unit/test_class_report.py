"""The class misconception report (`python -m autograder report`): reading, aggregation, output, bad input.

A small hand-made class of a02_dense, five submissions, is read from a real nbgrader gradebook and
graded notebooks (see ``small_class``); one slow test times a synthetic class of 1,000.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.classreport import read_report
from autograder.classreport.summary import Mark, Submission, summarize
from autograder.classreport.synthetic import make_class, new_course, verdict, write_gradebook, write_notebook
from autograder.classreport.table import COLUMNS
from autograder.classreport.verdicts import VERDICT_MIME, read_marks
from autograder.cli import main
from autograder.grading.misconceptions import by_code

A = "a02_dense"
HIDDEN, TOTAL, FN = "dense.mlp.hidden", "dense.mlp.total", "dense.fn.dense_params"
POINTS = {"dense-mlp-hidden": 1.0, "dense-mlp-total": 1.0, "dense-fn-dense_params": 2.0}
STUDENTS = ("alice", "bob", "carol", "dave", "erin")
CLASS = {  # student → verdicts of their graded notebook (erin has none: submitted, never graded)
    "alice": [verdict(HIDDEN, True, "4160"), verdict(TOTAL, True, "4810"), verdict(FN, True, points=2.0)],
    "bob": [verdict(HIDDEN, False, "4096", "BIAS_MISSING"), verdict(TOTAL, True, "4810", review="uses Keras"),
            verdict(FN, False, "", "BIAS_MISSING", points=2.0)],
    "carol": [verdict(HIDDEN, False, "4096", "BIAS_MISSING"), verdict(TOTAL, False, "<script>alert(1)</script>"),
              verdict(FN, True, points=2.0)],
    "dave": [verdict(HIDDEN, False, "64", "UNITS_ONLY"), verdict(FN, False, "", None, points=2.0)],
}


@pytest.fixture(scope="module")
def small_class(tmp_path_factory) -> Path:
    """A course with five submissions of a02_dense: its gradebook and four graded notebooks."""
    root = new_course(tmp_path_factory.mktemp("course"))
    for student, records in CLASS.items():
        write_notebook(root / "autograded" / student / A / f"{A}.ipynb", records)
    scores = {s: {r["grade_id"]: r["points"] for r in CLASS.get(s, [])} for s in STUDENTS}
    write_gradebook(root, A, POINTS, scores)
    return root


@pytest.fixture(scope="module")
def report(small_class):
    """The small class's report, read as the command reads it."""
    return read_report(A, small_class)


def _question(report, question):
    return next(q for q in report.questions if q.question == question)


def test_shares_right_are_exact(report):
    """Is each question's share right counted over every submission, one without a notebook included?"""
    assert [(q.question, q.right, q.submissions, q.answered) for q in report.questions[:2]] == [
        (HIDDEN, 1, 5, 4), (TOTAL, 2, 5, 3)]
    assert _question(report, HIDDEN).share_right == pytest.approx(0.2)
    assert _question(report, FN).share_right == pytest.approx(0.4)


def test_questions_follow_the_book_and_include_the_unanswered(report):
    """Are the questions in the package's order, with a question nobody answered shown as 0 right?"""
    assert [q.question for q in report.questions] == [
        HIDDEN, TOTAL, "dense.nobias.total", "dense.sequence.layer", FN, "dense.budget.hidden"]
    assert (_question(report, "dense.nobias.total").right, _question(report, "dense.nobias.total").answered) == (0, 0)


def test_wrong_answers_are_grouped_and_ranked(report):
    """Are wrong answers counted per distinct answer, most common first, with the misconception each shows?"""
    hidden = _question(report, HIDDEN)
    assert [(a.answer, a.mistake, a.count) for a in hidden.top_wrong] == [
        ("4096", "BIAS_MISSING", 2), ("64", "UNITS_ONLY", 1)]
    assert hidden.misconceptions == (("BIAS_MISSING", 2), ("UNITS_ONLY", 1))
    assert report.misconceptions == (("BIAS_MISSING", 3), ("UNITS_ONLY", 1))


def test_flagged_answers_are_counted(report):
    """Is an answer flagged for review counted on its question, whether it was right or not?"""
    assert [q.flagged for q in report.questions[:2]] == [0, 1]


def test_only_the_five_most_common_wrong_answers_are_top():
    """Does a question with seven distinct wrong answers show five, the most common first?"""
    marks = [Mark(HIDDEN, False, str(n % 7) if n < 14 else "0") for n in range(20)]
    summary = summarize(A, [Submission(f"s{i}", None, None, {HIDDEN: m}) for i, m in enumerate(marks)]).questions[0]
    assert len(summary.wrong_answers) == 7
    assert [(a.answer, a.count) for a in summary.top_wrong] == [("0", 8), ("1", 2), ("2", 2), ("3", 2), ("4", 2)]


@pytest.fixture(scope="module")
def written(small_class, tmp_path_factory) -> dict[str, Path]:
    """The report written twice: anonymous, and --by-student."""
    out = {}
    for name, by_student in (("anonymous", False), ("named", True)):
        out[name] = tmp_path_factory.mktemp(name)
        assert main(["report", A, "--course", str(small_class), "--out", str(out[name])]
                    + (["--by-student"] if by_student else [])) == 0
    return out


def test_the_page_names_misconceptions_with_their_titles(written):
    """Does the page give each misconception's code with its catalogue title?"""
    page = (written["anonymous"] / "report.html").read_text()
    for code in ("BIAS_MISSING", "UNITS_ONLY"):
        assert f"<code>{code}</code> {by_code(code).title}" in page


def test_no_learner_is_named_without_by_student(written):
    """Does neither the page nor the CSV name a student unless --by-student, which lists each with a score?"""
    anonymous = (written["anonymous"] / "report.html").read_text() + (written["anonymous"] / "report.csv").read_text()
    assert not [s for s in STUDENTS if s in anonymous]
    named = (written["named"] / "report.html").read_text()
    assert all(f'data-label="Student">{s}<' in named for s in STUDENTS)
    assert 'data-label="Score">4 / 4<' in named and "no graded notebook" in named  # alice; erin


def test_the_page_is_self_contained_and_escaped(written):
    """Is the page one file (chart inline, no outside link or script), phone-ready, with answers escaped?"""
    page = (written["anonymous"] / "report.html").read_text()
    assert '<meta name="viewport"' in page and 'src="data:image/png;base64,' in page
    assert not [bad for bad in ("http://", "https://", "<script", "<link", " src=\"/") if bad in page]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (written["anonymous"] / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_csv_has_a_row_per_question_and_wrong_answer(written):
    """Does the CSV give one row per question × wrong answer (one row with count 0 when none was wrong)?"""
    with open(written["anonymous"] / "report.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    hidden = [(r["rank"], r["answer"], r["count"], r["mistake"], r["mistake_title"]) for r in rows
              if r["question"] == HIDDEN]
    assert hidden == [("1", "4096", "2", "BIAS_MISSING", by_code("BIAS_MISSING").title),
                      ("2", "64", "1", "UNITS_ONLY", by_code("UNITS_ONLY").title)]
    nobody = [r for r in rows if r["question"] == "dense.nobias.total"]
    assert [(r["share_right"], r["answer"], r["count"]) for r in nobody] == [("0.0", "", "0")]


def _notebook(path: Path, cells) -> Path:
    path.write_text(json.dumps({"nbformat": 4, "cells": cells}))
    return path


def _cell(record, grade_id="dense-mlp-hidden", solution=False):
    return {"cell_type": "code", "metadata": {"nbgrader": {"grade": True, "solution": solution, "grade_id": grade_id}},
            "outputs": [{"output_type": "display_data", "data": {VERDICT_MIME: record}}]}


def test_odd_files_are_not_notebooks(tmp_path):
    """Is a missing file, a non-JSON file or JSON that is not a notebook read as no graded notebook?"""
    (tmp_path / "junk.ipynb").write_bytes(b"\x00\xffnot json")
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    (tmp_path / "cells.ipynb").write_text('{"cells": "none"}')
    for name in ("missing.ipynb", "junk.ipynb", "list.ipynb", "cells.ipynb"):
        assert read_marks(tmp_path / name, {}) is None, name


def test_only_test_cells_are_read_and_odd_verdicts_read_safely(tmp_path):
    """Is a verdict in an answer cell ignored, a malformed one read as wrong, and one with no question
    named from its cell's grade id?"""
    forged = _cell(verdict(TOTAL, True), "dense-mlp-total", solution=True)
    odd = _cell({"question": HIDDEN, "correct": "yes", "answer": 42, "mistake": 7})
    unnamed = _cell(verdict("", False), "dense-fn-dense_params")
    marks = read_marks(_notebook(tmp_path / "nb.ipynb", [forged, odd, unnamed, "junk", {"cells": 1}]),
                       {"dense-fn-dense_params": FN})
    assert marks == {HIDDEN: Mark(HIDDEN, False), FN: Mark(FN, False)}


def test_the_verdict_mime_type_is_the_pipelines():
    """Does the report read the MIME type the trusted pipeline writes?"""
    from autograder.trusted.pipeline import VERDICT_MIME as WRITTEN

    assert VERDICT_MIME == WRITTEN


def _error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


def test_bad_input_is_one_line_and_exit_2(small_class, tmp_path, capsys):
    """Do a missing gradebook, an unknown assignment and an assignment nobody submitted each give one
    line on stderr and exit code 2?"""
    assert "no gradebook at" in _error(capsys, ["report", A, "--course", str(tmp_path)])
    assert "unknown assignment 'a99': the gradebook has a02_dense" in _error(
        capsys, ["report", "a99", "--course", str(small_class)])
    empty = new_course(tmp_path / "empty")
    write_gradebook(empty, A, POINTS, {})
    assert "nothing submitted for 'a02_dense'" in _error(capsys, ["report", A, "--course", str(empty)])
    assert not (tmp_path / "gradebook.db").exists(), "a missing gradebook must not be created"


def test_without_matplotlib_the_report_says_what_to_install(small_class, tmp_path, capsys, monkeypatch):
    """Without matplotlib, is the report one line naming the install that brings it, leaving no folder behind?"""
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails, as where it is not installed
    out = tmp_path / "report"
    assert "keras-params-course[course]" in _error(capsys, ["report", A, "--course", str(small_class),
                                                            "--out", str(out)])
    assert not out.exists()


def test_the_command_module_imports_nothing_heavy():
    """Does loading the report command leave nbgrader and matplotlib unimported (so `count` stays fast)?"""
    probe = ("import sys, autograder.commands.report, autograder.classreport; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('nbgrader', 'matplotlib', 'sqlalchemy')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_class_of_1000_is_reported_within_10_seconds(tmp_path):
    """Does the whole command, Python start-up included, report 1,000 submissions in at most 10 s?"""
    root = make_class(tmp_path / "course", A, students=1000)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "report", A, "--course", str(root)],
                          capture_output=True, text=True, timeout=120, check=False)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert seconds <= 10, f"the report of 1,000 submissions took {seconds:.1f} s"
    assert "1,000 submissions" in (root / "reports" / A / "report.html").read_text()
    print(f"report of 1,000 submissions: {seconds:.2f} s")
