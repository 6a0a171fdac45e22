"""Report a learner's answer as plain data, for the grader outside the notebook.

The grader replaces each test cell, while grading, by one call to :func:`emit`. It publishes the
answer's description (its kind and, for numbers, its exact value) as display data of type
``application/vnd.autograder.answer+json``. Nothing here decides anything: the grader parses the
description and judges it in its own process.
"""

import math
import operator

MIME = "application/vnd.autograder.answer+json"
LIMIT = 200


def emit(question_id, value_of):
    """Publish the answer ``value_of()`` evaluates to (a NameError means it was never set)."""
    try:
        payload = describe(value_of())
    except NameError as err:
        payload = {"kind": "missing", "text": _short(str(err))}
    except BaseException as err:
        payload = {"kind": "error", "type": _short(type(err).__name__), "text": _short(str(err))}
    payload["question"] = question_id
    from IPython.display import publish_display_data

    publish_display_data({MIME: payload, "text/plain": "(answer recorded for grading)"})


def describe(value):  # noqa: PLR0911 -- one return per kind of value reads best
    """A JSON description of any value, without calling its ``__eq__``."""
    if value is None:
        return {"kind": "none"}
    name = type(value).__name__
    if isinstance(value, bool) or name in ("bool_", "bool"):
        return {"kind": "bool", "value": bool(value) if isinstance(value, bool) else None, "type": _short(name)}
    if isinstance(value, (str, bytes)):
        return {"kind": "text", "repr": _repr(value)}
    if isinstance(value, float) or _numpy_float(value):
        number = float(value)
        return {"kind": "float", "value": repr(number) if math.isfinite(number) else str(number)}
    if callable(value):
        return {"kind": "callable", "type": _short(name), "repr": _repr(value)}
    try:
        return {"kind": "int", "value": str(operator.index(value)), "type": _short(name)}
    except Exception:
        return {"kind": "other", "type": _short(name), "repr": _repr(value)}


def _numpy_float(value):
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    return type(value).__module__ == "numpy" and kind == "f" and getattr(value, "ndim", 1) == 0


def _repr(value):
    try:
        return _short(repr(value))
    except Exception:
        return "<unprintable>"


def _short(text):
    text = str(text)
    return text if len(text) <= LIMIT else text[:LIMIT - 3] + "..."
