"""`python -m autograder grade NOTEBOOK`: self-study grading with nbgrader's rules and no course set-up."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder import selfstudy
from autograder.cli import main
from autograder.commands import demo
from autograder.commands.demo import SUBMISSIONS
from autograder.grading.questions import all_questions
from autograder.trusted import cells

A01 = SUBMISSIONS / "a01_the_question"


def _test_cell(grade_id, outputs, points=2):
    meta = {"nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": grade_id, "points": points}}
    return new_code_cell(f'check("q.{grade_id}", answer)', metadata=meta, outputs=outputs)


def test_a_test_cell_scores_by_nbgraders_rules():
    """Does a test cell earn its points when silent, and nothing when it raised or wrote to stderr?"""
    nb = new_notebook(cells=[
        _test_cell("quiet", []),
        _test_cell("wrong", [new_output("error", ename="AssertionError", evalue="Not yet: too low.", traceback=[])]),
        _test_cell("noisy", [new_output("stream", name="stderr", text="a warning\n")]),
        new_markdown_cell("why", metadata={"nbgrader": {"grade": True, "solution": True, "grade_id": "why",
                                                        "points": 3}}),
    ])
    grades = {g.grade_id: g for g in selfstudy.grade_cells(nb)}
    assert (grades["quiet"].points, grades["wrong"].points, grades["noisy"].points) == (2, 0, 0)
    assert grades["wrong"].feedback == "Not yet: too low." and grades["wrong"].question == "q.wrong"
    assert "stderr" in grades["noisy"].feedback
    assert grades["why"].manual and grades["why"].max_points == 3


def test_edited_test_cells_are_restored_and_deleted_ones_score_zero():
    """Are test cells put back from the package's question list, and a deleted one left out (it scores 0)?"""
    nb = nbformat.read(A01 / "deleted_test.ipynb", as_version=4)
    cells.sanitize(nb, cells.package_specs(all_questions("a01_the_question")))
    tests = cells.test_cells(nb)
    assert "dense-seed-layer1" not in tests and len(tests) == 5
    assert all(nb.cells[i].source.startswith('check("') and "HIDDEN" not in nb.cells[i].source for i in tests.values())


def test_a_missing_notebook_is_a_one_line_error(capsys, tmp_path):
    """Does grading a path that does not exist exit 2 with one line saying what was expected?"""
    assert main(["grade", str(tmp_path / "nope.ipynb")]) == 2
    err = capsys.readouterr().err.strip()
    assert "no notebook at" in err and "\n" not in err


def test_a_file_that_is_not_a_notebook_is_a_one_line_error(capsys, tmp_path):
    """Does grading a text file exit 2 and say it is not a readable notebook?"""
    path = tmp_path / "answers.ipynb"
    path.write_text("answer = 514")
    assert main(["grade", str(path)]) == 2
    assert "not a readable Jupyter notebook" in capsys.readouterr().err


@pytest.mark.slow
def test_all_correct_scores_full_marks_as_json(capsys):
    """Does a fully correct submission score full marks, printed as JSON, with exit code 0?"""
    assert main(["grade", str(A01 / "all_correct.ipynb"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["score"] == result["max_score"] == sum(demo.test_points("a01_the_question").values())
    assert {q["question"] for q in result["questions"] if not q["manual"]} >= {"dense.seed.layer1", "dense.seed.total"}


@pytest.mark.slow
def test_an_infinite_loop_is_stopped_and_the_rest_graded(capsys):
    """Is a cell that never finishes stopped at --timeout, scored zero, and the other questions still graded?"""
    assert main(["grade", str(A01 / "infinite_loop.ipynb"), "--json", "--timeout", "5"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["score"] == result["max_score"] - 1


@pytest.mark.slow
def test_the_table_names_the_misconception(capsys):
    """Does the printed table give each question's verdict, the misconception's code and the score?"""
    assert main(["grade", str(A01 / "misconceptions.ipynb")]) == 1
    out = capsys.readouterr().out
    points = demo.test_points("a01_the_question")
    entry = next(e for e in demo.load_manifest()["submissions"]
                 if (e["student"], e["assignment"]) == ("misconceptions", "a01_the_question"))
    score = f"Score: {demo.expected_score(entry, points):g} / {sum(points.values()):g}"
    assert "BIAS_MISSING" in out and "BATCH_DIM_COUNTED" in out and score in out


@pytest.mark.slow
def test_a_dying_kernel_costs_only_the_questions_after_it(capsys, tmp_path):
    """When a cell kills the kernel (os._exit), are the questions before it graded and the rest scored 0?"""
    nb = nbformat.read(A01 / "all_correct.ipynb", as_version=4)
    after = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "dense-seed-layer3")
    nb.cells.insert(after + 1, new_code_cell("import os\nos._exit(1)"))
    path = tmp_path / "a01_the_question.ipynb"
    nbformat.write(nb, path)
    assert main(["grade", str(path), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    scored = {q["cell"]: q["points"] for q in result["questions"] if not q["manual"]}
    assert scored["dense-seed-layer1"] == scored["dense-seed-layer3"] == 1 and result["score"] == 2
    assert "kernel stopped" in next(q["feedback"] for q in result["questions"] if q["cell"] == "dense-seed-total")


@pytest.mark.slow
def test_a_kernel_that_never_starts_is_a_one_line_error(capsys, tmp_path, monkeypatch):
    """When the kernel exits before it answers (a broken ipykernel), does grading exit 2 and say so?"""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "ipykernel_launcher.py").write_text("raise SystemExit(1)\n")  # found first: PYTHONPATH
    monkeypatch.setenv("PYTHONPATH", str(broken))  # (the sandbox clears the environment: run without it)
    path = tmp_path / "a01_the_question.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("answer = 514")]), path)
    assert main(["grade", str(path), "--no-sandbox"]) == 2
    err = capsys.readouterr().err.strip()
    assert "kernel could not start" in err and "\n" not in err


@pytest.mark.slow
def test_answers_get_through_the_output_cap(capsys, tmp_path):
    """When an honest cell prints more than the output cap, are the answers after it still recorded and graded?"""
    nb = nbformat.read(A01 / "all_correct.ipynb", as_version=4)
    nb.cells.insert(2, new_code_cell("for line in range(30_000):\n    print('x' * 60)"))  # about 2 MB
    path = tmp_path / "a01_the_question.ipynb"
    nbformat.write(nb, path)
    assert main(["grade", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 8
