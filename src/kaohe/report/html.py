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
:func:`report` gives the same page in pieces (:mod:`kaohe.report.parts`),
from which report.pdf prints a large report in parts.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from ..blocks import UNIT
from ..results import Results
from ..tables_out import adjustment_rows, cadre_rows, finding_rows, number, unit_rows
from ..vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES
from .html_charts import TONE_COLOURS, bar, dot_plot, labelled_dots, share_bars
from .labels import (
    POSITIVE_FLAGS,
    ROLE_LABELS,
    cadre_grade_counts,
    display,
    kept_labels,
    rule_title,
    unit_grade_counts,
)
from .markup import Table, e, floats, grade_badge, long_date, table_of, thead, tone
from .notices import grade_reasons, notices
from .parts import Piece, Report, Rows

FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)
#: At most this many cadres are listed by name; the workbook and cadres.csv list all.
MAX_LISTED = 500
#: Categories of at most this many units get a chart with every unit named.
MAX_LABELLED = 40


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


# ---------------------------------------------------------------- SVG pieces


# ---------------------------------------------------------------- sections


@functools.cache
def style_sheet() -> str:
    """The page's style sheet: ``report.css`` (package data) with the font list filled in."""
    css = resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")
    return css[css.index("*/") + 2 :].lstrip("\n").replace("FONT", FONT)


def page_head(title: str, issuer: str = "") -> str:
    """The page's head: its title and the style sheet; ``issuer`` heads every printed page."""
    running = "".join(c for c in issuer if c not in '"\\<>\n\r')
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{style_sheet().replace('ISSUER', running)}</style>\n"
        "</head>\n"
    )


def _cards(results: Results, units: Table, cadres: Table) -> str:
    n_units = units["unit_id"].shape[0]
    unit_flags = units["flags"]
    cadre_grade = cadres["grade"]
    enabled = results.scheme.enabled
    items = [(str(n_units), "参评单位")]
    if "unit_grading" in enabled:
        items.append((str(int(np.count_nonzero(units["grade"] == "优秀"))), "优秀单位"))
    vetoed = np.char.find(unit_flags, "一票否决") >= 0
    if vetoed.any():
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
        + "".join(f'<th class="num">{grade_badge(t) if tone(t) else e(t)}</th>' for t in titles[1:])
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


def _ranking(results: Results, units: Table) -> list[Piece]:
    """Per category: the dot plot of published scores, then the ranking table."""
    thresholds = _thresholds(results)
    scores = floats(units["score"])
    ranks = floats(units["rank"])
    title = "各类别排名与得分分布" if thresholds else "各类别得分与分布"
    parts: list[Piece] = [f'<section id="ranking"><h2>{title}</h2>']
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
            parts.append(_legend([(g, tone(g) or "open") for g in UNIT_GRADES]))
        parts.append(_ranking_table(units, order.tolist()))
    parts.append(
        '<p class="note">得分 = 综合得分 − 扣分 + 加分(扣分、加分均为封顶后),四舍五入到分;'
        "同分同名次。</p></section>"
    )
    return parts


def _missing_last(values: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.where(np.isnan(values), np.inf, values)


def _ranking_table(units: Table, order: Sequence[int]) -> Rows:
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
    header = f"<table>{thead(titles, (0, 3, 4, 5, 6))}<tbody>"
    return Rows(header, tuple(rows), "</tbody></table>", header)


def _legend(items: Sequence[tuple[str, str]], square: bool = False) -> str:
    """A legend line: ``(label, tone)`` pairs as coloured dots (or squares)."""
    shape = ' class="sq"' if square else ""
    marks = "".join(
        f'<i{shape} style="background:{TONE_COLOURS[tone]}"></i>{e(label)}' for label, tone in items
    )
    return f'<div class="legend">等次:{marks}</div>'


def _deductions(results: Results) -> str:
    """Units' adjustment rows summed per rule (deductions, bonuses, caps), then per 问题类别."""
    adjustments = table_of(adjustment_rows(results, UNIT))
    unit = adjustments["entity"] == "unit"
    rules = adjustments["rule"][unit]
    points = floats(adjustments["points"][unit])
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
            + f"<td>{bar(net, largest, colour)}</td></tr>"
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
    findings = table_of(finding_rows(results))
    if not findings["category"].shape[0]:
        return '<h3>按问题类别</h3><p class="note">本年度无督查督办问题。</p>'
    points = floats(findings["points"])
    order = np.lexsort((findings["category"], -points))
    largest = float(points.max()) if points.size else 0.0
    body = [
        f"<tr><td>{e(findings['category'][i])}</td>"
        f'<td class="num">{e(findings["findings"][i])}</td>'
        + _num(findings["points"][i], score=True)
        + f"<td>{bar(float(points[i]), largest, TONE_COLOURS['bad'], 320)}</td></tr>"
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
        + _legend([(label, tone(label) or "open") for label in graded_labels], square=True)
        + f"<table>{thead(titles, numeric)}<tbody>{''.join(body)}</tbody></table>"
        f'<p class="note">{e(note)}</p></section>'
    )


def _flagged_units(results: Results, units: Table) -> Piece:
    """Units with a flag or a grade effect, with the effect rows that explain the grade."""
    reasons = grade_reasons(results)
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
    header = f"<table>{thead(titles, (2, 3))}<tbody>"
    return Rows(
        "<h3>单位</h3>" + header,
        tuple(body),
        "</tbody></table>"
        '<p class="note">列出有标记(通报表扬、约谈等)'
        "或等次受一票否决、通报批评等事项影响的单位。</p>",
        header,
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
    units = table_of(unit_rows(results))
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
    return report(results, appeals).html()


def report(results: Results, appeals: Sequence[Sequence[str]] = ()) -> Report:
    """:func:`report_html` in pieces (:class:`kaohe.report.parts.Report`), to print in parts."""
    scheme = results.scheme
    units = _shown_units(results)
    cadres = table_of(cadre_rows(results))
    period = f"考核年度 {scheme.year} · 考核截止日期 {long_date(scheme.as_of)}"
    issuer = _issuer(results)
    issued = f'<p class="issuer">{e(issuer)}</p>' if issuer else ""
    office = scheme.publish.office if scheme.publish is not None else ""
    summary: list[Piece] = [
        f'<header class="title"><h1>{e(scheme.title)}</h1><p>{e(period)}</p>{issued}</header>',
        _cards(results, units, cadres),
        _grade_summary(results),
        *_ranking(results, units),
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
    ]
    return Report(page_head(scheme.title, office), tuple(summary), tuple(notices(results, units)))
