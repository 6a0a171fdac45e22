"""Per-learner variants: each learner gets their own sizes for the models of a question.

A bank model may come with a :class:`Template`: the sizes that vary (:class:`Size`, each with
the values that keep the question meaningful and where it goes in the model's config), sizes
derived from them (:class:`Derived`), and the model as Keras code with ``{name}`` placeholders.
A question's prompt may name sizes the same way.

Which sizes a learner gets is a pure function of a *learner key* and the assignment and model:
:func:`draw`. A course makes each learner's key from its secret and the learner's id
(:func:`learner_key`, an HMAC), so the same learner always gets the same numbers, and without
the course secret nobody can compute a classmate's key. With no key (self-study, the book, a
course that turned variants off), the sizes are the canonical ones stored in the bank.

Nothing here imports Keras: a variant's config is the canonical config with the sizes written
in (:func:`patch`), and its answer key comes from the reference counter like any other.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..errors import QuestionError

__all__ = ["Derived", "Size", "Template", "canonical", "draw", "layer_config", "learner_key", "patch", "read",
           "student_of"]

ATTEMPTS = 200  # draws tried before a template is declared broken (a test draws thousands)


@dataclass(frozen=True)
class Size:
    """One number (or flag) that varies: ``{name}`` in the prompt and code; its ``values``; and
    the places in the config it is written to, each ``"layer.key[.index]"`` (a layer's name)."""

    name: str
    at: tuple[str, ...]
    values: Sequence

    def __init__(self, name: str, at: str | tuple[str, ...], values: Sequence):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "at", (at,) if isinstance(at, str) else tuple(at))
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class Derived:
    """A value that follows from the sizes (an output side, a reshape target): ``{name}`` too."""

    name: str
    at: tuple[str, ...]
    value: Callable[[dict], object] = field(repr=False)

    def __init__(self, name: str, at: str | tuple[str, ...], value: Callable[[dict], object]):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "at", (at,) if isinstance(at, str) else tuple(at))
        object.__setattr__(self, "value", value)


@dataclass(frozen=True)
class Template:
    """How a bank model varies. ``family`` seeds the draw: models that a prompt calls "the same"
    share one (default: the model's name). ``valid`` rejects a draw (e.g. groups must divide)."""

    code: str
    sizes: tuple[Size, ...] = ()
    derived: tuple[Derived, ...] = ()
    family: str = ""
    valid: Callable[[dict], bool] | None = field(default=None, repr=False)

    def complete(self, sizes: dict) -> dict:
        """The drawn sizes and the derived values, by name."""
        out = dict(sizes)
        for item in self.derived:
            out[item.name] = item.value(out)
        return out


def learner_key(secret: str, student: str) -> str:
    """A learner's key, ``"<student>:<24 hex digits>"``: what their kernel is given (by the course's
    JupyterHub, as ``AUTOGRADER_LEARNER_KEY``) and what the grader recomputes from the course secret."""
    digest = hmac.new(secret.encode(), f"variant-key/{student}".encode(), hashlib.sha256).hexdigest()
    return f"{student}:{digest[:24]}"


def student_of(key: str | None) -> str:
    """The learner a key was made for ("" for a practice seed or no key)."""
    name, sep, digest = (key or "").rpartition(":")
    return name if sep and len(digest) == 24 else ""


def draw(template: Template, key: str, assignment: str, model_name: str,
         check: Callable[[dict], bool] | None = None) -> dict:
    """The sizes (drawn and derived) of ``key``'s variant: the first draw of a random generator
    seeded by HMAC(key, assignment/family) that is valid and passes ``check``."""
    family = template.family or model_name
    seed = hmac.new(key.encode(), f"{assignment}/{family}".encode(), hashlib.sha256).hexdigest()
    rng = random.Random(seed)
    for _ in range(ATTEMPTS):
        sizes = template.complete({s.name: rng.choice(s.values) for s in template.sizes})
        if (template.valid is None or template.valid(sizes)) and (check is None or check(sizes)):
            return sizes
    raise QuestionError(f"the bank template of {model_name!r} gave no valid variant in {ATTEMPTS} draws; "
                        "widen its ranges")


def canonical(template: Template, model: dict) -> dict:
    """The sizes as they are in the stored model (the book's numbers), and the values derived from them."""
    return template.complete({size.name: _plain(read(model, size.at[0])) for size in template.sizes})


def _plain(value: object) -> object:
    """A size as code shows it: ``kernel_size`` [3, 3] is 3."""
    return value[0] if isinstance(value, list) and len(set(value)) == 1 else value


def patch(model: dict, template: Template, sizes: dict) -> dict:
    """A copy of ``model`` with ``sizes`` written in, and the shapes Keras recorded when it was
    built (``build_config``) removed, since they describe the canonical sizes."""
    out = copy.deepcopy(model)
    for item in (*template.sizes, *template.derived):
        for path in item.at:
            _write(out, path, sizes[item.name])
    _drop_built_shapes(out)
    return out


def read(model: dict, path: str) -> object:
    """The value at ``"layer.key[.index]"`` in a model config."""
    layer, *keys = path.split(".")
    value = layer_config(model, layer)
    for key in keys:
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def _write(model: dict, path: str, value: object) -> None:
    layer, *keys = path.split(".")
    holder = layer_config(model, layer)
    for key in keys[:-1]:
        holder = holder[int(key)] if isinstance(holder, list) else holder[key]
    last = keys[-1]
    if isinstance(holder, list):
        holder[int(last)] = value
    elif isinstance(holder.get(last), list) and not isinstance(value, list):
        holder[last] = [value] * len(holder[last])  # kernel_size: 3 → [3, 3]
    else:
        holder[last] = value


def layer_config(model: dict, name: str) -> dict:
    """The config of the layer called ``name`` anywhere in ``model`` (nested models included)."""
    for layer in (model.get("config") or {}).get("layers", []):
        config = layer.get("config") or {}
        if config.get("name") == name or layer.get("name") == name:
            return config
        if "layers" in config:
            try:
                return layer_config(layer, name)
            except QuestionError:
                pass
    raise QuestionError(f"the bank model has no layer named {name!r} (a template or a budget's knob names it)")


def _drop_built_shapes(node: object) -> None:
    if isinstance(node, dict):
        node.pop("build_config", None)
        node.pop("build_input_shape", None)
        for value in node.values():
            _drop_built_shapes(value)
    elif isinstance(node, list):
        for value in node:
            _drop_built_shapes(value)
