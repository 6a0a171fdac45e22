"""Per-learner variants through stock nbgrader, in a throw-away course (generate → autograde → feedback → export).

20 learners each answer their own numbers of a02_dense as a learner would: numbers typed into the
answer cells, computed here from their variant (the course secret is known to the test). 5 more
submit a copy of a classmate's notebook. One more course assignment, a01_the_question, is released
with variants turned off (``c.Variants.fixed``): its notebook is stamped ``fixed=True`` and the book's
numbers earn full marks. Two more worked without a key (their show() cells show the book's numbers, and
they answered those): flagged either way, graded on their own numbers or, with ``c.Variants.without_key =
"book"``, on the book's; and one more is graded in the same course with ``c.Variants.keys`` unset.
"""

from __future__ import annotations

import csv
import html
import re
import warnings

import nbformat
import pytest

from autograder import course
from autograder.grading import all_questions
from autograder.grading.learner import render
from autograder.grading.questions import amount, get_question
from autograder.grading.variants import learner_key
from autograder.reference import count

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

ASSIGNMENT, FIXED = "a02_dense", "a01_the_question"
SECRET = "a-course-secret-known-to-this-test"
HONEST = [f"learner{i:02d}" for i in range(20)]
COPIERS = {f"copier{i}": HONEST[i] for i in range(5)}  # copier → whose notebook they copied
NO_KEY = {"no_key": "flag", "no_key_book": "book"}  # worked without a key → c.Variants.without_key
SHOW = re.compile(r"""show\(\s*["']([^"']+)["']""")
FUNCTIONS = {
    ASSIGNMENT: ("def dense_params(inputs, units, use_bias=True):\n"
                 "    return units * inputs + (units if use_bias else 0)"),
    FIXED: "def dense_params(inputs, units):\n    return units * (inputs + 1)",
}


def _typed_answers(assignment: str, key: str | None) -> dict[str, str]:
    """Answer cell → its source, with the numbers of ``key``'s variant typed in (None: the book's)."""
    answers = {}
    for question in all_questions(assignment):
        variant = question.variant(key)
        if question.kind == "function":
            answers[question.answer_cell] = FUNCTIONS[assignment]
        elif question.kind == "budget":
            answers[question.answer_cell] = f"answer = {variant.sizes[variant.knob_size]}"
        else:
            answers[question.answer_cell] = f"answer = {amount(count(variant.model), variant.asks)}"
    return answers


def _notebook(released, answers: dict[str, str], path):
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, path)
    return path


