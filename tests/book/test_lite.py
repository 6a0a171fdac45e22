"""The exercises in the browser, worked as a learner would: from the built book, in headless Chromium.

The book (built with its JupyterLite site, as `make book` does) is served on 127.0.0.1, and the requests
of the page, its workers (the kernel runs in one) and its service worker are all recorded (Playwright); no
other host resolves for Chromium (as IN-BROWSER.md found). From chapter 1 the learner clicks
"Open in your browser", waits for Python, and works the whole notebook with clicks and Shift+Enter: a
misconception's number first, then every solution, an endless counting function first too. Then the page is
reloaded (the work must still be there), and the notebook downloaded and graded as a course would.
Screenshot: test-artifacts/lite-notebook.png.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from playwright.sync_api import Page

from autograder.grading import functions, get_question, verdict
from autograder.grading.misconceptions import CATALOGUE
from tests.book import notebook_ui as ui
from tests.book.browser import OFFLINE, Recorder, chromium, open_quietly, screenshot
from tests.book.building import HTML, ROOT
from tests.book.serving import serve
from tests.book.test_chapters import ASSIGNMENTS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kernels")]

CHAPTER = "book/01-the-question.html"
BUTTON = "[...document.querySelectorAll('a')].find(a => a.innerText.trim() === 'Open in your browser')"
SCREENSHOT = ROOT / "test-artifacts" / "lite-notebook.png"
KERNEL_TIMEOUT = 180  # seconds: Pyodide's first start on 2 busy cores
ENDLESS = "def {name}(**arguments):\n    while True:\n        pass"


@dataclass
class Learner:
    """What the learner saw: check cells' outputs by label, what came back after a reload, the file."""

    url: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)  # label -> a text its output must contain
    typed: dict[int, str] = field(default_factory=dict)  # answer cell index -> the code typed last
    reloaded: dict[int, str] = field(default_factory=dict)
    download: Path | None = None
    recorded: Recorder = field(default_factory=Recorder, repr=False)


class _Site(SimpleHTTPRequestHandler):
    served: ClassVar[list[str]] = []

    def log_message(self, *args):
        self.served.append(self.path)


@pytest.fixture(scope="module")
def served_site(built_book):
    """The built book on 127.0.0.1, on a free port (never a common one), logging what it serves."""
    if not (HTML / "lite" / "index.html").is_file():
        pytest.fail(f"no JupyterLite site at {HTML / 'lite'}: the build failed\n{built_book.excerpt()}")
    with serve(HTML, _Site) as address:
        yield address


@pytest.fixture(scope="module")
def learner(served_site, tmp_path_factory) -> Learner:
    """Open chapter 1, click the button, work the notebook, reload, download: what happened."""
    seen = Learner()
    with chromium(tmp_path_factory.mktemp("chromium-profile"), OFFLINE, timeout=120) as (page, recorder):
        open_quietly(page, served_site + CHAPTER)
        ui.click(page, BUTTON)
        ui.wait_until_idle(page, KERNEL_TIMEOUT)
        seen.url = page.evaluate("location.href")
        _work(page, seen, _notebook(seen.url))
        screenshot(page, SCREENSHOT)
        ui.pump(page, 8)  # the site autosaves every 5 s
        ui.reload(page, KERNEL_TIMEOUT)
        seen.reloaded = {index: ui.cell_text(page, index) for index in seen.typed}
        seen.download = _download(page, tmp_path_factory.mktemp("downloads"))
        seen.recorded = recorder
    return seen


def _notebook(url: str) -> str:
    return parse_qs(urlparse(url).query)["path"][0]


