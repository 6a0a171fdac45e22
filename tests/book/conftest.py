"""The book, built once per test session with the same strict command as `make book`, and served over HTTP."""

from __future__ import annotations

from http.server import SimpleHTTPRequestHandler

import pytest

from tests.book.building import HTML, Build, build_book
from tests.book.serving import serve


@pytest.fixture(scope="session")
def built_book() -> Build:
    """The book built once for the session; the build and browser tests share it
    (xdist group "kernels", with the notebook tests)."""
    return build_book()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    """The built book, served over HTTP on 127.0.0.1 for the length of a module."""
    if not (HTML / "index.html").is_file():
        pytest.fail(f"no book at {HTML}: the build failed\n{built_book.excerpt()}")
    with serve(HTML, _QuietHandler) as address:
        yield address
