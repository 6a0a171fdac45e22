"""The question bank: enough questions of every kind, real models, keys from the reference counter."""

from __future__ import annotations

import json

import pytest

from autograder import reference
from autograder.errors import QuestionError
from autograder.grading import all_questions, get_question
from autograder.grading.catalogue_docs import README, render_tables
from autograder.grading.questions import ASSIGNMENTS, KINDS, amount, with_knob


def test_at_least_five_questions_per_assignment_and_forty_in_all():
    """Does every one of the 10 assignments have at least 5 autograded questions, 50 or more in all?"""
    assert len(ASSIGNMENTS) == 10
    for assignment in ASSIGNMENTS:
        assert len(all_questions(assignment)) >= 5, assignment
    assert len(all_questions()) >= 50


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_has_all_three_kinds(assignment):
    """Does each assignment ask to derive a number, implement a function and meet a budget?"""
    assert {q.kind for q in all_questions(assignment)} == set(KINDS)


@pytest.mark.parametrize("question", [q for q in all_questions() if q.kind != "function"], ids=lambda q: q.id)
def test_each_model_question_has_a_countable_keras_model(question):
    """Is each count/budget question's model a Keras 3 config the reference counter can count,
    with the asked quantity present?"""
    assert question.model["class_name"] in ("Sequential", "Functional")
    assert amount(reference.count(question.model), question.asks) >= 0


@pytest.mark.parametrize("question", [q for q in all_questions() if q.kind == "budget"], ids=lambda q: q.id)
def test_budget_targets_are_reached_by_the_stored_knob(question):
    """Does a budget question's stored knob value meet its target, and does the prompt show it?"""
    model = with_knob(question, 1)
    assert amount(reference.count(model), question.asks) != question.target
    assert f"{question.target:,}" in question.prompt


def test_unknown_ids_raise_question_error_with_a_hint():
    """Does an unknown id raise QuestionError naming close ids, and a non-string id too?"""
    with pytest.raises(QuestionError, match=r"dense\.seed\.layer1"):
        get_question("dense.seed.layer9")
    with pytest.raises(QuestionError):
        get_question(None)


def test_ids_are_unique_and_json_ready():
    """Are the ids unique, and does every question serialise to JSON with id/assignment/kind/asks/model?"""
    questions = all_questions()
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        data = json.loads(json.dumps(q.to_dict()))
        assert {"id", "assignment", "kind", "asks", "model"} <= set(data)
        assert data["asks"] in ("total", "trainable", "non_trainable") or data["asks"].startswith("layer:")


def test_the_bank_readme_lists_every_question_and_is_up_to_date():
    """Is bank/README.md's generated section what the bank gives now (run questions --refresh)?"""
    assert render_tables() in README.read_text()
