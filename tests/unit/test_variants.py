"""Per-learner variants (autograder/grading/variants.py, learner.py): valid, reproducible, private, shown."""

from __future__ import annotations

import random
import re

import pytest

from autograder.grading import learner as learner_module
from autograder.grading.learner import Sizes, practice, render, show
from autograder.grading.questions import all_questions, amount, get_question, with_knob
from autograder.grading.variants import learner_key, student_of
from autograder.reference import count

VARIED = [q for q in all_questions() if q.varies]
SECRET = "course-secret-for-tests"


def _ids(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"learner{rng.randrange(10**9)}" for _ in range(n)]


@pytest.fixture(autouse=True)
def _fresh_state(monkeypatch):
    """No practice seed and no learner key leak from one test to the next."""
    monkeypatch.delenv("AUTOGRADER_LEARNER_KEY", raising=False)
    monkeypatch.delenv("AUTOGRADER_SIZES", raising=False)
    monkeypatch.setitem(learner_module._state, "practice", None)
    monkeypatch.setitem(learner_module._state, "fixed", set())


def test_every_count_and_budget_question_varies_and_function_questions_do_not():
    """Does every count and budget question have a template, and no function question?"""
    for question in all_questions():
        assert question.varies == (question.kind != "function"), question.id


@pytest.mark.parametrize("question", VARIED, ids=lambda q: q.id)
def test_two_hundred_learners_get_valid_variants(question):
    """For 200 random learner ids: is the key a whole number ≥ 1, the prompt free of placeholders, the
    code complete, and a budget's target met by the knob's value and by no neighbour?"""
    for student in _ids(200):
        variant = question.variant(learner_key(SECRET, student))
        assert variant.varied and variant.model is not question.model
        if question.kind == "budget":
            value = variant.sizes[variant.knob_size]
            around = [amount(count(with_knob(variant, v)), variant.asks) for v in (value - 1, value, value + 1)]
            assert around[0] < variant.target == around[1] < around[2], (student, value, around)
        else:
            key = amount(count(variant.model), variant.asks)
            assert isinstance(key, int) and key >= 1
        assert "{" not in variant.prompt and "{" not in render(variant)


@pytest.mark.parametrize("question", [q for q in VARIED if q.kind == "budget"], ids=lambda q: q.id)
def test_a_budget_has_exactly_one_solution_over_all_its_values(question):
    """Scanning every value the knob may take (and more): does exactly one meet the target?"""
    size = next(s for s in question.template.sizes if s.name == question.knob_size)
    for student in _ids(5, seed=1):
        variant = question.variant(learner_key(SECRET, student))
        top = max(size.values) + 20
        hits = [v for v in range(1, top) if amount(count(with_knob(variant, v)), variant.asks) == variant.target]
        assert hits == [variant.sizes[variant.knob_size]], (student, hits)


@pytest.mark.parametrize("assignment", sorted({q.assignment for q in VARIED}))
def test_no_two_learners_in_a_class_of_40_share_every_number_of_an_assignment(assignment):
    """In a class of 40, does every learner get a different set of numbers for the assignment?"""
    questions = [q for q in VARIED if q.assignment == assignment]
    seen = {}
    for student in _ids(40, seed=2):
        key = learner_key(SECRET, student)
        numbers = tuple(tuple(sorted(q.variant(key).shown_sizes.items())) for q in questions)
        assert numbers not in seen, f"{student} and {seen.get(numbers)} share every number"
        seen[numbers] = student


def test_the_same_learner_always_gets_the_same_numbers_and_the_secret_decides():
    """Is a variant a pure function of (secret, learner, question), different for another learner or secret?"""
    question = get_question("dense.mlp.hidden")
    alice = question.variant(learner_key(SECRET, "alice"))
    assert question.variant(learner_key(SECRET, "alice")).sizes == alice.sizes
    assert question.variant(learner_key(SECRET, "bob")).sizes != alice.sizes
    assert question.variant(learner_key("another course", "alice")).sizes != alice.sizes


def test_a_key_names_its_learner_and_does_not_give_away_the_secret():
    """Is a learner key '<id>:<24 hex digits>', and unrelated to the classmate's key of the same secret?"""
    key = learner_key(SECRET, "alice")
    assert re.fullmatch(r"alice:[0-9a-f]{24}", key) and student_of(key) == "alice"
    assert SECRET not in key and learner_key(SECRET, "bob").split(":")[1] != key.split(":")[1]
    assert student_of("practice/me") == "" and student_of(None) == ""


