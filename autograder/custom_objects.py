"""Loading a user's own layers, models and functions from their Python files (``--custom-objects FILE.py``).

Each file is run as a module, its folder first on ``sys.path`` for its own imports. What it defines, or imports
from the user's other files, becomes Keras's ``custom_objects``; Keras's own classes that it imports are left
out, so a user's class named like a built-in never stands for the built-in, nor the built-in for it.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

from .errors import ConfigError

__all__ = ["load_custom_objects"]

_LIBRARIES = {"keras", "tensorflow", "tf_keras", "numpy", "jax", "torch", "autograder", *sys.stdlib_module_names}


def load_custom_objects(paths) -> dict:
    """The classes and functions the given Python files define (or import from the user's other files), by
    name, as Keras's ``custom_objects``; Keras's own classes imported there are left out, so a user's class
    named like a built-in never stands for it."""
    found: dict = {}
    for path in paths:
        module = _run_file(Path(path))
        for name, value in vars(module).items():
            if not name.startswith("_") and _users(value):
                found[name] = found[value.__name__] = value
    return found


def _users(value) -> bool:
    """Is this a class or function of the user's own (not Keras's, a library's or the standard library's)?"""
    if not (inspect.isclass(value) or inspect.isfunction(value)):
        return False
    return str(getattr(value, "__module__", "")).split(".")[0] not in _LIBRARIES


def _run_file(path: Path):
    """Run a user's file as a module (its folder first on sys.path, for its own imports)."""
    if path.suffix != ".py" or not path.is_file():
        raise ConfigError(f"--custom-objects {path}: expected a Python file (.py) that defines your layers")
    name = path.stem if path.stem.isidentifier() and path.stem not in sys.modules else f"autograder_custom_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # its classes name this module (dataclasses and Keras look it up)
    sys.path.insert(0, str(path.resolve().parent))
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # the user's code: any error, reported in one line
        if sys.modules.get(name) is module:
            del sys.modules[name]
        raise ConfigError(f"{path} could not be run: {type(err).__name__}: {_first_line(err)}") from None
    finally:
        sys.path.remove(str(path.resolve().parent))
    return module


def _first_line(err: Exception) -> str:
    """The first line of an error, at most 200 characters (as ``live`` reports Keras's)."""
    text = (str(err).strip().splitlines() or [""])[0]
    return text if len(text) <= 200 else text[:197] + "..."
