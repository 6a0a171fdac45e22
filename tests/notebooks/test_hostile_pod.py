"""The hostile notebooks that attack integrity, graded where user namespaces are blocked (a Kubernetes pod).

A pod is simulated: stock ``nbgrader autograde`` runs inside ``bwrap --unshare-user --disable-userns`` as uid
1000 (jovyan's), where a nested bubblewrap fails as it does in a default pod, so the grader falls back to the
``landlock`` level (Landlock, seccomp, rlimits, a keeper process). The notebooks that read, tamper or cheat,
and three honest copies, must get exactly their expected scores there too; the course and the package must
stay byte-identical and nothing a learner started may outlive the run. The tests are those of
``test_hostile.py``, run again on this class.
"""

from __future__ import annotations

import shutil

import pytest

from tests.notebooks import test_hostile as hostile
from tests.notebooks.test_hostile import (  # noqa: F401 -- collected again here, on the pod's class
    test_autograde_finishes_and_succeeds,
    test_course_files_are_byte_identical,
    test_every_student_gets_exactly_the_expected_score,
    test_every_student_has_a_row_and_no_one_else,
    test_every_submission_records_the_sandbox_level,
    test_honest_students_get_full_marks,
    test_no_learner_process_outlives_the_run,
    test_the_package_the_kernels_import_is_byte_identical,
)

pytestmark = [pytest.mark.slow, pytest.mark.guarantee,
              pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

INTEGRITY = "cheat_*,read_*,tamper_*,dos_fork_bomb,dos_memory,dos_exit"
POD = ("bwrap", "--unshare-user", "--uid", "1000", "--gid", "1000", "--disable-userns", "--bind", "/", "/",
       "--dev-bind", "/dev", "/dev", "--unshare-pid", "--proc", "/proc", "--die-with-parent", "--")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> hostile.Graded:
    assert shutil.which("bwrap"), "bubblewrap is needed to simulate a pod: sudo apt-get install bubblewrap"
    course = tmp_path_factory.mktemp("hostile-pod")
    return hostile.grade_class(course, hostile.students(INTEGRITY), POD, level="landlock")


def test_the_pod_grades_at_the_landlock_level(graded):
    """Inside the simulated pod, did every submission run at the landlock level (nested namespaces fail)?"""
    lines = [line for line in graded.log.splitlines() if "learner code runs in the sandbox at level" in line]
    assert len(lines) == len(graded.expected), graded.log[-3000:]
    assert all("level landlock" in line for line in lines), "\n".join(lines[:5])
