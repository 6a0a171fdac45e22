"""The class report in headless Chromium on a phone (390 px wide): no console error, nothing too wide.

Two pages are opened over ``file://``: a synthetic class written by the command with ``--by-student``,
and a worst case written from hand-made marks (every misconception, the longest answers the grader
writes, a long student id). Debian's ``chromium`` is driven by Playwright (``tests/book/browser.py``).
A screenshot of the synthetic class is kept in test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.classreport import write_report
from autograder.classreport.summary import Mark, Submission, summarize
from autograder.classreport.synthetic import make_class
from autograder.cli import main
from autograder.grading.misconceptions import CATALOGUE
from tests.book.browser import chromium, open_quietly, screenshot

pytestmark = [pytest.mark.slow]

WIDTH = 390
SCREENSHOT = Path(__file__).resolve().parents[2] / "test-artifacts" / "class-report-390.png"
TOO_WIDE = f"""[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > {WIDTH} + 0.5)
  .map(e => e.tagName.toLowerCase() + ': ' + e.textContent.slice(0, 40))"""


def _worst_case(out: Path) -> Path:
    """A report of every misconception, with 60-character answers and a 60-character student id."""
    long_answer = "'" + "x" * 56 + "..."
    marks = {f"question.{n:02d}.with_a_rather_long_identifier": Mark(
        f"question.{n:02d}.with_a_rather_long_identifier", False, long_answer if n % 2 else "123456789012345678",
        mistake.code, review=True) for n, mistake in enumerate(CATALOGUE)}
    submissions = [Submission("student-" + "9" * 52, 0.0, 60.0, marks), Submission("s2", None, None, None)]
    write_report(summarize("a99_worst_case", submissions), out, by_student=True)
    return out / "report.html"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The synthetic class's page and the worst case's."""
    course = make_class(tmp_path_factory.mktemp("course"), "a02_dense", students=60, seed=3)
    out = tmp_path_factory.mktemp("synthetic")
    assert main(["report", "a02_dense", "--course", str(course), "--out", str(out), "--by-student"]) == 0
    return {"synthetic": out / "report.html", "worst case": _worst_case(tmp_path_factory.mktemp("worst"))}


@pytest.fixture(scope="module")
def visits(pages, tmp_path_factory) -> dict[str, dict]:
    """Each page opened at 390 × 844 CSS pixels as a phone: its problems, widths and what overflows."""
    SCREENSHOT.unlink(missing_ok=True)
    found = {}
    with chromium(tmp_path_factory.mktemp("chromium-profile"), timeout=120,
                  viewport={"width": WIDTH, "height": 844}, is_mobile=True) as (page, recorder):
        for name, path in pages.items():
            recorder.clear()
            open_quietly(page, path.as_uri())
            found[name] = {"problems": recorder.problems("file://"),
                           "viewport": page.evaluate("window.innerWidth"),
                           "scroll": page.evaluate("document.documentElement.scrollWidth"),
                           "too_wide": page.evaluate(TOO_WIDE)}
            if name == "synthetic":
                screenshot(page, SCREENSHOT)
    return found


@pytest.mark.parametrize("name", ["synthetic", "worst case"])
def test_the_page_loads_without_errors(visits, name):
    """Does the page load with no console error, uncaught exception or request outside the file?"""
    assert visits[name]["problems"] == []


@pytest.mark.parametrize("name", ["synthetic", "worst case"])
def test_nothing_is_wider_than_a_phone(visits, name):
    """Is the page laid out 390 px wide, with no element reaching past the right edge?"""
    visit = visits[name]
    assert visit["scroll"] <= WIDTH, f"the page is {visit['scroll']} px wide; too wide: {visit['too_wide'][:5]}"
    assert visit["too_wide"] == []
    # a phone widens its layout viewport to fit wide content, or to 980 px without <meta name="viewport">
    assert visit["viewport"] == WIDTH, f"the layout viewport is {visit['viewport']} px wide, not {WIDTH}"


def test_a_screenshot_is_kept(visits):
    """Is a screenshot of the synthetic class's report saved in test-artifacts/ for a human to look at?"""
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000, f"no screenshot at {SCREENSHOT}"
