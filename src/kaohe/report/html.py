"""``report.html``: one self-contained page that officials can read, print and publish.

:func:`report_html` renders scenario 0 of a run as a single HTML file
(``lang="zh-CN"``, UTF-8) with inline CSS and inline SVG only: no script,
no font, image or style sheet from anywhere else, so it opens offline and
can be mailed as it is. Sections:

- the grade counts of units per category;
- per category, the distribution of published scores (a dot plot with the
  grade thresholds of ``unit_grading`` drawn as lines, when that rule is
  enabled) and the ranking table (rank, unit, composite, deductions,
  bonus, published score, grade, flags);
- deductions by rule (units' rows of ``adjustments.csv``) and by problem
  category (问题类别, from ``findings.csv``);
- per unit category, the cadres' grade shares against the 优秀 quota of
  ``cadre_grading``;
- flagged units, and cadres who are 不称职, 不定等次, frozen or flagged;
- the legal basis (文件依据) of every enabled rule.

Every number shown is the text of :mod:`kaohe.tables_out` (so the
published scores read exactly as in ``units.csv``), and every text is
escaped with :func:`html.escape`. Same results give the same string.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape

import numpy as np
from numpy.typing import NDArray

from ..results import Results
from ..tables_out import adjustment_rows, cadre_rows, finding_rows, number, unit_rows
from ..vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES
from .chartkit import A4_WIDTH, fit, grade_fill, grade_patterns, halo_text, legend, text_width
from .labels import (
    GRADE_TONES,
    POSITIVE_FLAGS,
    ROLE_LABELS,
    cadre_grade_counts,
    display,
    kept_labels,
    rule_title,
    unit_grade_counts,
)

Table = dict[str, NDArray[np.str_]]

#: Grade tone -> the colour of its dots, bars and lines.
TONE_COLOURS: Mapping[str, str] = {
    "good": "#2e7d32",
    "fine": "#1565c0",
    "fair": "#e0a000",
    "bad": "#c62828",
    "open": "#8a8a8a",
}
NO_TONE = "#b0b0b0"
FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)
#: At most this many cadres are listed by name; the workbook and cadres.csv list all.
MAX_LISTED = 500
#: Categories of at most this many units get a chart with every unit named.
MAX_LABELLED = 40
#: Effects of adjustment rows that are scores, not grade effects.
SCORE_EFFECTS = frozenset({"扣分", "加分", "cap", "得分", "容错免责"})

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --band: #f5f7fa;
  --accent: #1f4e79; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f5; color: var(--ink);
  font-family: FONT; font-size: 14px; line-height: 1.6; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 48px; }
header.title { background: var(--accent); color: #fff; padding: 28px 32px;
  border-radius: 6px; margin-bottom: 20px; }
header.title h1 { margin: 0 0 4px; font-size: 26px; font-weight: 700; letter-spacing: 0.04em; }
header.title p { margin: 0; opacity: 0.85; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr));
  gap: 12px; margin: 0 0 20px; }
.card { background: #fff; border-radius: 6px; padding: 12px 16px;
  border-top: 3px solid var(--accent); }
.card b { display: block; font-size: 24px; font-variant-numeric: tabular-nums; }
.card span { color: var(--muted); font-size: 13px; }
section { background: #fff; border-radius: 6px; padding: 20px 24px 24px; margin: 0 0 20px; }
h2 { font-size: 19px; margin: 0 0 12px; padding-left: 10px; border-left: 4px solid var(--accent); }
h3 { font-size: 16px; margin: 20px 0 8px; }
p.note { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 0; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: middle; }
thead th { background: var(--band); color: var(--muted); font-weight: 600; font-size: 13px;
  border-bottom: 2px solid var(--line); white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums;
  font-family: "DejaVu Sans Mono", Consolas, Menlo, monospace; font-size: 13px;
  white-space: nowrap; }
th.num { font-family: inherit; }
td.score { font-weight: 700; font-size: 14px; }
td.zero { color: #a9b2bc; }
td.code, span.code { color: var(--muted); font-size: 12px;
  font-family: "DejaVu Sans Mono", Consolas, Menlo, monospace; }
span.code { margin-left: 6px; font-weight: 400; }
td.centre, th.centre { text-align: center; }
.grade { display: inline-block; min-width: 3.6em; padding: 1px 8px; border-radius: 10px;
  font-size: 13px; font-weight: 600; text-align: center; white-space: nowrap; }
.g-good { background: #e3f4e6; color: #1b5e20; }
.g-fine { background: #e3eefb; color: #0d47a1; }
.g-fair { background: #fff4d6; color: #7a5200; }
.g-bad { background: #fde4e4; color: #9b1c1c; }
.g-open { background: #ececec; color: #424242; }
.flag { display: inline-block; margin: 1px 4px 1px 0; padding: 0 7px; border-radius: 3px;
  font-size: 12px; border: 1px solid #e7b2b2; color: #9b1c1c; background: #fff5f5;
  white-space: nowrap; }
.flag.plus { border-color: #a8d5b0; color: #1b5e20; background: #f2fbf3; }
.chart { margin: 4px 0 8px; }
.chart svg { display: block; width: 100%; height: auto; }
.legend { font-size: 13px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin: 0 4px 0 12px; vertical-align: baseline; }
.legend i.sq { border-radius: 1px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.basis td:first-child { white-space: nowrap; font-weight: 600; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
header.title p.issuer { margin-top: 6px; }
section.notice { max-width: 760px; margin: 0 auto 20px; padding: 32px 40px; }
section.notice h2 { text-align: center; border: 0; padding: 0; font-size: 24px;
  letter-spacing: 0.3em; margin-bottom: 24px; }
section.notice .to { font-weight: 700; font-size: 16px; }
section.notice td, section.notice th { font-size: 14px; }
section.notice .sign { text-align: right; margin-top: 36px; line-height: 2; }
.grade-text { font-weight: 700; }
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页";
    font-size: 9pt; color: #555; }
  @top-right { content: "ISSUER"; font-size: 9pt; color: #555; } }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { padding: 0; max-width: none; }
  section { padding: 4px 0; margin: 0 0 12px; }
  h2, h3 { break-after: avoid; }
  tr, .chart, .cards, .legend { break-inside: avoid; }
  section.notice { break-before: page; padding: 0; margin: 0; max-width: none; }
  header.title { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink);
    border-radius: 0; padding: 0 0 8px; }
  .g-good, .g-fine, .g-fair, .g-bad, .g-open { border: 1px solid currentColor; }
}
""".replace("FONT", FONT)


