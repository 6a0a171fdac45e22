"""The autograded questions: what each asks, about which model, and its answer key.

A question is one of three kinds:

- ``count``: derive a number about the question's model. ``asks`` is ``total``,
  ``trainable``, ``non_trainable`` or ``layer:<layer name>`` (that layer's total).
- ``function``: implement a counting function (``signature``); the learner's callable is
  run on many seeded random arguments and compared with the reference ``formula``.
- ``budget``: choose the value of one ``knob`` (a layer's config key) so that the model's
  ``asks`` quantity equals ``target``; the model is rebuilt with the value and counted.

:class:`Question` holds what every kind has; each kind is a subclass that grades its own
answers (:mod:`autograder.grading.kinds`), and ``question.kind`` names it.

The key is never stored: it is computed by :func:`autograder.reference.count` from the
model's Keras config (``bank/models/<model_name>.json``), and verified against live Keras
(:mod:`autograder.grading.verify`).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import ClassVar

from ..errors import QuestionError
from ..reference import ModelCount, ParamCount
from . import variants
from .variants import Template
from .verdict_type import Verdict

__all__ = ["ASSIGNMENTS", "KINDS", "MANUAL", "POINTS", "Arg", "Question", "all_questions", "amount", "get_question",
           "load_model", "with_knob", "with_knob_in"]

ASSIGNMENTS = ("a01_the_question", "a02_dense", "a03_trainable", "a04_convolutions",
               "a05_embeddings_normalization", "a06_recurrent", "a07_attention", "a08_functional",
               "a09_language_models", "a10_fine_tuning_memory")
KINDS = ("count", "function", "budget")  # one class each in .kinds: CountQuestion, FunctionQuestion, BudgetQuestion
POINTS = {"count": 1.0, "function": 2.0, "budget": 2.0}  # what a test cell of each kind is worth
MANUAL = {"explain": 2.0}  # the hand-graded cell of every assignment: grade_id → points
MODELS = Path(__file__).parent / "bank" / "models"


@dataclass(frozen=True)
class Arg:
    """One argument of a function question: its name and the values it is drawn from.

    ``default`` is the signature's default (``None`` if it has none); arguments with a
    default are sometimes left out, so the learner's default is tested too."""

    name: str
    values: tuple | range
    default: object = None

    @property
    def optional(self) -> bool:
        return self.default is not None


@dataclass(frozen=True, eq=False)
class Question(ABC):
    """One autograded question (see the module docstring for the three kinds).

    Abstract: the bank builds a :class:`~autograder.grading.kinds.CountQuestion`,
    ``FunctionQuestion`` or ``BudgetQuestion``, which sets ``kind`` and grades answers."""

    kind: ClassVar[str]  # "count", "function" or "budget"
    id: str
    assignment: str
    asks: str
    prompt: str
    model: dict | None = None
    model_name: str | None = None
    signature: str | None = None
    arguments: tuple[Arg, ...] = ()
    formula: Callable | None = field(default=None, repr=False)
    layer: Callable | None = field(default=None, repr=False)
    knob: tuple[str, str] | None = None
    template: Template | None = field(default=None, repr=False)  # how the model varies per learner
    text: str = ""  # the prompt with {size} placeholders ("" : ``prompt`` as it is)
    sizes: dict = field(default_factory=dict)  # this variant's sizes by name (canonical: the bank's)
    varied: bool = False  # a learner's variant (its key checked against Keras by the tests' samples, not here)

    @abstractmethod
    def grade(self, answer: object, *, hidden: bool = False) -> Verdict:
        """The verdict on ``answer``; ``hidden`` (function questions) draws other arguments."""

    @property
    def grade_id(self) -> str:
        """The nbgrader grade_id of this question's test cell (its id with dashes)."""
        return self.id.replace(".", "-")

    @property
    def answer_cell(self) -> str:
        """The grade_id of the cell the learner writes the answer in."""
        return f"{self.grade_id}-answer"

    @property
    def points(self) -> float:
        return POINTS[self.kind]

    @property
    def variable(self) -> str:
        """The name the answer is read from: ``answer`` (a function question: the function's name)."""
        return "answer"

    @property
    def function_name(self) -> str | None:
        return self.signature.partition("(")[0] if self.signature else None

    @property
    def target(self) -> int | None:
        """A budget question's target (None for the other kinds)."""
        return None

    @property
    def solution(self) -> int | None:
        """The one whole number that answers this question, where there is exactly one (a count; a
        budget's knob value as stored in its model), else None (a function). No feedback, no diagnosis:
        cheap enough to ask of every classmate's variant when tracing a copied answer."""
        return None

    @property
    def varies(self) -> bool:
        """Whether learners get their own numbers for this question (function questions never do:
        their hidden cases are drawn per learner already)."""
        return self.template is not None and bool(self.template.sizes)

    def variant(self, key: str | None) -> Question:
        """This question as the learner with ``key`` sees it (itself for no key, or if it does not vary)."""
        if key is None or not self.varies:
            return self
        return _variant(self, key)

    def _with_sizes(self, sizes: dict) -> Question:
        """A copy with ``sizes`` written into the model and the prompt."""
        varied = dataclasses.replace(self, model=variants.patch(self.model, self.template, sizes), sizes=sizes)
        return dataclasses.replace(varied, prompt=varied.fill(self.text or self.prompt))

    @property
    def shown_sizes(self) -> dict:
        """The sizes a learner's ``show`` returns: what the prompt and code show (a budget question:
        its target, never the knob's value)."""
        return {k: v for k, v in self.sizes.items() if not k.startswith("_")}

    def fill(self, text: str) -> str:
        """``text`` with this variant's sizes (and a budget's target) in place of ``{name}``."""
        return text.format(**self.sizes)

    def _sound(self, sizes: dict) -> bool:
        """Whether a draw makes a question worth asking (a budget: exactly one solution)."""
        return True

    def to_dict(self) -> dict:
        """The JSON form printed by ``python -m autograder questions --json``."""
        out = {"id": self.id, "assignment": self.assignment, "kind": self.kind, "asks": self.asks,
               "model": self.model, "prompt": self.prompt}
        out.update(self._details())
        return out

    def _details(self) -> dict:
        """What this kind adds to :meth:`to_dict`."""
        return {}


