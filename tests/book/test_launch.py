"""The chapters' launch buttons and downloads: each button offered can open the page, Binder's environment has what
it runs, and the header's .ipynb download runs on its own."""

from __future__ import annotations

import importlib.metadata
import re
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.book.building import HTML, ROOT
from tests.book.test_chapters import CONFIG, NOTEBOOKS, _cells, _source

BINDER = ROOT / "binder" / "requirements.txt"
POST_BUILD = ROOT / "binder" / "postBuild"  # run by Binder after requirements.txt
BESIDE_THE_CHAPTERS = {"_figures"}  # book/_figures.py: a notebook opened from book/ imports it from its own folder
IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.M)


def _imported_modules() -> set[str]:
    """The top-level modules the chapters' code cells import, outside the standard library and book/."""
    modules = {match for name in NOTEBOOKS for _, body in _cells(_source(name)) for match in IMPORT.findall(body)}
    return modules - set(sys.stdlib_module_names) - BESIDE_THE_CHAPTERS


def _binder_requirements() -> list[Requirement]:
    """binder/requirements.txt as requirements; the line ".[extras]" is this project with those extras."""
    lines = [line.split("#")[0].strip() for line in BINDER.read_text().splitlines()]
    project = importlib.metadata.metadata("keras-params-course")["Name"]
    return [Requirement(project + line[1:] if line.startswith(".") else line) for line in lines if line]


def _post_build_no_deps() -> set[str]:
    """The distributions binder/postBuild installs with `pip install --no-deps` (keras-hub without tensorflow-text)."""
    found = re.findall(r"^pip install --no-deps (.+)$", POST_BUILD.read_text(), re.M) if POST_BUILD.is_file() else []
    return {canonicalize_name(Requirement(spec).name) for line in found for spec in line.split()}


def _installed_by(requirements: list[Requirement]) -> set[str]:
    """Every distribution that installing the requirements brings in (here, from this venv's metadata)."""
    seen, todo = set(), [(req, frozenset(req.extras)) for req in requirements]
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen and not extras:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(req.name) or []:
            dep = Requirement(line)
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in extras | {""}):
                todo.append((dep, frozenset(dep.extras)))
    return seen


def test_colab_is_offered_only_for_notebooks():
    """Is there no Colab button while the chapters are MyST markdown (Colab opens only .ipynb files)?"""
    assert all((ROOT / f"{name}.md").is_file() for name in NOTEBOOKS)
    assert not CONFIG["launch_buttons"].get("colab_url"), "Colab cannot open book/NN.md: remove colab_url"


def test_binder_installs_every_module_the_chapters_import():
    """Does binder/requirements.txt (with binder/postBuild's --no-deps installs) install, directly or as a
    dependency, every module a chapter's code imports (its hidden cells included: Binder runs them too)?"""
    installed = _installed_by(_binder_requirements()) | _post_build_no_deps()
    owners = importlib.metadata.packages_distributions()
    missing = {module: owners.get(module, ["not installed here"]) for module in _imported_modules()
               if not {canonicalize_name(d) for d in owners.get(module, [])} & installed}
    assert not missing, f"the chapters import modules that Binder would not install: {missing}"


@pytest.mark.slow
@pytest.mark.keras
@pytest.mark.xdist_group("kernels")
def test_downloaded_notebook_runs_alone(built_book, tmp_path):
    """Does a chapter's published .ipynb (the header's download), copied into an empty folder, run from top to
    bottom in a new kernel, although it uses book/_figures.py, which is never published? (Chapter 8: short.)"""
    downloaded = HTML / "_sources" / "book" / "08-functional.ipynb"
    assert downloaded.is_file(), f"no download at {downloaded}"
    notebook = nbformat.read(downloaded, as_version=4)
    assert "import _figures\n" not in "\n".join(cell.source + "\n" for cell in notebook.cells)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises on the first failing cell, with its traceback
