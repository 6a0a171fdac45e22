"""The strict book build: no warnings, and only the table of contents is published."""

from __future__ import annotations

import pytest
import yaml

from tests.book.building import HTML, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kernels")]


def _toc_pages() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return {f"{name}.html" for name in files}


def test_build_succeeds_without_warnings(built_book):
    """Does `jupyter-book build . -W -n --keep-going` exit 0 and print no warning at all?"""
    warnings = "\n".join(built_book.warnings())
    assert not warnings, f"the book build printed warnings:\n{warnings}"
    assert built_book.returncode == 0, f"the book build failed:\n{built_book.excerpt()}"


def test_only_toc_pages_are_published(built_book):
    """Is every page in _toc.yml published, and nothing else (no solutions/, exercises/ or tests/ page)?"""
    published = {p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")}
    # Not pages: the theme's template fragments, and the in-browser exercises' app (lite/extension.py builds it)
    published = {p for p in published if not p.startswith(("_static/", "lite/"))}
    sphinx_pages = {"index.html", "genindex.html", "search.html"}
    assert published - sphinx_pages == _toc_pages(), "published pages differ from _toc.yml"
    for folder in ("solutions", "exercises", "tests", "autograder"):
        assert not (HTML / folder).exists(), f"{folder}/ was published"


def test_no_solution_leaks_into_sources(built_book):
    """Does the published site hold no copy of a solutions/ notebook, even as a download?"""
    leaked = [p for p in HTML.rglob("*") if "solutions" in p.as_posix().lower()]
    assert not leaked, f"files from solutions/ were published: {leaked}"


def test_exercise_downloads_are_published(built_book):
    """Is each chapter's exercise notebook published as a download (the {download} role copies it)?"""
    downloads = {p.name for p in (HTML / "_downloads").rglob("*.ipynb")}
    expected = {f"{p.name}.ipynb" for p in (ROOT / "exercises").iterdir() if p.is_dir()}
    assert expected <= downloads, f"exercise notebooks not published: {sorted(expected - downloads)}"
