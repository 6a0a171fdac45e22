"""The trusted side of answer capture: what runs in the kernel, and reading what comes back.

While grading, each test cell runs one line (:func:`capture_code`) that publishes the learner's
answer as display data (``autograder/trusted/kernel_side/autograder/_capture.py``). The kernel is
untrusted, so what it publishes is only a description; :func:`read_answer` checks its shape and
turns it back into a plain value (an ``int``, a ``float``, ``None``, text, or a stand-in object
that is not a number) for the ordinary answer checks. A function question's answer is not
captured: the function is run again in a fresh sandboxed process (:mod:`.functions`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["MIME", "Captured", "capture_code", "read_answer", "rebuild"]

MIME = "application/vnd.autograder.answer+json"
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,60}")
_INTEGER = re.compile(r"-?[0-9]{1,40}")


@dataclass(frozen=True)
class Captured:
    """What a test cell reported: the answer (``found``), or why there is none (``problem``)."""

    value: object = None
    found: bool = False
    problem: str = ""


def capture_code(question_id: str, variable: str) -> str:
    """The test cell's code while grading: publish ``variable`` for ``question_id``."""
    return f'__import__("autograder._capture", fromlist=["emit"]).emit({question_id!r}, lambda: {variable})'


def read_answer(outputs: list, question_id: str) -> Captured:
    """The answer a test cell published, checked and rebuilt; never trusts its form."""
    payloads = [o["data"][MIME] for o in outputs
                if o.get("output_type") == "display_data" and isinstance(o.get("data"), dict)
                and isinstance(o["data"].get(MIME), dict) and o["data"][MIME].get("question") == question_id]
    if not payloads:
        return Captured(problem="The test cell did not run to the end, so no answer was recorded"
                                + _why(outputs) + ".")
    if len(payloads) > 1 and any(p != payloads[0] for p in payloads[1:]):
        return Captured(problem="The test cell recorded more than one answer (something in the notebook "
                                "published extra ones), so none can be graded.")
    return rebuild(payloads[0])


def _why(outputs: list) -> str:
    for output in outputs:
        if output.get("output_type") == "error":
            return f" ({str(output.get('evalue') or output.get('ename'))[:200]})"
    return ""


def rebuild(payload: dict) -> Captured:
    """A value described by the kernel side (``_capture.describe``) as a plain value, or why it cannot be."""
    kind = payload.get("kind")
    if kind in _PROBLEMS:
        return Captured(problem=_PROBLEMS[kind](payload))
    builder = _BUILDERS.get(kind)
    if builder is None:
        return Captured(problem="The recorded answer is not in a form the grader knows.")
    try:
        return Captured(builder(payload), found=True)
    except (TypeError, ValueError, OverflowError):
        return Captured(problem="The recorded answer is not in a form the grader knows.")


def _integer(payload: dict) -> int:
    text = payload.get("value")
    if not isinstance(text, str) or not _INTEGER.fullmatch(text):
        raise ValueError(text)
    return int(text)


def _float(payload: dict) -> float:
    text = payload.get("value")
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError(text)
    value = float(text)
    if math.isfinite(value) or text in ("nan", "inf", "-inf"):
        return value
    raise ValueError(text)


def _boolean(payload: dict) -> bool:
    return bool(payload.get("value"))


def _other(payload: dict) -> object:
    """A stand-in that is not a number, named and shown as the learner's object was."""
    name = payload.get("type")
    name = name if isinstance(name, str) and _TYPE_NAME.fullmatch(name) else "object"
    shown = _text(payload.get("repr")) or f"<{name} object>"
    return type(name.rpartition(".")[2], (), {"__repr__": lambda self: shown})()


def _text(value: object) -> str:
    return value[:200] if isinstance(value, str) else ""


_PROBLEMS = {"missing": lambda p: "`answer` is not defined when the test cell runs: did the answer cell run?",
             "error": lambda p: f"Reading your answer raised {_text(p.get('type'))}: {_text(p.get('text'))}."}
_BUILDERS = {"int": _integer, "float": _float, "bool": _boolean, "none": lambda p: None,
             "text": lambda p: _text(p.get("repr")).strip("'\""), "other": _other, "callable": _other}
