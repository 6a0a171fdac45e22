"""Diagrams of what the book counts, drawn with matplotlib when a chapter runs.

Each function takes the sizes of a model (units, inputs, channels, heads…) and the counts the reference
counter derived, so a picture always follows the model it shows. Chapters import this module from a removed
cell (`import _figures`); it is not a page of the book (see `exclude_patterns` in _config.yml).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, Rectangle

WEIGHT, BIAS, FROZEN, NONE = "#1f5fa8", "#d9822b", "#9a9a9a", "#f2f2f2"  # blue, orange, grey, off-white
TEXT = {"fontsize": 10, "ha": "center", "va": "center"}


def canvas(width: float, height: float, xlim: tuple, ylim: tuple):
    """A figure with one empty, equal-aspect axes spanning ``xlim`` × ``ylim``."""
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.axis("off")
    return fig, ax


def box(ax, x, y, w, h, label="", color=NONE, text_color="black", **style):
    """A rectangle with its lower-left corner at (x, y) and a centred label."""
    ax.add_patch(Rectangle((x, y), w, h, facecolor=color, edgecolor="black", linewidth=0.8, **style))
    if label:
        ax.text(x + w / 2, y + h / 2, label, color=text_color, **TEXT)


def arrow(ax, start, end, color="black", **style):
    """An arrow from ``start`` to ``end``."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color=color,
                                 linewidth=1, shrinkA=2, shrinkB=2, **style))


def cells(ax, x, y, rows, columns, color, size=0.4):
    """A grid of rows × columns square cells, one per parameter, top-left corner at (x, y)."""
    for r in range(rows):
        for c in range(columns):
            ax.add_patch(Rectangle((x + c * size, y - (r + 1) * size), size, size, facecolor=color,
                                   edgecolor="white", linewidth=0.8))


def elided(total: int, shown: int) -> list:
    """Which of ``total`` nodes to draw: all of them, or the first few, a gap (None) and the last."""
    return list(range(total)) if total <= shown else [*range(shown - 2), None, total - 1]


def dense_network(sizes: list[int], formulas: list[str], shown: int = 7):
    """Layers of units as columns of nodes, every unit wired to every node before it and to a bias.

    ``sizes`` starts with the number of inputs; a column of more than ``shown`` nodes is drawn with a gap."""
    fig, ax = canvas(8, 4.6, (-0.8, 3 * len(sizes) - 2), (-2.3, shown + 0.8))
    columns = [_column(ax, 3 * i, size, shown, "inputs" if i == 0 else "units") for i, size in enumerate(sizes)]
    for i, (before, after) in enumerate(zip(columns, columns[1:], strict=False)):
        bias = (3 * i + 1.5, -0.9)
        ax.text(*bias, "+1", bbox={"boxstyle": "circle", "facecolor": BIAS, "edgecolor": "black"}, **TEXT)
        for end in after:
            for start in before:
                ax.plot([3 * i + 0.15, 3 * i + 2.85], [start, end], color=WEIGHT, linewidth=0.5, alpha=0.55)
            ax.plot([bias[0] + 0.2, 3 * i + 2.85], [bias[1], end], color=BIAS, linewidth=1, linestyle="--")
        ax.text(3 * i + 3, -1.8, f"Dense({sizes[i + 1]})\n{formulas[i]}", fontsize=9, ha="center", va="center")
    return fig


def _column(ax, x, size, shown, noun):
    """One column of nodes, centred vertically; returns the y of each drawn node."""
    picks = elided(size, shown)
    top = (shown - len(picks)) / 2 + len(picks) - 0.5
    ys = []
    for row, pick in enumerate(picks):
        y = top - row
        if pick is None:
            ax.text(x, y, "⋮", fontsize=14, ha="center", va="center")
            continue
        ax.plot(x, y, "o", markersize=9, markerfacecolor="white", markeredgecolor="black")
        ys.append(y)
    ax.text(x, top + 0.8, f"{size:,} {noun}", fontsize=9, ha="center", va="bottom")
    return ys


