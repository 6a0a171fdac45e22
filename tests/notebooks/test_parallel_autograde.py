"""``python -m autograder autograde`` on Dask against stock ``nbgrader autograde``, on one generated class.

A class of 60 ``a02_dense`` submissions (tests/fixtures/parallel_class.py: right and wrong answers,
blanks, hostile and slow notebooks) is graded three ways, each in its own copy of one course: stock
``nbgrader autograde`` one after another; the new command on a LocalCluster of 2 workers; the new
command against a real ``dask scheduler`` and two ``dask worker`` processes started here on 127.0.0.1.
All three must agree exactly: every gradebook entry autograding writes (scores, needs-manual-grade
flags, comments, late penalties, timestamps), the CSV export, and every autograded notebook (the
feedback, once the kernel's execution timestamps are left out). Then on smaller classes: a worker
killed mid-run (every submission still graded exactly once), a submission that overruns (retried on
another worker, then recorded failed; a second run grades only it), ``--dry-run`` and bad input.
The limits are short, as in test_hostile.py, so the slow notebooks cost seconds.
"""

from __future__ import annotations

import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from tests.fixtures import parallel_class
from tests.fixtures.parallel_course import (
    ASSIGNMENT,
    BIN,
    ENV,
    RUN_SECONDS,
    Cluster,
    autograde,
    copy_course,
    export,
    free_port,
    gradebook,
    grading,
    make_course,
    notebooks,
    records,
    rows,
    run,
)

SOLUTION = Path(__file__).parents[2] / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
slow = pytest.mark.slow  # tests/notebooks/conftest.py puts every slow test here in the xdist group "kernels"

KILL_CLASS = (*(f"mixed_{i:02d}" for i in range(14)), "honest_plain", "blank_0")


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> tuple[Path, dict]:
    """The generated class: its notebooks' folder and {student: {"score", "kind"}}."""
    folder = tmp_path_factory.mktemp("class")
    return folder, parallel_class.build(folder)