def e(value: object) -> str:
    """Escaped text for HTML content and attribute values."""
    return escape(str(value), quote=True)


def _table_of(rows: tuple[tuple[str, ...], list[NDArray[np.str_]]]) -> Table:
    names, columns = rows
    return dict(zip(names, columns, strict=True))


def _floats(values: NDArray[np.str_]) -> NDArray[np.float64]:
    """Numbers from number text; empty is NaN."""
    values = np.asarray(values, dtype=str)
    return np.where(values == "", "nan", values).astype(np.float64)


def _tone(grade: str) -> str | None:
    return GRADE_TONES.get(grade)


def grade_badge(grade: str) -> str:
    tone = _tone(grade)
    if not grade:
        return '<span class="code">—</span>'
    return f'<span class="grade g-{tone}">{e(grade)}</span>' if tone else e(grade)


def _flag_chips(flags: str) -> str:
    chips = []
    for flag in (f for f in flags.split(";") if f):
        kind = "flag plus" if flag in POSITIVE_FLAGS else "flag"
        chips.append(f'<span class="{kind}">{e(flag)}</span>')
    return "".join(chips)


def _num(text: str, score: bool = False) -> str:
    classes = ["num"]
    if score:
        classes.append("score")
    elif text and float(text) == 0:
        classes.append("zero")
    return f'<td class="{" ".join(classes)}">{e(text)}</td>'


def thead(titles: Iterable[str], numeric: Iterable[int] = ()) -> str:
    right = set(numeric)
    cells = "".join(
        f'<th class="num">{e(t)}</th>' if i in right else f"<th>{e(t)}</th>"
        for i, t in enumerate(titles)
    )
    return f"<thead><tr>{cells}</tr></thead>"


