"""The derivation of one unit's result (``kaohe explain``), section by section."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np

from ..vocab import (
    UNIT_GRADES,
)
from .derivation import (
    CONSEQUENCE,
    SCORED,
    UNIT,
    UNIT_EFFECTS,
    Derivation,
    Explanation,
    Row,
    Section,
    flag_lines,
    heaviest_effect,
    numbered,
    threshold_grade,
    threshold_text,
)
from .explaining import ExplainView, f4, num


class UnitDerivation(Derivation):
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
            f"明细合计 = {f4(sum((Decimal(r.points) for r in rows), Decimal(0)))}"
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
            Section("标记", tuple(flag_lines(str(u["flags"][i])))),
        ]
        sections[1:] = numbered(sections[1:])
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
        best = threshold_grade(score, thresholds, UNIT_GRADES)
        if reason == "score":
            why = threshold_text(score, best, thresholds, UNIT_GRADES, "F")
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
            heaviest = heaviest_effect(effects, UNIT_EFFECTS)
            why = f"由等次影响决定:{reason}(最重的影响:{heaviest},{CONSEQUENCE.get(heaviest, '')})"
        lines.append(f"等次:{grade} —— {why}")
        if effects:
            lines.append(f"等次影响(0 分行;最重者「{heaviest_effect(effects, UNIT_EFFECTS)}」):")
            lines.extend(f"  {line}" for line in self._grouped(effects))
        return lines