def test_questions_on_the_same_model_share_the_learners_numbers():
    """Do "the same model" questions (one model, one assignment) show one learner the same sizes?"""
    key = learner_key(SECRET, "alice")
    total, hidden = get_question("dense.mlp.total").variant(key), get_question("dense.mlp.hidden").variant(key)
    assert total.sizes == hidden.sizes
    seed, batch32 = get_question("dense.seed.total").variant(key), get_question("seed.batch32.total").variant(key)
    assert {k: batch32.sizes[k] for k in ("inputs", "first", "second", "third")} == {
        k: seed.sizes[k] for k in ("inputs", "first", "second", "third")}


def test_no_key_means_the_books_numbers():
    """With no key, is every question exactly the bank's (same prompt, model and sizes as stored)?"""
    for question in VARIED:
        assert question.variant(None) is question and not question.varied


def test_show_renders_the_learners_model_and_returns_its_sizes(monkeypatch, capsys):
    """Does show() print the learner's prompt and code (from AUTOGRADER_LEARNER_KEY) and return its sizes?"""
    monkeypatch.setenv("AUTOGRADER_LEARNER_KEY", learner_key(SECRET, "alice"))
    sizes = show("dense.mlp.hidden")
    shown = capsys.readouterr().out
    variant = get_question("dense.mlp.hidden").variant(learner_key(SECRET, "alice"))
    assert variant.prompt in shown and f"keras.layers.Dense({variant.sizes['hidden']}," in shown
    assert "Numbers for alice." in shown and dict(sizes) == variant.sizes


def test_a_budget_question_shows_the_target_and_hides_the_knob(capsys):
    """Does a budget's show() give the target and never the knob's value (the answer)?"""
    practice("me")
    sizes = show("dense.budget.hidden")
    variant = get_question("dense.budget.hidden").variant("practice/me")
    assert sizes.target == variant.target and "hidden" not in dict(sizes)
    assert 'keras.layers.Dense(?, activation="relu", name="hidden")' in capsys.readouterr().out


def test_sizes_are_read_only_and_say_which_exist():
    """Is a Sizes read-only, and does a wrong name list the sizes there are?"""
    sizes = Sizes({"inputs": 3, "_hidden_detail": 1})
    with pytest.raises(AttributeError, match="read-only"):
        sizes.inputs = 4
    with pytest.raises(AttributeError, match="has: inputs"):
        _ = sizes.units


def test_check_grades_the_variant_that_show_rendered(capsys):
    """After practice() and show(), is the practice variant's key right and the book's key wrong?"""
    from autograder.grading import verdict

    practice("same words")
    sizes = show("dense.mlp.hidden")
    assert verdict("dense.mlp.hidden", sizes.hidden * (sizes.inputs + 1)).correct
    assert not verdict("dense.mlp.hidden", 128 * (784 + 1)).correct or (sizes.hidden, sizes.inputs) == (128, 784)


def test_fixed_shows_and_checks_the_books_numbers(monkeypatch, capsys):
    """show(..., fixed=True) with a learner key set: the book's numbers shown, and checked?"""
    from autograder.grading import verdict

    monkeypatch.setenv("AUTOGRADER_LEARNER_KEY", learner_key(SECRET, "alice"))
    sizes = show("dense.mlp.hidden", fixed=True)
    assert (sizes.hidden, sizes.inputs) == (128, 784) and "The book's numbers." in capsys.readouterr().out
    assert verdict("dense.mlp.hidden", 128 * (784 + 1)).correct


def test_while_graded_show_returns_the_sizes_the_grader_passed(monkeypatch, capsys):
    """With AUTOGRADER_SIZES set (grading), does show() return those sizes and render nothing?"""
    monkeypatch.setenv("AUTOGRADER_SIZES", '{"dense.mlp.hidden": {"inputs": 5, "hidden": 7}}')
    assert dict(show("dense.mlp.hidden")) == {"inputs": 5, "hidden": 7}
    assert capsys.readouterr().out == ""