# ---------------------------------------------------------------- SVG pieces


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
        colour = TONE_COLOURS.get(_tone(grade) or "", NO_TONE)
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
        colour = TONE_COLOURS.get(_tone(grades[i]) or "", NO_TONE)
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
        colour = TONE_COLOURS.get(_tone(grade) or "", NO_TONE)
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
        colour = TONE_COLOURS.get(_tone(grades[i]) or "", NO_TONE)
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


def _bar(value: float, largest: float, colour: str, width: int = 180) -> str:
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
            words = f"{label} {100 * count / total:.1f}%"
            if text_width(words, 11) + 6 > part:
                words = f"{100 * count / total:.1f}%"
            if text_width(words, 11) + 6 <= part:
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


# ---------------------------------------------------------------- sections


def page_head(title: str, issuer: str = "") -> str:
    """The page's head: its title and the style sheet; ``issuer`` heads every printed page."""
    running = "".join(c for c in issuer if c not in '"\\<>\n\r')
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{CSS.replace('ISSUER', running)}</style>\n</head>\n"
    )


def _cards(results: Results, units: Table, cadres: Table) -> str:
    n_units = units["unit_id"].shape[0]
    unit_flags = units["flags"]
    cadre_grade = cadres["grade"]
    enabled = results.scheme.enabled
    items = [(str(n_units), "参评单位")]
    if "unit_grading" in enabled:
        items.append((str(int(np.count_nonzero(units["grade"] == "优秀"))), "优秀单位"))
    if "veto" in enabled:
        vetoed = np.char.find(unit_flags, "一票否决") >= 0
        items.append((str(int(np.count_nonzero(vetoed))), "一票否决单位"))
    items.append((str(cadres["cadre_id"].shape[0]), "参评干部"))
    if "cadre_grading" in enabled:
        items.append((str(int(np.count_nonzero(cadre_grade == "优秀"))), "优秀干部"))
        items.append((str(int(np.count_nonzero(cadre_grade == "不称职"))), "不称职干部"))
    items.append((str(int(np.count_nonzero(cadres["frozen_until"] != ""))), "影响期内干部"))
    cells = "".join(f'<div class="card"><b>{e(v)}</b><span>{e(k)}</span></div>' for v, k in items)
    return f'<div class="cards">{cells}</div>'


def _count_table(
    labels: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]], total_label: str
) -> str:
    keep = kept_labels(labels, rows)
    titles = ["考核类别", *(labels[i] for i in keep), total_label]
    head = (
        "<thead><tr>"
        + f"<th>{e(titles[0])}</th>"
        + "".join(
            f'<th class="num">{grade_badge(t) if _tone(t) else e(t)}</th>' for t in titles[1:]
        )
        + "</tr></thead>"
    )
    body = []
    for category, counts in rows:
        cells = "".join(f'<td class="num">{counts[i]}</td>' for i in keep)
        body.append(f'<tr><td>{e(category)}</td>{cells}<td class="num">{counts[-1]}</td></tr>')
    return f"<table>{head}<tbody>{''.join(body)}</tbody></table>"


def _grade_summary(results: Results) -> str:
    if "unit_grading" not in results.scheme.enabled:
        return ""
    labels, rows = unit_grade_counts(results)
    return (
        '<section id="grades"><h2>单位等次统计</h2>'
        + _count_table(labels, rows, "合计")
        + "</section>"
    )


def _thresholds(results: Results) -> dict[str, float]:
    if "unit_grading" not in results.scheme.enabled:
        return {}
    return {str(k): float(v) for k, v in results.scheme.param("unit_grading", "thresholds").items()}


