"""``autograder/__init__.py`` as a learner's code sees it while the notebook is being graded.

Grading runs in a sandbox where ``autograder`` is this minimal copy: it holds no questions,
answer keys or solutions. ``check`` does nothing here; the grade is decided outside the
notebook, from the values your answer cells leave behind.
"""

import json as _json
import os as _os

__all__ = ["check", "practice", "show", "verdict"]


def check(question_id, answer=None, **_):
    """In grading, checks happen outside the notebook: this does nothing."""


def verdict(question_id, answer=None, **_):
    """In grading, verdicts are decided outside the notebook: this returns None."""


class _Sizes:
    """A question's sizes, as the grader chose them for this learner: ``q.hidden``."""

    def __init__(self, sizes):
        self.__dict__.update({k: v for k, v in sizes.items() if not k.startswith("_")})


def show(question_id, **_):
    """In grading, the grader passes this learner's sizes; nothing is rendered here."""
    try:
        sizes = _json.loads(_os.environ.get("AUTOGRADER_SIZES") or "{}").get(question_id, {})
    except ValueError:
        sizes = {}
    return _Sizes(sizes)


def practice(seed=None):
    """In grading, the grader already knows whose numbers these are: this does nothing."""
