"""autograder: exact Keras 3 parameter counts, and feedback that names the misconception.

- :mod:`autograder.reference` counts from a model config, standard library only.
- :mod:`autograder.live` counts the same config with Keras itself.
"""

from __future__ import annotations

from .errors import AutograderError, ConfigError, LiveKerasError, QuestionError, ShapeError, UnknownLayerError

__all__ = [
    "AutograderError", "ConfigError", "LiveKerasError", "QuestionError", "ShapeError",
    "UnknownLayerError",
]

from .grading import Verdict, check, used_keras_to_count, verdict

__all__ += ["Verdict", "check", "used_keras_to_count", "verdict"]
