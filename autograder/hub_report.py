"""The terminal table of a keras-hub model counted from its config: one row per block, then what the
numbers mean (embedding vs non-embedding, tied or untied output, active per token, the closed form)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .reference.hub import HubCount

__all__ = ["hub_table", "print_hub", "summary_lines"]


def hub_table(counted: HubCount) -> Table:
    """Each block with its Keras layer name(s), how many times it repeats, its count and derivation."""
    table = Table(title=f"{counted.task or counted.class_name}: {counted.shape}", title_justify="left")
    table.add_column("Layer")
    table.add_column("×", justify="right")
    table.add_column("Param # (each)", justify="right")
    table.add_column("Derivation", overflow="fold")
    for block in counted.blocks:
        name = block.name.replace("{i}", _indices(block.at)) if block.at else block.name
        table.add_row(name, str(block.repeat), f"{block.derivation.params.total:,}", block.derivation.formula)
    return table


def _indices(at: tuple[int, ...]) -> str:
    """``0…31`` for a run, else the indices themselves."""
    if len(at) > 2 and at == tuple(range(at[0], at[-1] + 1)):
        return f"{at[0]}…{at[-1]}"
    return ",".join(map(str, at))


def summary_lines(counted: HubCount) -> list[str]:
    """The totals and what they mean, one line each."""
    p = counted.params
    preset = f"the shape of keras-hub preset {counted.preset}" if counted.preset else "no keras-hub preset's shape"
    what = f"{counted.task} over {counted.class_name}" if counted.task else counted.class_name
    lines = [f" Recognised: {counted.family} ({what}), {preset}",
             f" Total params: {p.total:,}", f" Trainable params: {p.trainable:,}",
             f" Non-trainable params: {p.non_trainable:,}",
             f" Embedding params: {counted.embedding:,}; non-embedding: {counted.non_embedding:,}"]
    if counted.tied is not None:
        lines.append(" Output layer: " + ("tied (the token embedding read backwards, no weights of its own)"
                                          if counted.tied else "untied (its own vocabulary × hidden table)"))
    if counted.moe:
        lines.append(f" Active per token: {counted.active:,} of {p.total:,} (top-k experts of each layer)")
    symbols = ", ".join(f"{k}={v:,}" for k, v in counted.symbols.items())
    lines.append(f" Closed form: {counted.closed_form}, with {symbols}")
    return lines


def print_hub(counted: HubCount, console: Console | None = None) -> None:
    """Print the table and the summary lines."""
    console = console or Console(width=160)
    console.print(hub_table(counted))
    console.print("\n".join(summary_lines(counted)), highlight=False)
