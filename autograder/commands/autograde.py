"""``python -m autograder autograde ASSIGNMENT``: grade a whole class in parallel on Dask.

Run in an nbgrader course directory. Every submission gets exactly what ``nbgrader autograde``
gives it (nbgrader's own converter, the course's config, preprocessors and sandbox, run on a Dask
worker in a private copy of the course); only this process writes the gradebook and ``autograded/``
(:mod:`autograder.parallel`). By default on a local cluster with one worker per core; with
``--scheduler tcp://HOST:PORT`` on an existing Dask cluster. What is graded stays graded (``--force``
grades again); a failed submission is tried once more, then reported with the reason.
Exit code 0 when every submission was graded, 1 when some failed, 2 on bad input, 130 on Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError

__all__ = ["add_parser"]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "autograde", help="autograde every submission of an assignment in parallel on Dask, as nbgrader would",
        description="Grade a whole class in parallel on Dask, with exactly the results of nbgrader autograde.")
    parser.add_argument("assignment", help="the assignment, as named in the gradebook (e.g. a02_dense)")
    parser.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                        help="the nbgrader course directory (default: the current directory)")
    parser.add_argument("--student", default="*", metavar="PATTERN",
                        help="only the students whose id matches this glob, as nbgrader's --student (default: all)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes of the local Dask cluster (default: one per core)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="grade on the existing Dask cluster of this scheduler instead of a local one")
    parser.add_argument("--force", action="store_true", help="grade again the submissions graded before")
    parser.add_argument("--dry-run", action="store_true", help="list what would be graded, and grade nothing")
    parser.add_argument("--timeout", type=float, default=900, metavar="SECONDS",
                        help="time for one submission on a worker before it is stopped and retried (default 900)")
    parser.add_argument("--dashboard", default=":8787", metavar="ADDRESS",
                        help="where the local cluster serves Dask's dashboard (default :8787; taken: another port)")
    parser.add_argument("--export", type=Path, metavar="CSV",
                        help="where to write nbgrader's CSV export at the end (default: grades.csv in the course)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..parallel.startup import exit_quickly, skip_unused_imports

    skip_unused_imports()
    try:
        return _run(args)
    finally:
        exit_quickly()


def _run(args) -> int:
    import warnings

    from rich.console import Console

    from ..parallel import autograde, prepare
    from ..parallel.progress import Watch, dry_run, summary

    options = _options(args)
    warnings.filterwarnings("ignore", module="nbgrader")  # nbgrader 0.9.6's SQLAlchemy autoflush warnings
    console = Console()
    planned = prepare(options, warm=not args.dry_run)  # a local cluster's grading processes start at once
    if args.dry_run:
        dry_run(console, planned.plan)
        return 0
    watch = Watch(console, options.assignment)
    try:
        done = autograde(options, watch, planned)
    except KeyboardInterrupt:
        watch.stop()
        console.print(f"interrupted: {watch.done} graded in this run are kept; run the same command to go on")
        return 130
    finally:
        seconds = watch.stop()
    written = [str(done.course.export(args.export or done.course.root / "grades.csv"))]
    written += [str(done.course.root / f"autograde-{options.assignment}.{ext}") for ext in ("csv", "log")
                if done.records]
    summary(console, done, seconds, written)
    return 1 if any(r.status == "failed" for r in done.records) else 0


def _options(args):
    from ..parallel import Options

    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {args.workers}")
    if args.workers is not None and args.scheduler:
        raise ConfigError("--workers sets the size of a local cluster; with --scheduler the cluster's own "
                          "workers grade: give one or the other")
    if args.timeout <= 0:
        raise ConfigError(f"--timeout must be a positive number of seconds, not {args.timeout:g}")
    return Options(args.assignment, args.course, args.student, args.force, args.workers, args.scheduler,
                   args.timeout, args.dashboard)
