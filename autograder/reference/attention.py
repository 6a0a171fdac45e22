"""Attention layers (``keras/src/layers/attention``): MultiHeadAttention, GroupedQueryAttention,
Attention and AdditiveAttention.

In Keras ``key_dim`` is the size of each head, so MultiHeadAttention grows with ``num_heads``
(unlike PyTorch, which splits one embedding across the heads). Each projection is an
EinsumDense: a kernel ``features × heads × head size`` and a bias ``heads × head size``::

    >>> multi_head_attention(num_heads=2, key_dim=3, query_features=8).formula
    '2 × 3 × (8 + 1) + 2 × 3 × (8 + 1) + 2 × 3 × (8 + 1) + 2 × 3 × 8 + 8 = 218 (query + key + value + output)'

The "features" arguments are the last axis of each input tensor (``query.shape[-1]``).
"""

from __future__ import annotations

from ..errors import ConfigError, ShapeError
from ._expr import product, term
from ._registry import Call, Counted, register
from ._types import Derivation

__all__ = ["additive_attention", "attention", "group_query_attention", "grouped_query_attention",
           "multi_head_attention"]

_QVK = ("query", "value", "key")


def _projection(heads: int, size: int, features: int, use_bias: bool):
    """An input projection: ``heads × size × (features + 1)`` with a bias, else without the 1."""
    if use_bias:
        return term(heads) * term(size) * (term(features) + 1)
    return term(heads) * term(size) * term(features)


def multi_head_attention(num_heads: int, key_dim: int, query_features: int, *,
                         value_features: int | None = None, key_features: int | None = None,
                         value_dim: int | None = None, output_shape=None, use_bias: bool = True,
                         use_gate: bool = False) -> Derivation:
    """MultiHeadAttention: query, key and value projections, then an output projection.

    ``key_dim`` and ``value_dim`` (default ``key_dim``) are per head; ``value_features`` defaults
    to ``query_features`` (self-attention) and ``key_features`` to ``value_features``, as in
    Keras. ``output_shape`` (int or tuple) defaults to ``query_features``. ``use_gate`` adds a
    gate projection of the query.
    """
    value_features = query_features if value_features is None else value_features
    key_features = value_features if key_features is None else key_features
    value_dim = value_dim or key_dim
    out = _output_dims(output_shape, query_features)
    parts = [_projection(num_heads, key_dim, query_features, use_bias),
             _projection(num_heads, key_dim, key_features, use_bias)]
    if use_gate:
        parts.append(_projection(num_heads, value_dim, query_features, use_bias))
    parts.append(_projection(num_heads, value_dim, value_features, use_bias))
    output = term(num_heads) * term(value_dim) * product(out)
    parts.append(output + product(out) if use_bias else output)
    note = "query + key + gate + value + output" if use_gate else "query + key + value + output"
    return Derivation(sum(parts[1:], parts[0]), note=note)


def _output_dims(output_shape, query_features: int) -> tuple:
    if not output_shape:
        return (query_features,)
    if isinstance(output_shape, int) and not isinstance(output_shape, bool):
        return (output_shape,)
    if isinstance(output_shape, (list, tuple)) and all(isinstance(d, int) for d in output_shape):
        return tuple(output_shape)
    raise ConfigError(f"MultiHeadAttention output_shape must be an int or a tuple of ints, "
                      f"got {output_shape!r}; e.g. output_shape=64")


def grouped_query_attention(head_dim: int, num_query_heads: int, num_key_value_heads: int,
                            query_features: int, *, value_features: int | None = None,
                            key_features: int | None = None, use_bias: bool = True,
                            use_gate: bool = False) -> Derivation:
    """GroupedQueryAttention: query heads share fewer key/value heads; the output projection
    maps the query heads back to ``query_features``.

    >>> grouped_query_attention(head_dim=4, num_query_heads=4, num_key_value_heads=2,
    ...                         query_features=8).formula
    '4 × 4 × (8 + 1) + 2 × 4 × (8 + 1) + 2 × 4 × (8 + 1) + 4 × 4 × 8 + 8 = 424 (query + key + value + output)'
    """
    value_features = query_features if value_features is None else value_features
    key_features = value_features if key_features is None else key_features
    parts = [_projection(num_query_heads, head_dim, query_features, use_bias),
             _projection(num_key_value_heads, head_dim, key_features, use_bias)]
    if use_gate:
        parts.append(_projection(num_query_heads, head_dim, query_features, use_bias))
    parts.append(_projection(num_key_value_heads, head_dim, value_features, use_bias))
    output = term(num_query_heads) * term(head_dim) * term(query_features)
    parts.append(output + term(query_features) if use_bias else output)
    note = "query + key + gate + value + output" if use_gate else "query + key + value + output"
    return Derivation(sum(parts[1:], parts[0]), note=note)


group_query_attention = grouped_query_attention  # Keras exports the class under both names


