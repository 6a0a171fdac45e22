"""Reading a learner's answer: a whole number, or a clear message saying why it is not one.

Accepted: an ``int``, a NumPy integer, or a float with no fraction (``514.0``).
Everything else -- ``True``, ``"514"``, ``None``, NaN, infinity, a list, an object whose
``==`` is always true, a negative or huge number -- is refused with a message, never a crash.
The answer's own ``__eq__`` is never called: it is converted with :func:`operator.index`
(which returns an exact ``int``) or :meth:`float.is_integer`.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

__all__ = ["LARGEST", "Parsed", "describe", "parse_count"]

LARGEST = 10**18  # more parameters than any model ever built: surely a typo


@dataclass(frozen=True)
class Parsed:
    """A parsed answer: ``value`` when it is a usable count, else ``problem`` says why not."""

    value: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def describe(answer: object) -> str:
    """A short, safe description of any value (its repr, cut short; never its ``__eq__``)."""
    try:
        text = repr(answer)
    except Exception:  # a broken __repr__ must not crash the grader
        text = f"<{type(answer).__name__} object>"
    return text if len(text) <= 60 else text[:57] + "..."


def parse_count(answer: object, what: str = "a parameter count") -> Parsed:
    """The answer as a non-negative ``int``, or the reason it cannot be one."""
    value = _whole_number(answer)
    if isinstance(value, str):
        return Parsed(problem=f"Your answer {describe(answer)} is not a whole number: {value}. "
                              f"Expected {what}, written as a plain integer such as 1234.")
    if value < 0:
        return Parsed(problem=f"Your answer {value} is negative, but {what} is never negative. "
                              "Check the sign of your arithmetic.")
    if value > LARGEST:
        return Parsed(problem=f"Your answer {describe(answer)} is larger than 10**18, more than "
                              f"any model has; expected {what}. Check for a stray multiplication.")
    return Parsed(value=value)


def _whole_number(answer: object) -> int | str:
    """The exact ``int`` value, or a string explaining why there is none."""
    if answer is None:
        return "it is None (did the cell set the variable, or return a value?)"
    if _is_boolean(answer):
        return "it is a boolean (True/False), not a count"
    if isinstance(answer, (str, bytes)):
        return "it is text; write the number without quotes"
    if isinstance(answer, float) or _is_numpy_float(answer):
        return _from_float(float(answer))
    try:
        return operator.index(answer)  # an exact int, whatever the type's __eq__ or __int__ says
    except Exception:
        return f"it is a {type(answer).__name__}, not an int"


def _is_boolean(answer: object) -> bool:
    return isinstance(answer, bool) or (type(answer).__name__ in ("bool_", "bool") and (
        type(answer).__module__ == "numpy"))


def _is_numpy_float(answer: object) -> bool:
    kind = getattr(getattr(answer, "dtype", None), "kind", None)
    return type(answer).__module__ == "numpy" and kind == "f" and getattr(answer, "ndim", 1) == 0


def _from_float(value: float) -> int | str:
    if math.isnan(value):
        return "it is NaN (not a number)"
    if math.isinf(value):
        return "it is infinite"
    if not value.is_integer():
        return f"it has a fractional part ({value}); parameters come in whole numbers"
    return int(value)
