"""The coordinating process: plan, send tasks, and be the one writer of the gradebook and autograded/.

:func:`autograde` grades an assignment's submissions on Dask (:mod:`.cluster`) and writes the final outcomes
as they arrive, all those that arrived while it wrote the last ones in one batch (:mod:`.writer`): their
grades in one gradebook transaction through nbgrader's API, then each one's review notes, sandbox level and
autograded folder (one rename, last). A run stopped at any point leaves every submission either graded
(gradebook, notes, level and folder) or not yet placed, which the next run grades (:mod:`.plan`). Failures are
recorded with their reason in ``autograde-ASSIGNMENT.csv`` (one row per submission graded or failed in the
run), and nbgrader's warnings in ``autograde-ASSIGNMENT.log``.
"""

from __future__ import annotations

import csv
import fnmatch
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import cluster, gradebook, timing
from .plan import Plan, plan
from .private import CONFIG_FILE, load_config
from .tasks import Outcome, Task, read_folder
from .writer import BATCH, Record, Writer

__all__ = ["Course", "Options", "Record", "Run", "autograde", "prepare", "write"]


@dataclass(frozen=True)
class Options:
    """What to grade, and where."""

    assignment: str
    course: Path = Path(".")
    student: str = "*"
    force: bool = False
    workers: int | None = None  # local cluster size; None: one per core
    scheduler: str | None = None  # tcp://HOST:PORT of an existing Dask scheduler
    timeout: float = 900.0  # seconds per submission on a worker
    dashboard: str = ":8787"


@dataclass
class Course:
    """An nbgrader course directory as the coordinator sees it."""

    root: Path
    config: object = field(repr=False)

    @classmethod
    def open(cls, root: Path) -> Course:
        root = Path(root).resolve()
        if not root.is_dir():
            raise cluster.ParallelError(f"no course directory at {root}; pass --course DIR or run this in one")
        return cls(root, load_config(root))

    @property
    def coursedir(self):
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config)

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(self.coursedir.db_url, self.coursedir.course_id)

    def plan(self, options: Options) -> Plan:
        return plan(self.coursedir, options.assignment, options.student, options.force)

    def tasks(self, assignment: str, students: list[str], timeout: float) -> list[Task]:
        """One task per student, each carrying the course files a worker needs."""
        coursedir = self.coursedir
        config = self.root / CONFIG_FILE
        shared = {"assignment": assignment, "config": config.read_text() if config.exists() else None,
                  "secret": self._secret(), "timeout": timeout, "overrides": self._overrides(),
                  "source": self._files(coursedir.format_path(coursedir.source_directory, ".", assignment))}
        with self.gradebook() as book:
            shared["structure"] = gradebook.structure(book, assignment)
            previous = {s: gradebook.snapshot(book, assignment, s) for s in students}
        return [Task(student=s, previous=previous[s], **shared,
                     submitted=self._files(coursedir.format_path(coursedir.submitted_directory, s, assignment)))
                for s in students]

    def _files(self, folder: str):
        """The files under ``folder`` but those nbgrader ignores (``CourseDirectory.ignore``)."""
        ignore, top = self.coursedir.ignore, Path(folder)
        return read_folder(top, self.root, lambda p: any(fnmatch.fnmatch(part, pattern) for pattern in ignore
                                                         for part in p.relative_to(top).parts))

    def _sandboxed(self) -> bool:
        """Does the course grade with this package's SandboxedExecute?"""
        named = [str(getattr(p, "__name__", p)) for p in self.config.Autograde.get("autograde_preprocessors", [])]
        return any(n.endswith("SandboxedExecute") for n in named)

    def _secret(self) -> str | None:
        """The course secret, made now if the course grades with SandboxedExecute and has none yet."""
        if not self._sandboxed() or self.config.SandboxedExecute.get("secret"):
            return None
        from ..nbgrader_plugins import _course_secret

        return _course_secret(self.config)

    def _overrides(self) -> dict:
        """What SandboxedExecute reads from the course beyond the submission: the roster of students (whose
        variants a copied answer may come from), as it would find it in this course."""
        if not self._sandboxed() or self.config.Variants.get("roster"):
            return {}
        from ..nbgrader_plugins import _roster

        return {"Variants": {"roster": _roster(self.coursedir.db_url, self.config)}}

    def export(self, to: Path) -> Path:
        """nbgrader's export with the course's plug-in (``ExportApp.plugin_class``), as ``nbgrader export``."""
        from nbgrader.plugins.export import CsvExportPlugin
        from traitlets.utils.importstring import import_item

        plugin_class = self.config.ExportApp.get("plugin_class", CsvExportPlugin)
        plugin = (import_item(plugin_class) if isinstance(plugin_class, str) else plugin_class)(config=self.config)
        plugin.to = str(to)
        with self.gradebook() as book:
            plugin.export(book)
        return to