def test_copied_answers_name_whose_variant_they_answer():
    """Is a wrong answer that is right for a classmate's variant (or the book's) traced to it, and an
    honest mistake, a non-number, or a course without variants traced to nobody?"""
    from autograder.trusted.variants import Learner, copied_from

    base = get_question("dense.mlp.hidden")
    learner = Learner.in_course(SECRET, "alice", ["alice", "bob", "carol"])
    mine = base.variant(learner.key)
    bobs = amount(count(base.variant(learner_key(SECRET, "bob")).model), "layer:hidden")
    assert copied_from(mine, value=bobs, base=base, learner=learner) == "bob's"
    assert copied_from(mine, value=128 * 785, base=base, learner=learner) == "the book's"
    assert copied_from(mine, value=1, base=base, learner=learner) is None
    assert copied_from(mine, value="bob's answer", base=base, learner=learner) is None
    off = Learner.in_course(SECRET, "alice", ["alice", "bob"], enabled=False)
    assert off.key is None and copied_from(base, value=bobs, base=base, learner=off) is None


@pytest.mark.parametrize("question", [*VARIED, *(q for q in all_questions() if not q.varies)], ids=lambda q: q.id)
def test_a_questions_one_solution_is_what_grading_accepts(question):
    """Is ``solution`` (a count's key, a budget's knob value) an answer grading accepts, for the book's numbers
    and for three learners' variants; and has a function question none?"""
    if question.kind == "function":
        assert question.solution is None
        return
    for key in (None, *(learner_key(SECRET, s) for s in _ids(3))):
        asked = question.variant(key)
        assert asked.grade(asked.solution).correct, (key, asked.solution)


def test_a_copied_answer_is_traced_in_a_large_class_without_grading_each_classmate(monkeypatch):
    """In a class of 400, is a classmate's answer traced to the first classmate (roster order) whose variant
    it answers, using each variant's one solution, never a verdict or diagnosis per classmate?"""
    from autograder.grading import kinds
    from autograder.trusted.variants import Learner, copied_from

    base, roster = get_question("dense.mlp.total"), _ids(400, seed=3)
    learner = Learner.in_course(SECRET, roster[0], roster)
    owners = [s for s in roster[1:] if base.variant(learner_key(SECRET, s)).solution
              != base.variant(learner.key).solution]
    value = base.variant(learner_key(SECRET, owners[-1])).solution
    first = next(s for s in roster[1:] if base.variant(learner_key(SECRET, s)).solution == value)
    graded = []

    def grade(question, answer):
        graded.append(question)
        return type("Verdict", (), {"correct": answer == question.solution})()

    monkeypatch.setattr(kinds.CountQuestion, "grade", grade)
    assert copied_from(base.variant(learner.key), value=value, base=base, learner=learner) == f"{first}'s"
    assert graded == [base], "graded more than the book's question"


def test_the_grading_kernel_is_told_the_sizes_it_shows_and_never_a_budgets_answer():
    """Does the kernel's AUTOGRADER_SIZES hold each question's shown sizes, a budget's target but not its knob?"""
    import json

    from autograder.trusted.variants import Learner

    learner = Learner.in_course(SECRET, "alice", [])
    asked = learner.questions({q.grade_id: q for q in all_questions("a02_dense")})
    sizes = json.loads(learner.env(asked)["AUTOGRADER_SIZES"])
    budget = asked["dense-budget-hidden"]
    assert sizes["dense.budget.hidden"] == {**budget.shown_sizes} and "hidden" not in sizes["dense.budget.hidden"]
    assert sizes["dense.mlp.hidden"] == asked["dense-mlp-hidden"].sizes
    assert "dense.fn.dense_params" not in sizes


def test_keys_prints_each_learners_key_and_makes_the_secret_once(tmp_path, capsys):
    """Does `keys` make the course secret (owner-only) on first use, print keys from it, and refuse a
    folder that is not a course?"""
    from autograder.cli import main

    (tmp_path / "nbgrader_config.py").write_text("")
    assert main(["keys", "alice", "bob", "--course", str(tmp_path), "--json"]) == 0
    keys = __import__("json").loads(capsys.readouterr().out)
    secret = (tmp_path / ".autograder_secret").read_text().strip()
    assert keys == {"alice": learner_key(secret, "alice"), "bob": learner_key(secret, "bob")}
    assert (tmp_path / ".autograder_secret").stat().st_mode & 0o077 == 0
    assert main(["keys", "alice", "--course", str(tmp_path / "nowhere")]) == 2
    assert "not a course directory" in capsys.readouterr().err
