"""Sphinx extension: MathJax (2.3 MB) only on the pages that show math.

Sphinx already loads MathJax only where the math domain has equations, but it counts a page's whole toctree:
the book's root, the preface, lists every chapter, so it loaded MathJax for a page with no math at all (the
first page a reader opens). After Sphinx has added MathJax to a page, this takes it out again unless the page
has math of its own (Sphinx's ``has_equations`` without the toctree), or prints output that MathJax typesets
(myst-nb's ``text/latex`` outputs are marked ``math`` too, and count as the page's own equations).

The theme's Font Awesome script (1.5 MB) goes too, by book/_templates/static/webpack-macros.html: the theme's
stylesheet already draws every icon from its web font, so the script is not needed on any page.
benchmarks/page_weight.py measures what the first page loads.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def own_equations(app: Sphinx, pagename: str) -> bool:
    """Whether the page itself has math (its toctree's pages are not counted)."""
    return bool(app.env.get_domain("math").data["has_equations"].get(pagename, False))


def is_mathjax(app: Sphinx, script: Any) -> bool:
    """Whether a page's script entry is MathJax or the MathJax settings Sphinx writes before it."""
    body = getattr(script, "attributes", {}).get("body", "")
    path = app.config.mathjax_path  # a local path is added as _static/<path>
    return str(getattr(script, "filename", script)) in (path, f"_static/{path}") or body.startswith("window.MathJax")


def drop_unused_mathjax(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``, after Sphinx's own MathJax handler: no MathJax on a page without math."""
    scripts = context.get("script_files")
    if scripts is None or own_equations(app, pagename):
        return
    scripts[:] = [script for script in scripts if not is_mathjax(app, script)]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_unused_mathjax, priority=600)  # sphinx.ext.mathjax adds it at 500
    return {"parallel_read_safe": True, "parallel_write_safe": True}