def _work(page: Page, seen: Learner, name: str) -> None:
    """Run every code cell top to bottom, answering as the solution does; before that, a misconception's
    number for the first count question and an endless function for the first function question."""
    released = json.loads((HTML / "lite" / "files" / name).read_text())["cells"]
    solved = _solutions(name)
    wrong_once = {"count": True, "function": True}
    for index, cell in enumerate(released):
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code":
            continue
        if meta.get("solution"):
            answer_index, answer_id = index, meta["grade_id"]
            _answer(page, seen, index, solved[answer_id])
            continue
        if not meta.get("grade"):
            ui.run(page, index, 60)
            continue
        question = get_question(_question_id(cell))
        if wrong_once.pop(question.kind, False):
            _try_wrong(page, seen, question, answer_index, index)
            _answer(page, seen, answer_index, solved[answer_id])
        ui.run(page, index, 60)
        seen.outputs[f"{question.kind} {question.id}"] = ui.output(page, index)
        seen.expected[f"{question.kind} {question.id}"] = "✓ Correct"


def _try_wrong(page: Page, seen: Learner, question, answer_index: int, check_index: int) -> None:
    """A wrong answer first: a misconception's number, or a counting function that never returns."""
    label = f"{question.kind} {question.id} wrong"
    if question.kind == "function":
        _answer(page, seen, answer_index, ENDLESS.format(name=question.function_name))
        seen.expected[label] = functions.TOO_SLOW
    else:
        number = next(n for n in (m.number(question.model, question.asks) for m in CATALOGUE)
                      if n is not None and verdict(question.id, n).mistake)
        _answer(page, seen, answer_index, f"answer = {number}")
        seen.expected[label] = verdict(question.id, number).mistake
    ui.run(page, check_index, 60)
    seen.outputs[label] = ui.output(page, check_index)


def _answer(page: Page, seen: Learner, index: int, code: str) -> None:
    ui.type_into(page, index, code)
    ui.run(page, index, 60)
    seen.typed[index] = code


def _solutions(name: str) -> dict[str, str]:
    """Answer cell id -> the solution's code, nbgrader's markers taken out."""
    path = ROOT / "solutions" / Path(name).stem / name
    cells = json.loads(path.read_text())["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"]: _unmarked("".join(c["source"]))
            for c in cells if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}


def _unmarked(code: str) -> str:
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return "\n".join(line for line in code.splitlines() if line.strip() not in markers)


def _question_id(cell: dict) -> str:
    return "".join(cell["source"]).split('"')[1]  # check("dense.seed.layer1", answer)


def _download(page: Page, folder: Path) -> Path | None:
    """File > Download, as a learner hands in; the file once Chromium has written it."""
    with page.expect_download(timeout=30_000) as started:
        ui.menu(page, "File", "Download")
    download = started.value
    if download.failure():
        return None
    target = folder / download.suggested_filename
    download.save_as(target)
    return target if target.suffix == ".ipynb" and target.stat().st_size > 0 else None


def test_the_button_opens_the_chapters_notebook(learner):
    """Does chapter 1's "Open in your browser" button open its exercise notebook in JupyterLite?"""
    assert "/lite/notebooks/" in learner.url and _notebook(learner.url) == "a01_the_question.ipynb"


def test_every_chapters_button_opens_that_chapters_notebook_as_released(built_book):
    """Does each chapter with an exercise notebook have a button to that notebook in the site, and is the
    site's copy exactly the file in exercises/?"""
    assert {p.parent.name for p in (ROOT / "exercises").glob("*/*.ipynb")} == set(ASSIGNMENTS.values())
    for chapter, assignment in ASSIGNMENTS.items():
        released = ROOT / "exercises" / assignment / f"{assignment}.ipynb"
        page = (HTML / f"{chapter}.html").read_text()
        assert f'href="../lite/notebooks/index.html?path={released.name}"' in page, f"{chapter}: no button"
        assert (HTML / "lite" / "files" / released.name).read_bytes() == released.read_bytes()


