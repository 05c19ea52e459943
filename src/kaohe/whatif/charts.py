"""Pictures of a study a leader can read on an A4 page: summaries, never one mark per scenario.

- :func:`grade_probability`: per unit one bar split by the probability of
  each grade, the most uncertain units first;
- :func:`rank_intervals`: per category, each unit's 5th-95th percentile
  rank interval with its median;
- :func:`grade_shares`: along a sweep, the share of units in each grade
  (stacked areas), the scheme as it is marked.

Every chart is :data:`~kaohe.report.chartkit.A4_WIDTH` wide whatever the number
of units or scenarios; every text is measured and placed inside the
picture; a chart that shows only some units says so in the picture
("显示 40 个, 共 1000 个"). Self-contained SVG, no plotting library.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ..report.chartkit import (
    A4_WIDTH,
    fit,
    grade_fill,
    grade_patterns,
    halo_text,
    legend,
    nice_step,
    segment_words,
    svg,
    text,
    text_width,
)

#: Units shown at most in one chart (the tables list them all).
MAX_ROWS = 40
MARGIN = 16
LABEL_ROOM = 170


def uncertainty_order(probability: NDArray[np.float64], ids: NDArray[np.str_]) -> NDArray[np.intp]:
    """Entities, most uncertain first: lowest probability of their likeliest grade, then by id.

    Entities never graded (all probabilities 0) come last.
    """
    top = probability.max(axis=1) if probability.shape[1] else np.zeros(probability.shape[0])
    never = top == 0
    order: NDArray[np.intp] = np.lexsort((ids, np.where(never, 2.0, top)))
    return order


def _shown_note(shown: int, total: int, what: str) -> str:
    return f"显示 {shown} 个{what},共 {total} 个" if shown < total else ""


def _title_lines(title: str, note: str) -> tuple[list[str], float]:
    body = [text(A4_WIDTH / 2, 24, fit(title, 15, A4_WIDTH - 2 * MARGIN), "middle", 15)]
    y = 24.0
    if note:
        y += 18
        body.append(text(A4_WIDTH / 2, y, fit(note, 11, A4_WIDTH - 2 * MARGIN), "middle", 11))
    return body, y


def grade_probability(
    ids: NDArray[np.str_],
    names: NDArray[np.str_],
    probability: NDArray[np.float64],
    labels: Sequence[str],
    title: str,
    limit: int = MAX_ROWS,
) -> str:
    """Per unit one bar of its grade probabilities (sums to 100%), most uncertain first."""
    order = uncertainty_order(probability, ids)
    graded = order[probability[order].sum(axis=1) > 0]
    shown = graded[:limit].tolist()
    note = _shown_note(len(shown), int(graded.shape[0]), "单位(最不确定的在前)")
    body, y = _title_lines(title, note)
    body.insert(0, grade_patterns("gp", len(labels)))
    marks, _ = legend("gp", labels, MARGIN, y + 24)
    body += marks
    top, row, bar_h = y + 40, 22, 15
    left, right = MARGIN + LABEL_ROOM, A4_WIDTH - MARGIN
    span = right - left
    for n, i in enumerate(shown):
        at_y = top + n * row
        label = fit(f"{ids[i]} {names[i]}", 12, LABEL_ROOM - 8)
        body.append(text(left - 8, at_y + bar_h - 3, label, "end"))
        at = float(left)
        for g in range(len(labels)):
            share = float(probability[i, g])
            if share <= 0:
                continue
            part = span * share
            body.append(
                f'<rect x="{at:.1f}" y="{at_y:.1f}" width="{part:.1f}" height="{bar_h}" '
                f'fill="{grade_fill("gp", g)}"><title>{labels[g]} {100 * share:.0f}%</title></rect>'
            )
            words = segment_words(labels[g], f"{100 * share:.0f}%", part, 10, 4)
            if words is not None:
                body.append(halo_text(at + part / 2, at_y + bar_h - 3.5, words, size=10))
            at += part
    axis_y = top + max(len(shown), 1) * row + 2
    body.append(f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#555"/>')
    for tick in (0, 25, 50, 75, 100):
        tx = left + span * tick / 100
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        body.append(text(tx, axis_y + 15, f"{tick}%", anchor, 11))
    caption = "各等次的概率(所占情景的比例);最不确定的单位在前"
    body.append(text(MARGIN, axis_y + 34, fit(caption, 11, A4_WIDTH - 2 * MARGIN), size=11))
    return svg(A4_WIDTH, axis_y + 44, title, body)


def rank_intervals(
    ids: NDArray[np.str_],
    names: NDArray[np.str_],
    categories: NDArray[np.str_],
    median: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    title: str,
    limit: int = MAX_ROWS,
) -> str:
    """Per category, units by median rank: a bar from the 5th to the 95th percentile rank.

    With more than ``limit`` ranked units, those of the widest intervals are shown.
    """
    ranked = np.flatnonzero(~np.isnan(median))
    if ranked.shape[0] > limit:
        widest = np.lexsort((ids[ranked], -(high[ranked] - low[ranked])))
        ranked = ranked[widest[:limit]]
    note = _shown_note(int(ranked.shape[0]), int((~np.isnan(median)).sum()), "单位(区间最宽的)")
    order = ranked[np.lexsort((ids[ranked], median[ranked], categories[ranked]))]
    body, y = _title_lines(title, note)
    left, right = MARGIN + LABEL_ROOM, A4_WIDTH - MARGIN - 10
    worst = max(float(np.nanmax(high[ranked])) if ranked.shape[0] else 1.0, 1.0)
    scale = (right - left) / worst

    def x(rank: float) -> float:
        return left + (rank - 0.5) * scale

    at_y = y + 14
    current = None
    for i in order.tolist():
        if categories[i] != current:
            current = categories[i]
            at_y += 30
            body.append(
                text(MARGIN, at_y - 16, fit(str(current), 13, A4_WIDTH - 2 * MARGIN), size=13)
            )
        label = fit(f"{ids[i]} {names[i]}", 12, LABEL_ROOM - 8)
        body.append(text(left - 8, at_y + 4, label, "end"))
        body.append(
            f'<line x1="{x(low[i]):.1f}" y1="{at_y:.1f}" x2="{x(high[i]):.1f}" y2="{at_y:.1f}" '
            'stroke="#1565c0" stroke-width="5" stroke-linecap="round"/>'
        )
        body.append(
            f'<circle cx="{x(median[i]):.1f}" cy="{at_y:.1f}" r="4" fill="#c62828" stroke="white"/>'
        )
        at_y += 18
    axis_y = at_y + 4
    body.append(f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#555"/>')
    step = max(1, int(nice_step(worst, 10)))
    for rank in range(1, int(worst) + 1, step):
        body.append(text(x(rank), axis_y + 15, str(rank), "middle", 11))
    caption = "排名(1 为最好);线段为 5%–95% 区间,圆点为中位数"
    body.append(text(MARGIN, axis_y + 34, fit(caption, 11, A4_WIDTH - 2 * MARGIN), size=11))
    return svg(A4_WIDTH, axis_y + 44, title, body)


def grade_shares(
    positions: Sequence[float],
    tick_labels: Sequence[str],
    axis_title: str,
    counts: NDArray[np.int64],
    grades: Sequence[str],
    baseline: tuple[float, str] | None,
    title: str,
) -> str:
    """Along a sweep, the share of units in each grade as stacked areas (best grade at the bottom).

    ``positions`` place the scenarios on the x axis (the swept value, or
    the scenario number for a grid); ``tick_labels`` name them (thinned to
    what fits); ``baseline`` is the position and label of the scheme as it
    is, drawn as a dashed line.
    """
    n = len(positions)
    body, y = _title_lines(title, "")
    body.insert(0, grade_patterns("gs", len(grades)))
    marks, _ = legend("gs", grades, MARGIN, y + 24)
    body += marks
    top, plot_h = y + 44, 240
    left, right = MARGIN + 40, A4_WIDTH - MARGIN - 14
    lo, hi = float(min(positions)), float(max(positions))
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    if baseline is not None:
        lo, hi = min(lo, baseline[0]), max(hi, baseline[0])

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    totals = np.maximum(counts.sum(axis=1), 1)
    shares = np.cumsum(counts / totals[:, None], axis=1)  # (n, grades), best first
    xs = [x(float(p)) for p in positions] if n > 1 else [left, right]
    rows = shares if n > 1 else np.repeat(shares, 2, axis=0)
    below = np.zeros(len(xs))
    for g in range(len(grades)):
        upper = rows[:, g]
        points = [(xs[j], top + plot_h * (1 - upper[j])) for j in range(len(xs))]
        points += [(xs[j], top + plot_h * (1 - below[j])) for j in reversed(range(len(xs)))]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(
            f'<polygon points="{path}" fill="{grade_fill("gs", g)}" stroke="white" '
            f'stroke-width="0.5"><title>{grades[g]}</title></polygon>'
        )
        below = upper
    body.append(
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{plot_h}" fill="none" '
        'stroke="#555"/>'
    )
    for tick in (0, 25, 50, 75, 100):
        ty = top + plot_h * (1 - tick / 100)
        body.append(text(left - 6, ty + 4, f"{tick}%", "end", 11))
    axis_y = top + plot_h
    room = (right - left) / max(n, 1)
    widest = max((text_width(t, 11) for t in tick_labels), default=0.0) + 8
    every = max(1, int(np.ceil(widest / max(room, 1e-9))))
    chosen = list(range(0, n, every))
    if n - 1 not in chosen and n > 1 and (n - 1 - chosen[-1]) * room >= widest:
        chosen.append(n - 1)
    for j in chosen:
        tx = x(float(positions[j])) if n > 1 else (left + right) / 2
        label = fit(tick_labels[j], 11, max(widest, room * every))
        half = text_width(label, 11) / 2
        tx = min(max(tx, MARGIN + half), A4_WIDTH - MARGIN - half)
        body.append(
            f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="#555"/>'
        )
        body.append(text(tx, axis_y + 17, label, "middle", 11))
    if baseline is not None:
        bx = x(baseline[0])
        body.append(
            f'<line x1="{bx:.1f}" y1="{top - 6}" x2="{bx:.1f}" y2="{axis_y}" stroke="#1f2933" '
            'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        words = f"现行方案 {baseline[1]}"
        width = text_width(words, 11)
        anchor = "end" if bx + 4 + width > A4_WIDTH - MARGIN else "start"
        body.append(halo_text(bx - 4 if anchor == "end" else bx + 4, top + 12, words, anchor))
    body.append(
        text(A4_WIDTH / 2, axis_y + 38, fit(axis_title, 12, A4_WIDTH - 2 * MARGIN), "middle")
    )
    return svg(A4_WIDTH, axis_y + 50, title, body)
