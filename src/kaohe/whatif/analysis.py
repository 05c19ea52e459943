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
