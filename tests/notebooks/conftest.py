"""Notebook tests: the course's solutions, releases and sample submissions.

Tests that start Jupyter kernels are marked ``slow`` and run in one xdist group, so two of
them never compete for the 2 cores at once."""

from __future__ import annotations

import pytest

from autograder import course


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/notebooks" in str(item.fspath) and "slow" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("notebooks"))


@pytest.fixture(params=course.ASSIGNMENTS)
def assignment(request) -> str:
    return request.param
