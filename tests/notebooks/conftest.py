"""Notebook tests: the course's solutions, releases and sample submissions.

Tests that start Jupyter kernels are marked ``slow`` and run in one xdist group, "kernels", with
the book build and browser tests: kernels never compete for the 2 cores, and one worker alone
builds the book (tests/unit/test_xdist_groups.py checks that xdist honours the group)."""

from __future__ import annotations

import pytest

from autograder import course


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/notebooks" in str(item.fspath) and "slow" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("kernels"))


@pytest.fixture(params=course.ASSIGNMENTS)
def assignment(request) -> str:
    return request.param
