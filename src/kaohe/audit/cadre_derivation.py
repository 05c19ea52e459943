"""The derivation of one cadre's result (``kaohe explain``), section by section."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np

from ..vocab import (
    CADRE_GRADES,
    EFFECT,
    NO_GRADE,
    ROLE,
)
from .derivation import (
    CADRE,
    CONSEQUENCE,
    PART,
    SCORED,
    Derivation,
    Explanation,
    Row,
    Section,
    exact,
    flag_lines,
    heaviest_effect,
    numbered,
    signed_points,
    threshold_grade,
    threshold_text,
)
from .explaining import ExplainView, Part, f4, num


class CadreDerivation(Derivation):
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
            *numbered(
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
                    Section("标记", tuple(flag_lines(str(c["flags"][i])))),
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
                f" {signed_points(Decimal(row.points))}"
            )
            if how:
                lines.append(f"  {how}")
            if value is None or weight is None or total_weight is None:
                precise_sum = None
                continue
            part = value * weight / total_weight
            lines.append(
                f"  权重 {num(weight)} / 各项权重之和 {num(total_weight)}:"
                f"{exact(value)} × {num(weight)} / {num(total_weight)} = {f4(part)}"
            )
            if abs(Decimal(part) - Decimal(row.points)) > Decimal("0.00005001"):
                lines.append(f"  注意:按输入重算为 {f4(part)},明细为 {row.points}")
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
            best = threshold_grade(score, thresholds, CADRE_GRADES)
            why = threshold_text(score, best, thresholds, CADRE_GRADES, "S")
            if best == 0:
                why += f";{quota_text},在名额内"
        elif reason == "quota":
            taken = [str(x) for x in cadres.ids[peers][cadres.grade[0, peers] == 0]]
            why = (
                f"S = {score_text} ≥ 优秀线 {num(thresholds[CADRE_GRADES[0]])},但{quota_text}"
                f" 已由 {'、'.join(taken) or '无'} 占用(按 S、民主测评 V、编码排序在前)"
            )
        else:
            heaviest = heaviest_effect(effects, EFFECT.values)
            why = f"由等次影响决定:{reason}(最重的影响:{heaviest},{CONSEQUENCE.get(heaviest, '')})"
        lines.append(f"等次:{grade} —— {why}")
        if grade == NO_GRADE:
            lines.append("不定等次的干部不占优秀名额,也不计入定等次人数")
        if effects:
            lines.append(f"等次影响(0 分行;最重者「{heaviest_effect(effects, EFFECT.values)}」):")
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
