"""A small log-log line plot written as SVG by hand (no plotting library needed)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]


@dataclass
class Series:
    label: str
    points: list[tuple[float, float]]
    dashed: bool = False
    colour: str = ""


@dataclass
class Panel:
    title: str
    x_label: str
    y_label: str
    series: list[Series] = field(default_factory=list)
    hlines: list[tuple[float, str]] = field(default_factory=list)  # (y, label)


def _decades(lo: float, hi: float) -> tuple[float, float]:
    return math.floor(math.log10(lo)), math.ceil(math.log10(hi))


def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:g}"
    return f"{value:g}"


def _panel(panel: Panel, x0: float, y0: float, width: float, height: float) -> list[str]:
    out: list[str] = []
    pts = [p for s in panel.series for p in s.points if p[0] > 0 and p[1] > 0]
    ys = [p[1] for p in pts] + [y for y, _ in panel.hlines]
    xs = [p[0] for p in pts]
    if not pts:
        return out
    xd = _decades(min(xs), max(xs))
    yd = _decades(min(ys), max(ys))
    if xd[0] == xd[1]:
        xd = (xd[0], xd[1] + 1)
    if yd[0] == yd[1]:
        yd = (yd[0], yd[1] + 1)
    left, right, top, bottom = x0 + 62, x0 + width - 28, y0 + 30, y0 + height - 48

    def sx(x: float) -> float:
        return left + (math.log10(x) - xd[0]) / (xd[1] - xd[0]) * (right - left)

    def sy(y: float) -> float:
        return bottom - (math.log10(y) - yd[0]) / (yd[1] - yd[0]) * (bottom - top)

    out.append(f'<text x="{(left + right) / 2:.0f}" y="{y0 + 16}" text-anchor="middle" font-weight="bold">{escape(panel.title)}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#333"/>')
    for d in range(yd[0], yd[1] + 1):
        y = sy(10**d)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(10**d)}</text>')
        for m in range(2, 10):
            if d < yd[1]:
                ym = sy(m * 10**d)
                out.append(f'<line x1="{left}" y1="{ym:.1f}" x2="{left + 4}" y2="{ym:.1f}" stroke="#999"/>')
    for d in range(xd[0], xd[1] + 1):
        x = sx(10**d)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{_fmt(10**d)}</text>')
    out.append(f'<text x="{(left + right) / 2:.0f}" y="{bottom + 34}" text-anchor="middle">{escape(panel.x_label)}</text>')
    out.append(
        f'<text x="{x0 + 14}" y="{(top + bottom) / 2:.0f}" text-anchor="middle" transform="rotate(-90 {x0 + 14} {(top + bottom) / 2:.0f})">'
        f"{escape(panel.y_label)}</text>"
    )
    for y, label in panel.hlines:
        yy = sy(y)
        out.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{right}" y2="{yy:.1f}" stroke="#000" stroke-dasharray="2,3"/>')
        out.append(f'<text x="{right - 4}" y="{yy - 4:.1f}" text-anchor="end" font-size="10">{escape(label)}</text>')
    legend_y = top + 14
    for i, series in enumerate(panel.series):
        colour = series.colour or COLOURS[i % len(COLOURS)]
        points = [(sx(x), sy(y)) for x, y in series.points if x > 0 and y > 0]
        if not points:
            continue
        dash = ' stroke-dasharray="6,4"' if series.dashed else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        if not series.dashed:
            for x, y in points:
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        out.append(f'<line x1="{left + 8}" y1="{legend_y - 4}" x2="{left + 28}" y2="{legend_y - 4}" stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{left + 32}" y="{legend_y}">{escape(series.label)}</text>')
        legend_y += 14
    return out


def render(panels: list[Panel], width: int = 980, height: int = 420, caption: str = "") -> str:
    """Panels side by side in one SVG document."""
    each = width / max(1, len(panels))
    body: list[str] = []
    for i, panel in enumerate(panels):
        body += _panel(panel, i * each, 0, each, height - (18 if caption else 0))
    if caption:
        body.append(f'<text x="{width / 2:.0f}" y="{height - 6}" text-anchor="middle" font-size="10" fill="#555">{escape(caption)}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="11" role="img">\n<rect width="100%" height="100%" fill="#fff"/>\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )
