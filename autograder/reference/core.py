"""Core layers (``keras/src/layers/core``): InputLayer, Dense, EinsumDense, Embedding,
ReversibleEmbedding, Identity, Masking and Lambda."""

from __future__ import annotations

from ..errors import ConfigError, ShapeError, UnknownLayerError
from ._axes import same_shape
from ._einsum import analyze_einsum
from ._expr import product, term
from ._registry import Call, Counted, current_fallback, register
from ._types import Derivation
from .quantize import (
    dense_weights,
    einsum_weights,
    embedding_weights,
    float32_adapters,
    policy,
    weights_derivation,
)

__all__ = ["dense", "einsum_dense", "embedding", "reversible_embedding"]


def dense(units: int, inputs: int, use_bias: bool = True, lora_rank: int | None = None) -> Derivation:
    """Dense: a weight per input per unit, plus one bias per unit.

    >>> dense(units=2, inputs=256).formula
    '2 × (256 + 1) = 514'
    """
    kernel = term(units) * (term(inputs) + 1) if use_bias else term(units) * term(inputs)
    if not lora_rank:
        return Derivation(kernel)
    # LoRA freezes the kernel and trains two thin matrices A (inputs × r) and B (r × units).
    lora = term(lora_rank) * (term(inputs) + term(units))
    bias = term(units) if use_bias else None
    return Derivation(lora + bias if bias else lora, term(inputs) * term(units),
                      note=f"LoRA rank {lora_rank}: kernel frozen")


@register("InputLayer")
def _input_layer(config: dict, call: Call) -> Counted:
    shape = config.get("batch_shape") or config.get("batch_input_shape")
    if shape is None and config.get("shape") is not None:
        shape = [config.get("batch_size"), *list(config["shape"])]
    if shape is None:
        raise ShapeError("an InputLayer without 'batch_shape': expected keras.Input(shape=(...,))")
    return Counted(tuple(shape))


@register("Dense")
def _dense(config: dict, call: Call) -> Counted:
    shape = call.shape
    if len(shape) < 2 or shape[-1] is None:
        raise ShapeError(f"Dense needs a known last axis, got input shape {shape}")
    units = config["units"]
    pol = policy(config.get("dtype"))
    if pol.mode:
        weights = dense_weights(units, shape[-1], config.get("use_bias", True), pol, config.get("lora_rank"))
        return Counted((*shape[:-1], units), weights_derivation(weights, pol))
    derivation = dense(units, shape[-1], config.get("use_bias", True), config.get("lora_rank"))
    return Counted((*shape[:-1], units), float32_adapters(derivation, config, (shape[-1], units)))


def einsum_dense(equation: str, output_shape, input_shape: tuple, bias_axes: str | None = None,
                 lora_rank: int | None = None) -> Derivation:
    """EinsumDense: a kernel shaped by the equation, plus a bias over ``bias_axes``.

    >>> einsum_dense("ab,bc->ac", 64, (None, 32), bias_axes="c").formula
    '32 × 64 + 64 = 2,112'
    """
    shapes = analyze_einsum(equation, bias_axes, input_shape, output_shape)
    if None in shapes.kernel or (shapes.bias and None in shapes.bias):
        raise ShapeError(f"EinsumDense {equation!r} on input shape {tuple(input_shape)} gives a "
                         f"kernel of shape {shapes.kernel} with an unknown size; fix output_shape "
                         "or give the Input a known size on the contracted axes")
    kernel = product(shapes.kernel)
    bias = product(d for d in shapes.bias if d != 1) if shapes.bias is not None else None
    if not lora_rank:
        return Derivation(kernel + bias if bias else kernel)
    # LoRA: kernel frozen; A has the kernel's shape with the last axis replaced by the rank.
    lora = product(shapes.kernel[:-1]) * term(lora_rank) + term(lora_rank) * term(shapes.kernel[-1])
    return Derivation(lora + bias if bias else lora, kernel, note=f"LoRA rank {lora_rank}: kernel frozen")


def embedding(input_dim: int, output_dim: int, lora_rank: int | None = None) -> Derivation:
    """Embedding: one vector of ``output_dim`` numbers per token of the vocabulary.

    >>> embedding(input_dim=1000, output_dim=64).formula
    '1,000 × 64 = 64,000'
    """
    table = term(input_dim) * term(output_dim)
    if not lora_rank:
        return Derivation(table)
    lora = term(lora_rank) * (term(input_dim) + term(output_dim))
    return Derivation(lora, table, note=f"LoRA rank {lora_rank}: embeddings frozen")


