"""Arithmetic that remembers how it was written.

A parameter count is built from an :class:`Expr`, so the number and the derivation
shown to the learner come from the same object and can never disagree::

    >>> e = term(2) * (term(256) + 1)
    >>> e.value, e.text
    (514, '2 × (256 + 1)')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Expr", "product", "term", "total"]

_ATOM, _PRODUCT, _SUM = 0, 1, 2


def _num(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True, slots=True)
class Expr:
    """An integer together with the text of the arithmetic that produced it."""

    value: int
    text: str
    level: int = _ATOM

    def __add__(self, other: Expr | int) -> Expr:
        other = term(other)
        return Expr(self.value + other.value, f"{self.text} + {other.text}", _SUM)

    __radd__ = __add__

    def __mul__(self, other: Expr | int) -> Expr:
        other = term(other)
        return Expr(self.value * other.value, f"{self._factor()} × {other._factor()}", _PRODUCT)

    def __rmul__(self, other: int) -> Expr:
        return term(other) * self

    def _factor(self) -> str:
        return f"({self.text})" if self.level == _SUM else self.text

    def __str__(self) -> str:
        return self.text if self.level == _ATOM and self.text == _num(self.value) else (
            f"{self.text} = {_num(self.value)}"
        )


def term(value: Expr | int, label: str | None = None) -> Expr:
    """A leaf: a number, optionally written as ``label`` (e.g. ``"64 / 2"``)."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a parameter count term must be an int, got {value!r}")
    if label is None:
        return Expr(value, _num(value))
    return Expr(value, f"({label})" if " " in label else label)


def product(values) -> Expr:
    """The product of several terms, e.g. a kernel's ``3 × 3``; empty gives 1."""
    result = None
    for v in values:
        result = term(v) if result is None else result * v
    return term(1) if result is None else result


def total(values) -> Expr:
    """The sum of several terms; empty gives 0."""
    result = None
    for v in values:
        result = term(v) if result is None else result + v
    return term(0) if result is None else result