def _ranking(results: Results, units: Table) -> str:
    """Per category: the dot plot of published scores, then the ranking table."""
    thresholds = _thresholds(results)
    scores = _floats(units["score"])
    ranks = _floats(units["rank"])
    title = "各类别排名与得分分布" if thresholds else "各类别得分与分布"
    parts = [f'<section id="ranking"><h2>{title}</h2>']
    if thresholds:
        lines = ",".join(f"{k} ≥ {v:g}" for k, v in thresholds.items())
        parts.append(
            f'<p class="note">等次分数线({e(lines)})以虚线标出;'
            "等次同时受比例限额和一票否决等事项影响,圆点旁为得分和实际等次。</p>"
        )
    tips = [
        f"{name} {score} {grade}".strip()
        for name, score, grade in zip(
            units["name"].tolist(), units["score"].tolist(), units["grade"].tolist(), strict=True
        )
    ]
    for category in results.scheme.categories:
        mine = np.flatnonzero(units["category"] == category)
        order = mine[np.lexsort((mine, -np.nan_to_num(scores[mine]), _missing_last(ranks[mine])))]
        plot = labelled_dots if mine.size <= MAX_LABELLED else dot_plot
        chart = plot(
            scores[mine],
            units["grade"][mine].tolist(),
            [(units["name"] if mine.size <= MAX_LABELLED else tips)[i] for i in mine.tolist()],
            thresholds,
            f"{category}得分分布",
        )
        parts.append(f'<h3>{e(category)}<span class="code">共 {mine.size} 个单位</span></h3>')
        parts.append(f'<div class="chart">{chart}</div>')
        if thresholds:
            parts.append(_legend([(g, _tone(g) or "open") for g in UNIT_GRADES]))
        parts.append(_ranking_table(units, order.tolist()))
    parts.append(
        '<p class="note">得分 = 综合得分 − 扣分 + 加分(扣分、加分均为封顶后),四舍五入到分;'
        "同分同名次。</p></section>"
    )
    return "".join(parts)


