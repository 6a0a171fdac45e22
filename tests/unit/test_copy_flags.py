"""Copy flags that mean something (autograder/trusted/variants.py): specific evidence, a strength, measured rates."""

from __future__ import annotations

import pytest

from autograder.grading.questions import all_questions
from autograder.grading.variants import learner_key
from autograder.trusted.variants import BOOK, Learner, Match, copy_notes, match
from benchmarks import copy_flags

SECRET = "copy-flag-tests"
ROSTER = [f"learner{i:03d}" for i in range(200)]
CLASS = tuple((s, learner_key(SECRET, s)) for s in ROSTER)
ASSIGNMENT = "a05_embeddings_normalization"  # the most crowded keys: small numbers, where slips land on keys most


@pytest.fixture(scope="module")
def simulated():
    """A seeded class of 200 honest learners and 10 copiers per k, on the assignment with the most crowded keys
    (small numbers, where slips land on classmates' keys most often; the benchmark runs every assignment)."""
    return copy_flags.run((ASSIGNMENT,), honest=200, copiers=10, seed=7)


def test_fewer_than_one_honest_learner_in_a_hundred_is_flagged(simulated):
    """In a simulated class of honest learners making catalogued mistakes and slips, is the false-flag rate < 1 %?"""
    assert simulated.false_flag_rate < 0.01, copy_flags.report(simulated, [ASSIGNMENT])


def test_every_copier_of_two_or_more_answers_is_caught_with_a_strong_flag(simulated):
    """Is every copier of 2 or 3 answers flagged, strongly, against the classmate they copied from?"""
    for k in (2, 3):
        assert simulated.strong[k] == simulated.copiers[k], copy_flags.report(simulated, [ASSIGNMENT])


def _learner(student: str = "learner000") -> Learner:
    return Learner(student, learner_key(SECRET, student), CLASS)


def test_a_mistake_of_the_learners_own_variant_that_lands_on_a_classmates_key_is_not_flagged():
    """Is a forgotten bias (a catalogued misconception of one's own variant) that equals a classmate's key no flag,
    even when two such answers land on the same classmate?"""
    question, learner = all_questions("a02_dense")[0], _learner()
    bobs = question.variant(CLASS[1][1]).solution
    explained = match(question.grade_id, question, bobs, learner, explained=True)
    assert explained is not None and explained.chance == 1.0
    twice = [explained, Match("other", explained.whose, 1.0)]
    assert copy_notes(twice, len(CLASS)) == {}


def test_a_large_unexplained_key_of_one_classmate_is_a_weak_flag_and_two_a_strong_one():
    """Does one unexplained answer that is a classmate's (large, rare) key give a weak flag naming them, and two
    answers matching the same classmate a strong one listing both cells?"""
    question = next(q for q in all_questions("a02_dense") if q.varies and q.solution > 10_000)
    learner, bob = _learner(), ROSTER[1]
    one = match(question.grade_id, question, question.variant(CLASS[1][1]).solution, learner, explained=False)
    assert one is not None and bob in one.whose and one.chance < 0.01
    weak = copy_notes([one], len(CLASS))
    assert weak[question.grade_id].startswith("For review: possible copy (weak: 1 answer") and f"{bob}'s" in weak[
        question.grade_id]
    strong = copy_notes([one, Match("dense-mlp-total", (bob,), 0.5)], len(CLASS))
    assert set(strong) == {question.grade_id, "dense-mlp-total"}
    assert "(strong: 2 answers match" in strong["dense-mlp-total"] and f"{bob}'s" in strong["dense-mlp-total"]


def test_a_small_crowded_key_alone_is_no_evidence():
    """Is one wrong answer that is a classmate's key among small, crowded numbers (where slips land on keys) no flag?"""
    crowded = Match("dense-budget-hidden", (ROSTER[1],), 0.3)
    assert copy_notes([crowded], len(CLASS)) == {}


def test_answers_of_the_books_numbers_are_a_worked_without_a_key_note_not_a_copy():
    """Do two answers that are the book's keys give the instructor a 'worked without a key' note, and one none?"""
    book = [Match("a", (BOOK,), 0.001), Match("b", (BOOK,), 0.001)]
    notes = copy_notes(book, len(CLASS))
    assert set(notes) == {"a", "b"} and all("worked without a key" in n and "copy" not in n for n in notes.values())
    assert copy_notes(book[:1], len(CLASS)) == {}
