"""Activation layers (``keras/src/layers/activations``).

All keep their input's shape; only PReLU learns something: one slope per input value,
shared along ``shared_axes``.
"""

from __future__ import annotations

from ..errors import ConfigError, ShapeError
from ._expr import product
from ._registry import Call, Counted, register
from ._types import Derivation

__all__ = ["activation", "elu", "leaky_re_lu", "p_re_lu", "re_lu", "softmax"]


def activation() -> Derivation:
    """Activation, ELU, LeakyReLU, ReLU and Softmax learn nothing: 0 parameters."""
    return Derivation()


elu = leaky_re_lu = re_lu = softmax = activation


def p_re_lu(input_shape: tuple, shared_axes=None) -> Derivation:
    """PReLU: one alpha per value of ``input_shape`` (batch axis first, excluded), with each
    shared axis reduced to 1.

    >>> p_re_lu((None, 8, 8, 3), shared_axes=[1, 2]).formula
    '1 × 1 × 3 = 3'
    """
    alpha = list(input_shape[1:])
    for axis in shared_axes or ():
        try:
            alpha[axis - 1] = 1
        except (IndexError, TypeError):
            raise ConfigError(f"PReLU shared_axes={shared_axes!r} does not fit input shape "
                              f"{tuple(input_shape)}; use axes between 1 and {len(alpha)}") from None
    if None in alpha:
        raise ShapeError(f"PReLU needs a known size on every non-shared axis, got input shape "
                         f"{tuple(input_shape)}; share the unknown axes or give them a size")
    return Derivation(product(alpha))


@register("Activation", "ELU", "LeakyReLU", "ReLU", "Softmax")
def _activation(config: dict, call: Call) -> Counted:
    return Counted(call.shape, activation())


@register("PReLU")
def _p_re_lu(config: dict, call: Call) -> Counted:
    shared = config.get("shared_axes")
    if isinstance(shared, int):
        shared = [shared]
    return Counted(call.shape, p_re_lu(call.shape, shared))
