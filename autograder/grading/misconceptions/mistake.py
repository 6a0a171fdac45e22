"""One misconception, :class:`Mistake`: its stable code, its words and its wrong formula.

The wrong formula is either

- ``patches``: Keras class name -> a patch of that class's reference rule
  (see :mod:`.rules`), counted with ``reference.count(..., overrides=)``; or
- ``model``: a function ``(config, asks, right_count) -> int | None`` for mistakes about the
  whole model (see :mod:`.models`).

A one-layer mistake (a patch) can be made in every layer it concerns or in a single one:
:meth:`Mistake.numbers` gives the learner's possible numbers for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...errors import AutograderError
from ...reference import ModelCount, count, count_layer, overriding, rule_for
from ..questions import amount, with_knob
from .rules import patched

__all__ = ["Mistake"]

# What a wrong formula may raise on a model it does not fit: then it gives no number.
_UNFIT = (AutograderError, KeyError, ValueError, TypeError, ZeroDivisionError)


@dataclass(frozen=True, eq=False)
class Mistake:
    """One misconception: its code, title, feedback, example question and wrong formula."""

    code: str
    title: str
    feedback: str
    example: str
    patches: dict[str, Callable] = field(default_factory=dict, repr=False)
    model: Callable | None = field(default=None, repr=False)
    example_layer: str | None = None  # for a one-layer mistake, the layer its fixture makes it in
    budget: Callable | None = field(default=None, repr=False)  # (question, value) -> int: budget questions only
    # function name -> wrong formula(**arguments) -> int | None: function questions about no single layer
    functions: dict[str, Callable] = field(default_factory=dict, repr=False)

    def budget_numbers(self, question, value: int) -> dict[str | None, int]:
        """layer → what this wrong formula gives for a budget question's model with the knob at ``value``."""
        if self.budget is not None:
            try:
                found = self.budget(question, value)
            except _UNFIT:
                return {}
            return {} if found is None else {None: found}
        try:
            config = with_knob(question, value)
        except _UNFIT:
            return {}
        return dict(self.numbers(config, question.asks))

    def budget_value(self, question, largest: int = 1 << 16) -> int | None:
        """The whole value a learner with this misconception would choose for a budget question: where
        the wrong formula meets the target, rounded to the nearest whole value (None: nowhere)."""
        value = next((v for v in range(1, largest) if _crosses(self, question, v)), None)
        return value

    def example_number(self, config: dict, asks: str) -> int | None:
        """The number of this mistake's fixture submission: made in ``example_layer`` if set."""
        found = dict(self.numbers(config, asks))
        return found.get(self.example_layer) if self.example_layer else self.number(config, asks)

    def overrides(self, only: str | None = None) -> dict:
        """The wrong rules, ready for ``reference.count(config, overrides=...)``; with ``only``,
        the mistake is made in the layer of that name alone."""
        return {name: patched(rule_for({"class_name": name}), patch, only)
                for name, patch in self.patches.items()}

    def number(self, config: dict, asks: str, right: ModelCount | None = None) -> int | None:
        """What this wrong formula gives for ``asks`` on the model ``config``, made in every
        layer it concerns (or, for a one-layer mistake, in the first layer it applies to)."""
        found = self.numbers(config, asks, right)
        return next((n for layer, n in found if layer is None), found[0][1] if found else None)

    def numbers(self, config: dict, asks: str, right: ModelCount | None = None) -> list[tuple[str | None, int]]:
        """``(layer, number)`` for the mistake made everywhere (layer None), then in each single layer."""
        right = right or count(config)
        if self.model is not None:
            found = self._guarded(config, asks, right, None)
            pairs = found if isinstance(found, list) else [(None, found)]
            return [(layer, n) for layer, n in pairs if n is not None and n != amount(right, asks)]
        found = []
        for layer in (None, *_layers_of(config, self.patches)):
            wrong = self._guarded(config, asks, right, layer)
            if wrong is not None and wrong != amount(right, asks):
                found.append((layer, wrong))
        return found

    def _guarded(self, config: dict, asks: str, right: ModelCount, layer: str | None):
        try:
            if self.model is not None:
                return self.model(config, asks, right)
            if not _mentions(config, self.patches):
                return None
            return amount(count(config, overrides=self.overrides(layer)), asks)
        except _UNFIT:
            return None

    def function_number(self, question, arguments: dict) -> int | None:
        """What a function question's call on ``arguments`` returns when written with this wrong formula
        (None: the mistake does not change it): its own formula for the function, else the layer's."""
        wrong = self.functions.get(question.function_name)
        if wrong is None:
            return self.layer_number(*question.layer(**arguments)) if question.layer else None
        try:
            number = wrong(**arguments)
        except _UNFIT:
            return None
        return None if number is None or number == question.formula(**arguments).params.total else number

    def layer_number(self, class_name: str, config: dict, *shapes) -> int | None:
        """What this wrong formula gives for a single layer (for function questions)."""
        if class_name not in self.patches and not _cell_of(class_name, self.patches):
            return None
        try:
            right = count_layer(class_name, config, *shapes).params.total
            with overriding(self.overrides()):
                wrong = count_layer(class_name, config, *shapes).params.total
        except _UNFIT:
            return None
        return None if wrong == right else wrong


def _cell_of(class_name: str, patches: dict) -> bool:
    return f"{class_name}Cell" in patches


def _layers_of(config, patches: dict) -> list[str]:
    """The names of the layers (at any depth) of the classes a mistake concerns, if more than one."""
    names = [n for n in dict.fromkeys(_names_in(config, patches)) if n]
    return names if len(names) > 1 else []


def _names_in(config, patches: dict):
    if isinstance(config, dict):
        name = config.get("class_name")
        if (name in patches or f"{name}Cell" in patches) and isinstance(config.get("config"), dict):
            yield config["config"].get("name")
        for value in config.values():
            yield from _names_in(value, patches)
    elif isinstance(config, list):
        for value in config:
            yield from _names_in(value, patches)


def _mentions(config, patches: dict) -> bool:
    """Does the config use any of these classes (at any depth, wrapped layers and cells included)?"""
    if isinstance(config, dict):
        name = config.get("class_name")
        if name in patches or f"{name}Cell" in patches:  # LSTM is counted by its LSTMCell
            return True
        return any(_mentions(v, patches) for v in config.values())
    if isinstance(config, list):
        return any(_mentions(v, patches) for v in config)
    return False


def meets(mistake: Mistake, question, value: int, nearest: bool = False) -> bool:
    """Does ``value`` meet the budget question's target under ``mistake`` exactly, or (``nearest``) as the
    nearest whole value to the wrong equation's solution (a learner rounds it)?"""
    target, here = question.target, mistake.budget_numbers(question, value)
    if target in here.values():
        return True
    if not nearest or value < 2 or not here:
        return False
    before, after = mistake.budget_numbers(question, value - 1), mistake.budget_numbers(question, value + 1)
    return any(key in before and key in after and _nearest(before[key], n, after[key], target)
               for key, n in here.items())


def _nearest(lower: int, here: int, upper: int, target: int) -> bool:
    low, high = sorted((lower, upper))
    return low < target < high and abs(here - target) <= min(abs(lower - target), abs(upper - target))


def _crosses(mistake: Mistake, question, value: int) -> bool:
    return value != _right_value(question) and meets(mistake, question, value, mistake.budget is not None)


def _right_value(question) -> int:
    from ..questions import _find_layer

    old = _find_layer(question.model, question.knob[0]).get(question.knob[1])
    return old[0] if isinstance(old, list) else old
