"""What every derivation of ``kaohe explain`` is made of, and what unit and cadre share.

An :class:`Explanation` is a list of :class:`Section` of :class:`Row`: a
line of text, or a labelled number that adds into a sum. :class:`Derivation`
holds what the derivations of a unit (:mod:`kaohe.audit.unit_derivation`)
and of a cadre (:mod:`kaohe.audit.cadre_derivation`) share: the text of the
result files (computed once per :class:`~kaohe.results.Results`), their
rows and sources, each rule's section from its plugin's
:class:`~kaohe.audit.explaining.Explainer`.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..numeric import round2
from ..results import Results
from ..tables_out import FORMULA_START, adjustment_rows, cadre_rows, freeze_rows, unit_rows
from ..values import Holder, Value
from .explaining import ExplainView, day, f4, num

UNIT, CADRE = "unit", "cadre"
#: ``effect`` labels of rows that carry points; every other label is a grade effect.
SCORED = ("扣分", "加分", "cap", "容错免责")
PART = "得分"
#: Unit grade effects, lightest first (the ``effect`` labels of unit effect rows).
UNIT_EFFECTS = ("无", "不得评优", "一票否决")
#: What a governing effect does to the grade.
CONSEQUENCE = {
    "不得评优": "不得评为优秀,按得分评定其余等次",
    "一票否决": "无论得分均评为较差",
    "最高基本称职": "最高评为基本称职",
    "不定等次": "不定等次",
    "不称职": "评为不称职",
}
FLAG_NOTES = {
    "通报表扬": "单位评为优秀,通报表扬",
    "约谈": "单位评为较差,或在类别中排名末位",
    "一票否决": "有一票否决事项,评为较差",
    "作风问题严重": "作风问题严重的单位",
    "零问责": "被曝光而本单位未作问责",
    "优先提拔": "获表彰且考核优秀或称职、不在影响期内",
}


@attrs.frozen(repr=False, eq=False)
class Row(Value):
    """One adjustment row of the entity, as ``adjustments.csv`` has it, with its source.

    ``points`` is the 4-decimal text of the file; ``date`` the source row's
    date (derived records: the date the rules give them), empty when the
    source has none; ``rule_title`` and ``basis`` come from the registry and
    the scheme.
    """

    rule: str
    rule_title: str
    basis: str
    source_table: str
    source_id: str
    date: str
    points: str
    effect: str
    note: str


@attrs.frozen(repr=False, eq=False)
class Section(Value):
    """A titled block of rendered lines."""

    title: str
    lines: tuple[str, ...]


@attrs.frozen(repr=False, eq=False)
class Explanation(Value):
    """The derivation of one unit's or cadre's result (scenario 0).

    ``entity`` is ``"unit"`` or ``"cadre"``. ``base`` is the composite ``C``
    as printed (units; empty for cadres, whose parts are rows); ``total`` is
    ``base`` plus the points of every row, the number the sum line states;
    ``score`` the published score (empty for a cadre without one); and
    ``adds_up`` whether the audit rule turns ``total`` into ``score`` (for a
    cadre without a score: whether it has no score parts either).
    """

    entity: str
    entity_id: str
    name: str
    sections: tuple[Section, ...]
    rows: tuple[Row, ...]
    base: str
    total: str
    score: str
    adds_up: bool

    def render(self) -> str:
        """The derivation as text for a terminal, one section after another."""
        out: list[str] = []
        for section in self.sections:
            out.append(section.title)
            out.extend(f"  {line}" for line in section.lines)
            out.append("")
        return "\n".join(out).rstrip() + "\n"


@attrs.frozen(repr=False, eq=False)
class _Files(Holder):
    units: Mapping[str, NDArray[np.str_]]
    cadres: Mapping[str, NDArray[np.str_]]
    adjustments: Mapping[str, NDArray[np.str_]]
    freezes: Mapping[str, NDArray[np.str_]]


_CACHE: weakref.WeakKeyDictionary[Results, _Files] = weakref.WeakKeyDictionary()


def result_text(results: Results) -> _Files:
    found = _CACHE.get(results)
    if found is None:
        found = _Files(
            *(
                dict(zip(*rows(results), strict=True))
                for rows in (unit_rows, cadre_rows, adjustment_rows, freeze_rows)
            )
        )
        _CACHE[results] = found
    return found


def exact(x: float) -> str:
    """A value with up to 6 decimals, trailing zeros dropped: 94.666667, 96.82, 76.8."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def signed_points(x: Decimal) -> str:
    return f"{x:+.4f}"


def plus_minus(x: Decimal) -> str:
    return f"+ {x:.4f}" if x >= 0 else f"- {-x:.4f}"