def kernel_and_bias(inputs: int, units: int, kernel_formula: str, bias_formula: str):
    """A Dense layer's weights as cells: the kernel (one row per input, one column per unit) and the bias."""
    fig, ax = canvas(6, 0.5 * inputs + 2.2, (-2.2, 0.4 * units + 4.5), (-0.4 * inputs - 1.6, 1.0))
    cells(ax, 0, 0, inputs, units, WEIGHT)
    cells(ax, 0.4 * units + 1.2, 0, 1, units, BIAS)
    for r in range(inputs):
        ax.text(-0.2, -0.4 * r - 0.2, f"input {r + 1}", fontsize=9, ha="right", va="center")
    for c in range(units):
        ax.text(0.4 * c + 0.2, 0.15, str(c + 1), fontsize=8, ha="center", va="bottom")
    ax.text(0.2 * units, 0.6, "unit", fontsize=9, ha="center")
    ax.text(0.2 * units, -0.4 * inputs - 0.5, f"kernel: {kernel_formula}", fontsize=10, ha="center", va="top")
    ax.text(0.6 * units + 1.2, -0.9, f"bias: {bias_formula}", fontsize=10, ha="center", va="top")
    return fig


def lora(inputs: int, units: int, rank: int, frozen: str, trainable: str):
    """LoRA beside a Dense kernel, drawn to scale: the frozen kernel, A (inputs × rank) and B (rank × units)."""
    scale = 4 / max(inputs, units)
    w, h, r = units * scale, inputs * scale, max(rank * scale, 0.06)
    fig, ax = canvas(7.5, 3.6, (-0.3, w + r + w + 2.2), (-1.3, h + 0.6))
    box(ax, 0, 0, w, h, f"kernel\n{inputs} × {units}\nfrozen", color=FROZEN)
    ax.text(w + 0.5, h / 2, "+", fontsize=18, ha="center", va="center")
    box(ax, w + 1, 0, r, h, color=WEIGHT)
    ax.text(w + 1 + r / 2, -0.3, f"A: {inputs} × {rank}", fontsize=9, ha="center", va="top")
    box(ax, w + r + 1.4, h - r, w, r, color=WEIGHT)
    ax.text(w + r + 1.4 + w / 2, h - r - 0.3, f"B: {rank} × {units}", fontsize=9, ha="center", va="top")
    ax.text(w / 2, -0.9, f"non-trainable: {frozen}", fontsize=9, ha="center")
    ax.text(w + r + 1.4 + w / 2, -0.9, f"trainable: {trainable}", fontsize=9, ha="center")
    return fig


def batch_norm(features: int, trainable: str, non_trainable: str):
    """BatchNormalization's four vectors, one cell per feature: two trained, two kept by the layer."""
    fig, ax = canvas(8, 3.2, (-4.2, 0.4 * features + 0.4), (-2.6, 0.9))
    rows = [("gamma (scale)", WEIGHT), ("beta (offset)", WEIGHT), ("moving mean", FROZEN), ("moving variance", FROZEN)]
    for i, (name, color) in enumerate(rows):
        cells(ax, 0, 0.4 - 0.55 * i, 1, features, color)
        ax.text(-0.2, 0.2 - 0.55 * i, name, fontsize=9, ha="right", va="center")
    ax.text(0.2 * features, 0.6, f"one cell per feature ({features} features)", fontsize=9, ha="center")
    ax.text(0.2 * features, -1.95, f"trainable: {trainable}\nnon-trainable: {non_trainable}", fontsize=9,
            ha="center", va="center")
    return fig


def conv_filter(channels: int, kernel: int, filters: int, image: int, formula: str):
    """One filter of a Conv2D: a kernel × kernel window on each input channel, giving one output value."""
    fig, ax = canvas(8, 3.8, (-0.5, 12.5), (-1.7, 4.6))
    step, side = 0.35, 3.0
    for c in reversed(range(channels)):
        x, y = c * step, c * step
        box(ax, x, y, side, side, color="white")
        box(ax, x + 0.3, y + side - 0.3 - kernel * 0.25, kernel * 0.25, kernel * 0.25, color=WEIGHT, alpha=0.85)
    ax.text(side / 2 + channels * step / 2, -0.4, f"input: {image} × {image} × {channels} channels", fontsize=9,
            ha="center", va="top")
    for f in reversed(range(min(filters, 16))):
        box(ax, 8 + f * 0.08, f * 0.08, 2.4, 2.4, color="white")
    box(ax, 8.3, 2.4 - 0.55, 0.25, 0.25, color=WEIGHT)
    arrow(ax, (0.3 + kernel * 0.25 + (channels - 1) * step, side - 0.3 + (channels - 1) * step), (8.3, 2.0))
    ax.text(9.6, -0.4, f"output: {filters} maps, one per filter", fontsize=9, ha="center", va="top")
    ax.text(5.2, 3.9, f"each filter: {kernel} × {kernel} weights on each of {channels} channels, + 1 bias",
            fontsize=9, ha="center")
    ax.text(6, -1.3, formula, fontsize=10, ha="center")
    return fig


