"""The words of a verdict: what the learner sees in nbgrader or on the command line.

Feedback names the idea and the direction of the error, never the expected number for a
count or budget question. A misconception is named by one sentence, :func:`misconception`,
whatever the kind of question. :func:`used_keras_to_count` tells whether an answer cell let
Keras do the counting.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..reference import ModelCount
from .answers import describe

__all__ = ["GRADER_BUG", "KERAS_USED", "LIKELY", "MEETS_BUDGET", "Words", "budget_met", "correct", "counting_calls",
           "function_correct", "grader_bug", "misconception", "not_a_function", "unbuildable",
           "used_keras_to_count", "wrong_budget", "wrong_count", "wrong_function"]

GRADER_BUG = ("GRADER BUG (not your mistake): for question {question} {detail}. Your answer is "
              "accepted and loses no points. Please report this message to the course staff.")
KERAS_USED = ("Your answer cell asks Keras for the count ({calls}). The exercise is to derive the "
              "number yourself: replace the call by your own arithmetic.")

LIKELY = "Likely misconception"  # how a misconception is introduced, unless a kind says otherwise
MEETS_BUDGET = "Your value meets the budget under a known misconception"

_COUNTING = {"count_params", "summary", "count_layer"}
_COUNTER_MODULES = ("autograder.reference", "autograder.live")


@dataclass(frozen=True)
class Words:
    """Feedback in parts, so every place a learner reads it can lay it out: the ``headline`` (right or
    not yet, and the direction), the smallest failing ``case`` of a function, the sentence naming the
    ``misconception``, and a ``hint`` that points at the idea without giving the number."""

    headline: str
    case: str = ""
    misconception: str = ""
    hint: str = ""

    @property
    def text(self) -> str:
        """All of it as one paragraph (the words of ``Verdict.feedback``)."""
        return " ".join(part for part in (self.headline, self.case, self.misconception, self.hint) if part)


def correct(answer: int) -> str:
    return f"Correct: {answer:,}."


def grader_bug(question: str, detail: str) -> str:
    return GRADER_BUG.format(question=question, detail=detail)


def misconception(found, lead: str = LIKELY) -> str:
    """The sentence that names a misconception (a :class:`~autograder.grading.misconceptions.Diagnosis`):
    ``<lead> [CODE] in layer `name`: title. feedback`` (the layer only when it was made in one)."""
    return _named(found, lead).text


def _named(found, lead: str = LIKELY, headline: str = "", case: str = "") -> Words:
    where = f" in layer `{found.layer}`" if found.layer else ""
    mistake = found.mistake
    return Words(headline, case, f"{lead} [{mistake.code}]{where}: {mistake.title}.", mistake.feedback)


def wrong_count(answer: int, expected: int, asks: str, right: ModelCount, found=None) -> Words:
    """Feedback for a wrong number: the direction, then the misconception (a
    :class:`~autograder.grading.misconceptions.Diagnosis`) or where to look."""
    direction = "too high" if answer > expected else "too low"
    head = f"Not yet: {answer:,} is {direction}."
    if found is not None:
        return _named(found, headline=head)
    return Words(head, hint=_where_to_look(asks, right, answer, expected))


def budget_met(key: str, value: int) -> str:
    return f"Correct: {key}={value} meets the budget exactly."


def unbuildable(key: str, value: int, error: Exception) -> str:
    return f"With {key}={value} the model cannot be built: {error}. Choose another value."


def wrong_budget(knob: tuple[str, str], value: int, too_many: bool, found=None) -> Words:
    """Feedback for a knob value that misses the budget: the direction, then the misconception
    under which the value would meet it, or how to find the value."""
    layer, key = knob
    text = f"Not yet: with {key}={value}, `{layer}` gives the model {'too many' if too_many else 'too few'} parameters."
    if found is not None:
        return _named(found, MEETS_BUDGET, text)
    return Words(text, hint=f"Write the count as a function of `{key}` and solve for the target.")


def not_a_function(signature: str, answer: object) -> str:
    return f"Expected a function, `def {signature}: ...`, got {describe(answer)}."


def function_correct(cases: int) -> str:
    return f"Correct on all {cases} test cases."


def wrong_function(problem: str, found=None, name: str = "the function") -> Words:
    """Feedback for a function with a wrong result: the failing call, then the misconception."""
    head = f"Not yet: `{name}` is wrong on at least one call."
    return _named(found, headline=head, case=problem) if found is not None else Words(head, problem)


TERMS = {  # what a layer's count is made of, by class: the terms a learner re-derives one by one
    "Dense": "its kernel (inputs × units) and its bias", "EinsumDense": "its kernel and its bias",
    "Embedding": "one vector per token: input_dim × output_dim",
    "SimpleRNN": "its kernel, its recurrent kernel (units × units) and its bias",
    "LSTM": "its kernel, recurrent kernel and bias, for each of its 4 gates",
    "GRU": "its kernel, recurrent kernel and biases (two with reset_after), for each of its 3 gates",
    "BatchNormalization": "gamma and beta (trainable), then the moving mean and variance (non-trainable)",
    "LayerNormalization": "gamma and beta, one per normalized feature",
    "MultiHeadAttention": "the query, key, value and output kernels and their biases, per head",
    "Bidirectional": "the wrapped layer, twice (one copy per direction)",
}
_CONV_TERMS = "its kernel (kernel size × input channels ÷ groups × filters) and its bias"


def _terms(class_name: str) -> str:
    if class_name in TERMS:
        return TERMS[class_name]
    return _CONV_TERMS if "Conv" in class_name else "each of its weights (kernel, bias, any extra state)"


def _where_to_look(asks: str, right: ModelCount, answer: int = 0, expected: int = 0) -> str:
    """No misconception matched: name the layer to re-derive and the terms it is made of."""
    if asks.startswith("layer:"):
        layer = right.layer(asks.removeprefix("layer:"))
        return (f"Re-derive layer `{layer.name}` ({layer.class_name}) from its input shape, term by term: "
                f"{_terms(layer.class_name)}.")
    weighted = [layer for layer in right.layers if layer.params.total]
    gap = abs(answer - expected)
    suspect = max(weighted, key=lambda layer: layer.params.total, default=None)  # the most terms to slip on
    if weighted and gap >= min(layer.params.total for layer in weighted):  # a gap the size of a layer: that one
        suspect = min(weighted, key=lambda layer: abs(layer.params.total - gap))
    start = (f" Check `{suspect.name}` ({suspect.class_name}) first, term by term: {_terms(suspect.class_name)}."
             if suspect else "")
    split = {"trainable": " Count only trainable weights.",
             "non_trainable": " Count only non-trainable weights."}.get(asks, "")
    return f"Re-derive each layer's count from its input shape and add them up.{start}{split}"


def used_keras_to_count(source_code: object) -> bool:
    """Does this cell's code ask Keras (or the reference counter) for the count?

    Looks, in the syntax tree, for method calls ``x.count_params()``, ``x.summary()`` or
    ``x.count_layer()`` and for uses of ``autograder.reference`` / ``autograder.live``. A learner's
    own function named ``summary`` or ``count_layer``, called by its bare name, is not flagged.
    IPython magics and shell lines are ignored; code that does not parse is searched as text. Only calls
    spelled out in this cell are seen (not one in another cell, under another name, or through getattr)."""
    return bool(counting_calls(source_code))


def counting_calls(source_code: object) -> list[str]:
    """The counting calls found in a cell (see :func:`used_keras_to_count`)."""
    if not isinstance(source_code, str):
        return []
    lines = [line for line in source_code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return sorted({f"{name}()" for name in re.findall(r"\.\s*(count_params|summary|count_layer)\s*\(",
                                                            source_code)})
    return sorted({found for node in ast.walk(tree) for found in _counting(node)})


def _counting(node: ast.AST):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _COUNTING:
        yield f"{node.func.attr}()"
    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(_COUNTER_MODULES):
        yield f"from {node.module} import ..."
    if isinstance(node, ast.ImportFrom) and node.module == "autograder":
        for alias in node.names:
            if alias.name in ("reference", "live"):
                yield f"autograder.{alias.name}"
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith(_COUNTER_MODULES):
                yield f"import {alias.name}"
    if isinstance(node, ast.Attribute) and node.attr in ("reference", "live") and _is_name(node.value, "autograder"):
        yield f"autograder.{node.attr}"


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
