"""Pictures a leader can read without a manual: self-contained SVG, no plotting library.

:func:`rank_intervals` draws, per category, each unit's 5th-95th percentile
rank interval with its median; :func:`grade_shares` draws the share of
each unit grade in every scenario of a sweep.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
from numpy.typing import NDArray

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, SimHei, sans-serif"
GRADE_COLOURS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828")


def _svg(width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12">\n'
        f'<rect width="{width}" height="{height}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}">'
        f"{escape(text)}</text>"
    )


def rank_intervals(
    names: NDArray[np.str_],
    categories: NDArray[np.str_],
    median: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    title: str,
) -> str:
    """Per category, units by median rank: a line from the 5th to the 95th percentile rank."""
    row, left, right, top = 18, 180, 40, 50
    order = np.lexsort((names, np.nan_to_num(median, nan=1e9), categories))
    shown = [i for i in order.tolist() if not np.isnan(median[i])]
    width = 760
    worst = max(float(np.nanmax(high)) if shown else 1.0, 1.0)
    scale = (width - left - right) / worst

    def x(rank: float) -> float:
        return left + (rank - 0.5) * scale

    body = [_text(width / 2, 24, title, "middle", 15)]
    y: float = top
    current = None
    for i in shown:
        if categories[i] != current:
            current = categories[i]
            y += 22
            body.append(_text(10, y - 4, str(current), size=13))
        body.append(_text(left - 8, y + 4, str(names[i]), "end"))
        body.append(
            f'<line x1="{x(low[i]):.1f}" y1="{y:.1f}" x2="{x(high[i]):.1f}" y2="{y:.1f}" '
            'stroke="#1565c0" stroke-width="4" stroke-linecap="round"/>'
        )
        body.append(f'<circle cx="{x(median[i]):.1f}" cy="{y:.1f}" r="4" fill="#c62828"/>')
        y += row
    axis_y = y + 6
    body.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#555"/>'
    )
    step = max(1, int(np.ceil(worst / 10)))
    for rank in range(1, int(worst) + 1, step):
        body.append(_text(x(rank), axis_y + 16, str(rank), "middle"))
    body.append(_text(left, axis_y + 32, "排名(1 为最好);线段为 5%–95% 区间,圆点为中位数", size=11))
    return _svg(width, int(axis_y + 44), body)


def grade_shares(
    labels: Sequence[str], counts: NDArray[np.int64], grades: Sequence[str], title: str
) -> str:
    """Stacked bars: the share of each grade among units, one bar per scenario."""
    n = len(labels)
    width, height, left, top, bottom = max(480, 60 + 46 * n), 380, 50, 50, 90
    plot_h = height - top - bottom
    bar = (width - left - 20) / max(n, 1)
    body = [_text(width / 2, 24, title, "middle", 15)]
    totals = np.maximum(counts.sum(axis=1), 1)
    for j in range(n):
        y = top + plot_h
        for g in range(len(grades)):
            share = counts[j, g] / totals[j]
            h = share * plot_h
            y -= h
            body.append(
                f'<rect x="{left + j * bar + 4:.1f}" y="{y:.1f}" width="{bar - 8:.1f}" '
                f'height="{h:.1f}" fill="{GRADE_COLOURS[g % 4]}">'
                f"<title>{escape(labels[j])}: {escape(grades[g])} {counts[j, g]}</title></rect>"
            )
        body.append(
            f'<text x="{left + (j + 0.5) * bar:.1f}" y="{top + plot_h + 14}" font-size="10" '
            f'text-anchor="end" transform="rotate(-40 {left + (j + 0.5) * bar:.1f} '
            f'{top + plot_h + 14})">{escape(labels[j])}</text>'
        )
    for tick in (0, 25, 50, 75, 100):
        tick_y = top + plot_h * (1 - tick / 100)
        body.append(_text(left - 6, tick_y + 4, f"{tick}%", "end", 10))
    for g, grade in enumerate(grades):
        body.append(
            f'<rect x="{left + g * 70}" y="{height - 22}" width="12" height="12" '
            f'fill="{GRADE_COLOURS[g % 4]}"/>'
        )
        body.append(_text(left + g * 70 + 16, height - 12, grade))
    return _svg(width, height, body)
