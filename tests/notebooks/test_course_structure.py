"""The solution notebooks as nbgrader source, read without running them (no kernel, no Keras)."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from autograder import course
from autograder.grading.questions import all_questions, get_question
from autograder.trusted import cells

CHECK_LINE = re.compile(r'^check\("([a-z0-9_.]+)", (\w+)\)$')


def _nb(assignment: str):
    return nbformat.read(course.solution_path(assignment), as_version=4)


def _cells(assignment: str, kind: str) -> list:
    """Cells by nbgrader role: 'test' (autograded), 'answer' (code solution), 'manual' (graded by hand)."""
    out = []
    for cell in _nb(assignment).cells:
        meta = cell.metadata.get("nbgrader", {})
        role = ("manual" if meta.get("grade") and meta.get("solution") else "test" if meta.get("grade")
                else "answer" if meta.get("solution") else None)
        if role == kind:
            out.append(cell)
    return out


def _visible(source: str) -> str:
    return source.strip()


def test_nbgrader_metadata_is_valid(assignment):
    """Does every cell's nbgrader metadata pass nbgrader's own schema (so generate_assignment accepts it)?"""
    validator = MetadataValidator()
    for cell in _nb(assignment).cells:
        validator.validate_cell(cell)


def test_test_cells_are_one_check_line(assignment):
    """Is each test cell exactly one line, check("<question id>", <answer>), with no hidden tests (the
    grade is decided outside the kernel, so nothing else in the cell would count)?"""
    for cell in _cells(assignment, "test"):
        assert CHECK_LINE.fullmatch(cell.source.strip()) and "\n" not in cell.source.strip(), cell.source


def test_graded_cells_are_the_ones_the_package_names(assignment):
    """Do the notebook's graded cells (ids, kinds, points) match the package's list, which self-study
    grading trusts instead of the learner's file?"""
    specs = cells.package_specs(all_questions(assignment))
    found = {c.metadata["nbgrader"]["grade_id"]: c for c in _nb(assignment).cells
             if c.metadata.get("nbgrader", {}).get("grade") or c.metadata.get("nbgrader", {}).get("solution")}
    assert set(found) == set(specs)
    for grade_id, cell in found.items():
        meta, spec = cell.metadata["nbgrader"], specs[grade_id]
        assert (cell.cell_type, bool(meta.get("grade")), bool(meta.get("solution"))) == (
            spec.cell_type, spec.grade, spec.solution), grade_id
        assert float(meta.get("points", 0)) == spec.points, grade_id
        assert spec.source is None or cell.source.strip() == spec.source, grade_id


def test_every_bank_question_is_asked_once(assignment):
    """Does the notebook ask each of its assignment's bank questions exactly once, in bank order?"""
    asked = [CHECK_LINE.match(_visible(c.source)).group(1) for c in _cells(assignment, "test")]
    assert asked == [q.id for q in all_questions(assignment)]


def test_enough_questions_of_every_kind(assignment):
    """Are there at least 5 autograded questions, covering count, function and budget kinds?"""
    asked = [get_question(CHECK_LINE.match(_visible(c.source)).group(1)) for c in _cells(assignment, "test")]
    assert len(asked) >= 5
    assert {q.kind for q in asked} == {"count", "function", "budget"}


def test_prompts_come_from_the_bank(assignment):
    """Is each varied question shown by one locked ``qN = show("<id>")`` cell, right after its heading and
    before its answer cell (prompt, code and target come from the bank for each learner), and does every
    other question's markdown carry the bank's prompt verbatim?"""
    nb = _nb(assignment)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    for number, question in enumerate(all_questions(assignment), start=1):
        if not question.varies:
            assert question.prompt in text, question.id
            continue
        at = ids.index(f"{question.grade_id}-prompt")
        cell = nb.cells[at]
        assert cell.cell_type == "code" and cell.metadata.nbgrader["locked"], question.id
        assert cell.source == f'q{number} = show("{question.id}")', question.id
        assert ids[at - 1] == f"{question.grade_id}-heading" and ids[at + 1] == question.answer_cell


def test_an_explanation_is_graded_by_hand(assignment):
    """Is there at least one markdown answer cell graded by hand, with points?"""
    manual = _cells(assignment, "manual")
    assert manual and all(c.cell_type == "markdown" and c.metadata.nbgrader["points"] > 0 for c in manual)


@pytest.mark.parametrize("word", ["count_params", "summary(", "keras", "autograder", "reference"])
def test_solutions_derive_rather_than_ask_keras(assignment, word):
    """Does every solution derive its number by arithmetic, without Keras or the reference counter?"""
    for cell in _cells(assignment, "answer"):
        assert word not in cell.source, cell.source


def test_solutions_are_marked_for_release(assignment):
    """Does every answer cell hold a BEGIN/END SOLUTION region for nbgrader to clear?"""
    for cell in _cells(assignment, "answer"):
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source


def test_the_course_has_at_least_40_questions():
    """Do the eight assignments hold at least 40 autograded questions between them?"""
    assert len(course.ASSIGNMENTS) >= 8
    assert sum(len(_cells(a, "test")) for a in course.ASSIGNMENTS) >= 40


def test_the_course_and_the_bank_list_the_same_assignments():
    """Do autograder.course and the question bank name the same eight assignments, in order?"""
    from autograder.grading import questions

    assert course.ASSIGNMENTS == questions.ASSIGNMENTS
