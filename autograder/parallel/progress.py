"""What a person watching a run sees: a live progress bar, then a summary (rich).

:class:`Watch` shows, while the class is graded, the Dask dashboard's address (when the scheduler
has one), a bar with done / failed / remaining and the estimated time left. :func:`summary` then prints
the score distribution, the failures with their reasons and the files written; :func:`dry_run` lists
what a run would grade.
"""

from __future__ import annotations

import time
from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from .coordinator import Record, Run
from .plan import Plan

__all__ = ["Watch", "dry_run", "summary"]

BAR_WIDTH = 40
MAX_ROWS = 12  # score rows before scores are grouped into ranges


class Watch:
    """The live view of a run; the coordinator calls :meth:`start` once and :meth:`advance` per submission."""

    def __init__(self, console: Console, assignment: str):
        self.console, self.assignment = console, assignment
        self.progress: Progress | None = None
        self.done = self.failed = 0
        self.started, self.seconds = time.monotonic(), 0.0

    def start(self, total: int, dashboard: str | None, workers: int) -> None:
        self.started = time.monotonic()
        where = f" · dashboard {dashboard}" if dashboard else ""
        self.console.print(f"Grading {total} submissions of {self.assignment} on {workers} Dask workers{where}")
        self.progress = Progress(
            TextColumn("[bold]autograde"), BarColumn(), MofNCompleteColumn(),
            TextColumn("done [green]{task.fields[done]}[/] · failed [red]{task.fields[failed]}[/] · "
                       "remaining {task.fields[remaining]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=self.console)
        self.task = self.progress.add_task("grading", total=total, done=0, failed=0, remaining=total)
        self.progress.start()

    def advance(self, record: Record) -> None:
        self.done += record.status == "graded"
        self.failed += record.status == "failed"
        total = self.progress.tasks[0].total
        self.progress.update(self.task, advance=1, done=self.done, failed=self.failed,
                             remaining=int(total) - self.done - self.failed)

    def stop(self) -> float:
        """Close the bar; the seconds since :meth:`start`."""
        if self.progress is not None:
            self.progress.stop()
            self.progress, self.seconds = None, time.monotonic() - self.started
        return self.seconds


def summary(console: Console, run: Run, seconds: float, written: list[str]) -> None:
    """The end of a run: counts and speed, the score distribution, the failures, the files written."""
    plan, records = run.plan, run.records
    if plan.pending or plan.skipped:
        graded = [r for r in records if r.status == "graded"]
        failed = [r for r in records if r.status == "failed"]
        rate = len(records) / seconds * 60 if seconds > 0 else 0.0
        speed = f" · {seconds:.0f} s on {run.workers} workers, {rate:.1f} notebooks/minute" if records else ""
        console.print(f"[bold]{plan.assignment}[/]: {len(graded)} graded, {len(failed)} failed, "
                      f"{len(plan.skipped)} skipped (graded before; --force grades them again){speed}")
        if graded:
            console.print(_distribution(graded))
        if failed:
            console.print(_failures(failed))
    else:
        console.print(f"no submissions of {plan.assignment} to grade: no folder in submitted/ matches the "
                      "--student pattern and holds a notebook")
    for path in written:
        console.print(f"wrote {escape(path)}")


def _failures(failed: list[Record]) -> Table:
    table = Table(title="Failed (not in the gradebook; the next run tries them again)", title_justify="left")
    for column in ("Student", "Attempts", "Worker", "Reason"):
        table.add_column(column, overflow="fold")
    for r in failed:
        table.add_row(escape(r.student), str(r.attempts), escape(r.worker), escape(r.reason))
    return table


def _distribution(graded: list[Record]) -> Table:
    max_score = max(r.max_score or 0.0 for r in graded)
    scores = Counter(r.score for r in graded)
    if len(scores) > MAX_ROWS and max_score > 0:  # group into ten ranges of the maximum
        width = max_score / 10
        scores = Counter(min(int((r.score or 0) / width), 9) * width for r in graded)
        label = lambda s: f"{s:g}–{s + width:g}"  # noqa: E731
    else:
        label = lambda s: f"{s:g}"  # noqa: E731
    table = Table(title=f"Scores (of {max_score:g})", title_justify="left")
    for column, justify in (("Score", "right"), ("Submissions", "right"), ("", "left")):
        table.add_column(column, justify=justify)
    most = max(scores.values())
    for score in sorted(scores):
        table.add_row(label(score), str(scores[score]), "█" * max(1, round(BAR_WIDTH * scores[score] / most)))
    return table


def dry_run(console: Console, plan: Plan) -> None:
    """What a run would grade, and why; what it would skip."""
    console.print(f"{plan.assignment}: {len(plan.pending)} to grade, {len(plan.skipped)} already graded")
    if plan.pending:
        table = Table("Student", "Why")
        for student in plan.students:
            table.add_row(escape(student), plan.pending[student])
        console.print(table)
    if plan.skipped:
        console.print(f"skipped (already graded; --force grades them again): {escape(', '.join(plan.skipped))}")
