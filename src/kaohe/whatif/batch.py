"""Evaluating many scenarios at once: scenarios are an array axis, not a loop.

Scenarios that share a structure (the same rules and structural values;
numbers may differ) are evaluated together by
:func:`kaohe.evaluate_batch`, in chunks whose size bounds memory. Only the
published outcome of each scenario is kept: scores, ranks, grades, flags.
A batch gives exactly, value for value, what scoring each scenario on its
own gives.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from ..api import evaluate_batch
from ..data import Dataset
from ..results import Results
from .scenarios import Scenario

#: Memory a chunk of scenarios may use, roughly (bytes).
CHUNK_BUDGET = 2 * 1024**3
#: Rough number of 8-byte values a scenario needs per unit or cadre, and per
#: ledger row (values nobody varies are computed once, not per scenario).
VALUES_PER_ENTITY = 24
VALUES_PER_ROW = 4
#: Size of one ``(scenarios, entities)`` array of 8-byte values that stays in
#: the processor's caches; chunks of small data are kept that small.
CACHE_BYTES = 16 * 1024**2
#: Fewer scenarios than this per chunk do not share the fixed work of an
#: evaluation (reading the ledger, structure) well enough to pay.
MIN_CACHED_CHUNK = 32


@attrs.frozen(eq=False)
class Outcome:
    """The published results of ``N`` scenarios: arrays ``(N, n_units)`` / ``(N, n_cadres)``.

    Missing values as in :class:`~kaohe.results.Results`: NaN scores, -1
    ranks and grades. ``unit_flags`` / ``cadre_flags`` map a flag name to a
    bool array; a flag that a scenario's rules do not produce is False.
    """

    scenarios: tuple[Scenario, ...]
    unit_ids: NDArray[np.str_]
    unit_names: NDArray[np.str_]
    unit_categories: NDArray[np.str_]
    unit_score: NDArray[np.float64]
    unit_rank: NDArray[np.int64]
    unit_grade: NDArray[np.int8]
    unit_flags: Mapping[str, NDArray[np.bool_]]
    cadre_ids: NDArray[np.str_]
    cadre_names: NDArray[np.str_]
    cadre_unit: NDArray[np.int64]
    cadre_score: NDArray[np.float64]
    cadre_rank: NDArray[np.int64]
    cadre_grade: NDArray[np.int8]
    cadre_flags: Mapping[str, NDArray[np.bool_]]

    @property
    def n(self) -> int:
        """The number of scenarios."""
        return len(self.scenarios)


def chunk_size(data: Dataset, budget: int = CHUNK_BUDGET) -> int:
    """How many scenarios of ``data`` to evaluate at once (at least 1).

    As many as fit in ``budget`` bytes; for small data (a county's units
    and cadres) no more than keep each per-entity array in the caches,
    which is faster than one big chunk (measured on W1: about 1.15x).
    """
    rows = sum(len(table) for table in data.tables.values())
    entities = int(data.unit_ids.shape[0] + data.cadre_ids.shape[0])
    return scenarios_per_chunk(entities, rows, budget)


def scenarios_per_chunk(entities: int, rows: int, budget: int = CHUNK_BUDGET) -> int:
    """:func:`chunk_size` for data of ``entities`` units and cadres and ``rows`` table rows."""
    need = 8 * (VALUES_PER_ENTITY * entities + VALUES_PER_ROW * rows)
    fits = max(1, int(budget // max(need, 1)))
    cached = CACHE_BYTES // (8 * max(entities, 1))
    return min(fits, cached) if cached >= MIN_CACHED_CHUNK else fits


def simulate(
    scenarios: Sequence[Scenario],
    data: Dataset,
    *,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Score every scenario; ``progress(k)`` is called after each chunk of ``k`` scenarios."""
    n = len(scenarios)
    n_units, n_cadres = int(data.unit_ids.shape[0]), int(data.cadre_ids.shape[0])
    size = chunk or chunk_size(data)
    # every scenario belongs to one structure group below: every row is written
    unit_score = np.empty((n, n_units))
    unit_rank = np.empty((n, n_units), dtype=np.int64)
    unit_grade = np.empty((n, n_units), dtype=np.int8)
    cadre_score = np.empty((n, n_cadres))
    cadre_rank = np.empty((n, n_cadres), dtype=np.int64)
    cadre_grade = np.empty((n, n_cadres), dtype=np.int8)
    unit_flags: dict[str, NDArray[np.bool_]] = {}
    cadre_flags: dict[str, NDArray[np.bool_]] = {}
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, scenario in enumerate(scenarios):
        groups.setdefault(scenario.scheme.structure_key(), []).append(index)
    for members in groups.values():
        for start in range(0, len(members), size):
            chunk_members = members[start : start + size]
            results = evaluate_batch([scenarios[i].scheme for i in chunk_members], data)
            rows = _rows(chunk_members)
            unit_score[rows] = results.units.score
            unit_rank[rows] = results.units.rank
            unit_grade[rows] = results.units.grade
            cadre_score[rows] = results.cadres.score
            cadre_rank[rows] = results.cadres.rank
            cadre_grade[rows] = results.cadres.grade
            _store_flags(unit_flags, results.units.flags, rows, (n, n_units))
            _store_flags(cadre_flags, results.cadres.flags, rows, (n, n_cadres))
            # a chunk's arrays are freed as the results go; a plugin whose text
            # functions refer back to the evaluation makes a cycle that only the
            # collector frees: collect the young generations, where it is (cheap)
            del results
            gc.collect(1)
            if progress is not None:
                progress(len(chunk_members))
    units, cadres = data.tables["units"], data.tables["cadres"]
    return Outcome(
        scenarios=tuple(scenarios),
        unit_ids=data.unit_ids,
        unit_names=units["name"],
        unit_categories=units["category"],
        unit_score=unit_score,
        unit_rank=unit_rank,
        unit_grade=unit_grade,
        unit_flags=dict(sorted(unit_flags.items())),
        cadre_ids=data.cadre_ids,
        cadre_names=cadres["name"],
        cadre_unit=cadres["unit"],
        cadre_score=cadre_score,
        cadre_rank=cadre_rank,
        cadre_grade=cadre_grade,
        cadre_flags=dict(sorted(cadre_flags.items())),
    )


def _rows(members: list[int]) -> slice | NDArray[np.int64]:
    """The rows of ``members`` (ascending scenario numbers): a slice when they are
    consecutive, the usual case, which numpy copies into faster."""
    if members[-1] - members[0] + 1 == len(members):
        return slice(members[0], members[-1] + 1)
    return np.asarray(members, dtype=np.int64)


def _store_flags(
    into: dict[str, NDArray[np.bool_]],
    flags: Mapping[str, NDArray[np.bool_]],
    rows: slice | NDArray[np.int64],
    shape: tuple[int, int],
) -> None:
    for name, mask in flags.items():
        if name not in into:
            into[name] = np.zeros(shape, dtype=bool)
        into[name][rows] = mask


def outcome_of(results: Results) -> dict[str, NDArray[np.generic]]:
    """The arrays of one ordinary run that an :class:`Outcome` keeps (for tests and checks)."""
    return {
        "unit_score": results.units.score,
        "unit_rank": results.units.rank,
        "unit_grade": results.units.grade,
        "cadre_score": results.cadres.score,
        "cadre_rank": results.cadres.rank,
        "cadre_grade": results.cadres.grade,
    }
