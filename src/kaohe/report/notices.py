"""The 考核结果通知书 of report.html: one printed page per unit, its result, points and grade."""

from __future__ import annotations

import numpy as np

from ..blocks import UNIT
from ..results import Results
from ..tables_out import adjustment_rows
from .labels import display, rule_title
from .markup import Table, e, floats, long_date, table_of, thead

#: Effects of adjustment rows that are scores, not grade effects.
SCORE_EFFECTS = frozenset({"扣分", "加分", "cap", "得分", "容错免责"})


def _unit_points(results: Results) -> dict[str, list[tuple[str, float]]]:
    """Per unit, its points by rule (deductions negative, caps included), rules by title."""
    adjustments = table_of(adjustment_rows(results, UNIT))
    unit = (adjustments["entity"] == "unit") & np.isin(adjustments["effect"], list(SCORE_EFFECTS))
    ids, rules = adjustments["entity_id"][unit], adjustments["rule"][unit]
    points = floats(adjustments["points"][unit])
    keys, where = np.unique(np.char.add(np.char.add(ids, "\x1f"), rules), return_inverse=True)
    sums = np.bincount(where, weights=np.nan_to_num(points), minlength=keys.shape[0])
    found: dict[str, list[tuple[str, float]]] = {}
    for key, total in zip(keys.tolist(), sums.tolist(), strict=True):
        unit_id, _, rule = key.partition("\x1f")
        if round(total, 2) != 0:
            found.setdefault(unit_id, []).append((rule_title(results, rule), total))
    return found


def notices(results: Results, units: Table) -> list[str]:
    """One 考核结果通知书 per unit (``section.notice``, each beginning a printed page): its
    result, points and grade; units by category, then id."""
    scheme = results.scheme
    publish = scheme.publish
    counts = {c: int(np.count_nonzero(units["category"] == c)) for c in scheme.categories}
    points = _unit_points(results)
    reasons = grade_reasons(results)
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
    return pages


def grade_reasons(results: Results) -> dict[str, list[str]]:
    """Per unit, the effect rows bearing on its grade (一票否决, 约谈 ...), as people read them."""
    adjustments = table_of(adjustment_rows(results, UNIT))
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


#: Effects of adjustment rows that are scores, not grade effects.
SCORE_EFFECTS = frozenset({"扣分", "加分", "cap", "得分", "容错免责"})
