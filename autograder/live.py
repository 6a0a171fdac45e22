"""Counting with Keras itself: the only module of the package that imports Keras.

``live.count(source)`` builds the model from the same config the reference
counter reads and returns the same :class:`ModelCount` shape, taken from the real
weights, so any disagreement is a one-line comparison::

    assert live.count(cfg).to_dict()["total"] == reference.count(cfg).total

``live.count_custom(source, custom_objects)`` counts a model with a user's own classes: the
reference counter counts every built-in layer by formula, and :class:`KerasLayers` builds each
custom layer alone in Keras, on the input shape the counter inferred for it (also a Lambda
without ``output_shape`` and an op the counter has no shape rule for, for their output shape only).
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from . import reference
from .custom_objects import load_custom_objects
from .errors import ConfigError, LiveKerasError, UnknownLayerError
from .reference import Call, Counted, Derivation, Expr, LayerCount, ModelCount, ParamCount, load_config, term

__all__ = ["KerasLayers", "build", "count", "count_custom", "count_model", "load_custom_objects",
           "weights_derivation"]


def _keras():
    import keras

    return keras


def build(source: Any, custom_objects: dict | None = None):
    """A Keras model built from ``source`` (anything :func:`reference.count` accepts)."""
    keras = _keras()
    if isinstance(source, keras.Model):
        return source
    config = {key: value for key, value in load_config(source).items() if key != "compile_config"}
    try:  # without compile_config: the optimizer, loss and metrics own none of the model's parameters
        with warnings.catch_warnings():  # Keras warns about the user's layers on stderr, in many lines
            warnings.simplefilter("ignore")
            return keras.models.model_from_json(json.dumps(config), custom_objects=custom_objects)
    except Exception as err:  # Keras raises many kinds; report them as one, in one line
        raise LiveKerasError(f"Keras could not build the model from its config: "
                             f"{type(err).__name__}: {_first_line(err)}") from None


def _first_line(err: Exception) -> str:
    """The first line of an error, cut at 200 characters (Keras's messages can dump a whole config)."""
    text = (str(err).strip().splitlines() or [""])[0]
    return text if len(text) <= 200 else text[:197] + "..."


def count(source: Any, custom_objects: dict | None = None) -> ModelCount:
    """Build the whole model with Keras and count its real weights."""
    return count_model(build(source, custom_objects))


def count_custom(source: Any, custom_objects: dict | None = None) -> ModelCount:
    """Built-in layers by formula, each custom layer (or subclassed model) built alone in Keras."""
    return reference.count(load_config(source), fallback=KerasLayers(custom_objects))


def count_model(model) -> ModelCount:
    """A built Keras model's counts, per top-level layer, from its weights."""
    try:
        total = model.count_params()
    except ValueError as err:
        raise LiveKerasError(f"Keras cannot count an unbuilt model: {err}") from None
    layers = tuple(_layer_count(layer) for layer in model.layers)
    params = ParamCount(_size(model.trainable_weights), _size(model.non_trainable_weights))
    if params.total != total:
        raise LiveKerasError(f"count_params() gives {total} but the weights add up to {params.total}")
    return ModelCount(model.name, type(model).__name__, layers, params)


def _layer_count(layer) -> LayerCount:
    t, n = _size(layer.trainable_weights), _size(layer.non_trainable_weights)
    derivation = Derivation(term(t) if t else None, term(n) if n else None, note="live weights")
    return LayerCount(layer.name, type(layer).__name__, _output_shape(layer), derivation)


def _size(weights) -> int:
    return sum(_prod(w.shape) for w in _unique(weights))


def _unique(weights) -> list:
    seen, unique = set(), []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            unique.append(w)
    return unique


def _prod(shape) -> int:
    result = 1
    for d in shape:
        result *= int(d)
    return result


def _output_shape(layer):
    try:
        output = layer.output
    except (AttributeError, ValueError):  # unbuilt, or a shared layer with several outputs
        return None
    return _shapes(output)


def _shapes(output):
    """Keras tensors as the reference counter writes shapes: a tuple, or a list of them."""
    if isinstance(output, (list, tuple)):
        return [_shapes(t) for t in output]
    if isinstance(output, dict):
        return {key: _shapes(t) for key, t in output.items()}
    return tuple(output.shape)


class KerasLayers:
    """The reference counter's fallback (see ``reference.falling_back``): build what it cannot count.

    Called as ``fallback(layer, call)`` with one serialized layer and the shapes it is called on, it
    builds that one layer in Keras, calls it on symbolic tensors of those shapes, and returns its output
    shape and weights, the derivation saying "counted by Keras: kernel 512×256 + bias 256". A user's model
    class is rebuilt from its config (its ``build_config`` gives the input shape) and counted per layer.
    A layer called again (shared) is the same Keras object, called again for its output shape only.
    """

    def __init__(self, custom_objects: dict | None = None):
        self.custom_objects = dict(custom_objects or {})
        self.built: dict[int, tuple] = {}  # id(serialized layer) -> (that dict, its Keras object, calls counted)

    def __call__(self, layer: dict, call: Call) -> Counted:
        name = layer.get("name") or (layer.get("config") or {}).get("name") or "?"
        _, instance, index = self.built.get(id(layer)) or (
            layer, self._deserialize(layer, name, top=not (call.args or call.kwargs)), -1)
        index += 1
        self.built[id(layer)] = (layer, instance, index)  # the dict is kept, so its id is never reused
        output = self._call(instance, layer, call, index) if call.args or call.kwargs else None
        if isinstance(instance, _keras().Model):
            _check_built(instance)
            return Counted(output, _derivation(instance), _model_layers(instance))
        return Counted(output, _derivation(instance))

    def _deserialize(self, layer: dict, name: str, top: bool):
        """The Keras object for a serialized layer; a top-level model keeps its build_config, to be built."""
        drop = ("inbound_nodes", "compile_config") if top else ("inbound_nodes", "compile_config", "build_config")
        config = copy.deepcopy({key: value for key, value in layer.items() if key not in drop})  # Keras edits it
        keras = _keras()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return keras.saving.deserialize_keras_object(config, custom_objects=self.custom_objects)
        except Exception as err:  # the user's class or Keras: any error is one line
            raise _cannot_rebuild(layer, name, err) from None

    def _call(self, instance, layer: dict, call: Call, index: int):
        """Call ``instance`` on Keras tensors of the call's shapes (and dtypes, from the config); its output shapes."""
        dtypes = _tensor_dtypes((layer.get("inbound_nodes") or [])[index:index + 1])
        try:
            args = [_to_keras(value, dtypes) for value in call.args]
            kwargs = {key: _to_keras(value, dtypes) for key, value in call.kwargs.items()}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return _shapes(instance(*args, **kwargs))
        except Exception as err:  # the user's code or Keras: any error is one line
            shapes = ", ".join(str(s) for s in call.shapes)
            raise LiveKerasError(f"layer '{instance.name}' ({type(instance).__name__}): Keras could not call it on "
                                 f"input shape {shapes}: {type(err).__name__}: {_first_line(err)}") from None


def _check_built(model) -> None:
    if not model.built or (not model.weights and any(not layer.built for layer in model.layers)):
        raise LiveKerasError(f"model '{model.name}' ({type(model).__name__}) was saved before it was built, so "
                             "its weights do not exist yet: call it once on data (or model.build(shape)), then save it")


def _cannot_rebuild(layer: dict, name: str, err: Exception) -> Exception:
    """Why Keras could not rebuild a layer from its config, as the error to raise."""
    text, class_name, module = str(err), str(layer.get("class_name")), layer.get("module")
    if "Python lambda" in text:
        return ConfigError(
            f"Lambda layer '{name}' holds a Python lambda, which Keras loads only in unsafe mode; give it "
            "output_shape=(...), define its function with def in a --custom-objects file, or (for a file you "
            "trust) call keras.config.enable_unsafe_deserialization() in that file")
    if class_name == "Lambda":
        function = ((layer.get("config") or {}).get("function") or {}).get("config")
        return ConfigError(f"Lambda layer '{name}' calls a function, {function!r}, that Keras cannot find; "
                           "pass the Python file that defines it: --custom-objects FILE.py")
    if "Could not locate" in text or "Unknown layer" in text:
        return UnknownLayerError(class_name, name, module, custom=not str(module or "").startswith("keras"))
    return LiveKerasError(f"layer '{name}' ({class_name}): Keras could not rebuild it from its config: "
                          f"{type(err).__name__}: {_first_line(err)}")


def _tensor_dtypes(nodes: list) -> list:
    """The dtypes of the Keras tensors a serialized call receives, in the order the counter reads them."""
    found: list = []

    def walk(value):
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                found.append(value["config"].get("dtype") or "float32")
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for node in nodes:
        walk(node.get("args", []))
        walk(node.get("kwargs", {}))
    return found


def _to_keras(value, dtypes: list):
    """A call argument for Keras: each shape a symbolic tensor, each serialized object (slice, constant) rebuilt."""
    keras = _keras()
    if isinstance(value, tuple):
        return keras.KerasTensor(value, dtype=dtypes.pop(0) if dtypes else "float32")
    if isinstance(value, list):
        return [_to_keras(v, dtypes) for v in value]
    if isinstance(value, dict):
        if "class_name" in value:
            return keras.saving.deserialize_keras_object(value)
        return {key: _to_keras(v, dtypes) for key, v in value.items()}
    return value


def _derivation(instance) -> Derivation:
    """A Keras object's weights as the reference counter writes them; an op or a Lambda has none."""
    if not isinstance(instance, _keras().Layer) or type(instance).__name__ == "Lambda":
        return Derivation(note="no weights; output shape from Keras")
    return weights_derivation(instance.name, instance.trainable_weights, instance.non_trainable_weights)


def weights_derivation(owner: str, trainable: list, non_trainable: list) -> Derivation:
    """Weights named with their shapes: ``counted by Keras: kernel 512×256 + bias 256 = 131,328``."""
    parts = [_weights_expr(owner, weights) for weights in (trainable, non_trainable)]
    if parts == [None, None]:
        return Derivation(note="counted by Keras: no weights")
    first = parts[0] or parts[1]
    prefixed = Expr(first.value, f"counted by Keras: {first.text}")
    return Derivation(prefixed, parts[1]) if parts[0] else Derivation(None, prefixed)


def _weights_expr(owner: str, weights: list) -> Expr | None:
    parts = [Expr(_prod(w.shape), f"{_weight_name(owner, w)} {'×'.join(str(d) for d in w.shape) or '1'}")
             for w in _unique(weights)]
    return reference.total(parts) if parts else None


def _weight_name(owner: str, weight) -> str:
    path = getattr(weight, "path", None) or weight.name
    return path[len(owner) + 1:] if path.startswith(f"{owner}/") else path


def _model_layers(model) -> tuple[LayerCount, ...]:
    """A model counted by Keras, per layer (its own weights, if any, as one more row)."""
    rows = [LayerCount(layer.name, type(layer).__name__, _output_shape(layer), _derivation(layer))
            for layer in model.layers]
    inside = {id(w) for layer in model.layers for w in layer.weights}
    own = [w for w in _unique(model.weights) if id(w) not in inside]
    if own:
        derivation = weights_derivation(model.name, [w for w in own if w.trainable],
                                        [w for w in own if not w.trainable])
        rows.append(LayerCount(f"{model.name} (its own weights)", type(model).__name__, None, derivation))
    return tuple(rows)
