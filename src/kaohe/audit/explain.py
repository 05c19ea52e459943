"""Explain one unit's or cadre's result: the full derivation, in Chinese.

>>> import kaohe
>>> from kaohe.audit.explain import explain
>>> print(explain(results, "XZ08").render())

:func:`explain` reads only the stable surface of :class:`~kaohe.results.Results`
(scenario 0): the text rows of :mod:`kaohe.tables_out` (what the result files
hold), the per-entity arrays, the input tables and the scheme. Every number
of a published score is shown, and the shown numbers add up to it under the
audit rule of ``handbook/data.md``::

    F = round2(max(0, C + sum of the unit's adjustment rows))
    S = round2(min(100, max(0, sum of the cadre's adjustment rows)))

Rows are shown with the 4 decimals of ``adjustments.csv`` and ``C`` with the
4 decimals of ``units.csv``; the sum line adds exactly those numbers. Should
that 4-decimal sum fall on the other side of a half cent than the unrounded
one, the sum line says so and uses the unrounded value (from the results
arrays, or recomputed from the inputs for a cadre's score parts).
"""

from __future__ import annotations

import difflib
import math
import weakref
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..errors import KaoheError
from ..i18n import _
from ..numeric import round2
from ..results import Results
from ..tables_out import FORMULA_START, adjustment_rows, cadre_rows, freeze_rows, unit_rows
from ..vocab import (
    CADRE_GRADES,
    EFFECT,
    NO_GRADE,
    ROLE,
    UNIT_GRADES,
)
from .explaining import ExplainView, Part, day, f4, num

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


@attrs.frozen
class Row:
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


@attrs.frozen
class Section:
    """A titled block of rendered lines."""

    title: str
    lines: tuple[str, ...]


@attrs.frozen
class Explanation:
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


# -- the text of the result files, computed once per Results ---------------------------


@attrs.frozen(eq=False)
class _Files:
    units: Mapping[str, NDArray[np.str_]]
    cadres: Mapping[str, NDArray[np.str_]]
    adjustments: Mapping[str, NDArray[np.str_]]
    freezes: Mapping[str, NDArray[np.str_]]


_CACHE: weakref.WeakKeyDictionary[Results, _Files] = weakref.WeakKeyDictionary()


def _files(results: Results) -> _Files:
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


# -- public entry ------------------------------------------------------------------------


def explain(results: Results, entity_id: str) -> Explanation:
    """The derivation of the result of unit or cadre ``entity_id`` (scenario 0).

    ``entity_id`` is a ``unit_id`` or a ``cadre_id``; ``unit:ID`` or
    ``cadre:ID`` chooses when one id names both. An unknown id raises
    :class:`~kaohe.errors.KaoheError` naming it and the closest ids.
    """
    kind, index = _resolve(results, entity_id.strip())
    if kind == UNIT:
        return _Unit(results, index).explanation()
    return _Cadre(results, index).explanation()


def _resolve(results: Results, wanted: str) -> tuple[str, int]:
    kinds: tuple[str, ...] = (UNIT, CADRE)
    prefix, _colon, rest = wanted.partition(":")
    if rest and prefix in kinds:
        kinds, wanted = (prefix,), rest
    found = []
    for kind in kinds:
        ids = results.units.ids if kind == UNIT else results.cadres.ids
        where = np.flatnonzero(ids == wanted)
        if where.size:
            found.append((kind, int(where[0])))
    if len(found) == 1:
        return found[0]
    if found:
        raise KaoheError(
            _("'{id}' is both a unit and a cadre; write unit:{id} or cadre:{id}").format(id=wanted)
        )
    known = [*results.units.ids.tolist(), *results.cadres.ids.tolist()]
    close = difflib.get_close_matches(wanted, known, n=5, cutoff=0.5)
    hint = _("; did you mean {ids}?").format(ids=", ".join(close)) if close else ""
    raise KaoheError(
        _("'{id}' is neither a unit_id nor a cadre_id of this result").format(id=wanted) + hint
    )


# -- helpers -----------------------------------------------------------------------------


def _f4(x: float | Decimal) -> str:
    return f"{x:.4f}"


