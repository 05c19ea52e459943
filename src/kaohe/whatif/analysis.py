"""What a batch of scenarios says: moves against the baseline, and distributions over scenarios.

:func:`compare` puts one scenario beside the baseline per unit and cadre
(score, rank and grade before and after, flags gained and lost) with a
summary of the moves; :func:`decompose` splits a unit's change among the
overrides (each alone, and cumulatively in the order given);
:func:`distribution` summarises a sweep or a Monte Carlo study (grade counts
per scenario; per unit the median rank, the 5th-95th percentile interval,
the probability of each grade and how often it is flagged).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..data import Dataset
from ..paths import differences, show, value_at
from ..scheme import Scheme
from ..values import Holder, Value
from ..vocab import UNIT_GRADES
from .batch import Outcome, simulate
from .scenarios import Scenario
from .tally import CADRE_LABELS, Distribution, Tally

__all__ = ["CADRE_LABELS", "Comparison", "Decomposition", "Distribution", "compare", "decompose"]


def grade_labels(codes: NDArray[np.integer], labels: Sequence[str]) -> NDArray[np.str_]:
    """Labels of grade codes; -1 (not graded) is empty."""
    table = np.asarray((*labels, ""))
    return table[np.where(codes < 0, len(labels), codes)]


def _flag_text(flags: Mapping[str, NDArray[np.bool_]], row: int, n: int) -> NDArray[np.str_]:
    joined = np.full(n, "", dtype=object)
    for name in sorted(flags):
        mask = flags[name][row]
        joined = np.where(mask, np.where(joined == "", name, joined + ";" + name), joined)
    return joined.astype(str)


def _flag_changes(
    flags: Mapping[str, NDArray[np.bool_]], before: int, after: int, n: int
) -> tuple[NDArray[np.str_], NDArray[np.str_]]:
    gained = {name: mask[after] & ~mask[before] for name, mask in flags.items()}
    lost = {name: mask[before] & ~mask[after] for name, mask in flags.items()}
    return (
        _flag_text({k: v[None, :] for k, v in gained.items()}, 0, n),
        _flag_text({k: v[None, :] for k, v in lost.items()}, 0, n),
    )


@attrs.frozen(repr=False, eq=False)
class Comparison(Holder):
    """One scenario beside the baseline: a table per entity kind and a summary.

    ``changes`` are the parameters that differ, ``(path, before, after)``;
    the tables' ``reason`` column says why a grade changed when the score
    did not (see :func:`grade_reasons`).
    """

    scenario: str
    units: dict[str, NDArray[Any]]
    cadres: dict[str, NDArray[Any]]
    summary: dict[str, Any]
    changes: tuple[tuple[str, object, object], ...] = ()

    def grade_changes(self) -> list[str]:
        """Human-readable lines: every unit and cadre whose grade changed, and why when
        its score did not change."""
        lines = []
        for kind, table in (("单位", self.units), ("干部", self.cadres)):
            changed = np.flatnonzero(table["grade_before"] != table["grade_after"])
            for i in changed.tolist():
                line = (
                    f"{kind} {table['id'][i]} {table['name'][i]}: "
                    f"{table['grade_before'][i] or '无等次'} -> "
                    f"{table['grade_after'][i] or '无等次'}"
                    f" (得分 {table['score_before'][i]:.2f} -> {table['score_after'][i]:.2f})"
                )
                if table["reason"][i]:
                    line += f": {table['reason'][i]}"
                lines.append(line)
        return lines


def _moves(before: NDArray[np.float64], after: NDArray[np.float64]) -> NDArray[np.str_]:
    moved = np.where(after > before, "up", np.where(after < before, "down", "same"))
    return np.where(np.isnan(before) | np.isnan(after), "", moved)


def compare(outcome: Outcome, scenario: int, baseline: int = 0) -> Comparison:
    """Scenario ``scenario`` of ``outcome`` against scenario ``baseline``."""
    n_units, n_cadres = outcome.unit_ids.shape[0], outcome.cadre_ids.shape[0]
    unit_gained, unit_lost = _flag_changes(outcome.unit_flags, baseline, scenario, n_units)
    cadre_gained, cadre_lost = _flag_changes(outcome.cadre_flags, baseline, scenario, n_cadres)
    units = {
        "id": outcome.unit_ids,
        "name": outcome.unit_names,
        "category": outcome.unit_categories,
        "score_before": outcome.unit_score[baseline],
        "score_after": outcome.unit_score[scenario],
        "rank_before": outcome.unit_rank[baseline],
        "rank_after": outcome.unit_rank[scenario],
        "grade_before": grade_labels(outcome.unit_grade[baseline], UNIT_GRADES),
        "grade_after": grade_labels(outcome.unit_grade[scenario], UNIT_GRADES),
        "flags_gained": unit_gained,
        "flags_lost": unit_lost,
        "score_move": _moves(outcome.unit_score[baseline], outcome.unit_score[scenario]),
    }
    cadres = {
        "id": outcome.cadre_ids,
        "name": outcome.cadre_names,
        "unit_id": outcome.unit_ids[outcome.cadre_unit],
        "score_before": outcome.cadre_score[baseline],
        "score_after": outcome.cadre_score[scenario],
        "rank_before": outcome.cadre_rank[baseline],
        "rank_after": outcome.cadre_rank[scenario],
        "grade_before": grade_labels(outcome.cadre_grade[baseline], CADRE_LABELS),
        "grade_after": grade_labels(outcome.cadre_grade[scenario], CADRE_LABELS),
        "flags_gained": cadre_gained,
        "flags_lost": cadre_lost,
        "score_move": _moves(outcome.cadre_score[baseline], outcome.cadre_score[scenario]),
    }
    base, other = outcome.scenarios[baseline], outcome.scenarios[scenario]
    changes = tuple(parameter_changes(base, other))
    units["reason"] = grade_reasons(
        units, units["category"], _Grading.of(base.scheme, other.scheme, changes, "units")
    )
    rows = outcome.cadre_unit
    best = UNIT_GRADES[0]
    moved = (units["grade_before"] == best) != (units["grade_after"] == best)
    unit_note = (
        np.where(
            moved[rows],
            "所在单位等次 "
            + units["grade_before"][rows].astype(object)
            + " -> "
            + units["grade_after"][rows].astype(object)
            + ",干部优秀比例上限随之变化",
            "",
        ).astype(str)
        if rows.shape[0]
        else np.zeros(0, dtype=str)
    )
    cadres["reason"] = grade_reasons(
        cadres,
        cadres["unit_id"],
        _Grading.of(base.scheme, other.scheme, changes, "cadres"),
        unit_note,
    )
    summary = {
        "scenario": other.name,
        "overrides": {k: _plain(v) for k, v in other.overrides.items()},
        "changes": [
            {"path": path, "before": _plain(old), "after": _plain(new)}
            for path, old, new in changes
        ],
        "units": _summary(units),
        "cadres": _summary(cadres),
    }
    return Comparison(other.name, units, cadres, summary, changes)


#: The rule that grades each kind of entity (its thresholds decide grades by score).
GRADING_RULES = {"units": "unit_grading", "cadres": "cadre_grading"}


def parameter_changes(base: Scenario, other: Scenario) -> list[tuple[str, object, object]]:
    """``(path, before, after)`` of every parameter ``other`` changes: its overrides in
    the order given, or, for a second scheme file, every path whose value differs."""
    if "scheme" in other.overrides and len(other.overrides) == 1:
        return differences(base.scheme, other.scheme)
    return [
        (path, value_at(base.scheme, path), value_at(other.scheme, path))
        for path in other.overrides
    ]


@attrs.frozen(repr=False, eq=False)
class _Grading(Value):
    """What decides one kind's grades before and after: thresholds, and the changes."""

    labels: tuple[str, ...]
    before: Mapping[str, float]
    after: Mapping[str, float]
    thresholds: str
    switched: str

    @classmethod
    def of(
        cls,
        base: Scheme,
        other: Scheme,
        changes: Sequence[tuple[str, object, object]],
        kind: str,
    ) -> _Grading:
        rule = GRADING_RULES[kind]
        prefix = f"{rule}.thresholds."
        moved = [
            f"{path[len(prefix) :]} 分数线 {show(old)} -> {show(new)}"
            for path, old, new in changes
            if path.startswith(prefix)
        ]
        switched = [
            f"{_title(base, path.split('.')[0])}{'开启' if new else '关闭'}"
            for path, _, new in changes
            if path.endswith(".enabled")
        ]
        return cls(
            UNIT_GRADES if kind == "units" else CADRE_LABELS,
            _thresholds(base, rule),
            _thresholds(other, rule),
            "; ".join(moved),
            "、".join(switched),
        )

    def by_score(self, score: float, after: bool) -> int:
        """The grade position the thresholds alone give ``score`` (past the last: lowest)."""
        table = self.after if after else self.before
        for position, label in enumerate(self.labels):
            if label in table and score >= table[label]:
                return position
        return len(table)


