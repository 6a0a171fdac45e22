"""The book's sources and configuration, read as text: fast checks that need neither Keras nor a build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.book.building import ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
EXPECTED_ORDER = [
    "book/00-preface", "book/01-the-question", "book/02-dense", "book/03-trainable", "book/04-convolutions",
    "book/05-embeddings-normalization", "book/06-recurrent", "book/07-attention", "book/08-functional",
    "book/09-counting-without-building", "book/10-language-models", "book/11-fine-tuning-compression",
    "book/12-memory-compute", "book/13-keras-vs-pytorch", "book/working-the-exercises", "book/deploying",
    "book/appendix-formulas", "book/glossary",
]
ASSIGNMENTS = {  # chapter → its nbgrader assignment id
    "book/01-the-question": "a01_the_question", "book/02-dense": "a02_dense", "book/03-trainable": "a03_trainable",
    "book/04-convolutions": "a04_convolutions", "book/05-embeddings-normalization": "a05_embeddings_normalization",
    "book/06-recurrent": "a06_recurrent", "book/07-attention": "a07_attention", "book/08-functional": "a08_functional",
    "book/10-language-models": "a09_language_models", "book/11-fine-tuning-compression": "a10_fine_tuning_memory",
    "book/12-memory-compute": "a10_fine_tuning_memory",
}
CHAPTERS = [name for name in EXPECTED_ORDER if re.match(r"book/(0[1-9]|1\d)-", name)]
NO_CODE = ("book/working-the-exercises", "book/appendix-formulas", "book/glossary")  # reference pages that run none
NOTEBOOKS = [name for name in EXPECTED_ORDER if name not in NO_CODE]
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def _toc_files() -> list[str]:
    return [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]


def _source(name: str) -> str:
    path = ROOT / f"{name}.md"
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is listed in _toc.yml but does not exist")
    return path.read_text()


def _cells(text: str) -> list[tuple[set[str], str]]:
    """Each code cell's tags and source, from the `:tags:` option or the YAML block of a MyST notebook."""
    cells = []
    for body in CELL.findall(text):
        tags = re.search(r"^:?tags:\s*\[([^\]]*)\]", body, re.M)
        cells.append(({t.strip() for t in tags.group(1).split(",")} if tags else set(), body))
    return cells


