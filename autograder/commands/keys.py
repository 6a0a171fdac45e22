"""``python -m autograder keys STUDENT... [--course DIR] [--json]``: each learner's key for their own numbers.

A learner's kernel shows and checks that learner's variant of every question when the environment
variable ``AUTOGRADER_LEARNER_KEY`` holds their key. A course's JupyterHub sets it at spawn time
(README, "Per-learner numbers"); this command prints the keys for courses that hand them out
another way. Keys are made from the course secret (``.autograder_secret`` in the course directory,
the file the grader uses, made here if it
is missing) and the nbgrader student id; no key reveals the secret or another's key.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["add_parser", "run"]



def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "keys", help="print each learner's key for their own numbers (AUTOGRADER_LEARNER_KEY)",
        description="Print each learner's key, made from the course secret and the nbgrader student id.")
    parser.add_argument("students", nargs="+", metavar="STUDENT", help="nbgrader student ids")
    parser.add_argument("--course", type=Path, default=Path.cwd(), metavar="DIR",
                        help="the course directory (default: here); its secret file is made if missing")
    parser.add_argument("--json", action="store_true", help="print {student: key} as JSON")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..course import course_secret
    from ..errors import ConfigError
    from ..grading.variants import learner_key

    if not (args.course / "nbgrader_config.py").is_file():
        raise ConfigError(f"{args.course} is not a course directory (no nbgrader_config.py); run this where "
                          "you run nbgrader, or pass --course DIR")
    secret = course_secret(args.course)
    keys = {student: learner_key(secret, student) for student in args.students}
    print(json.dumps(keys, indent=2) if args.json else "\n".join(f"{s}\t{k}" for s, k in keys.items()))
    return 0
