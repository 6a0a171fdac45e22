"""Model answers and rubrics for the hand-graded "Explain" questions, shown in self-study grading."""

from __future__ import annotations

import nbformat
import pytest

from autograder import course, selfstudy
from autograder.grading.bank.explain import EXPLAIN


@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_each_assignment_has_the_solution_notebooks_model_answer_and_a_rubric(assignment):
    """Is the package's model answer the solution notebook's own, with a rubric point per point?"""
    nb = nbformat.read(course.solution_path(assignment), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "explain")
    explain = EXPLAIN[assignment]
    assert explain.model_answer == " ".join(cell.source.split())  # the notebook: one sentence per line
    assert len(explain.rubric) == cell.metadata["nbgrader"]["points"]


def test_a_course_can_switch_model_answers_off(tmp_path, monkeypatch):
    """Does an nbgrader_config.py above the notebook that sets model_answers = False hide them?"""
    monkeypatch.chdir(tmp_path)
    notebook = tmp_path / "work" / "a02_dense.ipynb"
    notebook.parent.mkdir()
    assert selfstudy.model_answers(notebook)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.SelfStudy.model_answers = False\n")
    assert not selfstudy.model_answers(notebook)
