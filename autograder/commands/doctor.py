"""``python -m autograder doctor [--course DIR] [--key KEY] [--student ID]``: will this server be graded on the
numbers it shows?

Run it in a learner's server (a terminal, or ``!python -m autograder doctor`` in a notebook), or the instructor's
own, before the first submission. It compares the learner key there (``AUTOGRADER_LEARNER_KEY``) with the id
nbgrader will submit the work as (``nbgrader.utils.get_username()``: the OS user, or ``JUPYTERHUB_USER`` when
the OS user is ``jovyan``), and, given the course directory (or run in it), with the key the grader will
compute from the course secret. Each problem is one sentence and its fix. Exit code 0: all agree; 1: a problem.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

__all__ = ["add_parser", "diagnose", "nbgrader_id", "run"]

FIX_GLUE = ("Fix: hand out keys with autograder.hub.LearnerKeys in jupyterhub_config.py (it makes each key from "
            "the id nbgrader will use; see deploy/jupyterhub_config.py), then restart this server.")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check that this server's learner key matches nbgrader's student id (before submitting)",
        description="Check that the learner key here is the one the grader will compute for nbgrader's student id.")
    parser.add_argument("--course", type=Path, metavar="DIR",
                        help="the course directory, to check the key against its secret (default: here, if it "
                             "holds the secret)")
    parser.add_argument("--key", help="the key to check (default: $AUTOGRADER_LEARNER_KEY)")
    parser.add_argument("--student", metavar="ID", help="the student id (default: the one nbgrader uses here)")
    parser.set_defaults(run=run)


def nbgrader_id() -> str:
    """The student id nbgrader's exchange submits this process's work as."""
    try:
        from nbgrader.utils import get_username
    except ImportError:
        from ..hub import nbgrader_student_id

        return nbgrader_student_id(pwd.getpwuid(os.getuid()).pw_name, os.environ.get("JUPYTERHUB_USER"))
    return get_username()


def diagnose(key: str | None, student: str, secret: str | None) -> list[str]:
    """The problems (one sentence and its fix each) with ``key`` for ``student``; [] when grading will agree."""
    from ..grading.variants import learner_key, student_of

    if not key:
        return ["No learner key here (AUTOGRADER_LEARNER_KEY is not set): these notebooks show the book's "
                "numbers, which is right only for a course that hands out no keys (c.Variants.keys unset). "
                + FIX_GLUE]
    owner = student_of(key)
    if not owner:
        return [f"{key!r} is not a learner key (expected STUDENT:24 hex digits, as `python -m autograder keys` "
                "prints). " + FIX_GLUE]
    if owner != student:
        return [f"The learner key here is for {owner!r}, but nbgrader will submit this work as {student!r}: the "
                "learner would see one variant and be graded on another. " + FIX_GLUE]
    if secret is not None and key != learner_key(secret, student):
        return [f"The learner key here is for {student!r} but was not made from this course's secret: the Hub "
                "reads another secret file than the grader. Fix: point LearnerKeys.from_course at the course "
                "directory the grader uses, and restart the Hub."]
    return []


def _secret(course: Path | None) -> str | None:
    from ..errors import ConfigError
    from ..secret import SECRET_FILE

    path = (course or Path.cwd()) / SECRET_FILE
    if path.is_file():
        return path.read_text().strip()
    if course is not None:
        raise ConfigError(f"{course} holds no course secret ({SECRET_FILE}); pass the course directory the "
                          "grader uses")
    return None


def run(args) -> int:
    from ..hub import ENV_KEY

    key = args.key if args.key is not None else os.environ.get(ENV_KEY)
    student = args.student or nbgrader_id()
    secret = _secret(args.course)
    problems = diagnose(key, student, secret)
    for problem in problems:
        print(problem)
    if not problems:
        checked = " and made from the course secret" if secret is not None else ""
        print(f"ok: the learner key here is for {student!r}, the id nbgrader will submit as{checked}.")
    return 1 if problems else 0
