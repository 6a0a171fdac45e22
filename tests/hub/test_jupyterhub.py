"""The course on a real JupyterHub, as an instructor deploys it, clicked through in headless Chromium.

The test sets up the machine itself (it runs as root: ``make test-root``): OS users kpc-instructor, kpc-alice
and kpc-bob; JupyterHub with PAM logins and local spawners, configurable-http-proxy, nbgrader's exchange; the
Hub's venv with this checkout's wheel and the instructor's extras. The instructor generates and releases
a01_the_question in the formgrader; alice fetches it, reads her own numbers, answers three right and three
wrong; bob pastes alice's answers; the instructor collects and presses Autograde **as themself**, so grading
runs unprivileged; then feedback goes back to the learners. Every expected number comes from the reference
counter. Users, folders and processes are removed afterwards, even when a step fails.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from autograder.grading import all_questions
from autograder.grading.learner import render
from autograder.grading.variants import learner_key

from . import hub, walk
from .answers import MISTAKES, alices, copied_from, pasted
from .conftest import ASSIGNMENT, SECRET

# 900 s: a fresh machine first makes the Hub's venv (about 3 minutes); then the walk takes about 3
pytestmark = [pytest.mark.slow, pytest.mark.needs_root, pytest.mark.timeout(900)]

CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright's own browser download fails here (make browser)
LEARNERS = ("alice", "bob")
UNPRIVILEGED = ("userns", "landlock")  # autograder.trusted's levels an ordinary user can reach
PATHS = re.compile(r"(/home/|/opt/|/tmp/|/srv/|/root/|site-packages|\.py\b)")


@pytest.fixture(scope="module")
def walked(classroom) -> dict:
    """The whole course walked through in the browser; what each step showed and what the instructor's
    commands wrote, for the tests to check."""
    sheets = {"alice": alices(ASSIGNMENT, SECRET, classroom.name("alice"))}
    sheets["bob"] = pasted(ASSIGNMENT, SECRET, classroom.name("bob"), sheets["alice"])
    with sync_playwright() as playwright, _hub_log_on_failure(classroom):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        walk.release(browser, classroom, ASSIGNMENT)
        shown = {role: walk.work(browser, classroom, role, ASSIGNMENT, sheets[role]) for role in LEARNERS}
        scores, logs = walk.grade(browser, classroom, ASSIGNMENT, [classroom.name(role) for role in LEARNERS])
        pages = {role: walk.read_feedback(browser, classroom, role, ASSIGNMENT) for role in LEARNERS}
        browser.close()
    exported = classroom.run_as("instructor", [classroom.venv / "bin" / "nbgrader", "export", "--to", "grades.csv"])
    assert exported.returncode == 0, exported.stderr[-3000:]
    rows = list(csv.DictReader(io.StringIO((classroom.course / "grades.csv").read_text())))
    return {"sheets": sheets, "shown": shown, "scores": scores, "logs": logs, "pages": pages,
            "export": {row["student_id"]: row for row in rows if row["assignment"] == ASSIGNMENT}}


@contextlib.contextmanager
def _hub_log_on_failure(classroom) -> Iterator[None]:
    """A step that fails says what the Hub and the users' servers logged last."""
    try:
        yield
    except Exception as error:
        error.add_note(f"The Hub's log (with the users' servers') ends:\n{hub.log_tail(classroom.hub.folder)}")
        raise


def test_each_learner_sees_their_own_numbers_in_their_kernel_as_root(walked, classroom):
    """Does each question cell, run in the learner's kernel on the Hub, show that learner's own variant (their
    key reached the kernel from the Hub's configuration)?"""
    for role in LEARNERS:
        key = learner_key(SECRET, classroom.name(role))
        for question in all_questions(ASSIGNMENT):
            if not question.varies:
                continue
            variant = question.variant(key)
            text = walked["shown"][role][f"{question.grade_id}-prompt"]
            assert f"Numbers for {classroom.name(role)}." in text, text
            code = render(variant).split("```python\n")[1].split("```")[0]  # the model as the learner sees it
            assert all(line.strip() in text for line in code.splitlines()), (role, question.id, text)


