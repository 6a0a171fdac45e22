"""The wrong formulas of the misconception catalogue, as patches of the reference rules.

A patch is ``patch(config, call, rule) -> Derivation | Counted | None``: ``rule`` is the
real reference rule for the class, so a patch can re-run it on a changed config or input
("what if use_bias were false?"). Returning a :class:`Derivation` keeps the real output
shape; a :class:`Counted` replaces both (a wrong padding changes shapes downstream);
``None`` means the mistake changes nothing for this layer.
"""

from __future__ import annotations

from dataclasses import replace

from ...reference import Call, Counted, Derivation, data_format, split_spatial, term
from ...reference.quantize import policy

__all__ = ["patched"]

CONV = tuple(f"Conv{r}D" for r in (1, 2, 3))
TRANSPOSE = tuple(f"Conv{r}DTranspose" for r in (1, 2, 3))
DEPTHWISE = ("DepthwiseConv1D", "DepthwiseConv2D")
SEPARABLE = ("SeparableConv1D", "SeparableConv2D")
CELLS = ("SimpleRNNCell", "LSTMCell", "GRUCell")
POOLS = tuple(f"{kind}Pooling{r}D" for kind in ("Max", "Average") for r in (1, 2, 3))


def patched(rule, patch, only: str | None = None):
    """A rule that counts with ``rule`` and then applies the misconception's ``patch``
    (to every layer, or only to the layer named ``only``)."""

    def wrong(config: dict, call: Call) -> Counted:
        counted = rule(config, call)
        if only is not None and config.get("name") != only:
            return counted
        result = patch(config, call, rule)
        if isinstance(result, Counted):
            return result
        return counted if result is None else replace(counted, derivation=result)

    return wrong


def _n(value: int) -> Derivation:
    return Derivation(term(value))


def _total(counted: Counted) -> int:
    return counted.derivation.params.total


def _channels(config: dict, call: Call) -> int:
    return split_spatial(call.shape, data_format(config))[2]


def _with_channels(config: dict, call: Call, channels: int) -> Call:
    batch, spatial, _ = split_spatial(call.shape, data_format(config))
    shape = (batch, channels, *spatial) if data_format(config) == "channels_first" else (batch, *spatial, channels)
    return Call.on(shape)


def without_bias(config, call, rule):
    """BIAS_MISSING: the same layer with ``use_bias=False``."""
    return rule({**config, "use_bias": False}, call).derivation if config.get("use_bias", True) else None


def with_bias(config, call, rule):
    """BIAS_WHERE_NONE: a layer built with ``use_bias=False`` counted with its bias anyway."""
    return None if config.get("use_bias", True) else rule({**config, "use_bias": True}, call).derivation


def dense_bias_per_input(config, call, rule):
    inputs = call.shape[-1]
    return _n(inputs * config["units"] + inputs) if config.get("use_bias", True) else None


def dense_inputs_only(config, call, rule):
    return _n(call.shape[-1])


def dense_units_only(config, call, rule):
    return _n(config["units"])


def dense_all_axes(config, call, rule):
    if len(call.shape) <= 2 or None in call.shape[1:]:
        return None
    features = 1
    for d in call.shape[1:]:
        features *= d
    return rule(config, Call.on((None, features))).derivation


def conv_no_channels(config, call, rule):
    return rule({**config, "groups": 1}, _with_channels(config, call, 1)).derivation


def conv_output_size(config, call, rule):
    out = rule(config, call).output
    spatial = split_spatial(out, data_format(config))[1]
    if None in spatial:
        return None
    return rule({**config, "kernel_size": list(spatial)}, call).derivation


def conv_groups_ignored(config, call, rule):
    return rule({**config, "groups": 1}, call).derivation if config.get("groups", 1) > 1 else None


def depthwise_as_full(config, call, rule):
    channels = _channels(config, call)
    outputs = channels * config.get("depth_multiplier", 1)
    kernel = _total(rule({**config, "depth_multiplier": 1, "use_bias": False}, call)) // channels
    return _n(kernel * channels * outputs + outputs * bool(config.get("use_bias", True)))


