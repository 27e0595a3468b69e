"""The geometry of a KPI's chart over time: pure, no Django.

The template draws a server-rendered SVG from this (no JavaScript): the results as a line
with one marker per period (a circle for green, a diamond for amber, a square for red,
so colour is never the only cue), the target and both thresholds as labelled horizontal
lines, and a value axis with round ticks. The same figures are always in a table beside
the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 260
LEFT = 64  # room for the value axis' labels
RIGHT = 150  # room for the names of the target and threshold lines
TOP = 16
BOTTOM = 44  # room for the period numbers and the axis title


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value_text: str
    rag: str


@dataclass(frozen=True)
class ChartLine:
    y: float
    label: str
    kind: str  # "target", "green" or "red"
    label_y: float = 0.0


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    chart_id: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: tuple[ChartPoint, ...]
    polyline: str
    lines: tuple[ChartLine, ...]
    ticks: tuple[Tick, ...]
    x_labels: tuple[tuple[float, str], ...]
    x_title: str

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def label_x(self) -> int:
        return self.right + 8

    @property
    def axis_title_y(self) -> int:
        return self.height - 6


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def _number(value: float, kind: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return {"percent": f"{text}%", "pounds": f"£{text}"}.get(kind, text)


def build_chart(
    points: Sequence[tuple[str, Decimal, str]],
    *,
    target: Decimal,
    green_from: Decimal,
    red_beyond: Decimal,
    direction: str,
    kind: str,
    chart_id: str,
    x_title: str = "Period",
    value_texts: Sequence[str] | None = None,
) -> Chart:
    """Place ``points`` ((x label, value, colour), oldest first) on the chart."""
    values = [float(v) for _label, v, _rag in points]
    top_value = max([*values, float(target), float(green_from), float(red_beyond), 0.0])
    if kind == "percent":
        top_value = 100.0
    step = nice_step(top_value or 1.0)
    hi = step * math.ceil((top_value or 1.0) / step)
    if hi <= 0:  # pragma: no cover - guarded above
        hi = 1.0
    right = WIDTH - RIGHT
    bottom = HEIGHT - BOTTOM
    plot_h = bottom - TOP

    def y_of(value: float) -> float:
        return round(bottom - (value / hi) * plot_h, 1)

    n = len(points)
    gap = (right - LEFT) / max(n, 1)

    def x_of(i: int) -> float:
        return round(LEFT + gap * (i + 0.5), 1)

    placed = tuple(
        ChartPoint(
            x=x_of(i),
            y=y_of(float(value)),
            label=label,
            value_text=(value_texts[i] if value_texts else _number(float(value), kind)),
            rag=rag,
        )
        for i, (label, value, rag) in enumerate(points)
    )
    ticks = []
    count = round(hi / step)
    for i in range(count + 1):
        v = step * i
        ticks.append(Tick(y=y_of(v), text=_number(v, kind)))
    better = "or more" if direction != "lower" else "or less"
    lines = [
        ChartLine(y_of(float(target)), f"Target {_number(float(target), kind)}", "target"),
        ChartLine(
            y_of(float(green_from)), f"Green {_number(float(green_from), kind)} {better}", "green"
        ),
        ChartLine(y_of(float(red_beyond)), f"Red beyond {_number(float(red_beyond), kind)}", "red"),
    ]
    lines = [
        ChartLine(line.y, line.label, line.kind, label_y)
        for line, label_y in zip(lines, label_positions(lines), strict=True)
    ]
    every = max(1, math.ceil(n / 12))
    x_labels = tuple((p.x, p.label) for i, p in enumerate(placed) if i % every == 0)
    return Chart(
        chart_id=chart_id,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        points=placed,
        polyline=" ".join(f"{p.x},{p.y}" for p in placed),
        lines=tuple(lines),
        ticks=tuple(ticks),
        x_labels=x_labels,
        x_title=x_title,
    )


def label_positions(lines: Sequence[ChartLine], min_gap: float = 14.0) -> list[float]:
    """Y positions for the lines' labels: each at its line, pushed down to keep
    ``min_gap`` between labels (top to bottom)."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].y)
    out = [0.0] * len(lines)
    last = -math.inf
    for i in order:
        y = max(lines[i].y + 4, last + min_gap)
        out[i] = round(y, 1)
        last = y
    return out
