"""The ``--memory`` table of ``python -m autograder count``: the weights' bytes under the model's dtype policy
and training memory per optimizer (``autograder.reference.memory``), activations named as not included."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .reference.memory import OPTIMIZERS, memory

__all__ = ["memory_dict", "model_dtype", "print_memory"]


def model_dtype(config: dict):
    """The dtype policy of a serialized model: its own, its backbone's, or its first layer with one."""
    inner = config.get("config") or {}
    for candidate in (inner.get("dtype"), (inner.get("backbone") or {}).get("config", {}).get("dtype")):
        if candidate:
            return candidate
    for layer in inner.get("layers") or []:
        dtype = (layer.get("config") or {}).get("dtype")
        if dtype and layer.get("class_name") != "InputLayer":
            return dtype
    return None


def memory_dict(counted, dtype) -> dict:
    """Weights and, per optimizer, training memory, in bytes (for ``--json``)."""
    per = {name: memory(counted, name, dtype) for name in OPTIMIZERS}
    first = per["sgd"]
    return {"weights": first.weight_total, "weights_by_dtype": first.weights, "trainable_weights": first.trainable,
            "training": {name: m.to_dict() for name, m in per.items()}, "not_included": "activations"}


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.2f} {unit}"
    return f"{n:,} B"


def print_memory(counted, dtype, console: Console | None = None) -> None:
    """One row per optimizer: weights + gradients + optimizer variables = training memory."""
    console = console or Console(width=160)
    per = {name: memory(counted, name, dtype) for name in OPTIMIZERS}
    first = per["sgd"]
    stored = ", ".join(f"{_size(b)} {d}" for d, b in first.weights.items()) or "none"
    table = Table(title=f"Memory: weights {_size(first.weight_total)} ({stored})", title_justify="left")
    for column in ("Optimizer", "Weights", "Gradients", "Optimizer variables", "Training total"):
        table.add_column(column, justify="left" if column == "Optimizer" else "right")
    for name, m in per.items():
        table.add_row(name, _size(m.weight_total), _size(m.gradients), _size(m.slots), _size(m.training))
    console.print(table)
    console.print(" Not included: activations (they grow with batch size and sequence length)"
                  + ("; a LossScaleOptimizer's 4 scalars are (mixed_float16)" if first.loss_scale else ""),
                  highlight=False)