def test_one_setting_names_the_repository_everywhere(built_book):
    """Do the chapters' Binder buttons and the "Working the exercises" page name the repository of
    _config.yml's repository.url exactly when it is set (tests/book/test_site_settings.py checks both settings),
    and does the page warn about PyPI's autograder and offer the wheel, which needs no repository?"""
    url = (yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"] or "").rstrip("/")
    chapter = (HTML / "book" / "02-dense.html").read_text()
    assert ("mybinder.org/v2/gh/" in chapter) == bool(url)
    page = (HTML / "book" / "working-the-exercises.html").read_text()
    assert (not url or f'href="{url}"' in page) and "installs an unrelated project" in page
    wheel = re.search(r'href="\.\./(_downloads/[^"]+\.whl)"', page)
    assert wheel and zipfile.is_zipfile(HTML / wheel.group(1)), "no wheel to download"
    assert "autograder/grading/bank/verified.json" in zipfile.ZipFile(HTML / wheel.group(1)).namelist()


def test_every_question_kind_gets_its_verdict_in_the_browser(learner):
    """Does every check cell, of all three kinds, show the right verdict in the page: ✓ for the
    solutions, the misconception's code for its number, "did not return" for an endless function?"""
    kinds = {label.split()[0] for label in learner.outputs}
    assert kinds == {"count", "function", "budget"}
    assert {label for label in learner.outputs if label.endswith("wrong")} == {
        label for label in learner.expected if label.endswith("wrong")} != set()
    wrong = {label: (learner.expected[label], out) for label, out in learner.outputs.items()
             if learner.expected[label] not in out}
    assert not wrong, f"check cells without the expected verdict: {wrong}"


def test_work_survives_a_reload(learner):
    """After the autosave and a reload, is every answer the learner typed still in its cell?"""
    assert learner.reloaded == learner.typed


def test_the_download_is_the_notebook_a_course_grades(learner, tmp_path):
    """Is File > Download the notebook with the learner's answers, and does `python -m autograder grade`
    give it every autograded point?"""
    assert learner.download is not None, "no .ipynb was downloaded"
    graded = subprocess.run([sys.executable, "-m", "autograder", "grade", str(learner.download), "--json"],
                            capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    assert graded.returncode == 0, graded.stderr[-2000:]
    result = json.loads(graded.stdout)
    assert result["assignment"] == "a01_the_question"
    assert result["score"] == result["max_score"] > 0, result["questions"]  # the Explain question: by hand


def test_every_request_stays_on_127_0_0_1(learner, served_site):
    """Did the page, its kernel's worker and its service worker ask no other host for anything, and did
    the runtime, the kernel's snapshot and its packages' files (this package's among them) come from the site
    itself?"""
    site = served_site
    requested = set(learner.recorded.requests)
    assert requested and all(url.startswith((site, "data:", "blob:")) for url in requested), \
        f"requests outside the site: {sorted(u for u in requested if not u.startswith(site))}"
    # Playwright filters out every favicon request on purpose (microsoft/playwright#7493): the browser, not the
    # page, asks for /favicon.ico and the tab's icons, sometimes, so those never count as unseen.
    unseen = {path.split("?")[0] for path in _Site.served} - {url[len(site) - 1:].split("?")[0] for url in requested}
    unseen = {path for path in unseen if not (path.endswith(".ico") and "favicon" in path)}
    assert not unseen, f"served but not recorded (a worker not watched?): {sorted(unseen)}"
    served = {path.split("?")[0].rsplit("/", 1)[-1] for path in _Site.served}
    for wanted in ("pyodide.asm.wasm.gz", "python_stdlib.zip", "snapshot.bin.gz", "site-packages.bin.gz"):
        assert wanted in served, f"{wanted} was not served by the site"


def test_no_console_errors_or_failed_requests(learner, served_site):
    """Did the page and its workers log no error and get no failed request while the learner worked?"""
    assert not learner.recorded.problems(served_site.rstrip("/"))


def test_a_screenshot_is_kept(learner):
    """Is a screenshot of the worked notebook saved in test-artifacts/ for a human to look at?"""
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000