class Derivation:
    """What unit and cadre explanations share: rows, sources, rules."""

    kind: str

    def __init__(self, results: Results, index: int) -> None:
        self.results = results
        self.scheme = results.scheme
        self.data = results.data
        self.files = result_text(results)
        self.index = index

    def _rows(self, entity_id: str) -> list[Row]:
        adj = self.files.adjustments
        mine = np.flatnonzero((adj["entity"] == self.kind) & (adj["entity_id"] == entity_id))
        return [
            Row(
                rule=str(adj["rule"][i]),
                rule_title=self._title(str(adj["rule"][i])),
                basis=self._basis(str(adj["rule"][i])),
                source_table=str(adj["source_table"][i]),
                source_id=str(adj["source_id"][i]),
                date=self._source_date(str(adj["source_table"][i]), str(adj["source_id"][i])),
                points=str(adj["points"][i]),
                effect=str(adj["effect"][i]),
                note=str(adj["note"][i]),
            )
            for i in mine
        ]

    def _title(self, rule: str) -> str:
        try:
            return self.scheme.registry.rule(rule).title
        except KeyError:
            return rule

    def _basis(self, rule: str) -> str:
        config = self.scheme.rules.get(rule)
        return config.basis if config is not None else ""

    def _param(self, rule: str, key: str) -> Any:
        config = self.scheme.rules.get(rule)
        if config is None or not config.enabled:
            return None
        return config.params.get(key)

    def _ran(self, rule: str) -> bool:
        return rule in self.results.plan.rules

    # source rows and their dates

    def _source_date(self, table_name: str, source_id: str) -> str:
        table = self.data.tables.get(table_name)
        if table is None or not source_id:
            return ""
        spec = table.spec
        if spec.date_column is None or spec.id_column is None:
            return ""
        raw = source_id
        if len(raw) > 1 and raw[0] == "'" and raw[1] in FORMULA_START:
            raw = raw[1:]  # neutralised by the result files
        where = np.flatnonzero(table[spec.id_column] == raw)
        if where.size:
            return day(table[spec.date_column][where[0]])
        return self._derived_date(raw)

    def _derived_date(self, source_id: str) -> str:
        """The date of a derived record, from the explainer of the rule that derives it."""
        for rule in self.results.plan.rules:
            explainer = self.scheme.registry.rule(rule).explainer
            if explainer is None or explainer.derived_date is None:
                continue
            view = ExplainView(self.results, self.kind, self.index, rule)
            found = explainer.derived_date(view, source_id)
            if found:
                return found
        return ""

    # rendering of rows

    def _row_line(self, row: Row) -> str:
        if row.effect == "cap":
            cap = self._param(row.rule, "cap")
            limit = f",上限 {num(cap)} 分" if isinstance(cap, (int, float)) else ""
            return f"封顶返还 {signed_points(Decimal(row.points))}  {row.note}{limit}"
        source = f"{row.source_table} {row.source_id}".strip()
        date = f"  {row.date}" if row.date else ""
        points = (
            "" if row.effect not in (*SCORED, PART) else f"  {signed_points(Decimal(row.points))}"
        )
        return f"{source}{date}{points}  {row.effect}  {row.note}".rstrip()

    def _grouped(self, rows: Sequence[Row]) -> list[str]:
        """Rows grouped by rule, each rule with its title and legal basis."""
        lines: list[str] = []
        for rule in dict.fromkeys(row.rule for row in rows):
            mine = [row for row in rows if row.rule == rule]
            basis = mine[0].basis or "(方案未写明)"
            lines.append(f"{mine[0].rule_title}〔{rule}〕 依据:{basis}")
            lines.extend(f"  {self._row_line(row)}" for row in mine)
        return lines

    def _sum_lines(
        self,
        base: Decimal | None,
        rows: Sequence[Row],
        published: str,
        precise: float | None,
        clamp: tuple[float, float | None],
    ) -> tuple[list[str], str, bool]:
        """The sum line and the audit check; returns lines, the total text, adds_up."""
        points = [Decimal(row.points) for row in rows]
        total = sum(points, base if base is not None else Decimal(0))
        low, high = clamp
        formula = "round2(max(0, 合计))" if high is None else "round2(min(100, max(0, 合计)))"

        def rounded(x: float) -> str:
            x = max(low, x) if high is None else min(high, max(low, x))
            return f"{float(round2(x)):.2f}"

        terms = [f4(base)] if base is not None else []
        for p in points:
            if p == 0:
                continue
            if terms:
                terms.append(plus_minus(p))
            else:
                terms.append(f4(p))
        shown = " ".join(terms) if len(terms) > 1 else ""
        lines = [f"合计 = {shown + ' = ' if shown else ''}{f4(total)}"]
        result = rounded(float(total))
        if result != published and precise is not None and rounded(precise) == published:
            lines.append(f"(四位小数之和恰在半分界附近;按未舍入的数值 {precise:.10f} 计)")
            result = rounded(precise)
        ok = result == published
        mark = "✓ 与公布得分一致" if ok else f"✗ 与公布得分 {published} 不一致"
        lines.append(f"公布得分 = {formula} = {result}  {mark}")
        return lines, f4(total), ok


NUMERALS = "一二三四五六七八九十"


def numbered(sections: Sequence[Section]) -> list[Section]:
    """The sections with their titles numbered 一、二、..."""
    return [
        attrs.evolve(section, title=f"{NUMERALS[n]}、{section.title}")
        for n, section in enumerate(sections)
    ]


def threshold_grade(score: float, thresholds: Mapping[str, float], grades: Sequence[str]) -> int:
    for code, name in enumerate(grades[:-1]):
        if score >= thresholds[name]:
            return code
    return len(grades) - 1


def threshold_text(
    score: float, code: int, thresholds: Mapping[str, float], grades: Sequence[str], symbol: str
) -> str:
    shown = f"{symbol} = {score:.2f}"
    if code == len(grades) - 1:
        low = grades[code - 1]
        return f"由得分决定:{shown} < {low}线 {num(thresholds[low])}"
    name = grades[code]
    text = f"由得分决定:{shown} ≥ {name}线 {num(thresholds[name])}"
    if code > 0:
        above = grades[code - 1]
        text += f",< {above}线 {num(thresholds[above])}"
    return text


def heaviest_effect(effects: Sequence[Row], order: Sequence[str]) -> str:
    """The heaviest effect label among ``effects`` (``order`` lists labels lightest first)."""
    rank = {name: n for n, name in enumerate(order)}
    return max(effects, key=lambda row: rank.get(row.effect, -1)).effect if effects else ""


def flag_lines(flags: str) -> list[str]:
    if not flags:
        return ["无"]
    return [
        f"{flag}:{FLAG_NOTES[flag]}" if flag in FLAG_NOTES else flag for flag in flags.split(";")
    ]