def _missing_last(values: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.where(np.isnan(values), np.inf, values)


def _ranking_table(units: Table, order: Sequence[int]) -> str:
    titles = ["排名", "单位", "单位编码", "综合得分", "扣分", "加分", "得分", "等次", "标记"]
    rows = [
        "<tr>"
        f'<td class="num">{e(units["rank"][i])}</td>'
        f"<td>{e(units['name'][i])}</td>"
        f'<td class="code">{e(units["unit_id"][i])}</td>'
        + _num(units["composite"][i])
        + _num(units["deductions"][i])
        + _num(units["bonus"][i])
        + _num(units["score"][i], score=True)
        + f'<td class="centre">{grade_badge(units["grade"][i])}</td>'
        f"<td>{_flag_chips(units['flags'][i])}</td></tr>"
        for i in order
    ]
    return f"<table>{thead(titles, (0, 3, 4, 5, 6))}<tbody>{''.join(rows)}</tbody></table>"


def _legend(items: Sequence[tuple[str, str]], square: bool = False) -> str:
    """A legend line: ``(label, tone)`` pairs as coloured dots (or squares)."""
    shape = ' class="sq"' if square else ""
    marks = "".join(
        f'<i{shape} style="background:{TONE_COLOURS[tone]}"></i>{e(label)}' for label, tone in items
    )
    return f'<div class="legend">等次:{marks}</div>'


def _deductions(results: Results) -> str:
    """Units' adjustment rows summed per rule (deductions, bonuses, caps), then per 问题类别."""
    adjustments = _table_of(adjustment_rows(results))
    unit = adjustments["entity"] == "unit"
    rules = adjustments["rule"][unit]
    points = _floats(adjustments["points"][unit])
    cap = adjustments["effect"][unit] == "cap"
    scored = ~cap
    rows = []
    for rule in np.unique(rules).tolist():
        mine = rules == rule
        deducted = abs(float(points[mine & scored & (points < 0)].sum()))
        added = float(points[mine & scored & (points > 0)].sum())
        capped = float(points[mine & cap].sum())
        count = int(np.count_nonzero(mine & scored & (points != 0)))
        if deducted or added or capped:
            rows.append((rule, count, deducted, added, capped, deducted - added - capped))
    rows.sort(key=lambda r: (-r[5], r[0]))
    largest = max((abs(r[5]) for r in rows), default=0.0)
    body = []
    for rule, count, deducted, added, capped, net in rows:
        colour = TONE_COLOURS["bad"] if net > 0 else TONE_COLOURS["good"]
        body.append(
            f"<tr><td>{e(rule_title(results, rule))}</td>"
            f'<td class="num">{count}</td>'
            + _num(f"{deducted:.2f}")
            + _num(f"{added:.2f}")
            + _num(f"{capped:+.2f}" if capped else "0.00")
            + _num(f"{-net + 0.0:+.2f}", score=True)
            + f"<td>{_bar(net, largest, colour)}</td></tr>"
        )
    by_rule = (
        "<h3>按规则</h3><table>"
        + thead(["规则", "记录数", "扣分", "加分", "封顶调整", "净影响", ""], (1, 2, 3, 4, 5))
        + f"<tbody>{''.join(body)}</tbody></table>"
        + '<p class="note">单位的加减分明细按规则汇总;封顶调整为超出上限退回(扣分)'
        "或扣回(加分)的分值;净影响为对单位得分的合计影响。</p>"
    )
    return (
        '<section id="deductions"><h2>扣分分析</h2>' + by_rule + _findings(results) + "</section>"
    )


def _findings(results: Results) -> str:
    findings = _table_of(finding_rows(results))
    if not findings["category"].shape[0]:
        return '<h3>按问题类别</h3><p class="note">本年度无督查督办问题。</p>'
    points = _floats(findings["points"])
    order = np.lexsort((findings["category"], -points))
    largest = float(points.max()) if points.size else 0.0
    body = [
        f"<tr><td>{e(findings['category'][i])}</td>"
        f'<td class="num">{e(findings["findings"][i])}</td>'
        + _num(findings["points"][i], score=True)
        + f"<td>{_bar(float(points[i]), largest, TONE_COLOURS['bad'], 320)}</td></tr>"
        for i in order.tolist()
    ]
    return (
        "<h3>按问题类别(问题类别)</h3><table>"
        + thead(["问题类别", "问题数", "扣分", ""], (1, 2))
        + f"<tbody>{''.join(body)}</tbody></table>"
        + '<p class="note">督查督办发现的问题按问题类别统计;'
        "扣分为封顶前分值,容错免责的问题计数不计分。</p>"
    )


def _cadre_shares(results: Results) -> str:
    """Per unit category: cadres' grade counts, and the 优秀 share of graded cadres vs the quota."""
    labels, rows = cadre_grade_counts(results)
    if "cadre_grading" not in results.scheme.enabled:
        return (
            '<section id="cadres"><h2>干部等次</h2>'
            + _count_table(labels, rows, "合计")
            + '<p class="note">本方案未启用干部定等。</p></section>'
        )
    quota = float(results.scheme.param("cadre_grading", "excellent_quota"))
    try:
        quota_excellent: float | None = float(
            results.scheme.param("cadre_grading", "excellent_quota_excellent_unit")
        )
    except KeyError:
        quota_excellent = None
    graded_labels = labels[: len(CADRE_GRADES)]
    chart = share_bars(
        [(c, counts[: len(CADRE_GRADES)]) for c, counts in rows],
        graded_labels,
        quota,
        "干部等次占比",
    )
    keep = kept_labels(labels, rows)
    body = []
    for category, counts in rows:
        graded = sum(counts[: len(CADRE_GRADES)])
        shown = f"{100 * counts[0] / graded:.1f}%" if graded else "—"
        body.append(
            f"<tr><td>{e(category)}</td>"
            + "".join(f'<td class="num">{counts[i]}</td>' for i in keep)
            + f'<td class="num">{counts[-1]}</td>'
            + f'<td class="num">{graded}</td>'
            f'<td class="num score">{e(shown)}</td><td class="num">{100 * quota:g}%</td></tr>'
        )
    titles = ["考核类别", *(labels[i] for i in keep), "干部数", "参与定等", "优秀占比", "比例上限"]
    numeric = tuple(range(1, len(titles)))
    note = f"优秀比例上限按单位计算:一般单位 {100 * quota:g}%"
    if quota_excellent is not None:
        note += f",被评为优秀的单位 {100 * quota_excellent:g}%"
    note += f";参与定等的干部不含{NO_GRADE}。图中为参与定等干部的等次占比。"
    return (
        '<section id="cadres"><h2>干部等次与优秀比例</h2>'
        f'<div class="chart">{chart}</div>'
        + _legend([(label, _tone(label) or "open") for label in graded_labels], square=True)
        + f"<table>{thead(titles, numeric)}<tbody>{''.join(body)}</tbody></table>"
        f'<p class="note">{e(note)}</p></section>'
    )


def _flagged_units(results: Results, units: Table) -> str:
    """Units with a flag or a grade effect, with the effect rows that explain the grade."""
    reasons = _grade_reasons(results)
    flagged = np.flatnonzero(
        (units["flags"] != "") | np.isin(units["unit_id"], np.asarray(list(reasons), dtype=str))
    )
    if not flagged.size:
        return '<h3>单位</h3><p class="note">无。</p>'
    body = [
        f'<tr><td>{e(units["name"][i])}<span class="code"> {e(units["unit_id"][i])}</span></td>'
        f"<td>{e(units['category'][i])}</td>"
        + _num(units["score"][i], score=True)
        + f'<td class="num">{e(units["rank"][i])}</td>'
        f'<td class="centre">{grade_badge(units["grade"][i])}</td>'
        f"<td>{_flag_chips(units['flags'][i])}</td>"
        f"<td>{'<br>'.join(e(r) for r in reasons.get(units['unit_id'][i], []))}</td></tr>"
        for i in flagged.tolist()
    ]
    titles = ["单位", "考核类别", "得分", "排名", "等次", "标记", "影响等次的事项"]
    return (
        f"<h3>单位</h3><table>{thead(titles, (2, 3))}<tbody>{''.join(body)}</tbody></table>"
        '<p class="note">列出有标记(通报表扬、约谈等)'
        "或等次受一票否决、通报批评等事项影响的单位。</p>"
    )


def _flagged_cadres(results: Results, cadres: Table, units: Table) -> str:
    """不称职 first, then 不定等次, then frozen or flagged cadres; at most :data:`MAX_LISTED`."""
    grade = cadres["grade"]
    severity = np.select([grade == "不称职", grade == NO_GRADE], [0, 1], 2)
    wanted = (severity < 2) | (cadres["frozen_until"] != "") | (cadres["flags"] != "")
    chosen = np.flatnonzero(wanted)
    if not chosen.size:
        return '<h3>干部</h3><p class="note">无。</p>'
    chosen = chosen[np.lexsort((chosen, severity[chosen]))]
    listed = chosen[:MAX_LISTED]
    unit_name = dict(zip(units["unit_id"].tolist(), units["name"].tolist(), strict=True))
    reason = display(results, "grade_reason", cadres["grade_reason"])
    frozen = display(results, "frozen_until", cadres["frozen_until"])
    body = [
        f'<tr><td>{e(cadres["name"][i])}<span class="code"> {e(cadres["cadre_id"][i])}</span></td>'
        f"<td>{e(unit_name.get(cadres['unit_id'][i], cadres['unit_id'][i]))}</td>"
        f"<td>{e(ROLE_LABELS.get(cadres['role'][i], cadres['role'][i]))}</td>"
        + _num(cadres["score"][i], score=True)
        + f'<td class="centre">{grade_badge(grade[i])}</td>'
        f"<td>{e(reason[i])}</td>"
        f'<td class="num">{e(frozen[i])}</td>'
        f"<td>{_flag_chips(cadres['flags'][i])}</td></tr>"
        for i in listed.tolist()
    ]
    titles = ["干部", "所在单位", "职务类别", "得分", "等次", "定等依据", "影响期至", "标记"]
    more = chosen.size - listed.size
    rest = f"另有 {more} 人未列出,完整名单见 results.xlsx 的“干部”表或 cadres.csv。" if more else ""
    return (
        f"<h3>干部({chosen.size} 人)</h3><table>{thead(titles, (3, 6))}"
        f"<tbody>{''.join(body)}</tbody></table>"
        '<p class="note">依次列出不称职、不定等次、影响期内(不得提拔)或有标记的干部;'
        f"影响期至为考核截止日仍在进行的影响期中最晚的结束日期。{e(rest)}</p>"
    )


def _basis(results: Results) -> str:
    scheme = results.scheme
    body = "".join(
        f"<tr><td>{e(rule_title(results, name))}</td><td>{e(scheme.rules[name].basis)}</td></tr>"
        for name in scheme.enabled
        if scheme.rules[name].basis
    )
    if not body:
        return ""
    return (
        '<section id="basis"><h2>考核依据</h2><table class="basis">'
        f"{thead(['规则', '文件依据'])}<tbody>{body}</tbody></table></section>"
    )


def long_date(day: dt.date) -> str:
    """A date as an official document writes it: 2020年1月15日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _issuer(results: Results) -> str:
    """The issuing office, date and 公示 period of the scheme's ``[publish]`` table ('' if none)."""
    publish = results.scheme.publish
    if publish is None:
        return ""
    parts = [f"发布单位:{publish.office}"]
    if publish.date is not None:
        parts.append(f"发布日期:{long_date(publish.date)}")
    if publish.notice_start is not None and publish.notice_end is not None:
        parts.append(f"公示期:{long_date(publish.notice_start)}至{long_date(publish.notice_end)}")
    return " · ".join(parts)


def _percent(values: NDArray[np.float64]) -> NDArray[np.str_]:
    """Shares as percentages with two decimals (0.9292 -> 92.92%); NaN is empty."""
    return np.where(np.isnan(values), "", np.char.add(number(values * 100, 2), "%"))


def _shown_units(results: Results) -> Table:
    """``units.csv``'s rows as people read them: points with two decimals, shares as %."""
    units = _table_of(unit_rows(results))
    u = results.units
    for column, values in (
        ("target_score", u.target[0]),
        ("composite", u.composite[0]),
        ("deductions", u.deductions[0]),
        ("bonus", u.bonus[0]),
    ):
        units[column] = number(values, 2)
    units["satisfaction"] = _percent(u.satisfaction[0])
    return units


def _unit_points(results: Results) -> dict[str, list[tuple[str, float]]]:
    """Per unit, its points by rule (deductions negative, caps included), rules by title."""
    adjustments = _table_of(adjustment_rows(results))
    unit = (adjustments["entity"] == "unit") & np.isin(adjustments["effect"], list(SCORE_EFFECTS))
    ids, rules = adjustments["entity_id"][unit], adjustments["rule"][unit]
    points = _floats(adjustments["points"][unit])
    keys, where = np.unique(np.char.add(np.char.add(ids, "\x1f"), rules), return_inverse=True)
    sums = np.bincount(where, weights=np.nan_to_num(points), minlength=keys.shape[0])
    found: dict[str, list[tuple[str, float]]] = {}
    for key, total in zip(keys.tolist(), sums.tolist(), strict=True):
        unit_id, _, rule = key.partition("\x1f")
        if round(total, 2) != 0:
            found.setdefault(unit_id, []).append((rule_title(results, rule), total))
    return found


def _notices(results: Results, units: Table) -> str:
    """One 考核结果通知书 per unit (a printed page each): its result, points and grade."""
    scheme = results.scheme
    publish = scheme.publish
    counts = {c: int(np.count_nonzero(units["category"] == c)) for c in scheme.categories}
    points = _unit_points(results)
    reasons = _grade_reasons(results)
    graded = "unit_grading" in scheme.enabled
    order = np.lexsort((units["unit_id"], units["category"]))
    pages = []
    for i in order.tolist():
        uid = units["unit_id"][i]
        rank = units["rank"][i]
        rank_text = (
            f"第 {rank} 名(共 {counts.get(units['category'][i], 0)} 个单位)" if rank else "—"
        )
        rows = [
            ("考核类别", e(units["category"][i])),
            ("目标得分", e(units["target_score"][i])),
            ("满意度", e(units["satisfaction"][i] or "无测评")),
            ("综合得分", e(units["composite"][i])),
            ("扣分", e(units["deductions"][i])),
            ("加分", e(units["bonus"][i])),
            ("考核得分", f"<b>{e(units['score'][i])}</b>"),
            ("类别内排名", e(rank_text)),
        ]
        if graded:
            grade = units["grade"][i] or "未定等次"
            rows.append(("考核等次", f'<span class="grade-text">{e(grade)}</span>'))
        if units["flags"][i]:
            rows.append(("标记", e("、".join(f for f in units["flags"][i].split(";") if f))))
        table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
        detail = "".join(
            f'<tr><td>{e(title)}</td><td class="num">{total:+.2f}</td></tr>'
            for title, total in points.get(uid, [])
        )
        detail_table = (
            f"<h3>加减分明细</h3><table>{thead(['事项', '分值'], (1,))}<tbody>{detail}</tbody>"
            "</table>"
            if detail
            else '<p class="note">本年度无加减分事项。</p>'
        )
        why = reasons.get(uid, [])
        effects = (
            "<h3>影响等次的事项</h3><ul>" + "".join(f"<li>{e(r)}</li>" for r in why) + "</ul>"
            if why
            else ""
        )
        notice = ""
        sign = ""
        if publish is not None:
            if publish.notice_start is not None and publish.notice_end is not None:
                notice = (
                    f"<p>公示期:{long_date(publish.notice_start)}至"
                    f"{long_date(publish.notice_end)}。{e(publish.contact or '')}</p>"
                )
            elif publish.contact:
                notice = f"<p>{e(publish.contact)}</p>"
            day = f"<br>{long_date(publish.date)}" if publish.date is not None else ""
            sign = f'<p class="sign">{e(publish.office)}{day}</p>'
        pages.append(
            f'<section class="notice" id="notice-{e(uid)}"><h2>考核结果通知书</h2>'
            f'<p class="to">{e(units["name"][i])}:</p>'
            f"<p>根据《{e(scheme.title)}》,经考核,你单位{scheme.year}年度考核结果如下:</p>"
            f'<table class="result">{table}</table>{detail_table}{effects}{notice}{sign}'
            "</section>"
        )
    return "".join(pages)


def _grade_reasons(results: Results) -> dict[str, list[str]]:
    """Per unit, the effect rows bearing on its grade (一票否决, 约谈 ...), as people read them."""
    adjustments = _table_of(adjustment_rows(results))
    effect_rows = (adjustments["entity"] == "unit") & ~np.isin(
        adjustments["effect"], list(SCORE_EFFECTS)
    )
    reasons: dict[str, list[str]] = {}
    for unit_id, note, table, source in zip(
        adjustments["entity_id"][effect_rows].tolist(),
        adjustments["note"][effect_rows].tolist(),
        display(results, "source_table", adjustments["source_table"][effect_rows]).tolist(),
        adjustments["source_id"][effect_rows].tolist(),
        strict=True,
    ):
        text = f"{note}({table} {source})" if source else note
        if text not in reasons.setdefault(unit_id, []):
            reasons[unit_id].append(text)
    return reasons


def _appeals(rows: Sequence[Sequence[str]]) -> str:
    """The section 申诉及处理结果: every appeal of the run's store; nothing without any."""
    from ..appeals import COLUMNS

    if not rows:
        return ""
    body = "".join(
        "<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        '<section id="appeals"><h2>申诉及处理结果</h2><table class="appeals">'
        f"{thead(COLUMNS)}<tbody>{body}</tbody></table></section>"
    )


def report_html(results: Results, appeals: Sequence[Sequence[str]] = ()) -> str:
    """The HTML report of scenario 0 of ``results`` (see the module docstring); ``appeals``
    (rows of :data:`kaohe.appeals.COLUMNS`) are listed after the basis when there are any."""
    scheme = results.scheme
    units = _shown_units(results)
    cadres = _table_of(cadre_rows(results))
    period = f"考核年度 {scheme.year} · 考核截止日期 {long_date(scheme.as_of)}"
    issuer = _issuer(results)
    issued = f'<p class="issuer">{e(issuer)}</p>' if issuer else ""
    office = scheme.publish.office if scheme.publish is not None else ""
    parts = [
        page_head(scheme.title, office),
        "<body><main>",
        f'<header class="title"><h1>{e(scheme.title)}</h1><p>{e(period)}</p>{issued}</header>',
        _cards(results, units, cadres),
        _grade_summary(results),
        _ranking(results, units),
        _deductions(results),
        _cadre_shares(results),
        '<section id="flagged"><h2>标记与等次影响</h2>',
        _flagged_units(results, units),
        _flagged_cadres(results, cadres, units),
        "</section>",
        _basis(results),
        _appeals(appeals),
        "<footer>本报告根据考核方案和台账数据生成;"
        "完整数据见同一文件夹中的 CSV 文件和 results.xlsx。</footer>",
        '<div id="notices">',
        _notices(results, units),
        "</div>",
        "</main></body></html>\n",
    ]
    return "".join(parts)