@dataclass
class Run:
    """What a run did: its plan, one record per submission it graded or failed, and where."""

    course: Course
    plan: Plan
    records: list[Record] = field(default_factory=list)
    workers: int = 0


def prepare(options: Options, warm: bool = False) -> Run:
    """Open the course, check the assignment is in the gradebook, and plan the run. ``warm``: a run follows,
    so a local cluster's grading processes start now, importing nbgrader while this process does (they are
    stopped again if there is nothing to grade)."""
    if warm and not options.scheduler:
        cluster.warm_local(options.workers)
    try:
        course = Course.open(options.course)
        with course.gradebook() as book:
            _require_assignment(book, options.assignment)
        run = Run(course, course.plan(options))
    except BaseException:
        cluster.stop_local()
        raise
    if not run.plan.pending:
        cluster.stop_local()
    return run


def autograde(options: Options, watch, run: Run | None = None) -> Run:
    """Grade the plan's submissions on Dask; ``watch`` is told of the start and of each record."""
    run = run or prepare(options, warm=True)
    if not run.plan.pending:
        return run
    with timing.span("coordinator: tasks made"):
        tasks = run.course.tasks(options.assignment, run.plan.students, options.timeout)
    start = time.time()
    with cluster.connect(options.scheduler, options.workers, options.dashboard) as client:
        timing.mark("coordinator: cluster started", start)
        cluster.warm_up(client)  # a cluster of your own: its workers start their grading processes
        _grade(run, client, watch, tasks)
        start = time.time()
    timing.mark("coordinator: cluster closed", start)
    return run


def _grade(run: Run, client, watch, tasks: list[Task]) -> None:
    """Send the plan's tasks to the cluster and write the final outcomes as they come (the one writer)."""
    run.workers = len(cluster.workers(client))
    watch.start(len(tasks), client.dashboard_link if _has_dashboard(client) else None, run.workers)
    write(run, run.plan.assignment, cluster.batches(client, tasks), watch)


def write(run: Run, assignment: str, batches: Iterable[list[Outcome]], watch, limit: int = BATCH) -> None:
    """Write each batch of final outcomes (those that arrived together) and tell ``watch`` of each record.
    A fatal outcome stops the run once the outcomes before it are written."""
    course, records, written = run.course, run.records, set()
    with course.gradebook() as book, _Log(course.root, assignment) as log, \
            _Records(course.root, assignment) as table:
        writer = Writer(course.coursedir, book, assignment, limit)
        for batch in batches:
            fresh = [o for o in batch if o.student not in written]  # never written twice
            written.update(o.student for o in fresh)
            fatal = next((o for o in fresh if o.fatal), None)
            fresh = fresh[:fresh.index(fatal)] if fatal else fresh
            for outcome in fresh:
                log.write(outcome)
                timing.mark("coordinator: outcome arrived", time.time(), student=outcome.student)
            start = time.time()
            for record in writer.write(fresh):
                records.append(record)
                table.write(record)
                watch.advance(record)
            timing.mark("coordinator: batch written", start, size=len(fresh))
            if fatal:
                raise cluster.ParallelError(f"worker {fatal.worker} cannot grade: {fatal.reason}; "
                                            f"{len(records)} submissions were graded, run again to go on")


def _require_assignment(book, assignment: str) -> None:
    from nbgrader.api import MissingEntry

    try:
        book.find_assignment(assignment)
    except MissingEntry:
        known = ", ".join(a.name for a in book.assignments) or "none"
        raise cluster.ParallelError(f"the gradebook has no assignment {assignment!r} (it has: {known}); "
                                    f"run `nbgrader generate_assignment {assignment}` first") from None


def _has_dashboard(client) -> bool:
    try:
        return "dashboard" in client.scheduler_info().get("services", {})
    except Exception:
        return False


class _Records:
    """autograde-ASSIGNMENT.csv: one row per submission graded or failed in this run, written as it comes."""

    COLUMNS = ("student_id", "status", "score", "max_score", "seconds", "attempts", "worker", "reason")

    def __init__(self, root: Path, assignment: str):
        self.path = root / f"autograde-{assignment}.csv"

    def __enter__(self):
        self.handle = open(self.path, "w", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(self.COLUMNS)
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def write(self, r: Record) -> None:
        self.writer.writerow([r.student, r.status, _number(r.score), _number(r.max_score), f"{r.seconds:.2f}",
                              r.attempts, r.worker, r.reason])
        self.handle.flush()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class _Log:
    """autograde-ASSIGNMENT.log: nbgrader's warnings and errors for each submission of the run."""

    def __init__(self, root: Path, assignment: str):
        self.path = root / f"autograde-{assignment}.log"

    def __enter__(self):
        self.handle = open(self.path, "a")
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def write(self, outcome: Outcome) -> None:
        if outcome.log or not outcome.ok:
            status = "graded" if outcome.ok else f"FAILED: {outcome.reason}"
            self.handle.write(f"== {outcome.student} ({status}; {outcome.worker})\n{outcome.log}\n")
            self.handle.flush()