def embedding_table(vocab: int, dim: int, tokens: list[int], formula: str):
    """An Embedding as a table of vocab rows × dim columns, with a sequence of token ids reading rows."""
    rows = _with_gaps(sorted({0, vocab - 1, *tokens}))
    fig, ax = canvas(8, 3.8, (-4.5, 0.3 * dim + 1.5), (-0.3 * len(rows) - 1.4, 1.0))
    for i, row in enumerate(rows):
        y = -0.3 * i
        if row is None:
            ax.text(0.15 * dim, y - 0.15, "⋮", fontsize=12, ha="center", va="center")
            continue
        cells(ax, 0, y, 1, dim, WEIGHT, size=0.3)
        ax.text(-0.1, y - 0.15, f"id {row:,}", fontsize=8, ha="right", va="center")
    for j, token in enumerate(tokens):
        row = rows.index(token)
        arrow(ax, (-4.2, 0.6 - 0.45 * j), (-1.1, -0.3 * row - 0.15), color=BIAS)
        ax.text(-4.3, 0.6 - 0.45 * j, f"token {j + 1}: id {token}", fontsize=8, ha="right", va="center")
    ax.text(0.15 * dim, 0.5, f"{dim} numbers per token", fontsize=9, ha="center")
    ax.text(0.15 * dim, -0.3 * len(rows) - 0.9, formula, fontsize=10, ha="center")
    return fig


def _with_gaps(ids: list[int]) -> list:
    """Sorted ids with None wherever ids are skipped, so a table of thousands of rows shows a few."""
    rows = [ids[0]]
    for before, after in zip(ids, ids[1:], strict=False):
        rows += [None, after] if after > before + 1 else [after]
    return rows


def attention_projections(parts: dict[str, str], inputs: dict[str, str]):
    """MultiHeadAttention as four projections around a weightless core: what is counted is in the boxes.

    ``parts`` maps query, key, value and output to their derivations; ``inputs`` names the two inputs' widths."""
    fig, ax = canvas(9, 4.2, (-0.2, 13.8), (-0.6, 6.2))
    for i, (name, source) in enumerate([("query", "query"), ("key", "value"), ("value", "value")]):
        y = 4.6 - 2 * i
        box(ax, 0, y, 2.8, 1, inputs[source])
        box(ax, 3.6, y - 0.1, 3.6, 1.2, f"{name} projection\n{parts[name]}", color="#dbe8f6")
        arrow(ax, (2.8, y + 0.5), (3.6, y + 0.5))
        arrow(ax, (7.2, y + 0.5), (8.2, 2.9))
    box(ax, 8.2, 2.2, 1.7, 1.4, "scores,\nsoftmax\n(no weights)")
    box(ax, 10.2, 2.2, 3.5, 1.4, f"output projection\n{parts['output']}", color="#dbe8f6")
    arrow(ax, (9.9, 2.9), (10.2, 2.9))
    ax.text(6.7, -0.4, f"total: {parts['total']}", fontsize=10, ha="center")
    return fig


def graph(nodes: dict[str, tuple], edges: list[tuple[str, str]], notes: dict[str, str] = ()):
    """A functional model as boxes and arrows: ``nodes`` maps a label to its (x, y) centre."""
    fig, ax = canvas(8, 3.6, (-0.2, 12.2), (-0.3, 4.6))
    notes = dict(notes)
    for label, (x, y) in nodes.items():
        box(ax, x - 1.1, y - 0.4, 2.2, 0.8, label, color="#dbe8f6" if label in notes else "white")
        if label in notes:
            ax.text(x, y - 0.65, notes[label], fontsize=9, ha="center", va="top")
    for start, end in edges:
        (x0, y0), (x1, y1) = nodes[start], nodes[end]
        arrow(ax, (x0 + 1.1, y0), (x1 - 1.1, y1))
    return fig