@pytest.fixture(scope="module")
def template(tmp_path_factory, klass) -> Path:
    folder, students = klass
    return make_course(tmp_path_factory.mktemp("template") / "course", folder, students)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two workers (with nannies, as the README's recipe starts them)."""
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        running.worker("worker-a")
        running.worker("worker-b")
        running.wait_for(2)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def stock(tmp_path_factory, template) -> Path:
    course = copy_course(template, tmp_path_factory.mktemp("stock") / "course")
    code, out = run(course, str(BIN / "nbgrader"), "autograde", ASSIGNMENT, timeout=RUN_SECONDS)
    assert code == 0, f"nbgrader autograde failed:\n{out[-3000:]}"
    return course


@pytest.fixture(scope="module")
def local(tmp_path_factory, template) -> tuple[Path, int, str]:
    course = copy_course(template, tmp_path_factory.mktemp("local") / "course")
    return course, *autograde(course, "--workers", "2", "--dashboard", ":0")


@pytest.fixture(scope="module")
def remote(tmp_path_factory, template, cluster) -> tuple[Path, int, str]:
    course = copy_course(template, tmp_path_factory.mktemp("remote") / "course")
    return course, *autograde(course, "--scheduler", cluster.address)


def assert_same(course: Path, stock: Path) -> None:
    """Gradebook entries, CSV export and autograded files of ``course`` are exactly those of ``stock``."""
    want, got = gradebook(stock), gradebook(course)
    differ = sorted(s for s in want.keys() | got.keys() if want.get(s) != got.get(s))
    assert not differ, f"gradebook entries differ for {differ[:5]}: stock {want.get(differ[0])}, " \
                       f"parallel {got.get(differ[0])}"
    assert export(course) == export(stock)
    want, got = notebooks(stock), notebooks(course)
    differ = sorted(p for p in want.keys() | got.keys() if want.get(p) != got.get(p))
    assert not differ, f"autograded files differ: {differ[:5]}"
    notes = [{p.relative_to(root): p.read_text() for p in (root / "review").rglob("*") if p.is_file()}
             for root in (stock, course)]
    assert notes[0] == notes[1] and notes[0], "the review notes and sandbox levels (review/ASSIGNMENT/) differ"


@slow
def test_stock_nbgrader_gives_each_generated_student_the_expected_score(stock, klass):
    """Does stock nbgrader give every generated student (right and wrong answers, blanks, own numbers,
    copiers) exactly its expected score, and the late ones a penalty of all their points?"""
    graded = gradebook(stock)
    scores = {s: entry["score"] for s, entry in graded.items()}
    generated = {s: e for s, e in klass[1].items() if e["kind"] in parallel_class.GENERATED}
    wrong = {s: (e["score"], scores.get(s)) for s, e in generated.items() if scores.get(s) != e["score"]}
    assert not wrong, f"(expected, got) by student: {wrong}"
    penalties = {s: entry["notebooks"][ASSIGNMENT]["late_submission_penalty"] for s, entry in graded.items()}
    assert {s: p for s, p in penalties.items() if p} == {s: scores[s] for s in parallel_class.LATE if scores[s]}


@slow
def test_local_cluster_of_two_workers_gives_exactly_what_stock_gives(local, stock, klass):
    """On a LocalCluster of 2 workers, are the gradebook, export and feedback exactly stock nbgrader's
    (and did the run show the dashboard and its summary)?"""
    course, code, out = local
    assert code == 0, out[-3000:]
    assert "on 2 Dask workers · dashboard http://" in out and f"{len(klass[1])} graded, 0 failed" in out, out[-3000:]
    assert_same(course, stock)


@slow
def test_scheduler_and_two_workers_give_exactly_what_stock_gives(remote, stock, cluster):
    """Against a real dask scheduler and two dask workers, are the results exactly stock nbgrader's,
    and did both workers grade?"""
    course, code, out = remote
    assert code == 0, out[-3000:]
    assert_same(course, stock)
    assert len({r["worker"] for r in records(course)}) == 2


@slow
def test_a_worker_killed_mid_run_loses_no_submission_and_grades_none_twice(tmp_path, klass, cluster, stock):
    """When a worker is killed while it grades, is every submission still graded, exactly once, and as
    stock nbgrader grades it?"""
    folder, students = klass
    chosen = {s: students[s] for s in KILL_CLASS}
    course = make_course(tmp_path / "course", folder, chosen)
    victim = cluster.worker("worker-victim", "--no-nanny")
    cluster.wait_for(3)
    proc = subprocess.Popen([str(BIN / "python"), "-m", "autograder", "autograde", ASSIGNMENT, "--scheduler",
                             cluster.address], cwd=course, env=ENV, stdout=open(course / "run.out", "w"),  # noqa: SIM115
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline and not (any(r["worker"] == victim for r in rows(course))
                                               and grading(cluster.procs["worker-victim"].pid)):
        time.sleep(0.1)
    cluster.kill("worker-victim")  # it has graded one, and a kernel of its next submission is running
    assert proc.wait(timeout=RUN_SECONDS) == 0, (course / "run.out").read_text()[-3000:]
    done = records(course)
    assert sorted(r["student_id"] for r in done) == sorted(chosen), "graded twice or not at all"
    assert all(r["status"] == "graded" for r in done), done
    assert gradebook(course) == {s: e for s, e in gradebook(stock).items() if s in chosen}
    assert any(r["worker"] == victim for r in done) and any(r["worker"] != victim for r in done)


@slow
def test_an_overrunning_submission_is_retried_elsewhere_then_failed_and_the_next_run_grades_only_it(
        tmp_path, klass, cluster, stock):
    """Is a submission that overruns --timeout tried on both workers, then recorded failed with the reason,
    while the others are graded; and does the next run grade only it (and --force regrade a graded one)?"""
    folder, students = klass
    chosen = {s: students[s] for s in ("honest_plain", "mixed_05", "dos_sleep_between")}
    course = make_course(tmp_path / "course", folder, chosen)
    code, out = autograde(course, "--scheduler", cluster.address, "--timeout", "10")
    assert code == 1, out[-3000:]
    rows = {r["student_id"]: r for r in records(course)}
    failed = rows["dos_sleep_between"]
    assert failed["status"] == "failed" and failed["attempts"] == "2" and "timed out" in failed["reason"]
    assert len(set(failed["worker"].split(" then "))) == 2, failed["worker"]
    assert "dos_sleep_between" not in gradebook(course) and "timed out" in out
    graded = course / "autograded" / "honest_plain" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    before = graded.stat().st_mtime_ns
    code, out = autograde(course, "--dry-run", log="dry-run.out")
    assert code == 0 and "1 to grade" in out and "dos_sleep_between" in out and "mixed_05" not in out.split(
        "skipped")[0], out
    code, out = autograde(course, "--scheduler", cluster.address)
    assert code == 0, out[-3000:]
    assert [r["student_id"] for r in records(course)] == ["dos_sleep_between"]
    assert gradebook(course)["dos_sleep_between"] == gradebook(stock)["dos_sleep_between"]
    assert graded.stat().st_mtime_ns == before, "a graded submission was graded again without --force"
    code, out = autograde(course, "--scheduler", cluster.address, "--force", "--student", "honest_*")
    assert code == 0 and [r["student_id"] for r in records(course)] == ["honest_plain"], out[-3000:]


@slow
def test_bad_input_gives_one_line_and_exit_code_2(template, tmp_path):
    """Do an unknown assignment, an unreachable scheduler and a bad --workers each give one line, exit 2?"""
    course = copy_course(template, tmp_path / "course")
    cases = {"no_such_assignment": ("no_such_assignment",),
             "unreachable": (ASSIGNMENT, "--scheduler", f"tcp://127.0.0.1:{free_port()}"),
             "workers": (ASSIGNMENT, "--workers", "0")}
    for name, argv in cases.items():
        code, out = run(course, str(BIN / "python"), "-m", "autograder", "autograde", *argv, log=f"{name}.out",
                        timeout=120)
        lines = [line for line in out.splitlines() if line.strip()]
        assert code == 2 and len(lines) == 1 and lines[0].startswith("autograder autograde: error:"), (name, out)


# Fast tests of the parts (no kernels, no cluster).


def test_the_plan_grades_new_updated_and_forced_submissions_and_skips_graded_ones(tmp_path):
    """Are new and newer submissions planned, graded ones skipped (unless --force), and --student and
    CourseDirectory.student_id_exclude honoured, as nbgrader autograde decides?"""
    from nbgrader.coursedir import CourseDirectory

    from autograder.parallel.plan import plan

    def place(folder: str, student: str, timestamp: str | None = None, notebook: bool = True) -> None:
        path = tmp_path / folder / student / ASSIGNMENT
        path.mkdir(parents=True)
        if notebook:
            (path / f"{ASSIGNMENT}.ipynb").write_text("{}")
        if timestamp:
            (path / "timestamp.txt").write_text(timestamp)

    place("submitted", "ann")  # new
    place("submitted", "bob", "2026-11-02 10:00:00")  # resubmitted after grading: updated
    place("autograded", "bob", "2026-11-01 10:00:00")
    place("submitted", "cat", "2026-11-01 10:00:00")  # graded: skipped
    place("autograded", "cat", "2026-11-01 10:00:00")
    place("submitted", "dan", notebook=False)  # no notebook: not a submission
    place("submitted", "eve")  # excluded by the course
    coursedir = CourseDirectory(root=str(tmp_path), student_id_exclude="eve")
    first = plan(coursedir, ASSIGNMENT)
    assert (first.pending, first.skipped) == ({"ann": "new", "bob": "updated"}, ("cat",))
    assert plan(coursedir, ASSIGNMENT, force=True).pending == {"ann": "new", "bob": "forced", "cat": "forced"}
    assert plan(coursedir, ASSIGNMENT, "[bc]*").students == ["bob"]


def _small_gradebook(book) -> None:
    """An assignment with one notebook: a graded answer cell (2 points), a hand-graded task, a locked cell."""
    book.add_assignment("a1", duedate="2026-11-01 12:00:00")
    book.add_notebook("nb", "a1")
    book.add_grade_cell("q1", "nb", "a1", max_score=2, cell_type="code")
    book.add_solution_cell("q1", "nb", "a1")
    book.add_task_cell("task", "nb", "a1", max_score=1, cell_type="markdown")
    book.add_source_cell("q1", "nb", "a1", cell_type="code", locked=False, source="answer = 1", checksum="c1")


def test_gradebook_data_travels_to_a_private_gradebook_and_back_into_the_real_one(tmp_path, monkeypatch):
    """Does a private gradebook seeded from the real one hold the same assignment and earlier state (a manual
    score, an extension), and does recording its result change in the real one only what autograde writes?"""
    from datetime import timedelta

    from nbgrader.api import Gradebook

    from autograder.parallel import gradebook

    monkeypatch.setenv("PATH", ENV["PATH"])  # a new gradebook runs alembic by name
    with Gradebook(f"sqlite:///{tmp_path / 'real.db'}", "course") as real:
        _small_gradebook(real)
        real.add_student("ann")
        real.add_submission("a1", "ann", timestamp="2026-11-02 12:00:00", extension=timedelta(days=2))
        grade = real.find_grade("q1", "nb", "a1", "ann")
        grade.manual_score, grade.auto_score = 1.5, 0.0
        real.find_comment("q1", "nb", "a1", "ann").manual_comment = "see me"
        real.db.commit()
        structure, before = gradebook.structure(real, "a1"), gradebook.snapshot(real, "a1", "ann")
        with Gradebook(f"sqlite:///{tmp_path / 'private.db'}", "course") as private:
            gradebook.seed(private, structure, "ann", before)
            assert gradebook.structure(private, "a1") == structure
            assert gradebook.snapshot(private, "a1", "ann") == before
            grade = private.find_grade("q1", "nb", "a1", "ann")
            grade.auto_score, grade.needs_manual_grade, grade.manual_score = 2.0, True, 0.0
            private.find_comment("q1", "nb", "a1", "ann").auto_comment = "right"
            private.db.commit()
            graded = gradebook.snapshot(private, "a1", "ann")
        gradebook.record(real, "a1", "ann", "2026-11-02 12:00:00", graded)
        after = gradebook.snapshot(real, "a1", "ann")
    q1, comment = after["notebooks"]["nb"]["grades"]["q1"], after["notebooks"]["nb"]["comments"]["q1"]
    assert (q1["auto_score"], q1["needs_manual_grade"], comment["auto_comment"]) == (2.0, True, "right")
    assert (q1["manual_score"], comment["manual_comment"], after["extension"]) == (1.5, "see me", timedelta(days=2))


def test_the_empty_gradebook_is_nbgraders_own_schema_made_without_a_subprocess(tmp_path, monkeypatch):
    """Is the gradebook private courses start from nbgrader's schema (as a stock new gradebook has it), stamped
    with the version `alembic heads` gives, without a course row, and made without starting a process?"""
    import sqlite3

    from nbgrader.api import Gradebook

    from autograder.parallel.private import empty_gradebook

    def schema(path: Path) -> tuple:
        with sqlite3.connect(path) as db:
            tables = sorted(db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
            return tables, db.execute("SELECT version_num FROM alembic_version").fetchall()

    monkeypatch.setenv("PATH", ENV["PATH"])  # the stock way runs `alembic heads` by name
    with Gradebook(f"sqlite:///{tmp_path / 'stock.db'}"):
        pass
    (tmp_path / "worker").mkdir()
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail(f"started a process: {a}"))
    made = empty_gradebook(tmp_path / "worker")
    assert schema(made) == schema(tmp_path / "stock.db")
    with sqlite3.connect(made) as db:
        assert db.execute("SELECT count(*) FROM course").fetchone() == (0,)


def test_no_library_that_grades_validates_with_format_checks_so_the_skipped_import_is_unused():
    """The coordinator and grading processes skip ``rfc3987_syntax`` (jsonschema's optional ``iri`` format
    checker, a second to import): does no library that reads, runs or grades a notebook ask jsonschema for
    format checks, and does a process that skips it still import nbgrader and validate a notebook?"""
    import importlib.util

    for package in ("nbformat", "nbconvert", "nbclient", "nbgrader", "jupyter_client"):
        root = Path(importlib.util.find_spec(package).origin).parent
        users = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "format_checker" in p.read_text(errors="ignore") or "FormatChecker" in p.read_text(errors="ignore")]
        assert not users, f"{package} validates with format checks in {users}: the skipped import may be used"
    code = ("from autograder.parallel.startup import skip_unused_imports; skip_unused_imports()\n"
            "import sys, nbformat, nbgrader.apps.baseapp, nbgrader.converters\n"
            f"nbformat.validate(nbformat.read({str(SOLUTION)!r}, as_version=4))\n"
            "print(sys.modules['rfc3987_syntax'] is None, 'jsonschema' in sys.modules)")
    done = subprocess.run([str(BIN / "python"), "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout.split()) == (0, ["True", "True"]), done.stderr[-2000:]


def test_files_travel_with_their_permissions_and_never_outside_their_folder(tmp_path):
    """Are a folder's files written back with their permission bits, and is a path that climbs out refused?"""
    from autograder.parallel.tasks import read_folder, write_folder

    source = tmp_path / "src" / "a1"
    source.mkdir(parents=True)
    (source / "nb.ipynb").write_text("{}")
    (source / "nb.ipynb").chmod(0o444)
    files = read_folder(source, tmp_path / "src")
    write_folder(tmp_path / "dest", files)
    assert (tmp_path / "dest" / "a1" / "nb.ipynb").read_text() == "{}"
    assert (tmp_path / "dest" / "a1" / "nb.ipynb").stat().st_mode & 0o777 == 0o444
    with pytest.raises(ValueError, match="outside"):
        write_folder(tmp_path / "dest", {"../escape.txt": (0o644, b"x")})


def test_frames_carry_objects_and_end_cleanly(tmp_path):
    """Does a frame written by send() come back from receive(), and does a cut stream read as its end?"""
    import io

    from autograder.parallel.server import receive, send
    from autograder.parallel.tasks import Outcome

    stream = io.BytesIO()
    send(stream, Outcome("ann", ok=True, files={"x": (0o444, b"y")}))
    data = stream.getvalue()
    assert receive(io.BytesIO(data)) == Outcome("ann", ok=True, files={"x": (0o444, b"y")})
    assert receive(io.BytesIO(data[:-1])) is None and receive(io.BytesIO(b"")) is None


def test_a_failure_reason_is_the_exception_nbgrader_logged_and_a_sandbox_stop_is_fatal():
    """Is the reason of a failed grading the exception line nbgrader logged, and is the sandbox's stop of
    the whole run recognised as such?"""
    from autograder.parallel import private

    log = ("[WARNING] checksum changed\n[ERROR] There was an error processing assignment: x\n"
           "[ERROR] Traceback (most recent call last):\n  File \"a.py\", line 1\n"
           "ValueError: test cells ['q9'] have no question\n[ERROR] Please see the above traceback")
    assert private._last_error(log) == "ValueError: test cells ['q9'] have no question"
    stopped = "Traceback...\nSystemExit: nbgrader autograde stopped: bubblewrap is not installed"
    assert private._stop_reason(stopped) == "bubblewrap is not installed"
    assert private._stop_reason(log) is None


def test_nbgrader_imports_without_setuptools_and_still_unzips(tmp_path):
    """Does a process that calls ``skip_unused_imports`` import nbgrader without importing setuptools, and does
    nbgrader's ``unzip`` (which takes its functions from setuptools) still unpack a zip, the real module then
    taking the stand-in's place?"""
    archive = tmp_path / "submission.zip"
    with zipfile.ZipFile(archive, "w") as made:
        made.writestr("a02_dense.ipynb", "{}")
    (tmp_path / "out").mkdir()
    code = ("from autograder.parallel.startup import skip_unused_imports; skip_unused_imports()\n"
            "import sys, nbgrader.apps.baseapp, nbgrader.converters, nbgrader.utils\n"
            "before = 'setuptools' in sys.modules\n"
            f"nbgrader.utils.unzip({str(archive)!r}, {str(tmp_path / 'out')!r})\n"
            "print(before, type(sys.modules['setuptools.archive_util']).__name__)")
    done = subprocess.run([str(BIN / "python"), "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout.split()) == (0, ["False", "module"]), done.stderr[-2000:]
    assert (tmp_path / "out" / "a02_dense.ipynb").read_text() == "{}"