def _exact(x: float) -> str:
    """A value with up to 6 decimals, trailing zeros dropped: 94.666667, 96.82, 76.8."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _points(x: Decimal) -> str:
    return f"{x:+.4f}"


def _signed(x: Decimal) -> str:
    return f"+ {x:.4f}" if x >= 0 else f"- {-x:.4f}"


class _Base:
    """What unit and cadre explanations share: rows, sources, rules."""

    kind: str

    def __init__(self, results: Results, index: int) -> None:
        self.results = results
        self.scheme = results.scheme
        self.data = results.data
        self.files = _files(results)
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
            return f"封顶返还 {_points(Decimal(row.points))}  {row.note}{limit}"
        source = f"{row.source_table} {row.source_id}".strip()
        date = f"  {row.date}" if row.date else ""
        points = "" if row.effect not in (*SCORED, PART) else f"  {_points(Decimal(row.points))}"
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

        terms = [_f4(base)] if base is not None else []
        for p in points:
            if p == 0:
                continue
            if terms:
                terms.append(_signed(p))
            else:
                terms.append(_f4(p))
        shown = " ".join(terms) if len(terms) > 1 else ""
        lines = [f"合计 = {shown + ' = ' if shown else ''}{_f4(total)}"]
        result = rounded(float(total))
        if result != published and precise is not None and rounded(precise) == published:
            lines.append(f"(四位小数之和恰在半分界附近;按未舍入的数值 {precise:.10f} 计)")
            result = rounded(precise)
        ok = result == published
        mark = "✓ 与公布得分一致" if ok else f"✗ 与公布得分 {published} 不一致"
        lines.append(f"公布得分 = {formula} = {result}  {mark}")
        return lines, _f4(total), ok


# -- units -------------------------------------------------------------------------------


class _Unit(_Base):
    kind = UNIT

    def explanation(self) -> Explanation:
        i = self.index
        u = self.files.units
        uid = str(self.results.units.ids[i])
        rows = self._rows(str(u["unit_id"][i]))
        scored = [r for r in rows if r.effect in SCORED]
        effects = [r for r in rows if r.effect not in SCORED]
        base = Decimal(str(u["composite"][i]))
        units = self.results.units
        precise = float(units.composite[0, i] - units.deductions[0, i] + units.bonus[0, i])
        sum_lines, total, ok = self._sum_lines(base, rows, str(u["score"][i]), precise, (0, None))
        sum_lines.insert(
            0,
            f"明细合计 = {_f4(sum((Decimal(r.points) for r in rows), Decimal(0)))}"
            f"(共 {len(rows)} 行,见 adjustments.csv)",
        )
        sections = [
            Section(
                f"单位 {uid} {u['name'][i]}(考核类别:{u['category'][i]})",
                (f"{self.scheme.title}〔{self.scheme.name}〕,截至 {self.scheme.as_of}",),
            ),
            *self._rule_sections(),
            Section(
                "扣分与加分(每行一条记录,封顶与容错免责单列)",
                tuple(self._grouped(scored) or ["无"]),
            ),
            Section(
                "得分(核算规则:公布得分 = round2(max(0, 综合得分 + 各行加减分)))",
                tuple(sum_lines),
            ),
            Section("排名与等次", tuple(self._grade(effects))),
            Section("标记", tuple(_flag_lines(str(u["flags"][i])))),
        ]
        sections[1:] = _numbered(sections[1:])
        return Explanation(
            UNIT,
            uid,
            str(u["name"][i]),
            tuple(sections),
            tuple(rows),
            str(u["composite"][i]),
            total,
            str(u["score"][i]),
            ok,
        )

    def _rule_sections(self) -> list[Section]:
        """The sections of the enabled rules' explainers, in run order; a rule computing
        T or C without one is named with its value; without any rule computing C, C = T."""
        sections = []
        units = self.results.units
        shown = {"unit.target": ("T", units.target), "unit.composite": ("C", units.composite)}
        explained = set()
        for name in self.results.plan.rules:
            rule = self.scheme.registry.rule(name)
            writes = set().union(*(step.writes for step in rule.steps)) & set(shown)
            explainer = rule.explainer
            if explainer is not None and explainer.unit is not None:
                view = ExplainView(self.results, self.kind, self.index, name)
                sections.append(Section(explainer.title, tuple(explainer.unit(view))))
            elif writes:
                values = [
                    f"{shown[s][0]} = {f4(float(shown[s][1][0, self.index]))}" for s in writes
                ]
                sections.append(
                    Section(
                        f"{rule.title}〔{name}〕", (f"由本规则计算:{','.join(sorted(values))}",)
                    )
                )
            explained |= writes
        if "unit.composite" not in explained:
            composite = f4(float(units.composite[0, self.index]))
            sections.append(Section("综合得分 C", (f"无规则计算综合得分:C = T = {composite}",)))
        return sections

    def _grade(self, effects: Sequence[Row]) -> list[str]:
        u = self.files.units
        i = self.index
        units = self.results.units
        if not self._ran("unit_grading") or units.grade[0, i] < 0:
            return ["方案未启用单位等次评定(无排名、等次)"]
        category = str(units.categories[i])
        peers = np.flatnonzero(units.categories == category)
        score = float(units.score[0, i])
        rank = int(units.rank[0, i])
        cents = np.rint(units.score[0, peers] * 100)
        higher = int((cents > round(score * 100)).sum())
        lines = [
            f"类别「{category}」共 {peers.size} 个单位,排名第 {rank}(得分高于本单位的 {higher} 个)"
        ]
        thresholds: Mapping[str, float] = self.scheme.param("unit_grading", "thresholds")
        share = float(self.scheme.param("unit_grading", "excellent_quota"))
        places = math.floor(share * peers.size + 1e-9)
        grade = str(u["grade"][i])
        reason = str(units.grade_reason(0)[i])
        best = _threshold_grade(score, thresholds, UNIT_GRADES)
        if reason == "score":
            why = _threshold_text(score, best, thresholds, UNIT_GRADES, "F")
            if grade == UNIT_GRADES[0]:
                why += f";类别优秀名额 quota({num(share)}, {peers.size}) = {places},在名额内"
        elif reason == "quota":
            taken = [str(x) for x in units.ids[peers][units.grade[0, peers] == 0]]
            why = (
                f"F = {score:.2f} ≥ 优秀线 {num(thresholds[UNIT_GRADES[0]])},但类别优秀名额"
                f" quota({num(share)}, {peers.size}) = {places} 已由 {'、'.join(taken) or '无'}"
                " 占用(按得分、扣分、满意度、编码排序在前)"
            )
        else:
            heaviest = _heaviest(effects, UNIT_EFFECTS)
            why = f"由等次影响决定:{reason}(最重的影响:{heaviest},{CONSEQUENCE.get(heaviest, '')})"
        lines.append(f"等次:{grade} —— {why}")
        if effects:
            lines.append(f"等次影响(0 分行;最重者「{_heaviest(effects, UNIT_EFFECTS)}」):")
            lines.extend(f"  {line}" for line in self._grouped(effects))
        return lines


# -- cadres ------------------------------------------------------------------------------


class _Cadre(_Base):
    kind = CADRE

    def explanation(self) -> Explanation:
        i = self.index
        c = self.files.cadres
        cid = str(self.results.cadres.ids[i])
        rows = self._rows(str(c["cadre_id"][i]))
        parts = [r for r in rows if r.effect == PART]
        scored = [r for r in rows if r.effect in SCORED]
        effects = [r for r in rows if r.effect not in (*SCORED, PART)]
        role = ROLE.values[int(self.results.cadres.role[i])]
        unit = int(self.results.cadres.unit[i])
        head = Section(
            f"干部 {cid} {c['name'][i]}({self.results.units.names[unit]} {c['unit_id'][i]},"
            f"{ROLE.label(role)})",
            (f"{self.scheme.title}〔{self.scheme.name}〕,截至 {self.scheme.as_of}",),
        )
        part_lines, precise_parts = self._parts(parts, role)
        score = str(c["score"][i])
        if score:
            precise = None
            if precise_parts is not None:
                precise = precise_parts + float(sum(Decimal(r.points) for r in scored))
            ordered = [*parts, *scored, *effects]
            sum_lines, total, ok = self._sum_lines(None, ordered, score, precise, (0, 100))
        else:
            total, ok = "", not parts  # no score: nothing to add up, and no score parts
            sum_lines = (
                ["无民主测评票,不计得分(不定等次,理由:无民主测评);扣分行不产生得分"]
                if self._ran("cadre_score")
                else ["方案未启用干部考核得分"]
            )
        sections = [
            head,
            *_numbered(
                [
                    Section(
                        "得分构成(各项按职务权重加权,缺项权重剔除后按比例折算)",
                        tuple(part_lines or ["无"]),
                    ),
                    Section("扣分(封顶单列)", tuple(self._grouped(scored) or ["无"])),
                    Section(
                        "得分 S(核算:S = round2(min(100, max(0, 各项得分 - 扣分))))",
                        tuple(sum_lines),
                    ),
                    Section("排名与等次", tuple(self._grade(effects))),
                    Section("提拔影响期", tuple(self._freezes())),
                    Section("标记", tuple(_flag_lines(str(c["flags"][i])))),
                ]
            ),
        ]
        return Explanation(
            CADRE, cid, str(c["name"][i]), tuple(sections), tuple(rows), "", total, score, ok
        )

    def _parts(self, parts: Sequence[Row], role: str) -> tuple[list[str], float | None]:
        """Each score part with how it was computed (by its rule's explainer); the
        unrounded sum when every part's value and weight are known."""
        known = [self._part(row, role) for row in parts]
        weights = [weight for _, _, weight in known]
        total_weight = None if None in weights else sum(w for w in weights if w is not None)
        lines: list[str] = []
        precise_sum: float | None = 0.0
        for row, (value, how, weight) in zip(parts, known, strict=True):
            lines.append(
                f"{row.note}〔{row.rule},{row.source_table} {row.source_id}〕"
                f" {_points(Decimal(row.points))}"
            )
            if how:
                lines.append(f"  {how}")
            if value is None or weight is None or total_weight is None:
                precise_sum = None
                continue
            part = value * weight / total_weight
            lines.append(
                f"  权重 {num(weight)} / 各项权重之和 {num(total_weight)}:"
                f"{_exact(value)} × {num(weight)} / {num(total_weight)} = {_f4(part)}"
            )
            if abs(Decimal(part) - Decimal(row.points)) > Decimal("0.00005001"):
                lines.append(f"  注意:按输入重算为 {_f4(part)},明细为 {row.points}")
                precise_sum = None
            elif precise_sum is not None:
                precise_sum += part
        for rule in dict.fromkeys(row.rule for row in parts):
            lines.append(
                f"{self._title(rule)}〔{rule}〕 依据:{self._basis(rule) or '(方案未写明)'}"
            )
        return lines, precise_sum

    def _part(self, row: Row, role: str) -> Part:
        """What the explainer of the row's rule says of a score part (nothing without one)."""
        try:
            explainer = self.scheme.registry.rule(row.rule).explainer
        except KeyError:
            explainer = None
        if explainer is None or explainer.part is None:
            return None, "", None
        view = ExplainView(self.results, self.kind, self.index, row.rule)
        return explainer.part(view, row.source_table, role)

    def _grade(self, effects: Sequence[Row]) -> list[str]:
        c = self.files.cadres
        cadres = self.results.cadres
        i = self.index
        grade_code = int(cadres.grade[0, i])
        lines = []
        rank = str(c["rank_in_unit"][i])
        unit = int(cadres.unit[i])
        peers = np.flatnonzero(cadres.unit == unit)
        if rank:
            lines.append(f"单位内排名第 {rank}(本单位 {peers.size} 名干部,按得分 S)")
        if not self._ran("cadre_grading") or grade_code < 0:
            lines.append("方案未启用干部等次评定")
            return lines
        thresholds: Mapping[str, float] = self.scheme.param("cadre_grading", "thresholds")
        unit_excellent = int(self.results.units.grade[0, unit]) == 0
        key = "excellent_quota_excellent_unit" if unit_excellent else "excellent_quota"
        share = float(self.scheme.param("cadre_grading", key))
        graded = peers[(cadres.grade[0, peers] >= 0) & (cadres.grade[0, peers] < len(CADRE_GRADES))]
        places = math.floor(share * graded.size + 1e-9)
        quota_text = (
            f"本单位{'(单位评为优秀)' if unit_excellent else ''}优秀名额 quota({num(share)},"
            f" {graded.size} 名定等次干部) = {places}"
        )
        reason = str(c["grade_reason"][i])
        grade = str(c["grade"][i])
        score_text = str(c["score"][i])
        if reason == "score":
            score = float(score_text)
            best = _threshold_grade(score, thresholds, CADRE_GRADES)
            why = _threshold_text(score, best, thresholds, CADRE_GRADES, "S")
            if best == 0:
                why += f";{quota_text},在名额内"
        elif reason == "quota":
            taken = [str(x) for x in cadres.ids[peers][cadres.grade[0, peers] == 0]]
            why = (
                f"S = {score_text} ≥ 优秀线 {num(thresholds[CADRE_GRADES[0]])},但{quota_text}"
                f" 已由 {'、'.join(taken) or '无'} 占用(按 S、民主测评 V、编码排序在前)"
            )
        else:
            heaviest = _heaviest(effects, EFFECT.values)
            why = f"由等次影响决定:{reason}(最重的影响:{heaviest},{CONSEQUENCE.get(heaviest, '')})"
        lines.append(f"等次:{grade} —— {why}")
        if grade == NO_GRADE:
            lines.append("不定等次的干部不占优秀名额,也不计入定等次人数")
        if effects:
            lines.append(f"等次影响(0 分行;最重者「{_heaviest(effects, EFFECT.values)}」):")
            lines.extend(f"  {line}" for line in self._grouped(effects))
        return lines

    def _freezes(self) -> list[str]:
        f = self.files.freezes
        cid = str(self.files.cadres["cadre_id"][self.index])
        mine = np.flatnonzero(f["cadre_id"] == cid)
        as_of = self.scheme.as_of.isoformat()
        lines = []
        for j in mine:
            start, end = str(f["start"][j]), str(f["end"][j])
            running = start <= as_of and (end == "indefinite" or as_of < end)
            date = self._source_date(str(f["source_table"][j]), str(f["source_id"][j]))
            lines.append(
                f"{start} 至 {'无限期' if end == 'indefinite' else end}(不含)  {f['reason'][j]}"
                f"  来源 {f['source_table'][j]} {f['source_id'][j]}{',' + date if date else ''}"
                f"  {self._title(str(f['rule'][j]))}〔{f['rule'][j]}〕"
                f"{'  ← 截至 ' + as_of + ' 正在执行' if running else ''}"
            )
        until = str(self.files.cadres["frozen_until"][self.index])
        if not mine.size:
            lines.append("无影响期(freezes.csv 列出结束于考核期开始之后的影响期)")
        if until:
            shown = "无限期" if until == "indefinite" else until
            lines.append(f"frozen_until = {shown}:截至 {as_of} 正在执行的影响期中结束最晚者")
        else:
            lines.append(f"frozen_until 为空:截至 {as_of} 无正在执行的影响期")
        return lines


# -- shared wording ---

NUMERALS = "一二三四五六七八九十"


def _numbered(sections: Sequence[Section]) -> list[Section]:
    """The sections with their titles numbered 一、二、..."""
    return [
        attrs.evolve(section, title=f"{NUMERALS[n]}、{section.title}")
        for n, section in enumerate(sections)
    ]


# -- shared wording ----------------------------------------------------------------------


def _threshold_grade(score: float, thresholds: Mapping[str, float], grades: Sequence[str]) -> int:
    for code, name in enumerate(grades[:-1]):
        if score >= thresholds[name]:
            return code
    return len(grades) - 1


def _threshold_text(
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


def _heaviest(effects: Sequence[Row], order: Sequence[str]) -> str:
    """The heaviest effect label among ``effects`` (``order`` lists labels lightest first)."""
    rank = {name: n for n, name in enumerate(order)}
    return max(effects, key=lambda row: rank.get(row.effect, -1)).effect if effects else ""


def _flag_lines(flags: str) -> list[str]:
    if not flags:
        return ["无"]
    return [
        f"{flag}:{FLAG_NOTES[flag]}" if flag in FLAG_NOTES else flag for flag in flags.split(";")
    ]