def separable_no_pointwise(config, call, rule):
    channels, multiplier = _channels(config, call), config.get("depth_multiplier", 1)
    full = _total(rule({**config, "use_bias": False}, call))
    pointwise = channels * multiplier * config["filters"]
    return _n(full - pointwise + config["filters"] * bool(config.get("use_bias", True)))


def transpose_swapped(config, call, rule):
    if not config.get("use_bias", True):
        return None
    return _n(_total(rule({**config, "use_bias": False}, call)) + _channels(config, call))


def bn_stats_trainable(config, call, rule):
    d = rule(config, call).derivation
    return Derivation(d.trainable + d.non_trainable) if d.trainable and d.non_trainable else None


def bn_stats_missing(config, call, rule):
    d = rule(config, call).derivation
    return Derivation(d.trainable) if d.non_trainable else None


def lstm_three_gates(config, call, rule):
    return _n(_total(rule(config, call)) // 4 * 3)


def gru_one_bias(config, call, rule):
    return rule({**config, "reset_after": False}, call).derivation if config.get("reset_after", True) else None


def no_recurrent_kernel(config, call, rule):
    units = config["units"]
    counted = rule(config, call)
    gates = round(_total(rule({**config, "use_bias": False}, call)) / (units * (call.shape[-1] + units)))
    return _n(_total(counted) - gates * units * units)


def bidirectional_single(config, call, rule):
    counted = rule(config, call)
    return counted.children[0].derivation if counted.children else None


def mha_no_output(config, call, rule):
    shapes = call.shapes
    query = shapes[0]
    out = config.get("output_shape") or query[-1]
    out_size = out if isinstance(out, int) else _product(out)
    value_dim = config.get("value_dim") or config["key_dim"]
    projection = config["num_heads"] * value_dim * out_size + out_size * bool(config.get("use_bias", True))
    return _n(_total(rule(config, call)) - projection)


def mha_key_dim_total(config, call, rule):
    heads, key_dim = config["num_heads"], config["key_dim"]
    value_dim = config.get("value_dim") or key_dim
    if heads < 2 or key_dim % heads or value_dim % heads:
        return None
    return rule({**config, "key_dim": key_dim // heads, "value_dim": value_dim // heads}, call).derivation


def embedding_bias(config, call, rule):
    return _n(_total(rule(config, call)) + config["output_dim"])


def padding_flipped(config, call, rule):
    padding = config.get("padding", "valid")
    if padding not in ("valid", "same"):
        return None
    return rule({**config, "padding": "same" if padding == "valid" else "valid"}, call)


def _product(dims) -> int:
    result = 1
    for d in dims:
        result *= d
    return result


GQA = ("GroupQueryAttention", "GroupedQueryAttention")  # Keras exports the class under both names


def gqa_full_kv_heads(config, call, rule):
    """GQA_FULL_KV_HEADS: grouped-query attention counted with a key and a value head per query head."""
    heads = config["num_query_heads"]
    return rule({**config, "num_key_value_heads": heads}, call).derivation if config[
        "num_key_value_heads"] < heads else None


def tied_counted_twice(config, call, rule):
    """TIED_OUTPUT_COUNTED_TWICE: a tied ReversibleEmbedding counted with its own output table."""
    return rule({**config, "tie_weights": False}, call).derivation if config.get("tie_weights", True) else None


def lora_bias_frozen(config, call, rule):
    """LORA_BIAS_FROZEN: a LoRA Dense's bias counted with the frozen kernel (as PEFT's default does)."""
    if not config.get("lora_rank") or not config.get("use_bias", True):
        return None
    params, units = rule(config, call).derivation.params, config["units"]
    return Derivation(term(params.trainable - units), term(params.non_trainable + units))


def int8_scales_missing(config, call, rule):
    """QUANT_SCALES_MISSING: an int8 Dense counted as its float self, one value per weight (no kernel_scale)."""
    if policy(config.get("dtype")).mode != "int8":
        return None
    params = rule(config, call).derivation.params
    return Derivation(term(params.trainable), term(params.non_trainable - config["units"]))


def rms_with_offset(config, call, rule):
    """RMS_NORM_WITH_OFFSET: RMSNormalization given a beta per feature besides its scale."""
    return _n(2 * _total(rule(config, call)))
