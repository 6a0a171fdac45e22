"""The solutions pass every test, hidden ones included; the released exercises fail cleanly."""

from __future__ import annotations

import nbformat
import pytest

from autograder import course, selfstudy

pytestmark = pytest.mark.slow


def test_solution_passes_nbgrader_validation(assignment):
    """Does nbgrader's Validator (what JupyterLab's Validate runs) pass the solution, hidden tests included?"""
    result = course.validate(course.solution_path(assignment), timeout=120)
    failed = [f"{f['source']}\n{f.get('error', '')[:500]}" for f in result.get("failed", [])]
    assert not failed, "\n\n".join(failed)
    assert not result.get("type_changed") and not result.get("changed")


def test_released_exercise_fails_cleanly(assignment):
    """Run as released, does every test cell fail with the grader's feedback (a block above, one line instead
    of a traceback through the grader's code), with no crash and no timeout?"""
    path = course.ROOT / "exercises" / assignment / f"{assignment}.ipynb"
    nb = selfstudy.execute(nbformat.read(path, as_version=4), path.parent, timeout=120)
    grades = [g for g in selfstudy.grade_cells(nb) if not g.manual]
    assert grades and all(g.points == 0 for g in grades)
    errors = {o.ename for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"}
    assert errors <= {"NotYet", "NotImplementedError"}, errors  # NotYet: check()'s AssertionError for a wrong answer
    tracebacks = [o.traceback for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if o.output_type == "error" and o.ename == "NotYet"]
    assert tracebacks and all(t == ["✗ Not yet: see the feedback above."] for t in tracebacks)  # no grader source
    assert all(g.feedback and not g.feedback.startswith(("NameError", "TypeError")) for g in grades)