def _title(scheme: Scheme, rule: str) -> str:
    try:
        return str(scheme.registry.rule(rule).title)
    except KeyError:
        return rule


def _thresholds(scheme: Scheme, rule: str) -> dict[str, float]:
    config = scheme.rules.get(rule)
    if config is None or not config.enabled:
        return {}
    return {str(k): float(v) for k, v in config.params.get("thresholds", {}).items()}


def grade_reasons(
    table: Mapping[str, NDArray[Any]],
    group: NDArray[np.str_],
    grading: _Grading,
    notes: NDArray[np.str_] | None = None,
) -> NDArray[np.str_]:
    """Why each grade changed although the score did not ('' elsewhere).

    In this order: a limit on the grade (一票否决, 通报批评, a sanction:
    the grade is below what the score earns) that came or went, with the
    rules switched and flags that changed; the 优秀 quota, counted per
    group (units: per category; cadres: per unit): a place lost names who
    in the group took it, a place gained who left it, and ``notes`` (for
    cadres: their unit's grade, which sets their quota); thresholds moved.
    """
    n = table["id"].shape[0]
    reasons = np.full(n, "", dtype=object)
    before, after = table["grade_before"], table["grade_after"]
    score = table["score_before"]
    same_score = (score == table["score_after"]) | (
        np.isnan(score) & np.isnan(table["score_after"])
    )
    unexplained = np.flatnonzero((before != after) & same_score)
    best = grading.labels[0]  # 优秀, the best grade of units and of cadres alike
    entered = (after == best) & (before != best)
    left = (before == best) & (after != best)
    position = {label: k for k, label in enumerate(grading.labels)}
    for i in unexplained.tolist():
        value = float(score[i]) if not np.isnan(score[i]) else -np.inf
        # below what the score earns even without the quota (which only touches 优秀)
        limited = [
            before[i] in position and position[before[i]] > max(grading.by_score(value, False), 1),
            after[i] in position and position[after[i]] > max(grading.by_score(value, True), 1),
        ]
        effects = [f"+{f}" for f in str(table["flags_gained"][i]).split(";") if f]
        effects += [f"-{f}" for f in str(table["flags_lost"][i]).split(";") if f]
        why = "; ".join(x for x in (grading.switched, " ".join(effects)) if x)
        others = group == group[i]
        if limited[0] != limited[1]:
            lifted = "等次限制解除" if limited[0] else "等次受到限制"
            reasons[i] = f"{lifted}({why})" if why else lifted
        elif before[i] == best and (who := np.flatnonzero(others & entered)).shape[0]:
            reasons[i] = "优秀比例限额被 " + _names(table, who) + " 占用"
        elif after[i] == best and (who := np.flatnonzero(others & left)).shape[0]:
            reasons[i] = "优秀比例限额因 " + _names(table, who) + " 让出"
        elif notes is not None and notes[i]:
            reasons[i] = str(notes[i])
        elif grading.thresholds:
            reasons[i] = grading.thresholds
        else:
            reasons[i] = "等次事项变化(" + why + ")" if why else "等次事项变化"
    return reasons.astype(str)


