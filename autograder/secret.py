"""The course secret: one file in the course directory, made on first use.

It draws the hidden cases of function questions and every learner's own numbers, so it never leaves the
course. Standard library only: the grader's plugins, the command line and a JupyterHub's configuration
(:mod:`autograder.hub`) all read it, without importing nbgrader or each other.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["SECRET_FILE", "course_secret"]

SECRET_FILE = ".autograder_secret"


def course_secret(root: Path) -> str:
    """The course secret (``SECRET_FILE`` in the course directory ``root``), made on first use."""
    path = Path(root) / SECRET_FILE
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
