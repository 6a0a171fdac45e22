"""Which cells are graded is decided from a trusted list, never from the submitted file."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from autograder.course import ROOT
from autograder.grading.questions import all_questions
from autograder.trusted import cells

RELEASED = ROOT / "exercises" / "a02_dense" / "a02_dense.ipynb"
SPECS = cells.package_specs(all_questions("a02_dense"))


@pytest.fixture
def nb():
    return nbformat.read(RELEASED, as_version=4)


def _index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_the_package_knows_every_test_cell_and_its_points(nb):
    """Do the package's specs name exactly the released notebook's graded cells, with the same points?"""
    released = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"].get("points") for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade") or c.metadata.get("nbgrader", {}).get("solution")}
    assert set(released) == set(SPECS)
    assert all(SPECS[g].points == p for g, p in released.items() if p is not None)


def test_an_honest_notebook_keeps_its_test_cells(nb):
    """After sanitizing the release, is every test cell still there, restored to one check line?"""
    cells.sanitize(nb, SPECS)
    tests = cells.test_cells(nb)
    assert len(tests) == 6 and nb.cells[tests["dense-mlp-hidden"]].source == 'check("dense.mlp.hidden", answer)'


def test_a_copied_test_cell_counts_once_after_its_answer(nb):
    """Is a pasted copy of a test cell (same id) an ordinary cell, keeping the one after the answer?"""
    at = _index(nb, "dense-mlp-hidden")
    nb.cells.insert(at - 2, copy.deepcopy(nb.cells[at]))  # above the answer cell
    nb.cells.insert(at + 2, copy.deepcopy(nb.cells[at + 1]))  # and below the original
    notes = cells.sanitize(nb, SPECS)
    assert cells.test_cells(nb)["dense-mlp-hidden"] == at + 1 and len(notes) == 2


@pytest.mark.parametrize("edit", ["rename", "bonus", "points", "schema", "junk"])
def test_forged_metadata_adds_nothing(nb, edit):
    """Do renamed, extra, re-pointed, old-schema or malformed graded cells end up worth nothing extra?"""
    target = nb.cells[_index(nb, "dense-mlp-hidden")]
    meta = target.metadata["nbgrader"]
    {"rename": lambda: meta.update(grade_id="free-points"),
     "bonus": lambda: nb.cells.append(new_code_cell("pass", metadata={"nbgrader": {
         "grade": True, "grade_id": "bonus", "points": 100, "solution": False, "locked": True}})),
     "points": lambda: meta.update(points=100),
     "schema": lambda: meta.update(schema_version=1),
     "junk": lambda: nb.cells.append(new_markdown_cell("x", metadata={"nbgrader": ["not", "a", "dict"]})),
     }[edit]()
    cells.sanitize(nb, SPECS)
    graded = [c.metadata["nbgrader"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sum(m["points"] for m in graded) <= sum(s.points for s in SPECS.values() if s.grade)
    assert all(m["schema_version"] == 3 for m in graded) and "bonus" not in {m["grade_id"] for m in graded}


def test_a_test_cell_turned_into_markdown_is_a_code_cell_again(nb):
    """If a learner changes a test cell's type, is it put back as code, with its check line?"""
    at = _index(nb, "dense-mlp-total")
    nb.cells[at] = new_markdown_cell("nothing to see", metadata=nb.cells[at].metadata)
    cells.sanitize(nb, SPECS)
    assert nb.cells[at].cell_type == "code" and nb.cells[at].source.startswith('check("dense.mlp.total"')


def test_repeated_cell_ids_are_made_unique(nb):
    """Does a hand-edited file with a repeated cell id come out valid?"""
    nb.cells[3]["id"] = nb.cells[4]["id"]
    cells.sanitize(nb, SPECS)
    nbformat.validate(nb)


def test_the_assignment_is_recognised_by_its_cells(nb):
    """Is a notebook's assignment told from the graded cells it has, and None when it has none?"""
    assert cells.assignment_of(nb) == "a02_dense"
    assert cells.assignment_of(nbformat.v4.new_notebook(cells=[new_code_cell("answer = 1")])) is None


def test_a_repairable_notebook_is_read_and_an_unreadable_one_graded_as_empty():
    """Does nbgrader's reader keep a notebook with stray invalid metadata, and turn bytes that are not a
    notebook into an empty one (0 points for that learner, no crash for the class)?"""
    import io
    import json

    from autograder.nbgrader_plugins import LenientExporter

    nb = nbformat.read(RELEASED, as_version=4)
    raw = json.loads(nbformat.writes(nb))
    raw["cells"][1]["metadata"]["collapsed"] = "not a boolean"  # invalid for a code cell: nbformat strips it
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nbformat.from_dict(raw))
    read, _ = LenientExporter().from_file(io.StringIO(json.dumps(raw)))
    assert len(nbformat.reads(read, as_version=4).cells) == len(nb.cells)
    empty, _ = LenientExporter().from_file(io.StringIO('{"cells": [ \xff'))
    assert "could not be read" in nbformat.reads(empty, as_version=4).cells[0].source