def _names(table: Mapping[str, NDArray[Any]], rows: NDArray[np.intp]) -> str:
    listed = [f"{table['id'][j]} {table['name'][j]}" for j in rows[:5].tolist()]
    more = f" 等 {rows.shape[0]} 个" if rows.shape[0] > 5 else ""
    return "、".join(listed) + more


def _summary(table: Mapping[str, NDArray[Any]]) -> dict[str, int]:
    rank_before, rank_after = table["rank_before"], table["rank_after"]
    ranked = (rank_before > 0) & (rank_after > 0)
    return {
        "score_up": int((table["score_move"] == "up").sum()),
        "score_down": int((table["score_move"] == "down").sum()),
        "rank_up": int((ranked & (rank_after < rank_before)).sum()),
        "rank_down": int((ranked & (rank_after > rank_before)).sum()),
        "grade_changed": int((table["grade_before"] != table["grade_after"]).sum()),
        "flags_changed": int(((table["flags_gained"] != "") | (table["flags_lost"] != "")).sum()),
    }


def _plain(value: object) -> object:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


@attrs.frozen(repr=False, eq=False)
class Decomposition(Holder):
    """Per unit, the score change of each override alone and cumulatively (in order)."""

    overrides: tuple[str, ...]
    unit_ids: NDArray[np.str_]
    baseline: NDArray[np.float64]
    alone: NDArray[np.float64]  # (n_overrides, n_units) change vs baseline
    cumulative: NDArray[np.float64]  # (n_overrides, n_units) change vs baseline


def decompose(
    base: Scheme,
    overrides: Mapping[str, object],
    data: Dataset,
    *,
    chunk: int | None = None,
    client: Any = None,
) -> Decomposition:
    """Score the baseline, each override alone and the overrides cumulatively, in one batch
    (``client``: on a Dask cluster, as :func:`~kaohe.whatif.simulate`)."""
    paths = list(overrides)
    scenarios = [Scenario.baseline(base)]
    scenarios += [Scenario.from_overrides(base, {p: overrides[p]}) for p in paths]
    scenarios += [
        Scenario.from_overrides(base, {p: overrides[p] for p in paths[: i + 1]})
        for i in range(len(paths))
    ]
    outcome = simulate(scenarios, data, chunk=chunk, client=client)
    score = outcome.unit_score
    m = len(paths)
    return Decomposition(
        overrides=tuple(f"{p}={_plain(overrides[p])}" for p in paths),
        unit_ids=outcome.unit_ids,
        baseline=score[0],
        alone=score[1 : m + 1] - score[0],
        cumulative=score[m + 1 :] - score[0],
    )


def distribution(outcome: Outcome) -> Distribution:
    """Grade counts per scenario and per-unit rank intervals, grade shares, flag frequency."""
    return Tally.count(
        np.arange(outcome.n),
        outcome.unit_rank,
        outcome.unit_grade,
        outcome.cadre_grade,
        outcome.unit_flags,
    ).distribution()
