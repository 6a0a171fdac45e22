"""Safe defaults for per-learner numbers: variants only where keys reach learners; work without a key is flagged."""

from __future__ import annotations

import logging

import nbformat
import pytest
from traitlets.config import Config

from autograder.grading.learner import render
from autograder.grading.questions import get_question
from autograder.nbgrader_plugins import StampFixed, Variants
from autograder.trusted.variants import Learner, numbers_seen

SECRET = "keys-tests"


def _config(**variants) -> Config:
    config = Config()
    for name, value in variants.items():
        config.Variants[name] = value
    return config


def test_a_course_that_does_not_say_how_keys_reach_learners_uses_the_books_numbers():
    """Without c.Variants.keys, are variants off for every assignment, saying why; and on once keys are declared?"""
    default = Variants(config=_config())
    assert not default.on("a02_dense")
    assert default.mode("a02_dense") == ("the book's numbers for everyone (c.Variants.keys is not set: learner keys "
                                         "are not handed out)")
    hub = Variants(config=_config(keys="jupyterhub", fixed=["a01_the_question"]))
    assert hub.on("a02_dense") and hub.mode("a02_dense") == "each learner's own numbers (keys: jupyterhub)"
    assert not hub.on("a01_the_question") and "c.Variants.fixed" in hub.mode("a01_the_question")
    off = Variants(config=_config(keys="jupyterhub", enabled=False))
    assert not off.on("a02_dense") and "c.Variants.enabled = False" in off.mode("a02_dense")


def test_keys_must_be_a_known_way_of_handing_them_out():
    """Is a misspelt c.Variants.keys refused with the accepted values named?"""
    from traitlets import TraitError

    with pytest.raises(TraitError, match="jupyterhub"):
        Variants(config=_config(keys="hub"))


def _show_cell(question: str, whose: str | None):
    cell = nbformat.v4.new_code_cell(f'q1 = show("{question}")')
    if whose is not None:
        markdown = render(get_question(question), whose=whose)
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": markdown})]
    return cell


@pytest.mark.parametrize(("whose", "seen"), [("The book's numbers.", "book"), ("Numbers for alice.", "own"),
                                              ("Practice numbers for 'x'.", "own"), (None, None)])
def test_the_numbers_a_learner_saw_are_read_from_the_show_cells_as_submitted(whose, seen):
    """Does a notebook whose show() outputs say "The book's numbers." read as worked without a key, one with a
    learner's or practice numbers as their own, and one with no outputs as unknown?"""
    nb = nbformat.v4.new_notebook(cells=[_show_cell("dense.mlp.hidden", whose), _show_cell("dense.mlp.total", whose)])
    assert numbers_seen(nb) == seen


def test_work_without_a_key_is_flagged_and_graded_as_the_instructor_chose():
    """While variants are on, is a notebook that showed the book's numbers graded on the learner's own numbers
    with a note ("flag"), or on the book's with a note ("book"); and one that showed their own, not noted?"""
    flagged, note = Learner.submitted(SECRET, "alice", ["alice", "bob"], True, seen="book")
    assert flagged.key is not None and note.startswith("For review: worked without a key")
    assert "c.Variants.without_key = \"book\"" in note
    book, note = Learner.submitted(SECRET, "alice", ["alice", "bob"], True, seen="book", without_key="book")
    assert book.key is None and "Graded on the book's numbers" in note
    own, note = Learner.submitted(SECRET, "alice", ["alice", "bob"], True, seen="own")
    assert own.key is not None and note is None
    off, note = Learner.submitted(SECRET, "alice", ["alice"], False, seen="book")
    assert off.key is None and note is None


def test_generate_assignment_says_which_numbers_each_assignment_uses_and_stamps_only_explicit_book_numbers(caplog):
    """Does StampFixed log one line per assignment with its mode, leave a keyless course's release unstamped
    (practice numbers keep working) and stamp an assignment listed in c.Variants.fixed?"""
    def release(config, assignment):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('q1 = show("dense.mlp.hidden")')])
        StampFixed(config=config).preprocess(nb, {"nbgrader": {"assignment": assignment}})
        return nb.cells[0].source

    caplog.set_level(logging.INFO)
    assert release(_config(), "a02_dense") == 'q1 = show("dense.mlp.hidden")'
    assert "a02_dense: the book's numbers for everyone" in caplog.text
    assert release(_config(keys="handed-out", fixed=["a02_dense"]), "a02_dense").endswith("fixed=True)")


def test_release_says_which_numbers_each_assignment_uses(tmp_path):
    """Does `python -m autograder release` name each assignment's numbers from the course's config: the book's
    while c.Variants.keys is unset, each learner's own once it is, the book's for a fixed assignment?"""
    from autograder.commands.release import modes

    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert modes(("a02_dense",), tmp_path) == {
        "a02_dense": "the book's numbers for everyone (c.Variants.keys is not set: learner keys are not handed out)"}
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.Variants.keys = "handed-out"\nc.Variants.fixed = ["a01_the_question"]\n')
    assert modes(("a01_the_question", "a02_dense"), tmp_path) == {
        "a01_the_question": "the book's numbers for everyone (c.Variants.fixed)",
        "a02_dense": "each learner's own numbers (keys: handed-out)"}


def test_the_notebooks_own_word_on_its_numbers_replaces_the_answers_and_keeps_other_notes():
    """When a notebook showed the book's numbers, does its note replace the 'worked without a key' note the
    answers gave (one note, not two), and keep any other note on the answer?"""
    from autograder.trusted.variants import add_note, without_key_note

    keras = "For review: this answer cell asks Keras or the reference counter for the count (count_params)."
    from_answers = without_key_note("2 answers are the book's keys: a, b", graded_on_book=False)
    merged = add_note(f"{keras} {from_answers}", without_key_note("its show() cells show them", graded_on_book=True))
    assert merged.startswith(keras) and merged.count("worked without a key") == 1
    assert merged.endswith("Graded on the book's numbers (c.Variants.without_key = \"book\").")
    assert add_note(None, None) is None and add_note(keras, None) == keras
