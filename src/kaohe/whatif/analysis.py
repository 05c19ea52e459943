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
from ..scheme import Scheme
from ..vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES
from .batch import Outcome, simulate
from .scenarios import Scenario

CADRE_LABELS = (*CADRE_GRADES, NO_GRADE)


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


@attrs.frozen(eq=False)
class Comparison:
    """One scenario beside the baseline: a table per entity kind and a summary."""

    scenario: str
    units: dict[str, NDArray[Any]]
    cadres: dict[str, NDArray[Any]]
    summary: dict[str, Any]

    def grade_changes(self) -> list[str]:
        """Human-readable lines: every unit and cadre whose grade changed."""
        lines = []
        for kind, table in (("单位", self.units), ("干部", self.cadres)):
            changed = np.flatnonzero(table["grade_before"] != table["grade_after"])
            for i in changed.tolist():
                lines.append(
                    f"{kind} {table['id'][i]} {table['name'][i]}: "
                    f"{table['grade_before'][i] or '无等次'} -> "
                    f"{table['grade_after'][i] or '无等次'}"
                    f" (得分 {table['score_before'][i]:.2f} -> {table['score_after'][i]:.2f})"
                )
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
    summary = {
        "scenario": outcome.scenarios[scenario].name,
        "overrides": {k: _plain(v) for k, v in outcome.scenarios[scenario].overrides.items()},
        "units": _summary(units),
        "cadres": _summary(cadres),
    }
    return Comparison(outcome.scenarios[scenario].name, units, cadres, summary)


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


@attrs.frozen(eq=False)
class Decomposition:
    """Per unit, the score change of each override alone and cumulatively (in order)."""

    overrides: tuple[str, ...]
    unit_ids: NDArray[np.str_]
    baseline: NDArray[np.float64]
    alone: NDArray[np.float64]  # (n_overrides, n_units) change vs baseline
    cumulative: NDArray[np.float64]  # (n_overrides, n_units) change vs baseline


def decompose(
    base: Scheme, overrides: Mapping[str, object], data: Dataset, *, chunk: int | None = None
) -> Decomposition:
    """Score the baseline, each override alone and the overrides cumulatively, in one batch."""
    paths = list(overrides)
    scenarios = [Scenario.baseline(base)]
    scenarios += [Scenario.from_overrides(base, {p: overrides[p]}) for p in paths]
    scenarios += [
        Scenario.from_overrides(base, {p: overrides[p] for p in paths[: i + 1]})
        for i in range(len(paths))
    ]
    outcome = simulate(scenarios, data, chunk=chunk)
    score = outcome.unit_score
    m = len(paths)
    return Decomposition(
        overrides=tuple(f"{p}={_plain(overrides[p])}" for p in paths),
        unit_ids=outcome.unit_ids,
        baseline=score[0],
        alone=score[1 : m + 1] - score[0],
        cumulative=score[m + 1 :] - score[0],
    )


@attrs.frozen(eq=False)
class Distribution:
    """A sweep or Monte Carlo study summarised."""

    unit_grade_counts: NDArray[np.int64]  # (N, 4)
    cadre_grade_counts: NDArray[np.int64]  # (N, 5)
    median_rank: NDArray[np.float64]  # (n_units,)
    rank_p5: NDArray[np.float64]
    rank_p95: NDArray[np.float64]
    grade_probability: NDArray[np.float64]  # (n_units, 4)
    flag_frequency: dict[str, NDArray[np.float64]]  # name -> (n_units,)


def _counts(grades: NDArray[np.integer], n_labels: int) -> NDArray[np.int64]:
    n = grades.shape[0]
    shifted = np.where(grades >= 0, grades, n_labels).astype(np.int64)
    flat = (np.arange(n)[:, None] * (n_labels + 1) + shifted).ravel()
    counts = np.bincount(flat, minlength=n * (n_labels + 1)).reshape(n, n_labels + 1)
    return counts[:, :n_labels]


def distribution(outcome: Outcome) -> Distribution:
    """Grade counts per scenario and per-unit rank intervals, grade shares, flag frequency."""
    ranks = np.where(outcome.unit_rank > 0, outcome.unit_rank, np.nan).astype(np.float64)
    ranked: NDArray[np.bool_] = np.asarray(~np.isnan(ranks).all(axis=0))
    safe = np.where(ranked[None, :], ranks, 0.0)
    median = np.where(ranked, np.nanmedian(safe, axis=0), np.nan)
    p5 = np.where(ranked, np.nanpercentile(safe, 5, axis=0), np.nan)
    p95 = np.where(ranked, np.nanpercentile(safe, 95, axis=0), np.nan)
    unit_counts = _counts(outcome.unit_grade, len(UNIT_GRADES))
    probability = _counts(outcome.unit_grade.T, len(UNIT_GRADES)) / max(outcome.n, 1)
    return Distribution(
        unit_grade_counts=unit_counts,
        cadre_grade_counts=_counts(outcome.cadre_grade, len(CADRE_LABELS)),
        median_rank=median,
        rank_p5=p5,
        rank_p95=p95,
        grade_probability=probability,
        flag_frequency={
            name: np.asarray(mask, dtype=np.float64).mean(axis=0)
            for name, mask in outcome.unit_flags.items()
        },
    )
