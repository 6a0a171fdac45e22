"""The book, built once per test session with the same strict command as `make book`."""

from __future__ import annotations

import pytest

from tests.book.building import Build, build_book


@pytest.fixture(scope="session")
def built_book() -> Build:
    """The book built once for the session; the build and browser tests share it
    (xdist group "kernels", with the notebook tests)."""
    return build_book()