def _without_key(released, path):
    """A notebook worked without a key: its show() cells show the book's numbers, and it answers them."""
    nb = nbformat.read(_notebook(released, _typed_answers(ASSIGNMENT, None), path), as_version=4)
    for cell in nb.cells:
        found = SHOW.search(cell.source) if cell.cell_type == "code" else None
        if found:
            markdown = render(get_question(found.group(1)), whose="The book's numbers.")
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": markdown})]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course after autograde, feedback and export: (course, scores, review column, released a01)."""
    folder = tmp_path_factory.mktemp("variants")
    with warnings.catch_warnings(), course.temp_course() as grader:
        warnings.filterwarnings("ignore", message=".*not in session.*")
        (grader.root / ".autograder_secret").write_text(SECRET)
        grader.config.Variants.fixed = [FIXED]
        released = grader.generate(ASSIGNMENT)
        for student in HONEST:
            answers = _typed_answers(ASSIGNMENT, learner_key(SECRET, student))
            grader.submit(student, ASSIGNMENT, _notebook(released, answers, folder / f"{student}.ipynb"))
        for copier, source in COPIERS.items():
            grader.submit(copier, ASSIGNMENT, folder / f"{source}.ipynb")
        for student in (*NO_KEY, "keys_unset"):
            grader.submit(student, ASSIGNMENT, _without_key(released, folder / f"{student}.ipynb"))
        grader.autograde(ASSIGNMENT)
        grader.config.Variants.without_key = "book"
        grader.autograde(ASSIGNMENT, "no_key_book")
        grader.config.Variants.keys, grader.config.Variants.without_key = "", "flag"
        grader.autograde(ASSIGNMENT, "keys_unset")
        grader.config.Variants.keys = "handed-out"
        fixed_release = grader.generate(FIXED)
        grader.submit("book_numbers", FIXED, _notebook(fixed_release, _typed_answers(FIXED, None),
                                                       folder / "book_numbers.ipynb"))
        grader.autograde(FIXED)
        grader.generate_feedback(ASSIGNMENT, HONEST[0])
        scores = grader.export(folder / "grades.csv")
        with open(folder / "grades.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        review = {(r["student_id"], r["assignment"]): r["review"] for r in rows}
        notes = {(r["student_id"], r["assignment"]): r["review_notes"] for r in rows}
        feedback = next((grader.root / "feedback" / HONEST[0] / ASSIGNMENT).glob("*.html")).read_text()
        yield {"scores": scores, "review": review, "notes": notes, "feedback": feedback,
               "fixed_release": nbformat.read(fixed_release, as_version=4)}


def _full(assignment: str) -> float:
    return sum(q.points for q in all_questions(assignment))


def test_twenty_learners_answering_their_own_numbers_get_full_marks(graded):
    """Does each of 20 learners, who typed the answers of their own variant, get every autograded point?"""
    for student in HONEST:
        assert graded["scores"][(student, ASSIGNMENT)] == _full(ASSIGNMENT), student
        assert graded["review"][(student, ASSIGNMENT)] == "", student


def test_five_copied_notebooks_get_nothing_on_the_varied_questions_and_are_flagged(graded):
    """Does a copy of a classmate's notebook score only the (unvaried) function question, with every
    varied question flagged for the instructor in the export's review column?"""
    varied = [q for q in all_questions(ASSIGNMENT) if q.varies]
    for copier in COPIERS:
        assert graded["scores"][(copier, ASSIGNMENT)] == _full(ASSIGNMENT) - sum(q.points for q in varied), copier
        flagged = set(graded["review"][(copier, ASSIGNMENT)].split())
        assert flagged == {q.grade_id for q in varied}, copier


def test_the_feedback_page_shows_the_learners_own_model(graded):
    """Does the learner's feedback page show their variant's prompt and code, not the book's?"""
    variant = all_questions(ASSIGNMENT)[0].variant(learner_key(SECRET, HONEST[0]))
    page = html.unescape(re.sub(r"<[^>]+>", "", graded["feedback"]))
    assert variant.prompt.replace("`", "") in page
    assert f"Dense({variant.sizes['hidden']}," in page and f"Numbers for {HONEST[0]}." in page


def test_an_assignment_with_variants_off_is_released_fixed_and_graded_on_the_books_numbers(graded):
    """With c.Variants.fixed = [a01]: are its show() cells stamped fixed=True, and the book's numbers right?"""
    shows = [c.source for c in graded["fixed_release"].cells if c.cell_type == "code" and "show(" in c.source]
    assert shows and all("fixed=True" in source for source in shows)
    assert graded["scores"][("book_numbers", FIXED)] == _full(FIXED)


def test_work_without_a_key_is_flagged_for_the_instructor_and_graded_as_the_course_chose(graded):
    """Is a notebook that showed the book's numbers flagged "worked without a key" on every varied question, never
    silently zeroed: graded on the learner's own numbers by default, and on the book's with without_key="book"?"""
    varied = {q.grade_id for q in all_questions(ASSIGNMENT) if q.varies}
    for student, mode in NO_KEY.items():
        assert set(graded["review"][(student, ASSIGNMENT)].split()) == varied, student
        assert graded["notes"][(student, ASSIGNMENT)].count("worked without a key") == len(varied), student
        expected = _full(ASSIGNMENT) if mode == "book" else _full(ASSIGNMENT) - sum(
            q.points for q in all_questions(ASSIGNMENT) if q.varies)
        assert graded["scores"][(student, ASSIGNMENT)] == expected, student


def test_a_course_that_does_not_say_how_keys_reach_learners_grades_on_the_books_numbers(graded):
    """With c.Variants.keys unset, does the book's numbers earn full marks, with no flag?"""
    assert graded["scores"][("keys_unset", ASSIGNMENT)] == _full(ASSIGNMENT)
    assert graded["review"][("keys_unset", ASSIGNMENT)] == ""
