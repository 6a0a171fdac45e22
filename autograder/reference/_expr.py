"""Arithmetic that remembers how it was written.

A parameter count is built from an :class:`Expr`, so the number and the derivation
shown to the learner come from the same object and can never disagree::

    >>> e = term(2) * (term(256) + 1)
    >>> e.value, e.text
    (514, '2 × (256 + 1)')

The value is computed at once; the text is written the first time it is asked for,
since most counts of a large model are added up and never shown.
"""

from __future__ import annotations

__all__ = ["Expr", "product", "term", "total"]

_ATOM, _PRODUCT, _SUM = 0, 1, 2


def _num(n: int) -> str:
    return f"{n:,}"


class Expr:
    """An integer together with the text of the arithmetic that produced it (treat it as immutable)."""

    __slots__ = ("_left", "_right", "_text", "level", "value")

    def __init__(self, value: int, text: str | None = None, level: int = _ATOM,
                 left: Expr | None = None, right: Expr | None = None):
        self.value = value
        self.level = level
        self._text = text  # None until written; a leaf without a label is written as its number
        self._left = left
        self._right = right

    @property
    def text(self) -> str:
        if self._text is None:
            _write(self)
        return self._text

    def __add__(self, other: Expr | int) -> Expr:
        if type(other) is not Expr:
            other = term(other)
        return Expr(self.value + other.value, None, _SUM, self, other)

    __radd__ = __add__

    def __mul__(self, other: Expr | int) -> Expr:
        if type(other) is not Expr:
            other = term(other)
        return Expr(self.value * other.value, None, _PRODUCT, self, other)

    def __rmul__(self, other: int) -> Expr:
        return term(other) * self

    def _factor(self) -> str:
        return f"({self.text})" if self.level == _SUM else self.text

    def _joined(self) -> str:
        """This node's text, once both operands have theirs."""
        if self.level == _ATOM:
            return _num(self.value)
        if self.level == _SUM:
            return f"{self._left._text} + {self._right._text}"
        return f"{self._left._factor()} × {self._right._factor()}"

    def __str__(self) -> str:
        return self.text if self.level == _ATOM and self.text == _num(self.value) else (
            f"{self.text} = {_num(self.value)}"
        )

    def __repr__(self) -> str:
        return f"Expr(value={self.value!r}, text={self.text!r}, level={self.level!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expr):
            return NotImplemented
        return (self.value, self.text, self.level) == (other.value, other.text, other.level)

    def __hash__(self) -> int:
        return hash((self.value, self.text, self.level))


def _write(root: Expr) -> None:
    """Write the text of ``root`` and of every unwritten part below it, without recursion
    (a sum of thousands of terms is thousands of nodes deep)."""
    stack = [root]
    while stack:
        node = stack[-1]
        unwritten = [part for part in (node._left, node._right) if part is not None and part._text is None]
        if unwritten:
            stack.extend(unwritten)
        else:
            node._text = node._joined()
            stack.pop()


def term(value: Expr | int, label: str | None = None) -> Expr:
    """A leaf: a number, optionally written as ``label`` (e.g. ``"64 / 2"``)."""
    if type(value) is int and label is None:  # the usual case, checked first
        return Expr(value)
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a parameter count term must be an int, got {value!r}")
    if label is None:
        return Expr(value)
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
