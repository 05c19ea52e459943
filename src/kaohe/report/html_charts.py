"""The report's SVG charts: scores as dots, cadres' grade shares as bars.

Plain SVG written by hand on :mod:`kaohe.report.chartkit` (the A4 width,
text measured before it is placed, grade fills); every label is inside the
picture, every dot carries its name as a tooltip and, where a category is
small enough, as a label too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from .chartkit import (
    A4_WIDTH,
    fit,
    grade_fill,
    grade_patterns,
    halo_text,
    legend,
    segment_words,
    text_width,
)
from .markup import e, tone

#: Grade tone -> the colour of its dots, bars and lines.
TONE_COLOURS: Mapping[str, str] = {
    "good": "#2e7d32",
    "fine": "#1565c0",
    "fair": "#e0a000",
    "bad": "#c62828",
    "open": "#8a8a8a",
}


NO_TONE = "#b0b0b0"


def _svg(width: int, height: int, label: str, body: Sequence[str]) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{e(label)}" font-size="12" fill="#1f2933">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{e(text)}</text>'


def _tick_step(span: float) -> float:
    for step in (1.0, 2.0, 5.0, 10.0, 20.0):
        if span / step <= 14:
            return step
    return 50.0


def _score_axis(
    values: NDArray[np.float64], start: float, end: float
) -> tuple[float, float, Callable[[float], float]]:
    """The score axis of a dot chart drawn from ``start`` to ``end``: its ends, on fives
    around ``values`` and at least 10 points apart, and where a score is drawn."""
    lo = math.floor((float(values.min()) - 1.0) / 5.0) * 5.0
    hi = math.ceil((float(values.max()) + 1.0) / 5.0) * 5.0
    hi = max(hi, lo + 10.0)
    scale = (end - start) / (hi - lo)
    return lo, hi, lambda value: start + (value - lo) * scale


def _ticks(
    lo: float, hi: float, x: Callable[[float], float], top: float, base: float, label_y: float
) -> list[str]:
    """Grid lines from ``top`` to ``base`` at round scores of the axis, each labelled at
    ``label_y``."""
    marks = []
    step = _tick_step(hi - lo)
    tick = math.ceil(lo / step) * step
    while tick <= hi + 1e-9:
        tx = x(tick)
        marks.append(f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{base}" stroke="#eef0f3"/>')
        marks.append(_text(tx, label_y, f"{tick:g}", "middle", ' fill="#616e7c"'))
        tick += step
    return marks


def dot_plot(
    scores: NDArray[np.float64],
    grades: Sequence[str],
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    title: str,
) -> str:
    """Published scores as stacked dots coloured by grade, the grade thresholds as lines."""
    width, left, right, top, bottom, radius = 1000, 28, 28, 40, 36, 6
    pitch = 2 * radius + 2
    shown = np.flatnonzero(~np.isnan(scores))
    if not shown.size:
        return '<p class="note">本类别无得分。</p>'
    lo, hi, x = _score_axis(scores[shown], left, width - right)

    order = shown[np.lexsort((shown, scores[shown]))]
    last: list[float] = []
    placed: list[tuple[int, float, int]] = []
    for i in order.tolist():
        cx = x(float(scores[i]))
        level = next((n for n, at in enumerate(last) if cx - at >= pitch), len(last))
        if level == len(last):
            last.append(cx)
        else:
            last[level] = cx
        placed.append((i, cx, level))
    height = top + len(last) * pitch + 8 + bottom
    base = top + len(last) * pitch + 8
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>']
    body += _ticks(lo, hi, x, top - 6, base, base + 18)
    body.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#9aa5b1"/>'
    )
    for grade, threshold in sorted(thresholds.items(), key=lambda item: -item[1]):
        if not lo <= threshold <= hi:
            continue
        colour = TONE_COLOURS.get(tone(grade) or "", NO_TONE)
        tx = x(threshold)
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 16}" x2="{tx:.1f}" y2="{base}" stroke="{colour}" '
            'stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
        near_end = tx > width - right - 90
        body.append(
            _text(
                tx - 4 if near_end else tx + 4,
                top - 20,
                f"{grade} ≥ {threshold:g}",
                "end" if near_end else "start",
                f' fill="{colour}" font-weight="600"',
            )
        )
    for i, cx, level in placed:
        colour = TONE_COLOURS.get(tone(grades[i]) or "", NO_TONE)
        cy = base - radius - 3 - level * pitch
        body.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{colour}" '
            f'fill-opacity="0.85" stroke="#fff" stroke-width="1">'
            f"<title>{e(labels[i])}</title></circle>"
        )
    body.append(_text(width - right, height - 4, "得分", "end", ' fill="#616e7c"'))
    return _svg(width, height, title, body)


def labelled_dots(
    scores: NDArray[np.float64],
    grades: Sequence[str],
    names: Sequence[str],
    thresholds: Mapping[str, float],
    title: str,
) -> str:
    """One row per unit, best first: its name, a dot at its score, the score and grade in words.

    Readable without colour: every dot is labelled; the thresholds are
    dashed lines named ``良好 ≥ 80``.
    """
    width, left, right, top, row = A4_WIDTH, 150, 120, 34, 20
    shown = np.flatnonzero(~np.isnan(scores))
    if not shown.size:
        return '<p class="note">本类别无得分。</p>'
    lo, hi, x = _score_axis(scores[shown], left, width - right)

    order = shown[np.lexsort((shown, -scores[shown]))]
    base = top + row * len(order) + 4
    body = [f'<rect x="0" y="0" width="{width}" height="{base + 28}" fill="#fff"/>']
    body += _ticks(lo, hi, x, top - 6, base, base + 16)
    for grade, threshold in sorted(thresholds.items(), key=lambda item: -item[1]):
        if not lo <= threshold <= hi:
            continue
        colour = TONE_COLOURS.get(tone(grade) or "", NO_TONE)
        tx = x(threshold)
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 12}" x2="{tx:.1f}" y2="{base}" stroke="{colour}" '
            'stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
        words = f"{grade} ≥ {threshold:g}"
        anchor = "end" if tx + text_width(words, 12) + 4 > width - 4 else "start"
        body.append(
            _text(tx - 3 if anchor == "end" else tx + 3, top - 16, words, anchor,
                  f' fill="{colour}" font-weight="600"')
        )  # fmt: skip
    for n, i in enumerate(order.tolist()):
        cy = top + n * row + row / 2
        cx = x(float(scores[i]))
        colour = TONE_COLOURS.get(tone(grades[i]) or "", NO_TONE)
        body.append(_text(left - 10, cy + 4, fit(names[i], 12, left - 14), "end"))
        body.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5.5" fill="{colour}" stroke="#1f2933" '
            f'stroke-width="0.8"><title>{e(names[i])}</title></circle>'
        )
        body.append(_text(cx + 9, cy + 4, f"{scores[i]:.2f} {grades[i]}".strip(), "start",
                          ' font-size="11"'))  # fmt: skip
    body.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#9aa5b1"/>'
    )
    return _svg(width, base + 28, title, body)


def bar(value: float, largest: float, colour: str, width: int = 180) -> str:
    """A small horizontal bar for a table cell."""
    length = 0.0 if largest <= 0 else max(1.0, width * abs(value) / largest)
    if value == 0:
        length = 0.0
    return (
        f'<svg viewBox="0 0 {width} 12" width="{width}" height="12" aria-hidden="true">'
        f'<rect x="0" y="1" width="{width}" height="10" fill="#f1f3f6"/>'
        f'<rect x="0" y="1" width="{length:.1f}" height="10" fill="{colour}"/></svg>'
    )


def share_bars(
    rows: Sequence[tuple[str, Sequence[int]]],
    labels: Sequence[str],
    quota: float | None,
    title: str,
) -> str:
    """Per category, one bar of the graded cadres' grade shares; the 优秀 quota as a line.

    Each grade has its own fill pattern (and colour) and its share written
    in its segment, so the chart reads in black and white.
    """
    width, left, right, row = A4_WIDTH, 90, 16, 34
    top = 56
    height = top + row * len(rows) + 10
    span = width - left - right
    body = [
        grade_patterns("sb", len(labels)),
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    marks, _ = legend("sb", labels, left, 16)
    body += marks
    for n, (category, counts) in enumerate(rows):
        y = top + n * row
        total = sum(counts)
        body.append(
            _text(left - 10, y + 17, fit(category, 12, left - 14), "end", ' font-weight="600"')
        )
        body.append(f'<rect x="{left}" y="{y + 4}" width="{span}" height="18" fill="#f1f3f6"/>')
        at = float(left)
        for g, (label, count) in enumerate(zip(labels, counts, strict=True)):
            if not total or not count:
                continue
            part = span * count / total
            body.append(
                f'<rect x="{at:.1f}" y="{y + 4}" width="{part:.1f}" height="18" '
                f'fill="{grade_fill("sb", g)}">'
                f"<title>{e(f'{category} {label} {count} 人')}</title></rect>"
            )
            words = segment_words(label, f"{100 * count / total:.1f}%", part, 11, 6)
            if words is not None:
                body.append(halo_text(at + part / 2, y + 17, words))
            at += part
    if quota is not None:
        qx = left + span * quota
        body.append(
            f'<line x1="{qx:.1f}" y1="{top - 6}" x2="{qx:.1f}" y2="{height - 6}" '
            'stroke="#1f2933" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        words = f"优秀比例上限 {100 * quota:g}%"
        anchor = "end" if qx + 4 + text_width(words, 12) > width - 4 else "start"
        body.append(
            _text(qx + 4 if anchor == "start" else qx - 4, top - 10, words, anchor,
                  ' font-weight="600"')
        )  # fmt: skip
    return _svg(width, height, title, body)
