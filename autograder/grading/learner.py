"""``show``: a question as this learner sees it, rendered in the notebook, and its sizes to compute with.

A released notebook is the same file for everyone; its locked cell ``q1 = show("dense.mlp.hidden")``
renders the learner's own variant (prompt and model code, as Markdown) and returns its sizes
(``q1.hidden``, ``q1.inputs``...). Whose variant it is comes from, in order:

1. ``practice("any words")`` called earlier in the notebook (self-study: numbers of your own);
2. the ``AUTOGRADER_LEARNER_KEY`` environment variable (a course's JupyterHub sets it per learner,
   from the course secret: :func:`~.variants.learner_key`);
3. none: the book's own numbers (the canonical models).

``show(..., fixed=True)`` (an assignment whose variants the course turned off) always shows the
book's numbers, and ``check`` then grades against them. While a notebook is being graded, the
grader passes each question's sizes in ``AUTOGRADER_SIZES``; the verdicts are decided outside.
"""

from __future__ import annotations

import json
import os
from types import MappingProxyType

from .questions import Question, get_question
from .variants import student_of

__all__ = ["ENV_KEY", "ENV_SIZES", "Sizes", "current_key", "learner_question", "practice", "render", "show"]

ENV_KEY = "AUTOGRADER_LEARNER_KEY"
ENV_SIZES = "AUTOGRADER_SIZES"
BUDGET_NOTE = "Set `answer` to the value you choose (not to the parameter count)."
_state: dict = {"practice": None, "fixed": set()}


class Sizes:
    """A variant's sizes, read-only: ``q.hidden``; ``dict(q)`` for all of them."""

    def __init__(self, sizes: dict):
        object.__setattr__(self, "_sizes", MappingProxyType({k: v for k, v in sizes.items()
                                                             if not k.startswith("_")}))

    def __getattr__(self, name: str):
        try:
            return self._sizes[name]
        except KeyError:
            raise AttributeError(f"this question has no size {name!r}; it has: "
                                 f"{', '.join(self._sizes) or 'none'}") from None

    def __setattr__(self, name, value):
        raise AttributeError("a question's sizes are read-only")

    def __iter__(self):
        return iter(self._sizes.items())

    def __repr__(self) -> str:
        return f"Sizes({', '.join(f'{k}={v!r}' for k, v in self._sizes.items())})"


def practice(seed: object) -> None:
    """Self-study: numbers of your own for every question shown after this call (any words will do;
    the same words always give the same numbers)."""
    _state["practice"] = f"practice/{seed}"


def current_key() -> str | None:
    """The learner key this kernel shows and checks variants for (None: the book's numbers)."""
    return _state["practice"] or os.environ.get(ENV_KEY) or None


def learner_question(question_id: str) -> Question:
    """The question as this learner sees it (the variant :func:`show` rendered)."""
    question = get_question(question_id)
    return question if question.id in _state["fixed"] else question.variant(current_key())


def show(question_id: str, *, fixed: bool = False) -> Sizes:
    """Render the learner's variant of a question (Markdown in Jupyter, text elsewhere); its sizes."""
    given = _given_sizes().get(question_id)
    if given is not None:  # being graded: the grader chose the sizes
        return Sizes(given)
    if fixed:
        _state["fixed"].add(question_id)
    question = learner_question(question_id)
    _display(render(question, whose=_whose(fixed)))
    return Sizes(question.shown_sizes)


def render(question: Question, whose: str = "") -> str:
    """The question as Markdown: prompt, the model as code, what to answer, and whose numbers they are."""
    parts = [question.prompt]
    if question.template is not None:
        shown = dict(question.sizes)
        knob = getattr(question, "knob_size", None)
        if knob:
            shown[knob] = "?"
        parts.append(f"```python\n{question.template.code.format(**shown)}\n```")
    if question.kind == "budget":
        parts.append(BUDGET_NOTE)
    if whose and question.varies:
        parts.append(f"<small>{whose}</small>")
    return "\n\n".join(parts)


def _whose(fixed: bool) -> str:
    key = None if fixed else current_key()
    if key is None:
        return "The book's numbers."
    if key.startswith("practice/"):
        return f"Practice numbers for {key.removeprefix('practice/')!r}."
    return f"Numbers for {student_of(key) or 'this learner'}."


def _given_sizes() -> dict:
    try:
        return json.loads(os.environ.get(ENV_SIZES) or "{}")
    except ValueError:
        return {}


def _display(markdown: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(markdown))
    else:
        print(markdown)