def attention(use_scale: bool = False, score_mode: str = "dot") -> Derivation:
    """Attention (dot-product): at most two scalars, a scale and, for ``score_mode="concat"``,
    a score weight.

    >>> attention(use_scale=True, score_mode="concat").formula
    '1 + 1 = 2 (a scale + a concat score weight)'
    """
    if score_mode not in ("dot", "concat"):
        raise ConfigError(f"Attention score_mode must be 'dot' or 'concat', got {score_mode!r}")
    parts = [(term(1), "a scale")] if use_scale else []
    parts += [(term(1), "a concat score weight")] if score_mode == "concat" else []
    if not parts:
        return Derivation()
    return Derivation(sum((p for p, _ in parts[1:]), parts[0][0]), note=" + ".join(n for _, n in parts))


def additive_attention(query_features: int, use_scale: bool = True) -> Derivation:
    """AdditiveAttention: with ``use_scale`` (the default), one scale per query feature.

    >>> additive_attention(query_features=16).formula
    '16 (one scale per feature)'
    """
    return Derivation(term(query_features), note="one scale per feature") if use_scale else Derivation()


def _query_value_key(call: Call, layer: str) -> tuple:
    """``query``, ``value`` and ``key`` shapes, given positionally or by name; key defaults to value."""
    found = dict(zip(_QVK, (a for a in call.args if isinstance(a, tuple)), strict=False))
    found.update({k: v for k, v in call.kwargs.items() if k in _QVK and isinstance(v, tuple)})
    if "query" not in found or "value" not in found:
        raise ShapeError(f"{layer} must be called on a query and a value tensor, e.g. "
                         f"layer(query, value) or layer(query, value, key); got {call.shapes}")
    query, value = found["query"], found["value"]
    key = found.get("key", value)
    if tuple(value[1:-1]) != tuple(key[1:-1]):
        raise ShapeError(f"{layer}: value and key must agree on every axis but the last, got "
                         f"value {value} and key {key}; give them the same sequence length")
    for shape in (query, value, key):
        if shape[-1] is None:
            raise ShapeError(f"{layer} needs the last axis of query, value and key known, got {shape}")
    return query, value, key


def _scores_requested(call: Call) -> bool:
    return bool(call.kwargs.get("return_attention_scores"))


@register("MultiHeadAttention")
def _multi_head_attention(config: dict, call: Call) -> Counted:
    query, value, key = _query_value_key(call, "MultiHeadAttention")
    heads = config["num_heads"]
    derivation = multi_head_attention(
        heads, config["key_dim"], query[-1], value_features=value[-1], key_features=key[-1],
        value_dim=config.get("value_dim"), output_shape=config.get("output_shape"),
        use_bias=config.get("use_bias", True), use_gate=config.get("use_gate", False))
    output = (*query[:-1], *_output_dims(config.get("output_shape"), query[-1]))
    if _scores_requested(call):  # Keras's symbolic shape uses the query length twice
        return Counted([output, (query[0], heads, query[1], query[1])], derivation)
    return Counted(output, derivation)


@register("GroupedQueryAttention", "GroupQueryAttention")
def _grouped_query_attention(config: dict, call: Call) -> Counted:
    query, value, key = _query_value_key(call, "GroupedQueryAttention")
    if query[-1] != value[-1]:
        raise ShapeError(f"GroupedQueryAttention needs query and value with the same last axis, "
                         f"got query {query} and value {value}")
    heads, kv_heads = config["num_query_heads"], config["num_key_value_heads"]
    if heads % kv_heads:
        raise ConfigError(f"GroupedQueryAttention: num_query_heads={heads} must be a multiple of "
                          f"num_key_value_heads={kv_heads}")
    derivation = grouped_query_attention(
        config["head_dim"], heads, kv_heads, query[-1], value_features=value[-1], key_features=key[-1],
        use_bias=config.get("use_bias", True), use_gate=config.get("use_gate", False))
    if _scores_requested(call):
        return Counted([query, (query[0], heads, query[1], key[1])], derivation)
    return Counted(query, derivation)


def _attention_inputs(call: Call, layer: str) -> tuple:
    inputs = call.args[0] if call.args else call.kwargs.get("inputs")
    if isinstance(inputs, tuple) and inputs and all(isinstance(s, tuple) for s in inputs):
        inputs = list(inputs)  # count_layer("Attention", {}, [q, v]) turns the list into a tuple
    elif 2 <= len(call.args) <= 3 and all(isinstance(s, tuple) for s in call.args):
        inputs = list(call.args)  # count_layer("Attention", {}, q, v)
    if not isinstance(inputs, list) or not 2 <= len(inputs) <= 3:
        raise ShapeError(f"{layer} must be called on a list [query, value] or [query, value, key], "
                         f"got {inputs!r:.80}; write e.g. {layer}()([query, value])")
    query, value = inputs[0], inputs[1]
    return query, value, inputs[2] if len(inputs) > 2 else value


def _attention_output(call: Call, layer: str) -> tuple:
    query, value, key = _attention_inputs(call, layer)
    output = (*query[:-1], value[-1])
    if _scores_requested(call):
        return query, [output, (*query[:-1], key[-2])]
    return query, output


@register("Attention")
def _attention(config: dict, call: Call) -> Counted:
    _, output = _attention_output(call, "Attention")
    return Counted(output, attention(config.get("use_scale", False), config.get("score_mode", "dot")))


@register("AdditiveAttention")
def _additive_attention(config: dict, call: Call) -> Counted:
    query, output = _attention_output(call, "AdditiveAttention")
    return Counted(output, additive_attention(query[-1], config.get("use_scale", True)))
