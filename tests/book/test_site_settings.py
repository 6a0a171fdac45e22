"""What the pages link to and load, decided by the book's settings: the repository's address only when
``repository.url`` is set (book/_repository.py), MathJax only on pages with math and no Font Awesome script
(book/_assets.py, book/_templates/).

The decisions are checked on their own and in a two-page Sphinx project built with the book's extensions and
theme (a few seconds, with and without an address); the real built book is checked for the default settings.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from tests.book.building import HTML, ROOT, published_pages
from tests.book.test_chapters import CONFIG

BOOK = ROOT / "book"
ADDRESS = "https://github.com/an-owner/a-course"  # any well-formed address: nothing is fetched
PLACEHOLDER = "github.com/keras-params-course"
LAUNCH = re.compile(r"mybinder\.org|dropdown-launch-buttons")
MATHJAX = re.compile(r"<script[^>]*(?:mathjax|MathJax)")


def _module(name: str):
    """A module of book/ (the book's Sphinx extensions live beside the chapters)."""
    spec = importlib.util.spec_from_file_location(name, BOOK / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


repository = _module("_repository")

CONF = """
import sys
sys.path[:0] = [{root!r}, {book!r}]
extensions = ["myst_nb", "sphinx_book_theme", "_repository", "_assets", "_standalone"]
html_theme = "sphinx_book_theme"
html_theme_options = {{"repository_url": {url!r}, "launch_buttons": {buttons!r}}}
templates_path = [{templates!r}]
mathjax_path = {mathjax!r}  # the book's own, a local file (Sphinx adds it as _static/...)
myst_enable_extensions = ["substitution", "dollarmath"]
nb_execution_mode = "off"
"""
INDEX = """# A book

```{{toctree}}
chapter
```

The install command: {{{{ pip_from_repository }}}}

```{{only}} repository
The repository is {{{{ repository }}}}.
```
"""
CHAPTER = """---
jupytext: {text_representation: {extension: .md, format_name: myst}}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
# A chapter with math

A count is $u\\,(d + 1)$.

```{code-cell} ipython3
1 + 1
```
"""


def _tiny_book(folder: Path, url: str) -> dict[str, str]:
    """A two-page book (a root whose toctree holds a chapter with math) built with the book's extensions and
    theme and ``repository_url`` = ``url``; its two pages' HTML."""
    source = folder / "source"
    source.mkdir(parents=True)
    (source / "conf.py").write_text(CONF.format(root=str(ROOT), book=str(BOOK), url=url,
                                                templates=str(BOOK / "_templates"),
                                                mathjax=CONFIG["sphinx"]["config"]["mathjax_path"],
                                                buttons=CONFIG["launch_buttons"]))
    (source / "index.md").write_text(INDEX.format())
    (source / "chapter.md").write_text(CHAPTER)
    built = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(source),
                            str(folder / "html")], capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    return {name: (folder / "html" / f"{name}.html").read_text() for name in ("index", "chapter")}


@pytest.fixture(scope="module")
def tiny_books(tmp_path_factory) -> dict[str, dict[str, str]]:
    """The two-page book built without an address ("") and with ADDRESS: each one's pages."""
    folder = tmp_path_factory.mktemp("tiny-books")
    return {url: _tiny_book(folder / ("with" if url else "without"), url) for url in ("", ADDRESS)}


def test_the_book_sets_no_repository_address_by_default():
    """Is _config.yml's repository.url empty, so that no unchecked address reaches a page?"""
    assert not repository.address(CONFIG["repository"]["url"]), "repository.url: set only a real, checked address"


def test_without_an_address_there_are_no_launch_buttons_and_no_repository_words():
    """Without an address, are the launch buttons off and the repository's link and install command empty?"""
    assert repository.launch_buttons(CONFIG["launch_buttons"], "") == {}
    assert set(repository.substitutions("", "keras-params-course").values()) == {""}


def test_with_an_address_the_buttons_and_the_install_command_follow_it():
    """With an address, are _config.yml's launch buttons kept and do the link and pip command name it?"""
    url = repository.address(ADDRESS + "/")
    assert url == ADDRESS and repository.launch_buttons(CONFIG["launch_buttons"], url) == CONFIG["launch_buttons"]
    words = repository.substitutions(url, "keras-params-course")
    assert words["pip_from_repository"] == f'`pip install "keras-params-course @ git+{ADDRESS}"`'
    assert f"({ADDRESS})" in words["repository"]


@pytest.mark.parametrize("bad", ["github.com/owner/name", "https://github.com/owner", "http://x/a/b", "ssh://a/b/c"])
def test_an_unusable_address_is_refused_with_its_value(bad):
    """Is an address a launch button could not use refused, naming the value and the expected form?"""
    with pytest.raises(ExtensionError, match=re.escape(repr(bad)) + ".*https://HOST/OWNER/NAME"):
        repository.address(bad)


def test_a_built_page_follows_the_setting(tiny_books):
    """Built with the book's extensions and theme, does a chapter get Binder's button and the root page the
    repository's link and install command only when repository.url is set?"""
    without, with_address = tiny_books[""], tiny_books[ADDRESS]
    assert not any(LAUNCH.search(page) or "github.com" in page for page in without.values())
    assert LAUNCH.search(with_address["chapter"]) and "mybinder.org/v2/gh/an-owner/a-course/" in with_address["chapter"]
    assert f'href="{ADDRESS}"' in with_address["index"] and f"git+{ADDRESS}" in with_address["index"]


def test_a_notebook_page_offers_its_ipynb_with_or_without_an_address(tiny_books):
    """Does a chapter's header offer its notebook (.ipynb) for download whether repository.url is set or not
    (the theme copies it only when it makes launch buttons)?"""
    for url, pages in tiny_books.items():
        assert "_sources/chapter.ipynb" in pages["chapter"], f"no .ipynb download with repository.url={url!r}"


def test_mathjax_only_where_there_is_math_and_no_font_awesome_script(tiny_books):
    """Does the chapter with math load MathJax while the root page, whose toctree holds it, does not, and does
    no page load the theme's Font Awesome script?"""
    pages = tiny_books[""]
    assert MATHJAX.search(pages["chapter"]) and not MATHJAX.search(pages["index"])
    assert not any("fontawesome.js" in page for page in pages.values())
    assert all("pydata-sphinx-theme.js" in page for page in pages.values()), "the theme's other scripts went too"


def _built(name: str) -> str:
    return (HTML / name).read_text()


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_the_built_book_has_no_placeholder_address_or_launch_button(built_book):
    """With the default settings, does no published page (search index included) link the placeholder
    repository or offer a launch button?"""
    offenders = [name for name in [*published_pages(), "searchindex.js"]
                 if PLACEHOLDER in _built(name) or LAUNCH.search(_built(name))]
    assert not offenders, f"pages with a repository address or a launch button: {offenders}"


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_the_built_book_loads_mathjax_only_on_pages_with_math(built_book):
    """Does each published page load MathJax exactly when it shows math, and none load Font Awesome's script?"""
    for name in published_pages():
        page = _built(name)
        has_math = 'class="math notranslate nohighlight"' in page
        assert bool(MATHJAX.search(page)) == has_math, f"{name}: math {has_math}, MathJax loaded {not has_math}"
        assert "fontawesome.js" not in page, name
