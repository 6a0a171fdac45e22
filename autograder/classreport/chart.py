"""The report's chart: one PNG per assignment, the share right per question above the most common
misconceptions. Drawn with matplotlib's Agg canvas and its object API (no pyplot: no global state)."""

from __future__ import annotations

import io

from ..errors import AutograderError
from .summary import ClassReport

__all__ = ["CHART_MISCONCEPTIONS", "chart_png"]

CHART_MISCONCEPTIONS = 8  # the most common misconceptions drawn
RIGHT, WRONG = "#2b6ca3", "#c0504d"


def chart_png(report: ClassReport) -> bytes:
    """The chart as PNG bytes."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise AutograderError("the class report draws its chart with matplotlib, which is not installed here; "
                              "install the instructor's extras: pip install 'keras-params-course[course]'") from None

    codes = report.misconceptions[:CHART_MISCONCEPTIONS]
    rows = [max(len(report.questions), 1), max(len(codes), 1)]
    figure = Figure(figsize=(4.8, 1.8 + 0.3 * sum(rows)), dpi=150, layout="constrained")  # phone-sized
    top, bottom = figure.subplots(2, 1, height_ratios=rows)
    figure.suptitle(f"{report.assignment}: {len(report.submissions):,} submissions", fontsize=11)
    _shares(top, report)
    _misconceptions(bottom, codes)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _shares(axes, report: ClassReport) -> None:
    names = [q.question for q in report.questions]
    shares = [100 * q.share_right for q in report.questions]
    bars = axes.barh(names, shares, color=RIGHT)
    axes.bar_label(bars, labels=[f"{s:.0f}%" for s in shares], padding=2, fontsize=9)
    axes.set_xlim(0, 112)
    axes.invert_yaxis()
    axes.set_title("Share right per question", fontsize=10)
    _tidy(axes, "% of submissions right")


def _misconceptions(axes, codes: tuple[tuple[str, int], ...]) -> None:
    if not codes:
        axes.text(0.5, 0.5, "no misconception diagnosed", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    counts = [n for _, n in codes]
    bars = axes.barh([code for code, _ in codes], counts, color=WRONG)
    axes.bar_label(bars, padding=2, fontsize=9)
    axes.set_xlim(0, max(counts) * 1.15)
    axes.invert_yaxis()
    axes.set_title("Most common misconceptions", fontsize=10)
    _tidy(axes, "wrong answers")


def _tidy(axes, label: str) -> None:
    axes.set_xlabel(label, fontsize=9)
    axes.tick_params(labelsize=9)
    axes.spines[["top", "right"]].set_visible(False)
