"""A course on a real JupyterHub, set up on this machine by the test itself (it must run as root)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .classroom import Classroom, course_on_hub

ASSIGNMENT = "a01_the_question"
SECRET = "a-course-secret-known-to-the-hub-test"  # fixed: the same variants, and so the same checks, every run


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/hub" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("kernels"))  # not beside other kernels on 2 cores


@pytest.fixture(scope="module")
def classroom() -> Iterator[Classroom]:
    """The course on a running Hub, removed afterwards."""
    with course_on_hub(ASSIGNMENT, SECRET) as room:
        yield room