def config_to_counts(config_lines: list[str], derivations: list[str]):
    """The lines of a model config that decide its count, each pointing at the derivation it feeds."""
    height = max(len(config_lines), len(derivations))
    fig, ax = canvas(9, 0.55 * height + 1.4, (-0.2, 12.4), (-0.6 * height - 0.2, 1.0))
    ax.text(2.4, 0.55, "config.json (what the counter reads)", fontsize=9, ha="center")
    ax.text(9.3, 0.55, "derivation", fontsize=9, ha="center")
    for i, line in enumerate(config_lines):
        box(ax, 0, -0.6 * i - 0.45, 4.8, 0.45, line, color="white")
    for i, line in enumerate(derivations):
        box(ax, 6.6, -0.6 * (i + 1) - 0.45, 5.6, 0.45, line, color="#dbe8f6")
    for i in range(len(derivations)):
        arrow(ax, (4.8, -0.6 * i - 0.22), (6.6, -0.6 * (i + 1) - 0.22))
        arrow(ax, (4.8, -0.6 * (i + 1) - 0.22), (6.6, -0.6 * (i + 1) - 0.22))
    return fig


def lstm_blocks(d: int, u: int):
    """How Keras stores an LSTM(u) on d features: kernel, recurrent kernel and bias, each cut into four gate blocks."""
    gates = ["input", "forget", "cell", "output"]
    rows = d + u + 1  # kernel rows, recurrent kernel rows, one bias row
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    for g, color in enumerate(["#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad"]):
        ax.add_patch(Rectangle((g * u, 0), u, rows, facecolor=color, alpha=0.85))
    for edge in (d, d + u):
        ax.axhline(edge, color="white", linewidth=2)
    ax.set(xlim=(0, 4 * u), ylim=(rows, 0))
    ax.set_xticks([u * i + u / 2 for i in range(4)], [f"{g} gate\n({u} units)" for g in gates])
    ax.set_yticks([d / 2, d + u / 2, d + u + 0.5],
                  [f"kernel\n({d} input rows)", f"recurrent kernel\n({u} state rows)", "bias (1 row)"])
    ax.set_title(f"LSTM({u}) on {d} features: each gate is a {d} + {u} + 1 by {u} block")
    return fig


# ---- Chapter 10, today's language models ----------------------------------------------------------------------


def block_parts(parts: dict[str, int], groups: dict[str, str], title: str):
    """One decoder block's weights as horizontal bars, top to bottom in the order given, each bar coloured by
    its group ("attention", "feed-forward", "norms") and labelled with its count."""
    colors = {"attention": WEIGHT, "feed-forward": BIAS, "norms": FROZEN}
    fig, ax = plt.subplots(figsize=(6.4, 0.34 * len(parts) + 1.2), layout="constrained")
    names = list(parts)
    ax.barh(names, [parts[n] for n in names], color=[colors[groups[n]] for n in names])
    for i, name in enumerate(names):
        ax.text(parts[name], i, f" {parts[name]:,}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(parts.values()) * 1.35)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value / 1e6:g}M" if max(parts.values()) > 1e6 else f"{value:g}")
    ax.set_xlabel("parameters in one block")
    ax.set_title(title, fontsize=10)
    handles = [Rectangle((0, 0), 1, 1, color=colors[g]) for g in dict.fromkeys(groups.values())]
    ax.legend(handles, list(dict.fromkeys(groups.values())), loc="lower right", fontsize=8)
    return fig


def stacked_bars(rows: dict[str, dict[str, float]], colors: dict[str, str], xlabel: str, title: str):
    """One horizontal bar per row, cut into the row's parts (same keys in every row, coloured by ``colors``),
    each part labelled with its value when it is wide enough to hold the label."""
    fig, ax = plt.subplots(figsize=(6.4, 0.5 * len(rows) + 1.5), layout="constrained")
    widest = max(sum(row.values()) for row in rows.values())
    for y, row in enumerate(rows.values()):
        left = 0.0
        for part, value in row.items():
            ax.barh(y, value, left=left, color=colors[part], edgecolor="white",
                    label=part if y == 0 else None)
            if value > 0.08 * widest:
                ax.text(left + value / 2, y, f"{value:,.3g}", color="white", fontsize=8, ha="center", va="center")
            left += value
    ax.set_yticks(range(len(rows)), list(rows))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    fig.legend(loc="outside lower center", ncol=len(colors), fontsize=8, frameon=False)
    return fig


