"""Every published page in headless Chromium: no console error, failed request, missing image or broken link.

The site is served from _build/html on 127.0.0.1 and Chromium runs with background networking off, so a
page that needs the internet (a CDN font, script or math renderer) shows up as a request outside the site.
A screenshot of chapter 1 is kept in test-artifacts/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.book.browser import CHROMIUM, chromium, open_quietly, screenshot
from tests.book.building import HTML, ROOT, published_pages

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kernels")]

CHAPTER_1 = "book/01-the-question.html"
SCREENSHOT = ROOT / "test-artifacts" / "chapter-1.png"
PAGE_FACTS = """(() => ({
  ids: [...document.querySelectorAll('[id]')].map(e => e.id)
       .concat([...document.querySelectorAll('a[name]')].map(a => a.name)),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
       .map(i => i.currentSrc || i.src),
  svgMath: document.querySelectorAll('mjx-container svg').length,
  texMath: document.querySelectorAll('.math').length,
}))()"""


@dataclass(frozen=True)
class Visit:
    """What one page did while loading (its problems) and what it contains (its facts)."""

    problems: list[str]
    facts: dict


@pytest.fixture(scope="module")
def visits(site, tmp_path_factory) -> dict[str, Visit]:
    """Open every published page once in Chromium, and screenshot chapter 1."""
    found = {}
    with chromium(tmp_path_factory.mktemp("chromium-profile"), timeout=120) as (page, recorder):  # 2 busy cores
        for name in published_pages():
            recorder.clear()
            open_quietly(page, site + name)
            found[name] = Visit(recorder.problems(site.rstrip("/")), page.evaluate(PAGE_FACTS))
            if name == CHAPTER_1:
                screenshot(page, SCREENSHOT)
    return found


def _report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {line}" for page, lines in failures.items() for line in lines)


def test_chromium_is_installed():
    """Is Debian's chromium there for the browser test (`make system` installs it, as root)?"""
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: an administrator runs `sudo apt-get install chromium`"


def test_every_page_loads_cleanly(visits):
    """Does every page load with no console error, uncaught exception, failed or outside request?"""
    failures = {page: visit.problems for page, visit in visits.items() if visit.problems}
    assert not failures, f"pages with problems:\n{_report(failures)}"


def test_no_image_is_missing(visits):
    """Does every image on every page load (figures from the executed notebooks included)?"""
    failures = {page: visit.facts["brokenImages"] for page, visit in visits.items() if visit.facts["brokenImages"]}
    assert not failures, f"missing images:\n{_report(failures)}"


def test_math_renders_offline(visits):
    """Does every page with math have it drawn by the bundled MathJax (SVG), with no CDN?"""
    failures = {page: ["math left as TeX"] for page, visit in visits.items()
                if visit.facts["texMath"] and not visit.facts["svgMath"]}
    assert not failures, f"math not rendered:\n{_report(failures)}"


def test_internal_links_resolve(visits, site):
    """Does every link inside the site point to a published file, and every #anchor to an id on its page?"""
    failures = {}
    for page, visit in visits.items():
        broken = [_broken(link[len(site):], visits) for link in visit.facts["links"] if link.startswith(site)]
        if any(broken):
            failures[page] = [b for b in broken if b]
    assert not failures, f"broken links:\n{_report(failures)}"


def _broken(href: str, visits: dict[str, Visit]) -> str | None:
    path, _, fragment = href.partition("#")
    path = unquote(path.split("?")[0]) or "index.html"
    path = path + "index.html" if path.endswith("/") else path
    if not (HTML / path).is_file():
        return f"{href}: no such file"
    if fragment and path in visits and unquote(fragment) not in visits[path].facts["ids"]:
        return f"{href}: no element with id {fragment!r}"
    return None


def test_index_redirects_to_a_published_page():
    """Does the site's index.html send the reader to the preface, a page that exists?"""
    target = re.search(r'url=([^"]+)"', (HTML / "index.html").read_text())
    assert target and (HTML / target.group(1)).is_file(), "index.html does not redirect to a published page"


def test_chapter_one_screenshot_is_kept(visits):
    """Is a screenshot of chapter 1 saved in test-artifacts/ for a human to look at?"""
    assert CHAPTER_1 in visits, f"{CHAPTER_1} was not published"
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000, f"no screenshot at {SCREENSHOT}"
