"""The golden refresh: regenerate the bank's model configs with Keras.

``python -m autograder questions --refresh`` (or :func:`refresh`) rebuilds every model
from the builder functions in the bank modules and rewrites ``bank/models/*.json``;
``tests/keras/test_answer_keys.py`` fails when a committed file drifts from what Keras writes.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable

from .questions import ASSIGNMENTS, MODELS

__all__ = ["builders", "config_of", "refresh", "render"]


def builders() -> dict[str, Callable]:
    """Every bank model's builder, by model name (names are unique across assignments)."""
    found: dict[str, Callable] = {}
    for assignment in ASSIGNMENTS:
        module = importlib.import_module(f"autograder.grading.bank.{assignment}")
        for name, build in module.MODELS.items():
            if name in found:
                raise ValueError(f"bank model name {name!r} is used by two assignments")
            found[name] = build
    return found


def config_of(build: Callable) -> dict:
    """The Keras config (``model.to_json()``) of a freshly built model."""
    return json.loads(build().to_json())


def render(config: dict) -> str:
    """The committed text of a model config: stable key order, one item a line."""
    return json.dumps(config, indent=1, sort_keys=True) + "\n"


def refresh(only: str | None = None) -> list[str]:
    """Rewrite the model files (all, or the one named ``only``); returns the names changed."""
    MODELS.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, build in builders().items():
        if only and name != only:
            continue
        path = MODELS / f"{name}.json"
        text = render(config_of(build))
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(name)
    return changed


def write_verified() -> bool:
    """Rewrite ``bank/verified.json``: the live record of every bank model, by fingerprint."""
    from .questions import all_questions
    from .verify import COMMITTED, _measure, fingerprint

    models = {q.model_name: q.model for q in all_questions() if q.model is not None}
    records = {fingerprint(config): _measure(config) for config in models.values()}
    text = json.dumps(records, indent=1, sort_keys=True) + "\n"
    changed = not COMMITTED.exists() or COMMITTED.read_text() != text
    if changed:
        COMMITTED.write_text(text)
    return changed


def mistake_fixture(mistake) -> dict:
    """A mistake's fixture submission: its example question and the number its wrong formula gives."""
    from .questions import get_question

    question = get_question(mistake.example)
    if question.kind == "function":
        return {"code": mistake.code, "question": question.id, "answer": _wrong_calls(mistake, question)}
    answer = (mistake.budget_value(question) if question.kind == "budget"
              else mistake.example_number(question.model, question.asks))
    return {"code": mistake.code, "question": question.id, "answer": answer}


def _wrong_calls(mistake, question) -> dict:
    """A function question's sample submission: what a function written with the mistake returns on each of
    the question's graded calls, ``{"returns": [[arguments, result], ...]}`` (replayed by the tests)."""
    from .functions import cases

    returns = []
    for case in cases(question):
        wrong = mistake.function_number(question, case.full)
        returns.append([case.given, question.formula(**case.full).params.total if wrong is None else wrong])
    return {"returns": returns}


def write_fixtures(directory) -> list[str]:
    """Write ``<CODE>.json`` for every misconception into ``directory``; the codes changed."""
    from pathlib import Path

    from .misconceptions import CATALOGUE

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for mistake in CATALOGUE:
        path = directory / f"{mistake.code}.json"
        text = json.dumps(mistake_fixture(mistake), indent=1) + "\n"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(mistake.code)
    return changed