# ---- Memory and compute (chapter 12), Keras vs PyTorch (chapter 13) ------------------------------------------


def training_memory(labels: list[str], parts: dict[str, list[float]], unit: str = "MiB"):
    """One horizontal bar per setting, cut into what training keeps (weights, gradients, optimizer state…).

    ``parts`` maps each part's name to its size in each setting, in ``unit``; parts are stacked in order."""
    fig, ax = plt.subplots(figsize=(7, 0.7 * len(labels) + 1.6), layout="constrained")
    colors = [WEIGHT, BIAS, "#2e8b57", FROZEN]
    left = [0.0] * len(labels)
    for (name, sizes), color in zip(parts.items(), colors, strict=False):
        ax.barh(labels, sizes, left=left, label=name, color=color, edgecolor="white")
        left = [a + b for a, b in zip(left, sizes, strict=True)]
    for y, end in enumerate(left):
        ax.text(end, y, f" {end:,.1f}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set(xlabel=unit, xlim=(0, max(left) * 1.2))
    ax.legend(loc="lower right", fontsize=9)
    return fig


def flops_per_token(lengths: list[int], parts: dict[str, list[float]], rule: float):
    """Forward FLOPs per token against sequence length, stacked by part, beside the 2N rule of thumb."""
    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    ax.stackplot(lengths, *parts.values(), labels=list(parts), colors=[WEIGHT, BIAS], alpha=0.85)
    ax.axhline(rule, color="black", linestyle="--", linewidth=1, label="rule of thumb: 2N")
    ax.set(xscale="log", xlabel="sequence length (tokens)", ylabel="forward FLOPs per token")
    ax.set_xticks(lengths, [f"{n:,}" for n in lengths])
    ax.legend(loc="upper left", fontsize=9)
    return fig


def framework_counts(labels: list[str], keras_counts: list[int], torch_counts: list[int]):
    """Each layer's parameters as Keras counts them and as PyTorch's documented shapes give them, side by side."""
    fig, ax = plt.subplots(figsize=(7, 0.75 * len(labels) + 1.4), layout="constrained")
    rows = range(len(labels))
    ax.barh([r - 0.2 for r in rows], keras_counts, height=0.4, label="Keras count_params()", color=WEIGHT)
    ax.barh([r + 0.2 for r in rows], torch_counts, height=0.4, label="PyTorch parameters()", color=BIAS)
    for r, (k, t) in enumerate(zip(keras_counts, torch_counts, strict=True)):
        ax.text(max(k, t), r, "  same" if k == t else f"  {t - k:+,}", va="center", fontsize=9)
    ax.set_yticks(list(rows), labels)
    ax.invert_yaxis()
    counts = keras_counts + torch_counts  # they span orders of magnitude: a logarithmic axis shows every bar
    ax.set(xscale="log", xlabel="parameters (logarithmic axis)", xlim=(min(counts) / 2, max(counts) * 8))
    ax.legend(loc="upper right", fontsize=9)
    return fig


# ---- Chapter 11, fine-tuning and compression -------------------------------------------------------------------


def lora_targets(matrices: list[tuple[str, int, int, int]], title: str):
    """A decoder block's weight matrices drawn to scale: each frozen kernel (grey, rows × columns), with LoRA's
    matrix A beside the ones that get an adapter (blue). ``matrices`` lists (name, rows, columns, the columns A
    adds: 0 for none); B, a few numbers per rank, is too small to draw."""
    tallest = max(rows for _, rows, _, _ in matrices)
    gap = 0.12 * tallest
    fig, ax = plt.subplots(figsize=(8, 3.3), layout="constrained")
    x = 0.0
    for name, rows, columns, adapter in matrices:
        ax.add_patch(Rectangle((x, 0), columns, rows, facecolor=FROZEN, edgecolor="black", linewidth=0.6))
        if adapter:
            ax.add_patch(Rectangle((x + columns, 0), adapter, rows, facecolor=WEIGHT, edgecolor="black",
                                   linewidth=0.6))
        ax.text(x + (columns + adapter) / 2, -0.05 * tallest, f"{name}\n{rows:,}\n× {columns:,}", fontsize=8,
                ha="center", va="top")
        x += columns + adapter + gap
    ax.set(xlim=(-gap / 2, x - gap / 2), ylim=(-0.42 * tallest, 1.02 * tallest), aspect="equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    return fig