def reversible_embedding(input_dim: int, output_dim: int, tie_weights: bool = True,
                         lora_rank: int | None = None) -> Derivation:
    """ReversibleEmbedding: the embedding table, plus a reverse table unless the weights are tied.

    >>> reversible_embedding(input_dim=10, output_dim=4, tie_weights=False).formula
    '10 × 4 + 4 × 10 = 80'
    """
    table = term(input_dim) * term(output_dim)
    reverse = None if tie_weights else term(output_dim) * term(input_dim)
    if not lora_rank:
        return Derivation(table + reverse if reverse else table)
    # Embedding's LoRA: the table frozen, A and B trainable; an untied reverse table stays trainable.
    lora = term(lora_rank) * (term(input_dim) + term(output_dim))
    return Derivation(lora + reverse if reverse else lora, table, note=f"LoRA rank {lora_rank}: embeddings frozen")


@register("EinsumDense")
def _einsum_dense(config: dict, call: Call) -> Counted:
    shape = call.shape
    derivation = einsum_dense(config["equation"], config["output_shape"], shape,
                              config.get("bias_axes"), config.get("lora_rank"))
    output = analyze_einsum(config["equation"], config.get("bias_axes"), shape, config["output_shape"])
    pol = policy(config.get("dtype"))
    if pol.mode:
        bias = tuple(d for d in output.bias if d != 1) if output.bias is not None else None
        weights = einsum_weights(config["equation"], output.kernel, bias, pol, lora_rank=config.get("lora_rank"),
                                 input_rank=len(shape))
        derivation = weights_derivation(weights, pol)
    else:
        derivation = float32_adapters(derivation, config, tuple(output.kernel))
    return Counted(output.output, derivation)


@register("Embedding")
def _embedding(config: dict, call: Call) -> Counted:
    pol = policy(config.get("dtype"))
    if pol.mode:
        weights = embedding_weights(config["input_dim"], config["output_dim"], pol, config.get("lora_rank"))
        return Counted((*call.shape, config["output_dim"]), weights_derivation(weights, pol))
    derivation = embedding(config["input_dim"], config["output_dim"], config.get("lora_rank"))
    table = (config["input_dim"], config["output_dim"])
    return Counted((*call.shape, config["output_dim"]), float32_adapters(derivation, config, table, "embeddings"))


@register("ReversibleEmbedding")
def _reversible_embedding(config: dict, call: Call) -> Counted:
    derivation = reversible_embedding(config["input_dim"], config["output_dim"],
                                      config.get("tie_weights", True), config.get("lora_rank"))
    pol = policy(config.get("dtype"))
    if pol.mode:
        weights = embedding_weights(config["input_dim"], config["output_dim"], pol, config.get("lora_rank"),
                                    tie_weights=config.get("tie_weights", True))
        derivation = weights_derivation(weights, pol)
    else:
        table = (config["input_dim"], config["output_dim"])
        derivation = float32_adapters(derivation, config, table, "embeddings", "reverse_embeddings")
    shape = call.shape
    if call.kwargs.get("reverse") or (len(call.args) > 1 and call.args[1] is True):
        return Counted((*shape[:-1], config["input_dim"]), derivation)
    return Counted((*shape, config["output_dim"]), derivation)


@register("Identity", "Masking")
def _same_shape(config: dict, call: Call) -> Counted:
    return Counted(same_shape(call.shapes, "this layer"))


@register("Lambda")
def _lambda(config: dict, call: Call) -> Counted:
    output_shape = config.get("output_shape")
    if output_shape is None or isinstance(output_shape, dict):
        if current_fallback() is not None:  # apply_layer hands the whole layer to the fallback (Keras)
            raise UnknownLayerError("Lambda", config.get("name"))
        raise ConfigError(
            "a Lambda layer's output shape cannot be inferred without running its Python function, "
            "which the reference counter never does; expected output_shape=(...) (without the "
            "batch axis) in its config: create it as keras.layers.Lambda(fn, output_shape=(...)), "
            "or add --live to `python -m autograder count` to ask Keras for that layer's output shape")
    batch = call.shape[0] if call.shapes else None
    return Counted(_with_batch(batch, output_shape))


def _with_batch(batch, shape):
    """Keras's rule: a Lambda's output_shape excludes the batch axis; nested lists are several outputs."""
    if all(d is None or isinstance(d, int) for d in shape):
        return (batch, *shape)
    return [_with_batch(batch, s) for s in shape]
