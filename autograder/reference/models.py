"""Whole models: Sequential and Functional graphs, nested models, shared layers.

A layer called several times (a shared layer, a reused model) owns one set of
weights, built on its first call: it is counted once, as ``count_params()`` does.
A model with ``trainable: false`` moves every weight of its layers to non-trainable.
Keras operations used on symbolic tensors (``x + 3``, ``keras.ops.multiply``)
are graph nodes without weights; like Keras, a model's ``layers`` omits them.
A user's model class (a subclassed ``keras.Model``) runs its own code, so its config
alone cannot say what weights it builds: it is refused, or counted by the fallback.
"""

from __future__ import annotations

from ..errors import ConfigError, UnknownLayerError
from ._expr import term
from ._registry import Call, Counted, apply_layer, by_fallback, current_fallback, from_keras, register
from ._types import Derivation, LayerCount, ParamCount
from .operations import count_operation, is_operation

__all__ = ["walk_model"]

_MODEL_CLASSES = ("Sequential", "Functional", "Model")


def walk_model(model: dict) -> tuple[list[LayerCount], object, ParamCount]:
    """Count a serialized model: its layers as ``model.layers`` lists them, its output, totals."""
    if model.get("class_name") not in _MODEL_CLASSES and not from_keras(model):
        counted = _user_model(model)
        return list(counted.children), counted.output, counted.derivation.params
    _check_model(model)
    if model.get("class_name") not in _MODEL_CLASSES:  # a subclass keeping the config format
        kind = "Functional" if "input_layers" in model["config"] else "Sequential"
        model = {**model, "class_name": kind}
    counted = apply_layer(model, Call())
    return list(counted.children), counted.output, counted.derivation.params  # the sum of its layers


def _user_model(model: dict) -> Counted:
    """A user's model class, whatever its config holds, is the fallback's (Keras builds it) or refused."""
    fallback = current_fallback()
    if fallback is None:
        config = model.get("config") or {}
        raise UnknownLayerError(str(model.get("class_name")), config.get("name"), model.get("module"), custom=True)
    return by_fallback(fallback, model, Call())


def _check_model(model: dict) -> None:
    config = model.get("config") or {}
    if model.get("class_name") not in _MODEL_CLASSES and not isinstance(config.get("layers"), list):
        raise ConfigError(
            f"'{model.get('class_name')}' is not a Sequential or Functional model config: a "
            "subclassed model's config does not describe its layers or how they connect, so its "
            "weights cannot be derived from it; count it with Keras: `python -m autograder count MODEL "
            "--custom-objects FILE.py` with the file that defines it (autograder.live.count_model(model) "
            "for a built model), or rewrite it as a Functional model")


@register("Sequential")
def _sequential(config: dict, call: Call) -> Counted:
    layers = _layer_list(config)
    shape = _sequential_input(config, layers, call)
    children = []
    for layer in layers:
        if layer.get("class_name") == "InputLayer":
            continue
        counted = apply_layer(layer, Call.on(shape) if isinstance(shape, tuple) else Call((shape,)))
        children.append(_as_layer(layer, counted))
        shape = counted.output
    return _model_counted(shape, children)


@register("Functional", "Model")
def _functional(config: dict, call: Call) -> Counted:
    layers = _layer_list(config)
    if "input_layers" not in config or "output_layers" not in config:
        raise ConfigError("a Functional model config without 'input_layers' and 'output_layers': "
                          "expected the output of model.to_json() or a .keras file")
    graph = _Graph(layers)
    graph.run()
    children = [_as_layer(layer, graph.results[layer["name"]])
                for layer in layers if layer["name"] not in graph.operations]
    out = graph.model_outputs(config["output_layers"])
    return _model_counted(out[0] if len(out) == 1 else out, children)


