"""``autograder/__init__.py`` as a learner's code sees it while the notebook is being graded.

Grading runs in a sandbox where ``autograder`` is this minimal copy: it holds no questions,
answer keys or solutions. ``check`` does nothing here; the grade is decided outside the
notebook, from the values your answer cells leave behind.
"""

__all__ = ["check", "verdict"]


def check(question_id, answer=None, **_):
    """In grading, checks happen outside the notebook: this does nothing."""


def verdict(question_id, answer=None, **_):
    """In grading, verdicts are decided outside the notebook: this returns None."""
