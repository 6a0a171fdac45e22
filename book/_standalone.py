"""Sphinx extension: each page's downloadable notebook (the header's ".ipynb", ``_sources/book/NN.ipynb``) runs on
its own, away from book/ and without Jupyter Book.

A chapter's first, hidden cell imports ``_figures`` (book/_figures.py, beside the chapters, never published) and
``glue`` from myst-nb (which only matters when the book is built). After the build, this rewrites the published
copies of the notebooks: ``import _figures`` becomes the module itself, made from its source, and the glue
import falls back to a function that does nothing when myst-nb is not installed. The sources in book/ stay as
they are. tests/book/test_launch.py runs a downloaded notebook in an empty folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

FIGURES = Path(__file__).with_name("_figures.py")
FIGURES_IMPORT = "import _figures\n"
GLUE_IMPORT = "from myst_nb import glue\n"
GLUE_FALLBACK = '''try:
    from myst_nb import glue
except ModuleNotFoundError:  # glue puts numbers into the book's prose; outside the book there is none

    def glue(name, value, display=True):
        """Show the value, as myst-nb's glue does when display is true."""
        if display:
            from IPython.display import display as show

            show(value)
'''


def figures_module() -> str:
    """Code that makes the module ``_figures`` from book/_figures.py's source, in the notebook itself."""
    return (f"import types  # book/_figures.py, the book's diagram helpers, made here from its source\n\n"
            f"_figures = types.ModuleType(\"_figures\")\n"
            f"exec({FIGURES.read_text()!r}, _figures.__dict__)\n")


def standalone(notebook: nbformat.NotebookNode) -> bool:
    """Rewrite the notebook's imports of book/ and myst-nb in place; whether anything changed."""
    changed = False
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source if cell.source.endswith("\n") else cell.source + "\n"
        for old, new in ((FIGURES_IMPORT, figures_module()), (GLUE_IMPORT, GLUE_FALLBACK)):
            if old in source.splitlines(keepends=True):
                source, changed = source.replace(old, new, 1), True
        cell.source = source.rstrip("\n")
    return changed


def rewrite_downloads(app, exception) -> None:
    """After a successful HTML build, make every published page notebook standalone."""
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir, "_sources").rglob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        if standalone(notebook):
            nbformat.write(notebook, path)


def offer_notebook(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``, before the theme's header buttons: a MyST notebook page offers its executed
    notebook as the header's ".ipynb" download. sphinx-book-theme copies it to ``_sources`` only when launch
    buttons are configured, and the book has none until ``repository.url`` is set (book/_repository.py)."""
    if "kernelspec" not in app.env.metadata.get(pagename, {}) or not context.get("sourcename", "").endswith(
            (".md", ".md.txt")):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if executed.is_file():
        target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, target)
        context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("html-page-context", offer_notebook, priority=450)
    app.connect("build-finished", rewrite_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
