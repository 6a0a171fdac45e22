"""Whole models: Sequential and Functional graphs, nested models, shared layers.

A layer called several times (a shared layer, a reused model) owns one set of
weights, built on its first call: it is counted once, as ``count_params()`` does.
"""

from __future__ import annotations

from ..errors import ConfigError
from ._expr import term
from ._registry import Call, Counted, apply_layer, register
from ._types import Derivation, LayerCount, ParamCount

__all__ = ["walk_model"]


def walk_model(model: dict) -> tuple[list[LayerCount], object, ParamCount]:
    """Count a serialized model: its layers as ``model.layers`` lists them, its output, totals."""
    counted = apply_layer(model, Call())
    return list(counted.children), counted.output, _sum(counted.children)


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
    if "input_layers" not in config:
        raise ConfigError("a Functional config without 'input_layers': expected model.to_json() output")
    results: dict[str, Counted] = {}
    outputs: dict[tuple[str, int], list] = {}
    pending = [(layer, i, node) for layer in layers for i, node in enumerate(_nodes(layer))]
    for layer in layers:
        if not _nodes(layer):  # an InputLayer
            results[layer["name"]] = apply_layer(layer, Call())
            outputs[(layer["name"], 0)] = _flatten(results[layer["name"]].output)
    while pending:
        waiting = [p for p in pending if not _apply_node(*p, results, outputs)]
        if len(waiting) == len(pending):
            names = ", ".join(sorted({p[0].get("name", "?") for p in waiting}))
            raise ConfigError(f"the model graph cannot be resolved: layers {names} wait for "
                              "inputs no layer produces; is the config complete?")
        pending = waiting
    children = [_as_layer(layer, results[layer["name"]]) for layer in layers]
    out = [outputs[(n, i)][j] for n, i, j in _refs(config.get("output_layers"))]
    return _model_counted(out[0] if len(out) == 1 else out, children)


def _apply_node(layer, index, node, results, outputs) -> bool:
    try:
        args = _resolve(node.get("args", []), outputs)
        kwargs = _resolve(node.get("kwargs", {}), outputs)
    except LookupError:
        return False
    counted = apply_layer(layer, Call(tuple(args), kwargs))
    results.setdefault(layer["name"], counted)
    outputs[(layer["name"], index)] = _flatten(counted.output)
    return True


def _resolve(value, outputs):
    """Replace each serialized Keras tensor by its shape; LookupError if not yet known."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            name, node, index = value["config"]["keras_history"]
            return outputs[(name, node)][index]
        return {k: _resolve(v, outputs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, outputs) for v in value]
    return value


def _nodes(layer: dict) -> list:
    nodes = layer.get("inbound_nodes") or []
    if nodes and not isinstance(nodes[0], dict):
        raise ConfigError(f"layer '{layer.get('name')}' has inbound nodes in the Keras 2 format; "
                          "expected a Keras 3 config: load the model in Keras 3 and save it again")
    return nodes


def _refs(refs):
    if not refs:
        return []
    return [refs] if isinstance(refs[0], str) else refs


def _layer_list(config: dict) -> list:
    layers = config.get("layers")
    if not isinstance(layers, list):
        raise ConfigError("a model config without a 'layers' list: a subclassed model's config "
                          "does not describe its layers; count it live after building it, "
                          "or rewrite it as a Sequential or Functional model")
    return layers


def _sequential_input(config: dict, layers: list, call: Call):
    if call.args or call.kwargs:
        return call.shape
    first = layers[0] if layers else {}
    if first.get("class_name") == "InputLayer":
        return apply_layer(first, Call()).output
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
    total = ParamCount()
    for child in children:
        total = total + child.params
    return total


def _model_counted(output, children) -> Counted:
    params = _sum(children)
    derivation = Derivation(term(params.trainable) if params.trainable else None,
                            term(params.non_trainable) if params.non_trainable else None,
                            note="sum of its layers")
    return Counted(output, derivation, tuple(children))
