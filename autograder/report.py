"""Terminal tables, in the spirit of ``model.summary()``, drawn with rich."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .reference import LayerCount, ModelCount

__all__ = ["model_table", "print_model"]


def model_table(model: ModelCount) -> Table:
    """A summary()-like table with a derivation column; nested layers are indented."""
    table = Table(title=f'Model: "{model.name}"', title_justify="left")
    table.add_column("Layer (type)")
    table.add_column("Output Shape")
    table.add_column("Param #", justify="right")
    table.add_column("Derivation", overflow="fold")
    for layer in model.layers:
        _add_rows(table, layer, depth=0)
    return table


def _add_rows(table: Table, layer: LayerCount, depth: int) -> None:
    name = f"{'  ' * depth}{layer.name} ({layer.class_name})"
    table.add_row(name, _shape(layer.output_shape), f"{layer.params.total:,}", layer.formula)
    for child in layer.children:
        _add_rows(table, child, depth + 1)


def _shape(shape) -> str:
    if isinstance(shape, list):
        return ", ".join(_shape(s) for s in shape)
    if isinstance(shape, tuple):
        return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    return str(shape)


def print_model(model: ModelCount, live: ModelCount | None = None, problems=(), console=None) -> None:
    """Print the table, the totals, and (with ``live``) whether Keras agrees."""
    console = console or Console(width=160)
    console.print(model_table(model))
    p = model.params
    console.print(f" Total params: {p.total:,}\n Trainable params: {p.trainable:,}\n"
                  f" Non-trainable params: {p.non_trainable:,}", highlight=False)
    if live is not None and not problems:
        console.print(f" Keras count_params(): {live.total:,} — agrees with the reference counter",
                      highlight=False)
    for line in problems:
        console.print(f" [bold red]DISAGREEMENT[/] {line}", highlight=False)
