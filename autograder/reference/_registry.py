"""Which rule counts which Keras class, and how a layer is applied to its inputs.

A rule is a function ``rule(config, call) -> Counted``: ``config`` is the layer's
Keras config dict (missing keys take Keras's defaults) and ``call`` holds the input
shapes the layer is called on. Rules are registered per Keras class name::

    @register("Dense")
    def _dense(config, call): ...

The family modules register their rules when ``autograder.reference`` imports them; this module
imports none of them. A class without a rule (a user's layer, an op the counter has no shape rule
for) is refused, and so is a layer whose rule raises :class:`UnknownLayerError` (a Lambda without
``output_shape``, an RNN around a user's cell), unless a *fallback* is set (:func:`falling_back`):
``autograder.live`` sets one that builds that one layer in Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import ConfigError, ShapeError, UnknownLayerError
from ._types import Derivation, LayerCount, Shape
from .quantize import policy

__all__ = ["Call", "Counted", "Fallback", "apply_layer", "by_fallback", "current_fallback", "falling_back",
           "from_keras", "known_classes", "overriding", "register", "rule_for"]


@dataclass(frozen=True)
class Call:
    """The inputs of one call of a layer, with every tensor replaced by its shape.

    ``shapes`` is every input shape, flattened in order: positional first, then keyword."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    shapes: list[Shape] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Found once here: a rule often reads `shape` several times. (The class is frozen.)
        shapes = _shapes_in(self.args, [])
        object.__setattr__(self, "shapes", _shapes_in((self.kwargs,), shapes) if self.kwargs else shapes)

    @property
    def shape(self) -> Shape:
        """The first input's shape: what a single-input layer is built on."""
        if not self.shapes:
            raise ShapeError("the layer was called without any input tensor")
        return self.shapes[0]

    @classmethod
    def on(cls, *shapes: Shape) -> Call:
        """A call on the given shapes, e.g. ``Call.on((None, 256))``."""
        return cls(args=tuple(tuple(s) for s in shapes))


_NO_WEIGHTS = Derivation()  # immutable, so every weightless layer can share it


@dataclass(frozen=True)
class Counted:
    """What a rule returns: the output shape(s) and the derivation of the weights."""

    output: Any
    derivation: Derivation = _NO_WEIGHTS
    children: tuple[LayerCount, ...] = ()

    def freeze(self) -> Counted:
        """All weights non-trainable, as after ``layer.trainable = False``."""
        return replace(self, derivation=self.derivation.freeze(),
                       children=tuple(_freeze(c) for c in self.children))


def _freeze(layer: LayerCount) -> LayerCount:
    return replace(layer, derivation=layer.derivation.freeze(),
                   children=tuple(_freeze(c) for c in layer.children))


Rule = Callable[[dict, Call], Counted]
Fallback = Callable[[dict, Call], Counted]  # (the whole serialized layer, its call) -> Counted
_RULES: dict[str, Rule] = {}  # Keras's own classes, by the family modules
_CUSTOM: dict[str, Rule] = {}  # a user's classes, by register() from outside this package
_NO_OVERRIDES: dict[str, Rule] = {}  # never mutated: overriding() sets a new dict
_OVERRIDES: ContextVar[dict[str, Rule]] = ContextVar("overrides", default=_NO_OVERRIDES)
_FALLBACK: ContextVar[Fallback | None] = ContextVar("fallback", default=None)


@contextmanager
def overriding(rules: dict[str, Rule]):
    """Count with some classes' rules replaced, e.g. by a misconception's wrong formula."""
    token = _OVERRIDES.set({**_OVERRIDES.get(), **rules})
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


@contextmanager
def falling_back(fallback: Fallback | None):
    """Count what no rule can (a user's class, an op without a shape rule, a Lambda without
    ``output_shape``) with ``fallback(layer, call)``, e.g. by building that one layer in Keras."""
    token = _FALLBACK.set(fallback)
    try:
        yield
    finally:
        _FALLBACK.reset(token)


def current_fallback() -> Fallback | None:
    """The fallback set by :func:`falling_back`, or None (the reference counter alone)."""
    return _FALLBACK.get()


def register(*class_names: str) -> Callable[[Rule], Rule]:
    """Register ``rule`` for the given class names (or registered names). A rule defined outside this
    package is a user's, for their own classes: it never replaces Keras's class of the same name."""

    def decorate(rule: Rule) -> Rule:
        table = _RULES if getattr(rule, "__module__", "").startswith("autograder.") else _CUSTOM
        for name in class_names:
            table[name] = rule
        return rule

    return decorate


def known_classes() -> list[str]:
    """Every Keras class name the reference counter has a rule for, sorted."""
    return sorted(_RULES)


