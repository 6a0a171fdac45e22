"""Wrong formulas for function questions that count no single Keras layer (a mixture of experts, the bytes
of training): each takes the function's own arguments and returns what a learner with the misconception
computes. A :class:`~.mistake.Mistake` names them by the function they would be written in
(``functions={"moe_params": active_for_total}``).
"""

from __future__ import annotations

from ...reference import flops
from ...reference.core import dense
from ...reference.memory import ITEMSIZE, OPTIMIZERS

__all__ = ["active_for_total", "all_experts", "flops_input_size", "flops_no_pixels", "gradients_forgotten",
           "multiply_add_as_one"]


def active_for_total(hidden_dim: int, intermediate_dim: int, num_experts: int, top_k: int) -> int:
    """ACTIVE_FOR_TOTAL: a mixture of experts' parameters counted as the ``top_k`` experts a token uses."""
    router = dense(num_experts, hidden_dim, use_bias=False).total
    expert = 2 * dense(intermediate_dim, hidden_dim, use_bias=False).total + dense(
        hidden_dim, intermediate_dim, use_bias=False).total  # gate, up and down
    return router + top_k * expert


def all_experts(hidden_dim: int, intermediate_dim: int, num_experts: int, top_k: int) -> int:
    """EXPERTS_ALL_ACTIVE: a token's active parameters counted with every expert (the total)."""
    return active_for_total(hidden_dim, intermediate_dim, num_experts, num_experts)


def gradients_forgotten(params: int, optimizer: str) -> int:
    """ADAM_TRIPLE: training bytes as the weights and the optimizer's slots, no gradients (Adam: 3 × weights)."""
    return params * ITEMSIZE["float32"] * (1 + OPTIMIZERS[optimizer])


def flops_no_pixels(filters: int, kernel_size: int, input_channels: int, image_size: int) -> int:
    """FLOPS_IMAGE_SIZE_IGNORED: a convolution's FLOPs as 2 per kernel weight, as if it ran at one position."""
    return 2 * kernel_size * kernel_size * input_channels * filters


def flops_input_size(filters: int, kernel_size: int, input_channels: int, image_size: int) -> int:
    """FLOPS_INPUT_SIZE_FOR_OUTPUT: the kernel applied at every input pixel, not at every output pixel."""
    return image_size * image_size * flops_no_pixels(filters, kernel_size, input_channels, image_size)


def multiply_add_as_one(filters: int, kernel_size: int, input_channels: int, image_size: int) -> int:
    """MULTIPLY_ADD_AS_ONE_FLOP: the multiply-adds counted, not the FLOPs (a multiply and an add are 2)."""
    return flops.conv2d(filters, kernel_size, input_channels, image_size).multiply_adds.value
