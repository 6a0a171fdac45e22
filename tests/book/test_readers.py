"""The book as its readers see it: practice, pictures, glossary links, pages that fit, and accessibility.

The first tests read the chapters' sources (fast, no build). The browser tests open every published page in
headless Chromium at a desktop width (1280 px) and a phone width (390 px): each chapter has check-yourself
exercises whose solutions are folded in dropdowns and captioned figures with real alt text, no code output is
wider than its box, no page scrolls sideways, and axe-core (fetched from the npm registry, see tests/book/axe.py)
finds no serious or critical accessibility violation.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.book.axe import AXE_RUN, axe_source
from tests.book.browser import chromium, open_quietly
from tests.book.building import ROOT, published_pages

CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("[0-9][0-9]-*.md"))  # the preface and every chapter
# Words that a chapter may use in another sense: "head" is also a model's output layer ("a new head").
OTHER_SENSES = {"Head": {"00-preface", "03-trainable", "08-functional"}}
WIDTHS = (1280, 390)
MIN_ALT_WORDS = 8  # alt text that says what a figure shows, not "image" or a file path

ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<([^>`]+)>)?`")
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def _source(chapter: str) -> str:
    return (ROOT / "book" / f"{chapter}.md").read_text()


def _glossary_terms() -> list[str]:
    """The terms defined in the glossary: unindented lines inside its {glossary} block."""
    block = _source("glossary").split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith(" ")]


def _reading_text(text: str) -> str:
    """The prose a reader reads, in order: no front matter, code, headings, quotes or directive lines.

    Each {term} role becomes a marker ⟦term⟧ naming the glossary entry it links to; other inline code is dropped."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"^```(?!\{).*?^```\s*$", "", CELL.sub("", text), flags=re.S | re.M)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(("#", ">", "```", ":", "|"))]
    text = ROLE.sub(lambda m: f" ⟦{(m.group(2) or m.group(1)).strip().lower()}⟧ ", "\n".join(lines))
    return re.sub(r"\$[^$]*\$|`[^`]*`", " ", text)


def _unlinked_first_uses(chapter: str) -> list[str]:
    """Glossary terms whose first use in the chapter's prose is not a link to the glossary."""
    text, unlinked = _reading_text(_source(chapter)), []
    for term in _glossary_terms():
        if chapter in OTHER_SENSES.get(term, ()):
            continue
        plural = "" if term.endswith("s") else "s?"
        word = re.search(rf"(?<![\w-]){re.escape(term.lower())}{plural}(?![\w-])", text, re.I)
        link = text.find(f"⟦{term.lower()}⟧")
        if word and (link < 0 or word.start() < link):
            unlinked.append(f"{term!r} first used unlinked: …{text[max(word.start() - 40, 0):word.end() + 20]!r}…")
    return unlinked


def _section(text: str, title: str) -> str:
    """The markdown of one `## title` section, up to the next `## ` heading."""
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return found.group(1) if found else ""


def _figure_cells(text: str) -> list[dict]:
    """The metadata of every code cell that draws a figure (matplotlib or book/_figures.py)."""
    cells = []
    for body in CELL.findall(text):
        if "plt." in body or "_figures." in body:
            header = re.match(r"---\n(.*?)\n---\n", body, re.S)
            cells.append(yaml.safe_load(header.group(1)) if header else {})
    return cells


def test_glossary_terms_are_found():
    """Does the glossary parse into its terms (so the link test below checks something)?"""
    terms = _glossary_terms()
    assert len(terms) >= 20 and "Parameter" in terms and "Batch dimension" in terms, terms


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_first_use_of_each_glossary_term_links_the_glossary(chapter):
    """Does every glossary term, the first time a chapter uses it, link to its glossary entry?"""
    unlinked = _unlinked_first_uses(chapter)
    assert not unlinked, f"{chapter}: add {{term}} at the first use:\n" + "\n".join(unlinked)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_check_yourself_exercises(chapter):
    """Does each chapter have a "Check yourself" section of 3–6 questions, each with its solution in a
    dropdown, and numbers glued from code rather than typed?"""
    section = _section(_source(chapter), "Check yourself")
    assert section, f"{chapter}: no '## Check yourself' section"
    solutions = re.findall(r"^ *:::+\{dropdown\} Solution", section, re.M)
    assert 3 <= len(solutions) <= 6, f"{chapter}: {len(solutions)} solutions in dropdowns, expected 3 to 6"
    assert section.count("{glue:text}") >= len(solutions), f"{chapter}: the solutions' numbers are not glued"