@lru_cache(maxsize=4096)  # a class's variants of one assignment, while it is graded
def _variant(question: Question, key: str) -> Question:
    sizes = variants.draw(question.template, key, question.assignment, question.model_name, question._sound)
    return dataclasses.replace(question._with_sizes(sizes), varied=True)


def amount(counted: ModelCount, asks: str) -> int:
    """The quantity a question asks for, read from a model's count."""
    if asks.startswith("layer:"):
        return counted.layer(asks.removeprefix("layer:")).params.total
    params: ParamCount = counted.params
    if asks in ("total", "trainable", "non_trainable"):
        return getattr(params, asks)
    raise QuestionError(f"a question asks for {asks!r}; expected total, trainable, non_trainable "
                        "or layer:<layer name>")


def load_model(name: str) -> dict:
    """A bank model's Keras config, read from ``bank/models/<name>.json``."""
    path = MODELS / f"{name}.json"
    if not path.exists():
        raise QuestionError(f"the question bank has no model file {path.name}; regenerate the bank "
                            "models with `python -m autograder questions --refresh`")
    return json.loads(path.read_text())


def with_knob(question: Question, value: int) -> dict:
    """A budget question's model with its knob set to ``value`` (a fresh copy)."""
    return with_knob_in(question.model, question.knob, value)


def with_knob_in(model: dict, knob: tuple[str, str], value: int) -> dict:
    """``model`` with the layer config key ``knob`` = (layer name, key) set to ``value`` (a fresh copy)."""
    model = copy.deepcopy(model)
    layer_name, key = knob
    config = _find_layer(model, layer_name)
    old = config.get(key)
    config[key] = [value] * len(old) if isinstance(old, list) else value
    return model


def _find_layer(model: dict, name: str) -> dict:
    """The config of the layer called ``name`` anywhere in a model (nested models included)."""
    return variants.layer_config(model, name)


@cache
def _bank() -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for assignment in ASSIGNMENTS:
        module = importlib.import_module(f"autograder.grading.bank.{assignment}")
        for question in module.questions():
            if question.id in questions:
                raise QuestionError(f"the question id {question.id!r} is defined twice in the bank")
            questions[question.id] = question
    return questions


def all_questions(assignment: str | None = None) -> list[Question]:
    """Every autograded question, in book order (or one assignment's)."""
    return [q for q in _bank().values() if assignment in (None, q.assignment)]


def get_question(question_id: object) -> Question:
    """The question with this id; :class:`QuestionError` with the known ids if there is none."""
    questions = _bank()
    if isinstance(question_id, str) and question_id in questions:
        return questions[question_id]
    prefix = question_id.split(".")[0] if isinstance(question_id, str) else ""
    near = [q for q in questions if q.startswith(prefix + ".")] if prefix else []
    hint = f"; ids starting with {prefix!r}: {', '.join(near)}" if near else (
        "; list them with `python -m autograder questions`")
    raise QuestionError(f"unknown question id {question_id!r}{hint}")
