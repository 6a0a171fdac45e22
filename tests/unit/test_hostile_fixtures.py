"""The hostile notebooks of tests/fixtures/hostile: committed as build.py writes them, with sane expectations.

Fast: nothing runs a kernel. tests/notebooks/test_hostile.py grades them (slow)."""

from __future__ import annotations

import json

import nbformat

from tests.fixtures.hostile import build


def test_committed_notebooks_are_what_build_writes(tmp_path):
    """Are the committed notebooks and expected.json byte for byte what `python -m tests.fixtures.hostile.build`
    writes from exercises/a02_dense today?"""
    fresh = build.build(tmp_path)
    committed = {p.relative_to(build.HERE) for p in build.HERE.rglob("*") if p.suffix in (".ipynb", ".json")}
    assert committed == {p.relative_to(tmp_path) for p in fresh}, "notebooks added or missing: rerun build"
    stale = [str(p.relative_to(tmp_path)) for p in fresh
             if p.read_bytes() != (build.HERE / p.relative_to(tmp_path)).read_bytes()]
    assert not stale, f"out of date, rerun `python -m tests.fixtures.hostile.build`: {stale}"


def test_expected_scores_follow_the_rule():
    """Do cheats, reads and tampers expect 0, honest work 8, and nothing more than 8?"""
    expected = json.loads((build.HERE / "expected.json").read_text())
    for name, entry in expected.items():
        assert set(entry) == {"score", "review", "kind", "about"} and entry["about"], name
        assert entry["kind"] in build.KINDS and 0 <= entry["score"] <= build.FULL_MARKS, name
        if entry["kind"] in ("cheat", "read", "tamper"):
            assert entry["score"] == 0, name
        if entry["kind"] == "honest":
            assert entry["score"] == build.FULL_MARKS, name
        assert name.startswith(entry["kind"]) or entry["kind"] == "cheat", name


def test_there_are_enough_of_each_kind():
    """At least 30 hostile notebooks, 6 honest ones, and every kind covered?"""
    kinds = [e["kind"] for e in json.loads((build.HERE / "expected.json").read_text()).values()]
    assert sum(k != "honest" for k in kinds) >= 30 and kinds.count("honest") >= 6
    assert set(kinds) == set(build.KINDS)


def test_notebooks_are_valid_except_the_malformed_one():
    """Does every notebook but dos_malformed read as nbformat 4 with the released answer and test cells?"""
    for path in sorted((build.HERE / "a02_dense").glob("*.ipynb")):
        if path.stem == "dos_malformed":
            continue
        nb = nbformat.read(path, as_version=4)
        ids = [c.get("id") for c in nb.cells]
        assert len(set(ids)) == len(ids), f"{path.name}: duplicate cell ids"
        grade_ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        assert set(build.RIGHT) <= grade_ids, path.name


def test_right_answers_are_right():
    """Do the RIGHT answers (and the forgers' KEYS) pass the grader, and the WRONG answers fail?"""
    from autograder import verdict

    for grade_id in build.POINTS:
        question = grade_id.replace("-", ".", 2)
        right, wrong = {}, {}
        exec(build.RIGHT[f"{grade_id}-answer"], right)
        exec(build.WRONG[f"{grade_id}-answer"], wrong)
        value = "dense_params" if "-fn-" in grade_id else "answer"
        assert verdict(question, right[value]).correct, grade_id
        assert not verdict(question, wrong[value]).correct, grade_id
    for question, key in build.KEYS.items():  # the numbers the forgers publish are the right ones
        assert verdict(question, key).correct, question
