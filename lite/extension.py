"""The book's side of the in-browser exercises: a Sphinx extension, named in ``_config.yml``.

- ``config-inited``: substitutions for the pages, from pyproject.toml and from the grader: ``{{ wheel }}``
  (the wheel to download), ``{{ pip_wheel }}``, ``{{ python_versions }}``, ``{{ cases }}`` and
  ``{{ time_limit }}``. The site ships this wheel itself, so it needs no repository address
  (book/_repository.py handles ``repository.url``: launch buttons, ``{{ repository }}``, the install command);
- ``builder-inited``: builds this package's wheel, so the page's download link finds it;
- ``build-finished``: builds the JupyterLite site into ``<html>/lite`` (:mod:`lite.build`) from the
  exercise notebooks ``exercises/`` holds now, with that same wheel.

A site that cannot be built fails the book's build with the reason in one line.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from autograder.grading.functions import CASES, TIME_LIMIT
from lite import LiteError, build

LOG = logging.getLogger(__name__)
SITE = "lite"  # the site's folder inside the built book: chapter buttons link to ../lite/notebooks/...


def substitutions(app: Sphinx, config) -> None:
    """Add the wheel and grader substitutions to MyST's (``parse.myst_substitutions`` keeps its own)."""
    wheel = build.DIST / build.wheel_name()
    source = "/" + os.path.relpath(wheel, app.srcdir)  # a leading / : relative to the book's root
    config.myst_substitutions = {
        **config.myst_substitutions,
        "wheel": f"{{download}}`{wheel.name} <{source}>`",
        "pip_wheel": f"`pip install {wheel.name}`",
        "python_versions": build.python_versions(),
        "cases": str(CASES),
        "time_limit": f"{TIME_LIMIT:g}",
    }


def wheel(app: Sphinx) -> None:
    """Build the wheel before any page is read (the download link checks that its file exists)."""
    if app.builder.format != "html":
        return
    try:
        build.project_wheel()
    except LiteError as err:
        raise ExtensionError(f"lite: {err}") from None


def site(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, the JupyterLite site into ``<html>/lite``."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / SITE
    LOG.info(f"lite: building the in-browser exercises into {out}")
    try:
        build.build(out, package=build.DIST / build.wheel_name())
    except LiteError as err:
        raise ExtensionError(f"lite: {err}") from None
    favicon = Path(app.outdir) / "favicon.ico"  # JupyterLite's pages ask for /favicon.ico before naming theirs
    if not favicon.exists():
        shutil.copy(out / "notebooks" / "favicon.ico", favicon)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", substitutions)
    app.connect("builder-inited", wheel)
    app.connect("build-finished", site)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