def test_the_instructor_grades_as_themself_with_exact_scores_as_root(walked, classroom):
    """Pressed by the instructor (not root), does Autograde grade each learner on their own variant: the
    scores the reference counter gives, in the formgrader and in nbgrader's export?"""
    for role in LEARNERS:
        student, expected = classroom.name(role), walked["sheets"][role].points
        assert float(walked["export"][student]["raw_score"]) == expected, (student, walked["export"][student])
        assert walked["scores"][student].split("/")[0].strip() == f"{expected:g}", walked["scores"]


def test_learner_code_was_sandboxed_without_root_as_root(walked, classroom):
    """Graded by the instructor, did each learner's code run in a sandbox an unprivileged user can make (a user
    namespace, or Landlock where namespaces are blocked), and do the Autograde log and the export say which?"""
    for role in LEARNERS:
        student = classroom.name(role)
        level = walked["export"][student]["sandbox"]
        assert level in UNPRIVILEGED, walked["export"][student]
        assert f"{student}: learner code runs in the sandbox at level {level} (" in walked["logs"][student]


def test_the_course_folder_stays_the_instructors_as_root(walked, classroom):
    """After collecting, grading and feedback from the formgrader, is every file in the course folder still the
    instructor's (grading as root left root's files there, which the instructor could not change)?"""
    uid = os.stat(classroom.course).st_uid
    foreign = [path for path in classroom.course.rglob("*") if path.lstat().st_uid != uid]
    assert uid != 0 and not foreign, foreign[:10]


def test_bob_is_flagged_for_pasting_alices_answers_as_root(walked, classroom):
    """Is bob flagged for review, on exactly the questions where he gave alice's right answers, and alice not?"""
    alice, bob = classroom.name("alice"), classroom.name("bob")
    flagged = copied_from(ASSIGNMENT, SECRET, bob, alice, walked["sheets"]["alice"])
    assert flagged
    assert set(walked["export"][bob]["review"].split()) == flagged
    assert walked["export"][alice]["review"] == ""


def test_alices_feedback_names_her_misconceptions_as_root(walked):
    """Does the feedback alice fetched name the misconception behind each of her wrong answers?"""
    page = walked["pages"]["alice"]["feedback"]
    for code in MISTAKES.values():
        assert re.search(rf"\b{code}\b", page), code


def test_no_learner_page_names_a_classmate_or_shows_internals_as_root(walked, classroom):
    """Do the pages a learner sees (their feedback, their assignment list) leave out every classmate's name,
    tracebacks, the machine's paths, hidden tests and the course secret?"""
    for role in LEARNERS:
        others = [classroom.name(r) for r in ("instructor", *LEARNERS) if r != role]
        pages = walked["pages"][role]
        for name in ("assignment list", "feedback"):
            for banned in (*others, "Traceback", "HIDDEN TESTS", "For review", SECRET):
                assert banned not in pages[name], f"{role}'s {name} shows {banned!r}"
            assert not PATHS.search(pages[name]), f"{role}'s {name} shows a path: {PATHS.search(pages[name])[0]!r}"
        for banned in (*others, SECRET):  # nor anywhere in the feedback page's markup
            assert banned not in pages["html"], f"{role}'s feedback page's HTML holds {banned!r}"


def test_the_class_report_opens_as_root(walked, classroom):
    """Run by the instructor after grading, does ``python -m autograder report`` write the class report, one
    page naming each question?"""
    made = classroom.run_as("instructor", [classroom.venv / "bin" / "python", "-m", "autograder", "report",
                                           ASSIGNMENT])
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-3000:]
    report = classroom.course / "reports" / ASSIGNMENT / "report.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report.as_uri())
        text = page.locator("body").inner_text()
        browser.close()
    assert not errors, errors
    assert all(question.id in text or question.grade_id in text for question in all_questions(ASSIGNMENT)), text