@pytest.mark.parametrize("chapter", CHAPTERS[1:])
def test_chapter_has_captioned_figures_with_alt_text(chapter):
    """Does each chapter draw at least one figure, and is every figure numbered (named), captioned, and
    described by alt text of a real sentence?"""
    figures = _figure_cells(_source(chapter))
    assert figures, f"{chapter}: no figure"
    for meta in figures:
        mystnb = meta.get("mystnb", {})
        figure, alt = mystnb.get("figure", {}), mystnb.get("image", {}).get("alt", "")
        assert figure.get("caption") and figure.get("name"), f"{chapter}: a figure without a caption or name"
        assert len(alt.split()) >= MIN_ALT_WORDS, f"{chapter}: figure {figure.get('name')} has alt text {alt!r}"


def test_diagrams_are_drawn_by_code_at_build_time():
    """Does every chapter draw a diagram of what it counts with book/_figures.py, from the model's sizes?"""
    missing = [c for c in CHAPTERS[1:] if "_figures." not in _source(c)]
    assert not missing, f"chapters with no diagram drawn by code: {missing}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_text_is_printed_on_both_sides_of_a_summary(chapter):
    """Does no code cell print text both before and after a summary() table? The book merges a cell's printed
    text into one block at its first print, so text printed after the table would show above it."""
    offenders = []
    for body in CELL.findall(_source(chapter)):
        summaries = [m.start() for m in re.finditer(r"\.summary\(", body)]
        prints = [m.start() for m in re.finditer(r"^\s*(?:print|derive|show|run_cli)\(", body, re.M)]
        if summaries and any(p < summaries[0] for p in prints) and any(p > summaries[0] for p in prints):
            offenders.append(body.strip().splitlines()[0])
    assert not offenders, f"{chapter}: split these cells after summary():\n" + "\n".join(offenders)


# ---- In the browser ------------------------------------------------------------------------------------------

READER_FACTS = """(() => {
  const section = document.querySelector('section#check-yourself');
  const dropdowns = section ? [...section.querySelectorAll('details.sd-dropdown')] : [];
  const figures = [...document.querySelectorAll('figure')].filter(f => f.querySelector('img'));
  return {
    dropdowns: dropdowns.length,
    openDropdowns: dropdowns.filter(d => d.open).length,
    figures: figures.map(f => ({
      alt: f.querySelector('img').getAttribute('alt') || '',
      number: (f.querySelector('.caption-number') || {}).textContent || '',
      caption: (f.querySelector('.caption-text') || {}).textContent || '',
    })),
  };
})()"""
OVERFLOWS = """[...document.querySelectorAll('.cell_output pre, .cell_output table, .cell_output img')]
  .filter(e => e.offsetParent !== null)
  .filter(e => e.scrollWidth > e.clientWidth + 1
            || e.getBoundingClientRect().right > e.closest('.cell_output').getBoundingClientRect().right + 1)
  .map(e => `${e.tagName} ${e.scrollWidth}px in ${e.clientWidth}px: ${e.textContent.trim().slice(0, 60)}`)"""
