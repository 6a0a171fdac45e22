"""The parallel run's one writer (autograder/parallel/writer.py): batched as it writes one by one, and safe to stop.

A small class (a real nbgrader gradebook and course folders, fake outcomes as benchmarks/coordinator_sim.py makes
them, one of them a failure) is written one by one, as the coordinator wrote before batching, and in batches;
both must leave the same gradebook rows and scores, autograded folders, review notes and sandbox levels. Then a
run is stopped inside a batch: every submission it reported is fully written, the others not at all, and the
next run's plan grades exactly those. No kernels, no cluster: seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import review_notes
from autograder.parallel import gradebook, writer
from autograder.parallel.plan import plan
from autograder.parallel.private import empty_gradebook
from autograder.parallel.tasks import Outcome, read_folder
from benchmarks.coordinator_sim import fake_outcome

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own autoflush warnings
ASSIGNMENT, STUDENTS = "a1", [f"s{i}" for i in range(8)]
FAILED = "s3"


class Killed(Exception):
    """The run stopped here."""


def _course(root: Path, template: Path):
    """A course: the gradebook with the assignment, and each student's submission (some with a timestamp)."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    root.mkdir()
    shutil.copyfile(template, root / "gradebook.db")
    coursedir = CourseDirectory(root=str(root), course_id="course")
    with Gradebook(coursedir.db_url, "course") as book:
        book.add_assignment(ASSIGNMENT, duedate="2026-11-01 12:00:00")
        book.add_notebook("nb", ASSIGNMENT)
        for cell, points in (("q1", 2), ("q2", 3)):
            book.add_grade_cell(cell, "nb", ASSIGNMENT, max_score=points, cell_type="code")
            book.add_solution_cell(cell, "nb", ASSIGNMENT)
        book.add_task_cell("task", "nb", ASSIGNMENT, max_score=1, cell_type="markdown")
    for i, student in enumerate(STUDENTS):
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "nb.ipynb").write_text(f'{{"student": "{student}"}}')
        if i % 2:
            (folder / "timestamp.txt").write_text(f"2026-11-0{1 + i % 3} 10:00:00")
    return coursedir


def _outcomes(coursedir) -> list[Outcome]:
    """Each student's outcome; ``FAILED``'s grading failed."""
    from nbgrader.api import Gradebook

    with Gradebook(coursedir.db_url, "course") as book:
        structure = gradebook.structure(book, ASSIGNMENT)
    root = Path(coursedir.root)
    found = [fake_outcome(structure, s, read_folder(root / "submitted" / s / ASSIGNMENT), i)
             for i, s in enumerate(STUDENTS)]
    return [Outcome(o.student, ok=False, reason="timed out", worker="w") if o.student == FAILED else o for o in found]


def _write(coursedir, outcomes: list[Outcome], limit: int, batch: int) -> list[writer.Record]:
    """Write ``outcomes`` as arriving ``batch`` at a time, at most ``limit`` in one transaction; the records
    reported before a stop."""
    from nbgrader.api import Gradebook

    reported = []
    with Gradebook(coursedir.db_url, "course") as book:
        out = writer.Writer(coursedir, book, ASSIGNMENT, limit)
        try:
            for start in range(0, len(outcomes), batch):
                reported.extend(out.write(outcomes[start:start + batch]))
        except Killed:
            pass
    return reported


def _state(coursedir, student: str) -> tuple:
    """A submission as written: its gradebook snapshot and score, its autograded files, its notes and level."""
    from nbgrader.api import Gradebook

    root = Path(coursedir.root)
    with Gradebook(coursedir.db_url, "course") as book:
        snap = gradebook.snapshot(book, ASSIGNMENT, student)
        score = gradebook.score(book, ASSIGNMENT, student) if snap else None
    folder = root / "autograded" / student / ASSIGNMENT
    files = read_folder(folder) if folder.exists() else None
    extra = {p.name: p.read_text() for p in (root / "review" / ASSIGNMENT).glob(f"{student}.*")}
    return snap, score, files, extra


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return empty_gradebook(tmp_path_factory.mktemp("empty"))


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory, template):
    """The class written one by one, as the coordinator wrote before batching: (course, records)."""
    coursedir = _course(tmp_path_factory.mktemp("one") / "course", template)
    return coursedir, _write(coursedir, _outcomes(coursedir), limit=1, batch=1)


@pytest.mark.parametrize(("limit", "batch"), [(3, 8), (64, 8), (64, 3)])
def test_batched_writes_record_exactly_what_one_by_one_writes_record(tmp_path, template, one_by_one, limit, batch):
    """Does writing in batches leave the same gradebook rows, scores, autograded files, review notes and sandbox
    levels as writing one by one, and report the same records in the same order?"""
    reference, expected = one_by_one
    coursedir = _course(tmp_path / "course", template)
    records = _write(coursedir, _outcomes(coursedir), limit, batch)
    assert records == expected
    assert [r.status for r in records].count("failed") == 1 and any(r.score for r in records)
    for student in STUDENTS:
        assert _state(coursedir, student) == _state(reference, student), student


@pytest.mark.parametrize("stop", ["gradebook", "level", "folder"])
def test_a_run_stopped_inside_a_batch_loses_nothing_it_reported_and_the_next_run_grades_the_rest(
        tmp_path, template, one_by_one, monkeypatch, stop):
    """Stopped while writing a batch's grades (its transaction rolls back), or after its commit while writing a
    sandbox level or placing a folder: is every submission reported fully written, is no unreported one marked
    graded, and does the next run's plan grade exactly the unreported ones, ending as one-by-one writing ends?"""
    reference, _ = one_by_one
    coursedir = _course(tmp_path / "course", template)
    victim = STUDENTS[5]  # in the second batch of three, after a failed and a graded submission
    if stop == "gradebook":
        def record(book, assignment, student, *args):
            if student == victim:
                raise Killed
            return real_record(book, assignment, student, *args)

        real_record = gradebook.record
        monkeypatch.setattr(gradebook, "record", record)
    elif stop == "level":
        def write_level(root, assignment, student, level):
            if student == victim:
                raise Killed
            return real_level(root, assignment, student, level)

        real_level = review_notes.write_level
        monkeypatch.setattr(review_notes, "write_level", write_level)
    else:
        def place(dest, files):
            if Path(dest).parent.name == victim:
                raise Killed
            return real_place(dest, files)

        real_place = writer.place
        monkeypatch.setattr(writer, "place", place)
    reported = {r.student for r in _write(coursedir, _outcomes(coursedir), limit=3, batch=8)}
    monkeypatch.undo()
    assert reported == set(STUDENTS[:5]), "the submissions before the stop are kept, the stopped one is not"
    for student in reported - {FAILED}:
        assert _state(coursedir, student) == _state(reference, student), student
    graded = {s for s in STUDENTS if (Path(coursedir.root) / "autograded" / s / ASSIGNMENT).exists()}
    assert graded == reported - {FAILED}
    rest = plan(coursedir, ASSIGNMENT).students
    assert rest == sorted(set(STUDENTS) - graded)
    _write(coursedir, [o for o in _outcomes(coursedir) if o.student in rest], limit=64, batch=8)
    for student in STUDENTS:
        assert _state(coursedir, student) == _state(reference, student), student
