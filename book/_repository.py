"""Sphinx extension: what the book shows of its repository, all decided by ``repository.url`` in _config.yml.

The setting is empty by default: a book built from a copy of this course has no verified address to point to,
and a placeholder would send readers to a page that does not exist. With it empty, the pages have no launch
buttons and no link to, or install command from, any repository (the in-browser exercises and the wheel to
download are served by the book itself and need no address). Set it to the repository the book is published
from (``https://github.com/OWNER/NAME``) and the next build adds:

- Jupyter Book's launch buttons on the chapters (``launch_buttons`` in _config.yml: Binder, a JupyterHub);
- the substitutions ``{{ repository }}`` (a link) and ``{{ pip_from_repository }}`` (the install command);
- the Sphinx tag ``repository``, so a page's ``{only} repository`` blocks are published.

tests/book/test_launch.py checks both settings: the decisions here, and the built site of the default.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from lite.build import project

TAG = "repository"  # the Sphinx tag of `{only} repository` blocks


def address(setting: str | None) -> str:
    """The repository's address without a trailing slash, or "" when none is set; a clear error for an
    address a launch button could not use."""
    url = (setting or "").strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or len(parts.path.strip("/").split("/")) != 2:
        raise ExtensionError(f"_config.yml: repository.url is {setting!r}; expected the repository's web "
                             f"address, https://HOST/OWNER/NAME (e.g. https://github.com/OWNER/NAME), "
                             f"or nothing for a book without launch buttons")
    return url


def launch_buttons(configured: dict | None, url: str) -> dict:
    """Jupyter Book's launch buttons: as _config.yml configures them when there is an address, none without."""
    return dict(configured or {}) if url else {}


def substitutions(url: str, name: str) -> dict[str, str]:
    """The pages' words for the repository: a link and the install command; empty without an address."""
    if not url:
        return {"repository": "", "pip_from_repository": ""}
    return {"repository": f"[{url}]({url})", "pip_from_repository": f'`pip install "{name} @ git+{url}"`'}


def decide(app: Sphinx, config) -> None:
    """``config-inited``: the launch buttons, the substitutions and the tag, from the one setting."""
    options = config.html_theme_options
    url = address(options.get("repository_url"))
    options["repository_url"] = url
    options["launch_buttons"] = launch_buttons(options.get("launch_buttons"), url)
    config.myst_substitutions = {**config.myst_substitutions, **substitutions(url, project()[0])}
    if url:
        app.tags.add(TAG)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", decide, priority=400)  # before the theme reads repository_url and launch_buttons
    return {"parallel_read_safe": True, "parallel_write_safe": True}
