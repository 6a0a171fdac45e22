"""What to grade: the submissions of an assignment, and which of them need grading now.

The rules are ``nbgrader autograde``'s own (``BaseConverter.init_notebooks`` and
``init_destination``): a submission is a folder ``submitted/<student>/<assignment>/`` with at least
one notebook; students are chosen by a glob pattern (``--student``) less the course's
``CourseDirectory.student_id_exclude``; a submission is graded when it has no autograded folder yet
(new), when its timestamp is newer than the autograded one (updated), or always with ``--force``.
Otherwise it is skipped: so a run stopped half-way resumes where it stopped, because the coordinator
places an autograded folder only after its grades are committed to the gradebook.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Plan", "plan"]


@dataclass(frozen=True)
class Plan:
    """The submissions to grade (student → why: new, updated or forced) and those skipped."""

    assignment: str
    pending: dict[str, str]
    skipped: tuple[str, ...]

    @property
    def students(self) -> list[str]:
        return sorted(self.pending)


def plan(coursedir, assignment: str, pattern: str = "*", force: bool = False) -> Plan:
    """The plan for ``assignment`` in the course ``coursedir`` (an nbgrader ``CourseDirectory``)."""
    pending, skipped = {}, []
    for student in submissions(coursedir, assignment, pattern):
        why = _why(coursedir, assignment, student, force)
        if why:
            pending[student] = why
        else:
            skipped.append(student)
    return Plan(assignment, pending, tuple(skipped))


def submissions(coursedir, assignment: str, pattern: str = "*") -> list[str]:
    """The students, matching ``pattern``, with a submitted folder of ``assignment`` that holds a notebook."""
    excluded = set(filter(None, (coursedir.student_id_exclude or "").split(",")))
    found = glob.glob(coursedir.format_path(coursedir.submitted_directory, pattern, assignment))
    students = []
    for folder in found:
        student = Path(folder).parent.name
        if student not in excluded and glob.glob(os.path.join(folder, f"{coursedir.notebook_id}.ipynb")):
            students.append(student)
    return sorted(students)


def _why(coursedir, assignment: str, student: str, force: bool) -> str | None:
    dest = coursedir.format_path(coursedir.autograded_directory, student, assignment)
    if not os.path.exists(dest):
        return "new"
    if force:
        return "forced"
    src = coursedir.format_path(coursedir.submitted_directory, student, assignment)
    new, old = coursedir.get_existing_timestamp(src), coursedir.get_existing_timestamp(dest)
    if new is not None and old is not None and new > old:
        return "updated"
    return None
