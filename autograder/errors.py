"""Errors raised by the autograder package.

Every error a user can meet is an :class:`AutograderError`, and its message says
what happened, what was expected and how to fix it::

    AutograderError
    ├── ConfigError            the input is not a readable Keras 3 model config
    │   └── ShapeError         a layer cannot be applied to the shape it receives
    ├── UnknownLayerError      a layer class the reference counter does not know
    │   └── UnknownOperationError   a Keras op in a functional graph it has no shape rule for
    │   └── UnknownBackboneError    a keras-hub backbone or task class it has no family module for
    ├── LiveKerasError         Keras itself could not build or count the model
    ├── QuestionError          an unknown question id or a malformed question
    ├── NotebookError          a notebook could not be run (its Jupyter kernel died or never started)
    │   ├── KernelStartError   the kernel never started, so no cell ran
    │   └── GraderFailure      the grader's side failed while the notebook ran (not the learner's code)
    └── SandboxError           learner code cannot be sandboxed here, and grading was not told to go without

The command line turns any of these into one line on stderr and exit code 2.
"""

from __future__ import annotations

__all__ = [
    "AutograderError",
    "ConfigError",
    "GraderFailure",
    "KernelStartError",
    "LiveKerasError",
    "NotebookError",
    "QuestionError",
    "SandboxError",
    "ShapeError",
    "UnknownBackboneError",
    "UnknownLayerError",
    "UnknownOperationError",
]


class AutograderError(Exception):
    """Base class: a problem with the user's input, explained in the message."""


class ConfigError(AutograderError, ValueError):
    """The input is not a Keras 3 model config the counter can read."""


class ShapeError(ConfigError):
    """A layer receives an input shape it cannot be applied to."""


class UnknownLayerError(AutograderError, LookupError):
    """A layer class (or Keras op) the reference counter has no rule for; it never guesses."""

    def __init__(self, class_name: str, layer_name: str | None = None, module: str | None = None,
                 look_alike: bool = False, custom: bool = False):
        self.class_name = class_name
        self.layer_name = layer_name
        where = f" (layer '{layer_name}')" if layer_name else ""
        if look_alike:  # a user's class that shares a built-in's name: counting it as the built-in would guess
            super().__init__(
                f"the layer class '{class_name}'{where} is not Keras's own '{class_name}' but a custom class of the "
                f"same name (its config names module {module!r}), so the reference counter cannot count it "
                f"without guessing; {_PASS_CUSTOM_OBJECTS}")
        elif custom:
            super().__init__(
                f"'{class_name}'{where} is a custom class (module {module!r}): its weights come from its own "
                f"Python code, which its config does not describe; {_PASS_CUSTOM_OBJECTS}")
        else:
            origin = f" from module '{module}'" if module else ""
            super().__init__(
                f"the reference counter does not know the layer class '{class_name}'{origin}{where}, "
                "so it cannot count it without guessing (supported classes: `python -m autograder layers`); "
                "to have Keras count that one layer, add --live to `python -m autograder count` "
                "(in Python: autograder.live.count_custom(model))")


class UnknownOperationError(UnknownLayerError):
    """A Keras op in a functional graph that the reference counter has no shape rule for."""

    def __init__(self, class_name: str, layer_name: str | None = None, module: str | None = None):
        self.class_name = class_name
        self.layer_name = layer_name
        AutograderError.__init__(
            self, f"the Keras op '{class_name}' from module '{module}' (graph node '{layer_name}') has no shape "
                  "rule in the reference counter; ops own no weights, but the next layer is built on its output "
                  "shape: add --live to `python -m autograder count` to ask Keras for that op's output shape "
                  "(in Python: autograder.live.count_custom(model))")


class UnknownBackboneError(UnknownLayerError):
    """A keras-hub backbone or task class that no module of ``autograder.reference.hub`` counts."""

    def __init__(self, class_name: str, module: str | None, known: list[str]):
        self.class_name = class_name
        self.layer_name = None
        origin = f" (module '{module}')" if module else ""
        AutograderError.__init__(
            self, f"the reference counter has no rule for the keras-hub class '{class_name}'{origin}, so it "
                  f"cannot count it without guessing; it counts these backbones: {', '.join(known)} (and their "
                  "task models); for another family, build the model in Keras and call model.count_params()")


_PASS_CUSTOM_OBJECTS = ("pass the Python file that defines it: `python -m autograder count MODEL --custom-objects "
                        "FILE.py` (in Python: autograder.live.count_custom(model, custom_objects={...}))")


class LiveKerasError(AutograderError, RuntimeError):
    """Keras could not build or count the model."""


class QuestionError(AutograderError, LookupError):
    """An unknown question id, or a question whose definition is broken."""


class NotebookError(AutograderError, RuntimeError):
    """A notebook could not be run to the end (its kernel died or never started)."""


class KernelStartError(NotebookError):
    """The kernel never started, so no cell ran (a broken environment, or a learner's own
    ``ipykernel_launcher.py`` beside the notebook)."""


class GraderFailure(NotebookError):
    """The grading machinery failed while the notebook ran (a message it could not handle, a crash of its
    own): not the learner's fault, so what was not graded is marked for regrading, never scored 0."""


class SandboxError(AutograderError, RuntimeError):
    """Learner code cannot be sandboxed on this machine (and grading was not configured to go without)."""
