"""Errors raised by the autograder package.

Every error a user can meet is an :class:`AutograderError`, and its message says
what happened, what was expected and how to fix it::

    AutograderError
    ├── ConfigError            the input is not a readable Keras 3 model config
    │   └── ShapeError         a layer cannot be applied to the shape it receives
    ├── UnknownLayerError      a layer class the reference counter does not know
    ├── LiveKerasError         Keras itself could not build or count the model
    ├── QuestionError          an unknown question id or a malformed question
    ├── NotebookError          a notebook could not be run (its Jupyter kernel died or never started)
    │   └── KernelStartError   the kernel never started, so no cell ran
    └── SandboxError           learner code cannot be sandboxed here, and grading was not told to go without

The command line turns any of these into one line on stderr and exit code 2.
"""

from __future__ import annotations

__all__ = [
    "AutograderError",
    "ConfigError",
    "KernelStartError",
    "LiveKerasError",
    "NotebookError",
    "QuestionError",
    "SandboxError",
    "ShapeError",
    "UnknownLayerError",
]


class AutograderError(Exception):
    """Base class: a problem with the user's input, explained in the message."""


class ConfigError(AutograderError, ValueError):
    """The input is not a Keras 3 model config the counter can read."""


class ShapeError(ConfigError):
    """A layer receives an input shape it cannot be applied to."""


class UnknownLayerError(AutograderError, LookupError):
    """A layer class the reference counter has no rule for; it never guesses."""

    def __init__(self, class_name: str, layer_name: str | None = None, module: str | None = None,
                 look_alike: bool = False):
        self.class_name = class_name
        self.layer_name = layer_name
        where = f" (layer '{layer_name}')" if layer_name else ""
        origin = f" from module '{module}'" if module else ""
        if look_alike:  # a user's class that shares a built-in's name: counting it as the built-in would guess
            super().__init__(
                f"the layer class '{class_name}'{where} is not Keras's own '{class_name}' but a custom class of the "
                f"same name (its config names module {module!r}), so the reference counter cannot count it "
                "without guessing. Register a rule for it with autograder.reference.register().")
            return
        super().__init__(
            f"the reference counter does not know the layer class '{class_name}'{origin}{where}, "
            "so it cannot count it without guessing. Supported classes: "
            "`python -m autograder layers`. For a custom layer, register a rule with "
            "autograder.reference.register()."
        )


class LiveKerasError(AutograderError, RuntimeError):
    """Keras could not build or count the model."""


class QuestionError(AutograderError, LookupError):
    """An unknown question id, or a question whose definition is broken."""


class NotebookError(AutograderError, RuntimeError):
    """A notebook could not be run to the end (its kernel died or never started)."""


class KernelStartError(NotebookError):
    """The kernel never started, so no cell ran (a broken environment, or a learner's own
    ``ipykernel_launcher.py`` beside the notebook)."""


class SandboxError(AutograderError, RuntimeError):
    """Learner code cannot be sandboxed on this machine (and grading was not configured to go without)."""
