"""``report.html`` of a what-if folder: the answer a leader reads, in Chinese, on one page.

A comparison lists the parameters changed (old -> new), the moves, and
every unit and cadre whose grade changed with the reason; a study shows
its charts and the units and cadres whose grade is uncertain with their
probabilities. The page is self-contained like the score report (inline
CSS and SVG, nothing from the network) and prints on A4.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..paths import show
from ..report.html import page_head
from ..report.markup import e, grade_badge, thead
from ..vocab import UNIT_GRADES
from .analysis import CADRE_LABELS, Comparison
from .charts import uncertainty_order
from .study import Study

#: Rows listed at most per table (the workbook and the CSV files hold all).
MAX_LISTED = 200


def _cut(shown: int, total: int, where: str) -> str:
    if shown >= total:
        return ""
    return f'<p class="note">显示 {shown} 个,共 {total} 个;全部见 {e(where)}。</p>'


def _changes_table(comparison: Comparison) -> str:
    rows = "".join(
        f'<tr><td class="code">{e(path)}</td><td class="num">{e(show(old))}</td>'
        f'<td class="num">{e(show(new))}</td></tr>'
        for path, old, new in comparison.changes
    )
    return f"<table>{thead(['参数路径', '原值', '新值'], (1, 2))}<tbody>{rows}</tbody></table>"


def _moves(comparison: Comparison) -> str:
    rows = []
    for kind, label in (("units", "单位"), ("cadres", "干部")):
        s = comparison.summary[kind]
        cells = (s["score_up"], s["score_down"], s["rank_up"], s["rank_down"], s["grade_changed"])
        rows.append(
            f"<tr><td>{label}</td>" + "".join(f'<td class="num">{c}</td>' for c in cells) + "</tr>"
        )
    titles = ["", "得分上升", "得分下降", "排名上升", "排名下降", "等次变化"]
    return f"<table>{thead(titles, (1, 2, 3, 4, 5))}<tbody>{''.join(rows)}</tbody></table>"


def _grade_changes(table: Mapping[str, NDArray[Any]], kind: str, where: str) -> str:
    changed = np.flatnonzero(table["grade_before"] != table["grade_after"])
    if not changed.shape[0]:
        return f'<p class="note">没有{kind}的等次发生变化。</p>'
    listed = changed[:MAX_LISTED]
    rows = "".join(
        f"<tr><td>{e(table['name'][i])}"
        f'<span class="code"> {e(table["id"][i])}</span></td>'
        f'<td class="num">{table["score_before"][i]:.2f}</td>'
        f'<td class="num">{table["score_after"][i]:.2f}</td>'
        f'<td class="centre">{grade_badge(str(table["grade_before"][i]))}</td>'
        f'<td class="centre">{grade_badge(str(table["grade_after"][i]))}</td>'
        f"<td>{e(table['reason'][i])}</td></tr>"
        for i in listed.tolist()
    )
    titles = [kind, "原得分", "新得分", "原等次", "新等次", "原因(得分未变时)"]
    return f"<table>{thead(titles, (1, 2))}<tbody>{rows}</tbody></table>" + _cut(
        int(listed.shape[0]), int(changed.shape[0]), where
    )


def comparison_page(comparison: Comparison, title: str) -> str:
    """The page of one scenario against the scheme as it is."""
    return "".join(
        [
            page_head(title),
            "<body><main>",
            f'<header class="title"><h1>{e(title)}</h1><p>{e(comparison.scenario)}</p></header>',
            "<section><h2>参数变化</h2>",
            _changes_table(comparison),
            "</section><section><h2>变动概况</h2>",
            _moves(comparison),
            "</section><section><h2>等次变化的单位</h2>",
            _grade_changes(comparison.units, "单位", "units.csv"),
            "</section><section><h2>等次变化的干部</h2>",
            _grade_changes(comparison.cadres, "干部", "cadres.csv"),
            "</section></main></body></html>\n",
        ]
    )


def _uncertain_table(
    ids: NDArray[np.str_],
    names: NDArray[np.str_],
    probability: NDArray[np.float64],
    labels: Sequence[str],
    kind: str,
    where: str,
) -> str:
    order = uncertainty_order(probability, ids)
    varies = (probability.max(axis=1) < 1) & (probability.sum(axis=1) > 0)
    chosen = order[varies[order]]
    if not chosen.shape[0]:
        return f'<p class="note">所有{kind}的等次在各情景中都相同。</p>'
    listed = chosen[:MAX_LISTED]
    rows = "".join(
        f'<tr><td>{e(names[i])}<span class="code"> {e(ids[i])}</span></td>'
        + "".join(
            f'<td class="num">{100 * probability[i, g]:.1f}%</td>' for g in range(len(labels))
        )
        + "</tr>"
        for i in listed.tolist()
    )
    titles = [kind, *labels]
    return (
        f"<table>{thead(titles, tuple(range(1, len(titles))))}<tbody>{rows}</tbody></table>"
        + _cut(int(listed.shape[0]), int(chosen.shape[0]), where)
    )


def study_page(study: Study, title: str, charts: Mapping[str, str]) -> str:
    """The page of a sweep or a Monte Carlo study: its charts and who is uncertain."""
    found = study.found
    figures = "".join(f'<div class="chart">{svg}</div>' for svg in charts.values())
    return "".join(
        [
            page_head(title),
            "<body><main>",
            f'<header class="title"><h1>{e(title)}</h1><p>{study.n} 个情景</p></header>',
            f"<section><h2>图表</h2>{figures}</section>",
            "<section><h2>等次随情景变化的单位</h2>",
            '<p class="note">各等次所占情景的比例;最不确定的在前。</p>',
            _uncertain_table(
                study.unit_ids,
                study.unit_names,
                found.grade_probability,
                UNIT_GRADES,
                "单位",
                "units.csv",
            ),
            "</section><section><h2>等次随情景变化的干部</h2>",
            _uncertain_table(
                study.cadre_ids,
                study.cadre_names,
                found.cadre_grade_probability,
                CADRE_LABELS,
                "干部",
                "cadres.csv",
            ),
            "</section></main></body></html>\n",
        ]
    )
