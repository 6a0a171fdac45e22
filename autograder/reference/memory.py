"""Memory, honestly: the bytes a counted model's variables take, and what training adds.

- **Weights** are stored in their variables' dtype: ``float32`` by default; ``bfloat16`` under the ``bfloat16``
  policy; still ``float32`` under ``mixed_bfloat16`` (it computes in bfloat16 but keeps float32 variables, which
  are the float32 "master weights" of mixed precision: no second copy is kept). A quantized layer stores each
  variable in its own dtype (an int8 kernel is 1 byte a value, its scales float32; an int4 kernel is packed two
  values to an int8 byte).
- **Training** adds a gradient per trainable value (the variable's dtype) and the optimizer's slots, as Keras 3
  creates them in ``optimizer.build``: SGD none, SGD with momentum 1 (``momentum``), Adam and AdamW 2
  (``momentum``, ``velocity``), Adam with ``amsgrad`` 3 (``velocity_hat``), plus two scalars (``iteration``
  int64, ``learning_rate`` float32). Under ``mixed_float16`` Keras wraps the optimizer in a
  ``LossScaleOptimizer``: four more scalars (its own iteration and learning rate, ``step_counter``,
  ``dynamic_scale``).
- **Not included**: activations (they depend on the batch size and sequence length), the bfloat16 copies a
  mixed-precision step makes on the fly, and the framework's own workspace.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ._types import LayerCount, ModelCount
from .quantize import policy

__all__ = ["ITEMSIZE", "OPTIMIZERS", "Memory", "memory", "weight_bytes"]

ITEMSIZE = {"float64": 8, "int64": 8, "float32": 4, "int32": 4, "bfloat16": 2, "float16": 2, "int8": 1,
            "uint8": 1, "float8_e4m3fn": 1, "float8_e5m2": 1}
OPTIMIZERS = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2, "adam_amsgrad": 3}  # slots per trainable value
_SCALARS = 8 + 4  # iteration (int64) and learning_rate (float32)
_LOSS_SCALE = 8 + 4 + 8 + 4  # LossScaleOptimizer: iteration, learning_rate, step_counter, dynamic_scale


@dataclass(frozen=True, slots=True)
class Memory:
    """Bytes of a model's weights (by dtype), of its trainable weights, and of training with ``optimizer``."""

    weights: dict[str, int]
    trainable: int
    optimizer: str
    loss_scale: bool = False

    @property
    def weight_total(self) -> int:
        return sum(self.weights.values())

    @property
    def gradients(self) -> int:
        return self.trainable

    @property
    def slots(self) -> int:
        return OPTIMIZERS[self.optimizer] * self.trainable + _SCALARS + (_LOSS_SCALE if self.loss_scale else 0)

    @property
    def training(self) -> int:
        """Weights + gradients + optimizer variables; activations are not included."""
        return self.weight_total + self.gradients + self.slots

    def to_dict(self) -> dict:
        return {"weights": self.weight_total, "weights_by_dtype": dict(self.weights), "optimizer": self.optimizer,
                "gradients": self.gradients, "optimizer_variables": self.slots, "training": self.training,
                "loss_scale": self.loss_scale, "not_included": "activations"}


def memory(counted, optimizer: str = "adam", dtype=None) -> Memory:
    """``counted`` (a :class:`ModelCount` or a keras-hub ``HubCount``, whose variables all follow ``dtype``,
    the policy in its config) trained with ``optimizer`` (a key of :data:`OPTIMIZERS`)."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; expected one of {', '.join(OPTIMIZERS)}")
    by_dtype, trainable = weight_bytes(counted, dtype)
    return Memory(by_dtype, trainable, optimizer, _loss_scaled(dtype))


def weight_bytes(counted, dtype=None) -> tuple[dict[str, int], int]:
    """The model's weights in bytes per storage dtype, and the bytes of its trainable weights."""
    out: dict[str, int] = {}
    if isinstance(counted, ModelCount):
        trainable = sum(_layer_bytes(layer, out) for layer in counted.layers)
        return out, trainable
    variable = policy(dtype).variable_dtype
    params = counted.params
    out[variable] = params.total * _itemsize(variable)
    return out, params.trainable * _itemsize(variable)


def _layer_bytes(layer: LayerCount, out: dict[str, int]) -> int:
    """Add ``layer``'s weights to ``out``; return its trainable bytes. A layer whose children hold all its
    weights (a nested model, an RNN's cell) is read through them."""
    if layer.children and sum(c.params.total for c in layer.children) == layer.params.total:
        return sum(_layer_bytes(child, out) for child in layer.children)
    d = layer.derivation
    if not d.weights:
        _add(out, d.dtype, layer.params.total)
        return layer.params.trainable * _itemsize(d.dtype)
    trainable = 0
    for w in d.weights:
        _add(out, w.dtype, w.size)
        trainable += w.size * _itemsize(w.dtype) if w.trainable and not d.frozen else 0
    return trainable


def _add(out: dict[str, int], dtype: str, values: int) -> None:
    if values:
        out[dtype] = out.get(dtype, 0) + values * _itemsize(dtype)


def _itemsize(dtype: str) -> int:
    if dtype not in ITEMSIZE:
        raise ConfigError(f"variables of dtype {dtype!r} have no known size; expected one of {', '.join(ITEMSIZE)}")
    return ITEMSIZE[dtype]


def _loss_scaled(dtype) -> bool:
    """Keras wraps the optimizer in a LossScaleOptimizer when the policy is ``mixed_float16``."""
    name = dtype if isinstance(dtype, str) else ((dtype or {}).get("config") or {}).get("name", "")
    return name == "mixed_float16"