class _Graph:
    """The layer calls of a Functional config, applied in dependency order as Keras does."""

    def __init__(self, layers: list):
        self.layers = layers
        self.results: dict[str, Counted] = {}  # each layer's first call: where weights are built
        self.outputs: dict[tuple[str, int], list] = {}  # (layer, node index) -> output shapes
        self.nodes: dict[str, list] = {}  # each layer's calls (inbound nodes), in order
        self.functional, self.operations = set(), set()  # nested Functional models; Keras operations
        for layer in layers:
            nodes = _nodes(layer)  # checks the layer's format first
            self.nodes[layer["name"]] = nodes
            if _is_functional(layer):
                self.functional.add(layer["name"])
            if is_operation(layer):
                self.operations.add(layer["name"])
        self.applied = dict.fromkeys(self.nodes, 0)  # how many of each layer's calls are applied

    def run(self) -> None:
        for layer in self.layers:
            if not self.nodes[layer["name"]]:  # an InputLayer: no inbound node
                self._record(layer, 0, apply_layer(layer, Call()))
        pending = [layer for layer in self.layers if self.nodes[layer["name"]]]
        while pending:  # configs list layers in call order, so one pass usually does it all
            if not any([self._advance(layer) for layer in pending]):
                self._unresolved()
            pending = [layer for layer in pending if self._waiting(layer["name"])]

    def _waiting(self, name: str) -> bool:
        return self.applied[name] < len(self.nodes[name])

    def _advance(self, layer: dict) -> bool:
        """Apply this layer's pending calls in order, until one waits for an input; any applied?"""
        name = layer["name"]
        nodes, first = self.nodes[name], self.applied[name]
        for index in range(first, len(nodes)):
            try:
                call = self._call(nodes[index])
            except LookupError:
                break
            counted = count_operation(layer, call) if name in self.operations else apply_layer(layer, call)
            self._record(layer, index, counted)
            self.applied[name] = index + 1
        return self.applied[name] > first

    def _record(self, layer: dict, index: int, counted: Counted) -> None:
        self.results.setdefault(layer["name"], counted)
        self.outputs[(layer["name"], index)] = _flatten(counted.output)

    def _call(self, node: dict) -> Call:
        kwargs = node.get("kwargs", {})  # most often {}: nothing to resolve
        return Call(tuple(self._resolve(node.get("args", []))), self._resolve(kwargs) if kwargs else kwargs)

    def _resolve(self, value):
        """Replace each serialized Keras tensor by its shape; LookupError if not yet known."""
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                name, node, index = value["config"]["keras_history"]
                return self.outputs[(name, node)][index]
            return {k: self._resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value

    def model_outputs(self, refs) -> list:
        """The shapes named by ``output_layers`` ([layer, node, tensor] leaves, any nesting)."""
        if isinstance(refs, list) and len(refs) == 3 and isinstance(refs[0], str):
            name, node, index = refs
            node -= name in self.functional  # Keras numbers a nested Functional's calls from 1
            try:
                return [self.outputs[(name, node)][index]]
            except (KeyError, IndexError):
                raise ConfigError(f"the model's output_layers name {refs}, which no layer call "
                                  "produces; is the config complete?") from None
        values = refs.values() if isinstance(refs, dict) else refs
        return [shape for ref in values for shape in self.model_outputs(ref)]

    def _unresolved(self) -> None:
        names = ", ".join(sorted(name for name in self.nodes if self._waiting(name)))
        raise ConfigError(f"the model graph cannot be resolved: layers {names} wait for inputs "
                          "that no layer produces; is the config complete?")


def _is_functional(layer: dict) -> bool:
    config = layer.get("config") or {}
    return layer.get("class_name") == "Functional" or "input_layers" in config


def _nodes(layer: dict) -> list:
    if not isinstance(layer, dict) or "name" not in layer:
        raise ConfigError(f"expected each entry of a Functional config's 'layers' to be a layer "
                          f"dict with a 'name', got {layer!r:.80}")
    nodes = layer.get("inbound_nodes") or []
    if nodes and not isinstance(nodes[0], dict):
        raise ConfigError(f"layer '{layer.get('name')}' has inbound nodes in the Keras 2 format; "
                          "expected a Keras 3 config: load the model in Keras 3 and save it again")
    return nodes


def _layer_list(config: dict) -> list:
    layers = config.get("layers")
    if not isinstance(layers, list):
        raise ConfigError("a model config without a 'layers' list: a subclassed model's config "
                          "does not describe its layers; count it live after building it, "
                          "or rewrite it as a Sequential or Functional model")
    return layers


def _sequential_input(config: dict, layers: list, call: Call):
    first = layers[0] if layers else {}
    if first.get("class_name") == "InputLayer":  # weights were built on this shape
        return apply_layer(first, Call()).output
    if call.args or call.kwargs:
        return call.shape
    if config.get("build_input_shape"):
        return tuple(config["build_input_shape"])
    raise ConfigError("the Sequential model has no input shape, so it is not built and has no "
                      "weights yet (count_params() raises too); start it with keras.Input(shape=...)")


def _flatten(output) -> list:
    if isinstance(output, tuple):
        return [output]
    if isinstance(output, dict):
        output = list(output.values())
    return [s for item in output for s in _flatten(item)]


def _as_layer(layer: dict, counted: Counted) -> LayerCount:
    name = layer.get("name") or (layer.get("config") or {}).get("name", "?")
    return LayerCount(name, layer.get("class_name", "?"), counted.output,
                      counted.derivation, counted.children)


def _sum(children) -> ParamCount:
    trainable = non_trainable = 0
    for child in children:
        params = child.params
        trainable += params.trainable
        non_trainable += params.non_trainable
    return ParamCount(trainable, non_trainable)


def _model_counted(output, children) -> Counted:
    params = _sum(children)
    derivation = Derivation(term(params.trainable) if params.trainable else None,
                            term(params.non_trainable) if params.non_trainable else None,
                            note="sum of its layers")
    return Counted(output, derivation, tuple(children))
