"""Inline SVG plots and HTML tables for the KPI pages: no script, no external file, no URL,
so a report opens from a file share. Every plot has a <title> first."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0")
DASHES = ("", "6 3", "2 3", "8 3 2 3")  # lines stay apart without colour too
WIDTH, HEIGHT = 640, 210
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 30


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]


# -- numbers the Dutch way -----------------------------------------------------------------


def nl(value: float | None, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} {unit}".rstrip()


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else nl(value * 100, digits, "%")


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


# -- SVG -----------------------------------------------------------------------------------


def _nice_top(top: float) -> float:
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    return float(next(step * power for step in (1, 2, 4, 6, 8, 10) if step * power >= top))


def _frame(title: str, days: Sequence[str], top: float, fmt: Callable[[float], str]) -> str:
    """Title, horizontal grid with y labels, and every k-th day under the x axis."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [f"<title>{escape(title)}</title>"]
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f"<line x1='{LEFT}' x2='{WIDTH - RIGHT}' y1='{y:.1f}' y2='{y:.1f}' "
            f"stroke='{'#888' if i == 0 else '#ddd'}'/>"
            f"<text class='kpi-axis' x='{LEFT - 4}' y='{y + 4:.1f}' text-anchor='end'>"
            f"{escape(fmt(top * i / 4))}</text>"
        )
    step = max(1, math.ceil(len(days) / 10))
    for i in range(0, len(days), step):
        parts.append(
            f"<text class='kpi-axis' x='{_x(i, len(days)):.1f}' y='{HEIGHT - 10}' "
            f"text-anchor='middle'>{escape(days[i][8:10] + '-' + days[i][5:7])}</text>"
        )
    return "".join(parts)


def _x(i: int, n: int) -> float:
    return LEFT + (i + 0.5) * (WIDTH - LEFT - RIGHT) / max(n, 1)


def _y(value: float, top: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - plot_h * min(max(value / top, 0.0), 1.0)


def _svg(body: str, height: int = HEIGHT) -> str:
    size = f"viewBox='0 0 {WIDTH} {height}' width='{WIDTH}' height='{height}'"
    return f"<svg role='img' {size}>{body}</svg>"


def line_chart(
    title: str,
    days: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str],
    top: float | None = None,
    whiskers: Sequence[tuple[float, float] | None] = (),
) -> str:
    """One line per series (broken where a day has no value), a dot per value with its value
    as tooltip; ``whiskers`` draws an interval around the first series' dots."""
    present = [v for s in series for v in s.values if v is not None]
    present += [w[1] for w in whiskers if w is not None]
    top = top or _nice_top(max(present, default=0.0))
    body = [_frame(title, days, top, fmt)]
    n = len(days)
    for i, span in enumerate(whiskers):
        if span is not None:
            body.append(
                f"<line x1='{_x(i, n):.1f}' x2='{_x(i, n):.1f}' y1='{_y(span[0], top):.1f}' "
                f"y2='{_y(span[1], top):.1f}' stroke='{COLOURS[0]}' stroke-opacity='0.5' "
                "stroke-width='3'/>"
            )
    for k, one in enumerate(series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(one.values):
            if value is None:
                runs.append([])
                continue
            point = f"{_x(i, n):.1f},{_y(value, top):.1f}"
            runs[-1].append(point)
            body.append(
                f"<circle cx='{_x(i, n):.1f}' cy='{_y(value, top):.1f}' r='2.5' fill='{colour}'>"
                f"<title>{escape(one.label)} {escape(days[i])}: {escape(fmt(value))}"
                "</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                body.append(
                    f"<polyline points='{' '.join(run)}' fill='none' stroke='{colour}' "
                    f"stroke-width='2' stroke-dasharray='{dash}'/>"
                )
    return _svg("".join(body)) + _legend(series)


def column_chart(
    title: str, days: Sequence[str], series: Sequence[Series], fmt: Callable[[float], str]
) -> str:
    """Stacked columns of counts, one per day."""
    n = len(days)
    totals = [sum(s.values[i] or 0.0 for s in series) for i in range(n)]
    # Four grid intervals: a top of at least 4 keeps the labels of small counts whole numbers.
    top = _nice_top(max(4.0, *totals))
    width = (WIDTH - LEFT - RIGHT) / max(n, 1) * 0.75
    body = [_frame(title, days, top, fmt)]
    for i in range(n):
        base = 0.0
        for k, one in enumerate(series):
            value = one.values[i] or 0.0
            if value <= 0:
                continue
            y_top, y_base = _y(base + value, top), _y(base, top)
            body.append(
                f"<rect x='{_x(i, n) - width / 2:.1f}' y='{y_top:.1f}' width='{width:.1f}' "
                f"height='{y_base - y_top:.1f}' fill='{COLOURS[k % len(COLOURS)]}'>"
                f"<title>{escape(one.label)} {escape(days[i])}: {escape(fmt(value))}</title></rect>"
            )
            base += value
    return _svg("".join(body)) + _legend(series)


def bar_list(title: str, rows: Sequence[tuple[str, float | None, str]]) -> str:
    """Horizontal bars for categories: (label, value, text shown beside the bar)."""
    label_w, bar_h, width = 200, 18, WIDTH - 200 - 140
    top = _nice_top(max((v or 0.0 for _, v, _ in rows), default=0.0))
    body = [f"<title>{escape(title)}</title>"]
    for i, (label, value, text) in enumerate(rows):
        y = 6 + i * (bar_h + 6)
        length = (value or 0.0) / top * width
        body.append(
            f"<text class='kpi-axis' x='{label_w - 6}' y='{y + 13}' text-anchor='end'>"
            f"{escape(label)}</text><rect x='{label_w}' y='{y}' width='{length:.1f}' "
            f"height='{bar_h}' fill='{COLOURS[0]}'><title>{escape(label)}: {escape(text)}"
            f"</title></rect><text class='kpi-axis' x='{label_w + length + 6:.1f}' "
            f"y='{y + 13}'>{escape(text)}</text>"
        )
    if not rows:
        body.append("<text class='kpi-axis' x='10' y='20'>Geen gegevens in deze periode.</text>")
    return _svg("".join(body), max(32, 12 + len(rows) * (bar_h + 6)))


def _legend(series: Sequence[Series]) -> str:
    if len(series) < 2:
        return ""
    items = "".join(
        f"<span class='kpi-swatch' style='background:{COLOURS[k % len(COLOURS)]}'></span>"
        f"{escape(one.label)}"
        for k, one in enumerate(series)
    )
    return f"<p class='kpi-legend'>{items}</p>"


# -- HTML ----------------------------------------------------------------------------------


TEXT_CELL = " class='kpi-text'"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], text_cols: int = 1) -> str:
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<th scope='row'>{escape(cell)}</th>"
            if c == 0
            else f"<td{TEXT_CELL if c < text_cols else ''}>{escape(cell)}</td>"
            for c, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table class='kpi-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
