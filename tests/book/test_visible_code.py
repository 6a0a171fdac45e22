"""The code a reader sees runs on its own: each page's visible code cells, copied into a fresh notebook and run in
a new kernel, without the page's removed cells (its hidden imports, helpers and glue) and outside book/."""

from __future__ import annotations

import time

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from tests.book.building import ROOT
from tests.book.test_chapters import NOTEBOOKS

pytestmark = [pytest.mark.slow, pytest.mark.keras, pytest.mark.xdist_group("kernels")]

HIDDEN = {"remove-cell", "remove-input"}  # tags whose source the page does not show
CELL_TIMEOUT = 600  # seconds: importing TensorFlow on 2 busy cores, and chapter 9 builds every Keras Application


def visible_notebook(name: str) -> nbformat.NotebookNode:
    """The page's code cells that a reader can see and copy, in order, as a new notebook."""
    notebook = jupytext.read(ROOT / f"{name}.md")
    cells = [cell for cell in notebook.cells
             if cell.cell_type == "code" and not HIDDEN & set(cell.metadata.get("tags", []))]
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": notebook.metadata["kernelspec"]})


def _run(notebook: nbformat.NotebookNode, folder) -> float:
    """Execute the notebook in a fresh kernel started in ``folder``; its run time in seconds. The kernel inherits
    this process's environment, where tests/conftest.py has quieted TensorFlow's logs."""
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    started = time.monotonic()
    client.execute()  # a cell tagged raises-exception may fail (nbclient honours the tag); any other failure raises
    return time.monotonic() - started


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_visible_code_runs_alone(name, tmp_path):
    """Does the page's visible code, copied alone into a fresh notebook, run from top to bottom in a new kernel
    (so it imports or defines every name it uses, none taken from a removed cell)?"""
    notebook = visible_notebook(name)
    if not notebook.cells:
        pytest.skip(f"{name} shows no code")
    seconds = _run(notebook, tmp_path)
    print(f"{name}: {len(notebook.cells)} visible cells ran alone in {seconds:.0f} s")
