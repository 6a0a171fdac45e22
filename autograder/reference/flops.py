"""FLOPs: the arithmetic of one forward pass, counted the way papers count it.

A multiply-add (a weight times an input, added to a running sum) is 2 floating-point operations. Only the
matrix products are counted: biases, activations, softmax and normalization cost a few operations per output
value, negligible beside them, and are left out, as in the scaling-law papers. Every count is per example (one
image, one sequence); a batch of B costs B times as much. Training costs about 3 × the forward pass: the
backward pass computes a gradient for the inputs and one for the weights, each a product the size of the
forward one::

    >>> dense(units=4, inputs=3).formula
    '2 × 3 × 4 = 24'
    >>> conv2d(filters=8, kernel_size=3, input_channels=3, image_size=32).formula
    '2 × 30 × 30 × 3 × 3 × 3 × 8 = 388,800'

Function names and arguments follow the Keras classes (``dense`` for Dense, ``units``, ``filters``…), like the
parameter formulas in the family modules; the arguments that parameters do not need (``image_size``,
``query_length``) are what makes FLOPs grow.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ._expr import Expr, product, term
from ._shapes import conv_output_length, normalize_padding, normalize_tuple

__all__ = ["Flops", "conv2d", "dense", "multi_head_attention", "per_token"]


@dataclass(frozen=True, slots=True)
class Flops:
    """The multiply-adds of one example's forward pass, with their arithmetic, and named parts of them."""

    multiply_adds: Expr
    parts: tuple[tuple[str, int], ...] = ()

    @property
    def forward(self) -> int:
        """FLOPs of the forward pass: 2 per multiply-add."""
        return 2 * self.multiply_adds.value

    @property
    def training(self) -> int:
        """FLOPs of a training step: the forward pass and a backward pass twice its size."""
        return 3 * self.forward

    @property
    def formula(self) -> str:
        return f"{(term(2) * self.multiply_adds).text} = {self.forward:,}"

    def part(self, name: str) -> int:
        """The forward FLOPs of one named part (``"scores"``, ``"projections"``…)."""
        found = dict(self.parts)
        if name not in found:
            raise KeyError(f"no part {name!r}; this count has {', '.join(found) or 'no parts'}")
        return found[name]

    def __str__(self) -> str:
        return self.formula


def dense(units: int, inputs: int, positions: int = 1) -> Flops:
    """Dense: each of ``units`` outputs is a sum of ``inputs`` products, at each of ``positions`` (the axes
    between the batch and the last one: a sequence's length, an image's pixels).

    >>> dense(units=2, inputs=256).forward
    1024
    """
    _check(units=units, inputs=inputs, positions=positions)
    kernel = term(inputs) * term(units)
    return Flops(kernel if positions == 1 else term(positions) * kernel)


def conv2d(filters: int, kernel_size, input_channels: int, image_size, *, strides=1,
           padding: str = "valid", dilation_rate=1, groups: int = 1) -> Flops:
    """Conv2D: every output pixel is a sum over the window and the input channels of its group, for each
    filter. ``image_size`` (an int or ``(height, width)``) is the input's; the output's follows Keras.

    >>> conv2d(filters=8, kernel_size=3, input_channels=3, image_size=64).forward
    1660608
    """
    _check(filters=filters, input_channels=input_channels, groups=groups)
    if input_channels % groups or filters % groups:
        raise ConfigError(f"groups={groups} must divide both the input channels ({input_channels}) and "
                          f"filters ({filters}); change groups or the channels")
    kernel = normalize_tuple(kernel_size, 2, "kernel_size")
    pixels = _conv_pixels(normalize_tuple(image_size, 2, "image_size"), kernel, strides, padding, dilation_rate)
    channels = term(input_channels) if groups == 1 else term(input_channels // groups,
                                                              f"{input_channels} / {groups}")
    return Flops(product(pixels) * product(kernel) * channels * term(filters))


def _conv_pixels(image: tuple, kernel: tuple, strides, padding: str, dilation_rate) -> tuple:
    strides = normalize_tuple(strides, 2, "strides")
    dilation = normalize_tuple(dilation_rate, 2, "dilation_rate")
    padding = normalize_padding(padding)
    return tuple(conv_output_length(n, k, s, padding, d) for n, k, s, d in zip(image, kernel, strides, dilation,
                                                                               strict=True))


def multi_head_attention(num_heads: int, key_dim: int, query_features: int, query_length: int, *,
                         value_length: int | None = None, value_features: int | None = None,
                         key_features: int | None = None, value_dim: int | None = None,
                         output_shape: int | None = None) -> Flops:
    """MultiHeadAttention on one sequence of ``query_length`` tokens attending to ``value_length`` (default:
    self-attention). Four projections, each growing with its sequence's length, and two products that grow
    with ``query_length × value_length``: the scores (query · key) and the weighted sum of the values.

    Parts: ``"projections"``, ``"scores"``, ``"weighted_sum"`` (forward FLOPs).
    """
    value_length = query_length if value_length is None else value_length
    value_features = query_features if value_features is None else value_features
    key_features = value_features if key_features is None else key_features
    value_dim, output = value_dim or key_dim, output_shape or query_features
    _check(num_heads=num_heads, key_dim=key_dim, value_dim=value_dim, query_features=query_features,
           value_features=value_features, key_features=key_features, query_length=query_length,
           value_length=value_length, output_shape=output)
    heads_k, heads_v = term(num_heads) * term(key_dim), term(num_heads) * term(value_dim)
    projections = (term(query_length) * term(query_features) * heads_k + term(value_length) * term(key_features)
                   * heads_k + term(value_length) * term(value_features) * heads_v
                   + term(query_length) * heads_v * term(output))
    scores = term(query_length) * term(value_length) * heads_k
    weighted = term(query_length) * term(value_length) * heads_v
    parts = (("projections", 2 * projections.value), ("scores", 2 * scores.value),
             ("weighted_sum", 2 * weighted.value))
    return Flops(projections + scores + weighted, parts)


def per_token(params: int, *, layers: int = 0, context: int = 0, attention_dim: int = 0) -> Flops:
    """The rule of thumb for a Transformer: each parameter that multiplies a token's vector does one
    multiply-add per token, so 2N FLOPs per token forward and 6N in training (``.training``).

    Attention adds what no parameter counts: in each of ``layers`` layers a token's query meets ``context``
    keys and reads ``context`` values, each ``attention_dim`` wide (heads × key_dim). ``params`` should
    leave out an embedding lookup, which reads a row and multiplies nothing.

    >>> per_token(1000).forward, per_token(1000).training
    (2000, 6000)
    """
    _check(params=params)
    if layers or context or attention_dim:
        _check(layers=layers, context=context, attention_dim=attention_dim)
        attention = term(2) * term(layers) * term(context) * term(attention_dim)
        return Flops(term(params) + attention, (("parameters", 2 * params), ("context", 2 * attention.value)))
    return Flops(term(params), (("parameters", 2 * params),))


def _check(**values) -> None:
    """Each value must be a positive int; the error names the argument and the value received."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"`{name}` must be a positive int, got {name}={value!r}; "
                              f"FLOPs are counted for known sizes only (no None)")