def _prose(text: str) -> list[str]:
    """Lines outside the front matter and code: markdown the reader reads as sentences."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"^```(?!\{).*?^```\s*$", "", CELL.sub("", text), flags=re.S | re.M)  # code cells first
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith(("```", ":", "|"))]
    return [re.sub(r"^\s*\d+\.\s+", "", line) for line in lines]  # "1. " numbers a list item, it ends no sentence


def test_toc_lists_every_chapter_in_order():
    """Does _toc.yml list the preface, chapters 1–9, "Working the exercises", "Deploying the course", the appendix
    and the glossary, in that order?"""
    assert _toc_files() == EXPECTED_ORDER


def test_only_toc_files_are_built():
    """Is the build limited to the table of contents, so solutions/ and tests/ are never published?"""
    assert CONFIG["only_build_toc_files"] is True
    for folder in ("solutions", "exercises", "tests", ".venv", "_build"):
        assert folder in CONFIG["exclude_patterns"], f"{folder} is not excluded from the book"


def test_execution_is_strict_and_patient():
    """Are notebooks executed with a cache, no allow_errors, and a cell timeout long enough for TensorFlow?"""
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert execute["allow_errors"] is False
    assert execute["timeout"] >= 300


def test_math_is_served_locally():
    """Does MathJax come from book/_static rather than a CDN, and is the file there?"""
    sphinx = CONFIG["sphinx"]["config"]
    path = sphinx["mathjax_path"]
    assert not path.startswith(("http:", "https:", "//")), f"mathjax_path {path} needs the internet"
    static = [ROOT / folder for folder in sphinx["html_static_path"]]
    assert any((folder / path).is_file() for folder in static), f"{path} is not in {static}"
    assert "sphinx_thebe" not in sphinx["extensions"], "sphinx_thebe loads thebe from unpkg.com"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_quiets_tensorflow_first(name):
    """Does the chapter's first code cell, removed from the page, set TensorFlow's log variables before Keras loads?"""
    tags, body = _cells(_source(name))[0]
    assert "remove-cell" in tags, f"{name}: the first code cell is not tagged remove-cell"
    for line in ('os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"', 'os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"'):
        assert line in body, f"{name}: the first cell does not set {line}"
    assert "import keras" not in body.split("TF_ENABLE_ONEDNN_OPTS")[0], f"{name}: Keras is imported first"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_opens_with_objectives_and_closes_with_summary(name):
    """Does the chapter state learning objectives before its first section, and end with a summary?"""
    text = _source(name)
    first_section = text.index("\n## ")
    assert "Learning objectives" in text[:first_section], f"{name}: no learning objectives before the first section"
    assert re.search(r"^## Summary", text, re.M), f"{name}: no '## Summary' section"


@pytest.mark.parametrize("name", list(ASSIGNMENTS))
def test_chapter_links_its_exercise_notebook(name):
    """Does the chapter offer its exercise notebook from exercises/ as a download?"""
    assignment = ASSIGNMENTS[name]
    target = f"../exercises/{assignment}/{assignment}.ipynb"
    assert re.search(r"\{download\}`[^`]*<" + re.escape(target) + ">`", _source(name)), (
        f"{name}: no {{download}} link to {target}")


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_checks_its_models_against_keras(name):
    """Does a removed cell compare the reference counter with live count_params(), and are numbers glued?"""
    cells = _cells(_source(name))
    removed = "\n".join(body for tags, body in cells if "remove-cell" in tags)
    assert "count_params()" in removed and "reference" in removed, (
        f"{name}: no removed cell compares reference.count with count_params()")
    assert "glue(" in removed, f"{name}: no number is glued into the prose"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_chapter_allows_errors(name):
    """Does no chapter switch on allow_errors (a cell meant to fail is tagged raises-exception instead)?"""
    text = _source(name)
    assert "allow_errors" not in text and "allow-errors" not in text, f"{name}: allow_errors is not allowed"


def test_seed_model_error_is_shown_as_asked():
    """Does chapter 1 run `keras.Input(shape=(256))` as asked, in a cell tagged raises-exception?"""
    failing = [body for tags, body in _cells(_source("book/01-the-question")) if "raises-exception" in tags]
    assert any("keras.Input(shape=(256))" in body for body in failing)


@pytest.mark.parametrize("name", EXPECTED_ORDER)
def test_prose_has_one_sentence_per_line(name):
    """Does each line of prose hold at most one sentence, so that diffs stay readable?"""
    two = re.compile(r"[a-z0-9)`*][.!?] +[A-Z][a-z]")
    offenders = [line for line in _prose(_source(name)) if two.search(re.sub(r"`[^`]*`", "``", line))]
    assert not offenders, f"{name}: lines with two sentences:\n" + "\n".join(offenders[:10])


@pytest.mark.parametrize("name", EXPECTED_ORDER)
def test_no_hand_typed_counts_in_prose(name):
    """Is every parameter count in the prose glued from code, never typed ("539 parameters")?"""
    typed = re.compile(r"(?<![\w.,])\d[\d,]*\s+(?:(?:non-)?trainable\s+)?param", re.I)
    offenders = [line for line in _prose(_source(name)) if typed.search(re.sub(r"`[^`]*`", "``", line))]
    assert not offenders, f"{name}: counts typed by hand (glue them):\n" + "\n".join(offenders[:10])


def test_static_files_are_small():
    """Is book/_static small enough to commit (the bundled MathJax is about 2.3 MB)?"""
    size = sum(p.stat().st_size for p in Path(ROOT / "book" / "_static").rglob("*") if p.is_file())
    assert size < 3_000_000, f"book/_static holds {size:,} bytes"
