"""Evaluating many scenarios at once: scenarios are an array axis, not a loop.

Scenarios that share a structure (the same rules and structural values;
numbers may differ) are evaluated together by
:func:`kaohe.evaluate_batch`, in chunks whose size bounds memory. Only the
published outcome of each scenario is kept: scores, ranks, grades, flags.
A batch gives exactly, value for value, what scoring each scenario on its
own gives. The chunks run in this process, or as tasks on a Dask cluster
(``client=``, :mod:`kaohe.whatif.cluster`); the values are the same.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
from numpy.typing import NDArray

from ..api import evaluate_batch
from ..data import Dataset
from ..results import Results
from ..scheme import Scheme
from ..values import Holder
from .scenarios import Scenario
from .tally import Tally

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


@attrs.frozen(repr=False, eq=False)
class Outcome(Holder):
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


def plan_chunks(scenarios: Sequence[Scenario], size: int) -> list[list[int]]:
    """The chunks a study evaluates: scenario numbers that share a structure (the same
    rules and structural values), at most ``size`` per chunk, ascending within each."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, scenario in enumerate(scenarios):
        groups.setdefault(scenario.scheme.structure_key(), []).append(index)
    return [
        members[start : start + size]
        for members in groups.values()
        for start in range(0, len(members), size)
    ]


@attrs.frozen(repr=False, eq=False)
class ChunkOutcome(Holder):
    """What :class:`Outcome` keeps of one chunk of ``k`` scenarios: ``(k, n)`` arrays."""

    unit_score: NDArray[np.float64]
    unit_rank: NDArray[np.int64]
    unit_grade: NDArray[np.int8]
    unit_flags: Mapping[str, NDArray[np.bool_]]
    cadre_score: NDArray[np.float64]
    cadre_rank: NDArray[np.int64]
    cadre_grade: NDArray[np.int8]
    cadre_flags: Mapping[str, NDArray[np.bool_]]

    def tally(self, scenarios: Sequence[int]) -> Tally:
        """The counts of a study's summary, for these scenario numbers."""
        return Tally.count(
            scenarios, self.unit_rank, self.unit_grade, self.cadre_grade, self.unit_flags
        )


def evaluate_chunk(data: Dataset, schemes: Sequence[Scheme]) -> ChunkOutcome:
    """Score one chunk of schemes that share a structure (:func:`kaohe.evaluate_batch`,
    outcomes only: the rows that explain a score are not made)."""
    results = evaluate_batch(schemes, data, outcomes_only=True)
    units, cadres = results.units, results.cadres
    outcome = ChunkOutcome(
        unit_score=np.asarray(units.score, dtype=np.float64),
        unit_rank=np.asarray(units.rank, dtype=np.int64),
        unit_grade=np.asarray(units.grade, dtype=np.int8),
        unit_flags=dict(units.flags),
        cadre_score=np.asarray(cadres.score, dtype=np.float64),
        cadre_rank=np.asarray(cadres.rank, dtype=np.int64),
        cadre_grade=np.asarray(cadres.grade, dtype=np.int8),
        cadre_flags=dict(cadres.flags),
    )
    # a chunk's arrays are freed as the results go; a plugin whose text
    # functions refer back to the evaluation makes a cycle that only the
    # collector frees: collect the young generations, where it is (cheap)
    del results, units, cadres
    gc.collect(1)
    return outcome


T = TypeVar("T")


def each_chunk(
    task: Callable[..., T],
    data: Dataset,
    arguments: Sequence[tuple[Any, ...]],
    client: Any = None,
) -> Iterator[tuple[int, T]]:
    """``(i, task(data, *arguments[i]))`` for every chunk ``i``.

    Without ``client``, in this process, in order. With a
    ``dask.distributed.Client``, on its workers: ``data`` is sent to every
    worker once and the chunks run as tasks, yielded as they finish (a
    worker lost on the way is replaced and its chunks run again). Either
    way every chunk is computed the same way, so the values are the same.
    """
    if client is None:
        for index, args in enumerate(arguments):
            yield index, task(data, *args)
        return
    from .cluster import map_chunks

    yield from map_chunks(client, task, data, arguments)


def simulate(
    scenarios: Sequence[Scenario],
    data: Dataset,
    *,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
    client: Any = None,
) -> Outcome:
    """Score every scenario; ``progress(k)`` is called after each chunk of ``k`` scenarios.

    ``client``: a ``dask.distributed.Client`` to score the chunks on its
    cluster (``pip install kaohe[dask]``); the outcome is the same, value
    for value, as in this process.
    """
    n = len(scenarios)
    n_units, n_cadres = int(data.unit_ids.shape[0]), int(data.cadre_ids.shape[0])
    chunks = plan_chunks(scenarios, chunk or chunk_size(data))
    # every scenario belongs to one chunk: every row is written
    unit_score = np.empty((n, n_units))
    unit_rank = np.empty((n, n_units), dtype=np.int64)
    unit_grade = np.empty((n, n_units), dtype=np.int8)
    cadre_score = np.empty((n, n_cadres))
    cadre_rank = np.empty((n, n_cadres), dtype=np.int64)
    cadre_grade = np.empty((n, n_cadres), dtype=np.int8)
    unit_flags: dict[str, NDArray[np.bool_]] = {}
    cadre_flags: dict[str, NDArray[np.bool_]] = {}
    arguments = [([scenarios[i].scheme for i in members],) for members in chunks]
    for index, part in each_chunk(evaluate_chunk, data, arguments, client):
        members = chunks[index]
        rows = _rows(members)
        unit_score[rows] = part.unit_score
        unit_rank[rows] = part.unit_rank
        unit_grade[rows] = part.unit_grade
        cadre_score[rows] = part.cadre_score
        cadre_rank[rows] = part.cadre_rank
        cadre_grade[rows] = part.cadre_grade
        _store_flags(unit_flags, part.unit_flags, rows, (n, n_units))
        _store_flags(cadre_flags, part.cadre_flags, rows, (n, n_cadres))
        del part
        if progress is not None:
            progress(len(members))
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
