"""Small constructors the bank modules use to declare their questions.

Each bank module (one per assignment) defines ``MODELS``, a dict from model name to a
builder function returning a Keras model (used only by ``questions --refresh`` and the
tests), and ``questions()``, the list of its questions built with :class:`Bank`.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable

from .. import variants
from ..kinds import BudgetQuestion, CountQuestion, FunctionQuestion
from ..questions import Arg, load_model

__all__ = ["Arg", "Bank"]


class Bank:
    """Question constructors for one assignment: ``bank = Bank("a02_dense")``."""

    def __init__(self, assignment: str):
        self.assignment = assignment

    def count(self, question_id: str, model_name: str, asks: str, prompt: str) -> CountQuestion:
        """Derive a number about a bank model: ``asks`` is total, trainable, non_trainable or layer:<name>.
        ``{size}`` in the prompt names one of the model's varying sizes (its template's)."""
        return _canonical(CountQuestion(question_id, self.assignment, asks, prompt, model=load_model(model_name),
                                        model_name=model_name, **self._varies(model_name, prompt)))

    def function(self, question_id: str, signature: str, arguments: tuple[Arg, ...],  # noqa: PLR0917
                 formula: Callable, layer: Callable, prompt: str) -> FunctionQuestion:  # (the bank reads best in order)
        """Implement ``signature``; ``formula(**args)`` gives the reference Derivation and
        ``layer(**args)`` the ``(class_name, config, input_shape)`` it describes."""
        return FunctionQuestion(question_id, self.assignment, "total", prompt, signature=signature,
                                arguments=arguments, formula=formula, layer=layer)

    def budget(self, question_id: str, model_name: str, asks: str, knob: tuple[str, str],
               prompt: str) -> BudgetQuestion:
        """Choose ``knob`` = (layer name, config key); ``{target}`` in the prompt is filled in."""
        return _canonical(BudgetQuestion(question_id, self.assignment, asks, prompt, model=load_model(model_name),
                                         model_name=model_name, knob=knob, **self._varies(model_name, prompt)))

    def _varies(self, model_name: str, prompt: str) -> dict:
        """The template of a model (from the assignment module's ``TEMPLATES``) and the prompt's."""
        module = importlib.import_module(f"autograder.grading.bank.{self.assignment}")
        return {"template": getattr(module, "TEMPLATES", {}).get(model_name), "text": prompt}


def _canonical(question):
    """The question with the bank's own sizes filled in (what the book and self-study show)."""
    sizes = variants.canonical(question.template, question.model) if question.template else {}
    sized = dataclasses.replace(question, sizes=sizes)
    return dataclasses.replace(sized, prompt=sized.fill(question.text))
