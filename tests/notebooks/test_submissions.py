"""The sample submissions: in sync with their manifest, and covering every case the course promises."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from autograder.commands import demo
from autograder.errors import ConfigError

CASES = {"all_correct", "blank", "misconceptions", "odd_types", "stderr_noise", "infinite_loop",
         "deleted_test", "edited_test"}


def test_every_case_is_covered_for_two_assignments():
    """Does each of at least two assignments have every kind of sample submission?"""
    entries = demo.load_manifest()["submissions"]
    by_assignment: dict[str, set] = {}
    for entry in entries:
        by_assignment.setdefault(entry["assignment"], set()).add(entry["student"])
    complete = [a for a, students in by_assignment.items() if students >= CASES]
    assert len(complete) >= 2, by_assignment


def test_committed_submissions_match_the_manifest(tmp_path):
    """Are the committed notebooks exactly what `demo --refresh` writes from exercises/ and the manifest?"""
    shutil.copy(demo.SUBMISSIONS / "manifest.json", tmp_path / "manifest.json")
    for fresh in demo.refresh(tmp_path):
        committed = demo.SUBMISSIONS / fresh.relative_to(tmp_path)
        old, new = nbformat.read(committed, 4), nbformat.read(fresh, 4)
        assert [c.source for c in old.cells] == [c.source for c in new.cells], committed


def test_expected_scores_are_points_of_the_questions_answered():
    """Is a submission's expected score the sum of the points of its correct test cells?"""
    points = demo.test_points("a01_the_question")
    entry = {"student": "s", "assignment": "a01_the_question", "correct": ["dense-seed-layer1", "seed-fn-dense_params"]}
    assert demo.expected_score(entry, points) == points["dense-seed-layer1"] + points["seed-fn-dense_params"]


def test_a_manifest_naming_an_unknown_cell_is_refused():
    """Does a manifest entry naming a test cell the notebook lacks give a clear error, not a wrong score?"""
    entry = {"student": "s", "assignment": "a01_the_question", "correct": ["no-such-cell"]}
    with pytest.raises(ConfigError, match="unknown test cells"):
        demo.expected_score(entry, demo.test_points("a01_the_question"))


def test_a_missing_manifest_says_where_it_was_expected(tmp_path):
    """Without a manifest, is the error one sentence naming the path?"""
    with pytest.raises(ConfigError, match="manifest"):
        demo.load_manifest(tmp_path)


def test_manifest_is_plain_json():
    """Is the manifest valid JSON with a timeout and a list of submissions?"""
    manifest = json.loads((demo.SUBMISSIONS / "manifest.json").read_text())
    assert manifest["timeout"] > 0 and manifest["submissions"]
