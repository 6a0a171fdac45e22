"""autograder: exact Keras 3 parameter counts, and feedback that names the misconception.

- :mod:`autograder.reference` counts from a model config, standard library only.
- :mod:`autograder.live` counts the same config with Keras itself.
- :mod:`autograder.grading` grades answers; its entry points ``check``, ``show``, ``practice``,
  ``verdict``, ``Verdict`` and ``used_keras_to_count`` are importable from here, and loaded on first use
  (so ``import autograder.reference`` never loads the grading code).
"""

from __future__ import annotations

from .errors import AutograderError, ConfigError, LiveKerasError, QuestionError, ShapeError, UnknownLayerError

__all__ = [
    "AutograderError", "ConfigError", "LiveKerasError", "QuestionError", "ShapeError",
    "UnknownLayerError",
]

# loaded from .grading on first use
_GRADING = ("Verdict", "check", "practice", "show", "used_keras_to_count", "verdict")
__all__ += list(_GRADING)


def __getattr__(name: str):
    """``autograder.check`` and the other grading names, imported when first asked for (PEP 562)."""
    if name in _GRADING:
        from . import grading

        value = getattr(grading, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