def rule_for(layer: dict) -> Rule:
    """The rule for a serialized layer dict; raises :class:`UnknownLayerError` (unless a fallback is set)."""
    class_name = layer.get("class_name")
    if not from_keras(layer):  # a user's class: a built-in rule of the same name would be a guess
        for key in (layer.get("registered_name"), class_name, _bare(layer)):
            if key and key in _CUSTOM:
                return _CUSTOM[key]
        return _fallback_rule(layer, look_alike=class_name in _RULES or _bare(layer) in _RULES, custom=True)
    overrides = _OVERRIDES.get()
    if class_name in overrides:
        return overrides[class_name]
    if class_name and class_name in _RULES:  # the usual case: a built-in Keras class
        return _RULES[class_name]
    for key in (layer.get("registered_name") or "", _bare(layer), class_name):
        for table in (_RULES, _CUSTOM):
            if key and key in table:
                return table[key]
    return _fallback_rule(layer)


def _fallback_rule(layer: dict, look_alike: bool = False, custom: bool = False) -> Rule:
    """A rule that hands the whole layer to the fallback; without one, the refusal."""
    fallback = _FALLBACK.get()
    if fallback is None:
        name = layer.get("name") or (layer.get("config") or {}).get("name")
        raise UnknownLayerError(str(layer.get("class_name")), name, layer.get("module"), look_alike, custom)
    return lambda config, call: by_fallback(fallback, layer, call)


def by_fallback(fallback: Fallback, layer: dict, call: Call) -> Counted:
    """The fallback's count of a whole layer; its errors already name the layer, and are final (an outer
    layer is not handed to the fallback because this one could not be counted)."""
    try:
        return fallback(layer, call)
    except (ConfigError, UnknownLayerError) as err:
        err.located = True
        raise


def from_keras(layer: dict) -> bool:
    """Is this Keras's own class? Its config names a ``keras`` module; a config with no ``module`` at all
    (hand-written, or from before Keras 3) names built-ins only. A user's class has ``module: None`` or its own."""
    if "module" not in layer:
        return True
    module = layer.get("module")
    return isinstance(module, str) and (module == "keras" or module.startswith("keras."))


def _bare(layer: dict) -> str:
    return (layer.get("registered_name") or "").rpartition(">")[2]


def apply_layer(layer: dict, call: Call) -> Counted:
    """Count one serialized layer called on ``call``; frozen layers move to non-trainable."""
    if not isinstance(layer, dict) or "class_name" not in layer:
        raise ConfigError(f"expected a serialized Keras layer (a dict with 'class_name'), got {layer!r:.80}")
    rule = rule_for(layer)
    config = layer.get("config") or {}
    _refuse_quantized(layer, config)
    try:
        counted = rule(config, call)
    except UnknownLayerError as err:  # a custom class inside this layer (an RNN's cell), or a rule needing the fallback
        fallback = _FALLBACK.get()
        if fallback is None or getattr(err, "located", False):
            raise
        counted = by_fallback(fallback, layer, call)  # the whole layer, its custom part included
    except ConfigError as err:  # ShapeError too: name the innermost layer once
        if getattr(err, "located", False):
            raise
        located = type(err)(f"{_where(layer)}: {err}")
        located.located = True
        raise located from None
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError) as err:
        located = ConfigError(
            f"{_where(layer)}: its config cannot be read ({type(err).__name__}: {err}); "
            "expected a config written by Keras 3 (model.to_json() or a .keras file)")
        located.located = True
        raise located from None
    counted = _with_dtype(counted, config.get("dtype"))
    return counted.freeze() if config.get("trainable", True) is False else counted


def _with_dtype(counted: Counted, dtype) -> Counted:
    """Record the variables' dtype under the layer's policy (bfloat16; float32 under ``mixed_bfloat16``)."""
    if dtype is None or dtype == "float32" or counted.derivation.weights or not counted.derivation.params.total:
        return counted
    try:
        variable = policy(dtype).variable_dtype
    except ConfigError:
        return counted
    if variable == counted.derivation.dtype:
        return counted
    return replace(counted, derivation=replace(counted.derivation, dtype=variable))


_QUANTIZABLE = ("Dense", "EinsumDense", "Embedding", "ReversibleEmbedding")  # their rules read quantized policies


def _refuse_quantized(layer: dict, config: dict) -> None:
    """Quantized weights are stored differently; only the layers Keras quantizes have rules that know how."""
    dtype = config.get("dtype")
    policy = dtype.get("class_name", "") if isinstance(dtype, dict) else str(dtype or "")
    quantized = config.get("quantization_config") or "Quantized" in policy or "Int4" in policy or "_from_" in policy
    if quantized and layer.get("class_name") not in _QUANTIZABLE:
        raise ConfigError(f"{_where(layer)} is quantized ({policy or 'quantization_config'}); the reference "
                          f"counter counts quantized {', '.join(_QUANTIZABLE)} layers only: count the model "
                          "before quantizing it")


def _where(layer: dict) -> str:
    name = layer.get("name") or (layer.get("config") or {}).get("name") or "?"
    return f"layer '{name}' ({layer.get('class_name')})"


def _shapes_in(values, found: list) -> list:
    """Append to ``found`` every shape (tuple) among ``values``, looking inside lists and dicts."""
    for value in values:
        if isinstance(value, tuple):
            found.append(value)
        elif isinstance(value, list):
            _shapes_in(value, found)
        elif isinstance(value, dict):
            _shapes_in(value.values(), found)
    return found