# The whole page wider than the window, and what sticks out: the outermost elements past the right edge that
# are not inside a box with its own scroll bar (a code block scrolls by itself; the page must not).
PAGE_WIDER = """(() => {
  const page = document.documentElement, width = page.clientWidth;
  if (page.scrollWidth <= width) return [];
  const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
  const out = [...document.body.querySelectorAll('*')].filter(e => e.offsetParent !== null
    && e.getBoundingClientRect().right > width + 1 && !scrolls(e)
    && e.parentElement.getBoundingClientRect().right <= width + 1);
  const right = e => Math.round(e.getBoundingClientRect().right);
  return [`page ${page.scrollWidth}px in ${width}px`, ...out.map(e =>
    `${e.tagName}.${e.className} to ${right(e)}px: ${e.textContent.trim().slice(0, 60)}`)];
})()"""


@pytest.fixture(scope="module")
def readings(site, tmp_path_factory):
    """Each published page, read at each width: what it shows (1280 px), what overflows, and axe's findings."""
    axe = axe_source()
    found = {}
    for width in WIDTHS:
        with chromium(tmp_path_factory.mktemp("chromium-readers"), timeout=120,
                      viewport={"width": width, "height": 900}, is_mobile=width < 600) as (page, _):
            for name in published_pages():
                open_quietly(page, site + name)
                found[name, width] = {"overflows": page.evaluate(OVERFLOWS), "wider": page.evaluate(PAGE_WIDER),
                                      "axe": page.evaluate(axe + AXE_RUN),
                                      **page.evaluate(READER_FACTS)}
    return found


def _chapter_pages(readings) -> dict[str, dict]:
    return {page: facts for (page, width), facts in readings.items()
            if width == WIDTHS[0] and re.match(r"book/\d\d-", page)}


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_every_chapter_page_has_folded_solutions(readings):
    """Does every chapter's page show its check-yourself questions with the solutions folded away?"""
    pages = _chapter_pages(readings)
    assert len(pages) == len(CHAPTERS), f"chapter pages published: {sorted(pages)}"
    for page, facts in pages.items():
        assert facts["dropdowns"] >= 3, f"{page}: {facts['dropdowns']} solution dropdowns in Check yourself"
        assert facts["openDropdowns"] == 0, f"{page}: a solution is shown before the reader opens it"


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
def test_every_figure_is_numbered_captioned_and_described(readings):
    """Does every chapter show a numbered, captioned figure, each image with alt text that describes it?"""
    for page, facts in _chapter_pages(readings).items():
        if "00-preface" not in page:
            assert facts["figures"], f"{page}: no captioned figure"
        for figure in facts["figures"]:
            assert figure["number"].startswith("Fig.") and figure["caption"], f"{page}: {figure}"
            alt = figure["alt"]
            assert len(alt.split()) >= MIN_ALT_WORDS and "/" not in alt, f"{page}: alt text {alt!r}"


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
@pytest.mark.parametrize("width", WIDTHS)
def test_no_code_output_is_wider_than_its_box(readings, width):
    """At a desktop and a phone width, does every code output (derivations, summary() tables, figures) fit
    its box, so that no number is hidden past the right edge?"""
    failures = {page: facts["overflows"] for (page, w), facts in readings.items() if w == width and facts["overflows"]}
    assert not failures, f"outputs wider than their box at {width} px:\n" + "\n".join(
        f"{page}: {line}" for page, lines in failures.items() for line in lines)


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(readings, width):
    """At a desktop and a phone width, is every published page (the chapters, the reference pages, the index)
    no wider than the window, so that nothing needs a sideways scroll?"""
    assert {page for page, w in readings if w == width} == set(published_pages()), "a page was not read"
    failures = {page: facts["wider"] for (page, w), facts in readings.items() if w == width and facts["wider"]}
    assert not failures, f"{len(failures)} pages scroll sideways at {width} px:\n" + "\n".join(
        f"{page}: {line}" for page, lines in failures.items() for line in lines)


@pytest.mark.slow
@pytest.mark.xdist_group("kernels")
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_violation(readings, width):
    """Does axe-core find no serious or critical accessibility violation on any page, at either width?"""
    failures = {page: facts["axe"] for (page, w), facts in readings.items() if w == width and facts["axe"]}
    assert not failures, f"axe-core violations at {width} px:\n" + "\n".join(
        f"{page}: {line}" for page, lines in failures.items() for line in lines)
