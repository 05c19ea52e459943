"""The summary of a study, counted chunk by chunk: memory does not grow with the scenarios.

A :class:`Tally` holds counts only: per unit, how often it took each rank
(a sparse histogram: ranks are small integers and a unit takes few of
them), each grade and each flag; per scenario, its grade counts. Tallies of
chunks add up (:meth:`Tally.merge_all`, integer additions, so in any order) and
give the :class:`Distribution` of the whole study. The median and the
5th-95th percentile ranks are read from the histogram as
``numpy.nanmedian`` / ``numpy.nanpercentile`` (linear method) compute them
from all the ranks, value for value, so a study reduced chunk by chunk
equals one held in memory exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from ..values import Holder
from ..vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES

CADRE_LABELS = (*CADRE_GRADES, NO_GRADE)
#: The rank interval of a study: these percentiles (and the median).
LOW_PERCENTILE, HIGH_PERCENTILE = 5, 95

IntArray = NDArray[np.int64]
#: Counts: ``int64`` once merged, the narrowest unsigned type in a chunk's tally (:func:`narrow`).
Counts = NDArray[np.integer]
FloatArray = NDArray[np.float64]


@attrs.frozen(repr=False, eq=False)
class Distribution(Holder):
    """A sweep or Monte Carlo study summarised."""

    unit_grade_counts: NDArray[np.int64]  # (N, 4)
    cadre_grade_counts: NDArray[np.int64]  # (N, 5)
    median_rank: NDArray[np.float64]  # (n_units,)
    rank_p5: NDArray[np.float64]
    rank_p95: NDArray[np.float64]
    grade_probability: NDArray[np.float64]  # (n_units, 4)
    flag_frequency: dict[str, NDArray[np.float64]]  # name -> (n_units,)
    cadre_grade_probability: NDArray[np.float64]  # (n_cadres, 5): CADRE_LABELS


def grade_counts(grades: NDArray[np.integer], n_labels: int) -> IntArray:
    """Per row of ``grades`` (``(rows, n)``, -1 not graded), how many of each grade code."""
    n = grades.shape[0]
    shifted = np.where(grades >= 0, grades, n_labels).astype(np.int64)
    flat = (np.arange(n)[:, None] * (n_labels + 1) + shifted).ravel()
    counts = np.bincount(flat, minlength=n * (n_labels + 1)).reshape(n, n_labels + 1)
    return counts[:, :n_labels]


def narrow(counts: IntArray, most: int) -> Counts:
    """Counts of at most ``most`` in the narrowest unsigned type that holds them: a
    chunk's per-entity counts (a million cadres' grades) travel from a worker and are
    added in an eighth of the bytes; sums are made in ``int64`` (:meth:`Tally.merge_all`)."""
    for kind in (np.uint8, np.uint16, np.uint32):
        if most <= np.iinfo(kind).max:
            return counts.astype(kind)
    return counts.astype(np.uint64)


@attrs.frozen(repr=False, eq=False)
class Tally(Holder):
    """Counts of some scenarios of a study (see the module docstring).

    ``rank_keys`` are ``unit * n_units + rank - 1`` for every (unit, rank)
    that occurred, ascending, with ``rank_counts`` how often; ``grades``
    ``(n_units, 4)`` how often each unit got each grade; ``flags`` per flag
    how often each unit was flagged; ``cadre_grades`` ``(n_cadres, 5)`` how
    often each cadre got each of :data:`CADRE_LABELS`; ``scenarios`` the scenario numbers
    counted (from 0) with their ``unit_counts`` ``(s, 4)`` and
    ``cadre_counts`` ``(s, 5)`` of grades.
    """

    n_units: int
    rank_keys: IntArray
    rank_counts: IntArray
    grades: Counts
    flags: Mapping[str, Counts]
    scenarios: IntArray
    unit_counts: IntArray
    cadre_counts: IntArray
    cadre_grades: Counts

    @classmethod
    def empty(cls, n_units: int, n_cadres: int) -> Tally:
        """No scenario counted yet."""
        none = np.zeros(0, dtype=np.int64)
        return cls(
            n_units,
            none,
            none,
            np.zeros((n_units, len(UNIT_GRADES)), dtype=np.int64),
            {},
            none,
            np.zeros((0, len(UNIT_GRADES)), dtype=np.int64),
            np.zeros((0, len(CADRE_LABELS)), dtype=np.int64),
            np.zeros((n_cadres, len(CADRE_LABELS)), dtype=np.int64),
        )

    @classmethod
    def count(
        cls,
        scenarios: Sequence[int] | IntArray,
        unit_rank: NDArray[np.integer],
        unit_grade: NDArray[np.integer],
        cadre_grade: NDArray[np.integer],
        unit_flags: Mapping[str, NDArray[np.bool_]],
    ) -> Tally:
        """The tally of scenarios ``scenarios`` from their ``(s, n)`` results (rank -1: none)."""
        n_units = int(unit_rank.shape[1])
        ranked = unit_rank > 0
        units = np.broadcast_to(np.arange(n_units, dtype=np.int64), unit_rank.shape)
        keys = units[ranked] * n_units + (unit_rank[ranked].astype(np.int64) - 1)
        rank_keys, rank_counts = np.unique(keys, return_counts=True)
        k = int(unit_rank.shape[0])
        return cls(
            n_units,
            rank_keys.astype(np.int64),
            rank_counts.astype(np.int64),
            narrow(grade_counts(unit_grade.T, len(UNIT_GRADES)), k),
            {name: narrow(mask.sum(axis=0), k) for name, mask in unit_flags.items()},
            np.asarray(scenarios, dtype=np.int64),
            grade_counts(unit_grade, len(UNIT_GRADES)),
            grade_counts(cadre_grade, len(CADRE_LABELS)),
            narrow(grade_counts(cadre_grade.T, len(CADRE_LABELS)), k),
        )

    @staticmethod
    def merge_all(tallies: Sequence[Tally]) -> Tally:
        """The tally of all their scenarios (which must not overlap): one sum of each count."""
        first = tallies[0]
        keys = np.concatenate([t.rank_keys for t in tallies])
        counts = np.concatenate([t.rank_counts for t in tallies])
        rank_keys, where = np.unique(keys, return_inverse=True)
        # counts below 2**53 add up exactly in float64
        rank_counts = np.bincount(where, weights=counts, minlength=rank_keys.shape[0])
        zeros = np.zeros(first.n_units, dtype=np.int64)
        names = sorted({name for t in tallies for name in t.flags})
        return Tally(
            first.n_units,
            rank_keys.astype(np.int64),
            rank_counts.astype(np.int64),
            np.sum([t.grades for t in tallies], axis=0, dtype=np.int64),
            {
                name: np.sum([t.flags.get(name, zeros) for t in tallies], axis=0, dtype=np.int64)
                for name in names
            },
            np.concatenate([t.scenarios for t in tallies]),
            np.concatenate([t.unit_counts for t in tallies]),
            np.concatenate([t.cadre_counts for t in tallies]),
            np.sum([t.cadre_grades for t in tallies], axis=0, dtype=np.int64),
        )

    @property
    def n(self) -> int:
        """The number of scenarios counted."""
        return int(self.scenarios.shape[0])

    def distribution(self) -> Distribution:
        """The study's distribution; scenario rows in scenario order."""
        order = np.argsort(self.scenarios, kind="stable")
        n = max(self.n, 1)
        median, low, high = rank_statistics(self.rank_keys, self.rank_counts, self.n_units)
        return Distribution(
            unit_grade_counts=self.unit_counts[order],
            cadre_grade_counts=self.cadre_counts[order],
            median_rank=median,
            rank_p5=low,
            rank_p95=high,
            grade_probability=self.grades / n,
            flag_frequency={name: counts / n for name, counts in self.flags.items()},
            cadre_grade_probability=self.cadre_grades / n,
        )


def rank_statistics(
    keys: IntArray, counts: IntArray, n_units: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per unit the median, 5th and 95th percentile rank from a sparse histogram
    (:class:`Tally`'s ``rank_keys`` and ``rank_counts``); NaN for a unit never ranked."""
    unit = keys // max(n_units, 1)
    rank = (keys % max(n_units, 1) + 1).astype(np.float64)
    upto = np.cumsum(counts)  # ranks in histogram order, units one after another
    m = np.bincount(unit, weights=counts, minlength=n_units).astype(np.int64)
    start = np.cumsum(m) - m  # ranks of lower units

    def nth(j: IntArray) -> FloatArray:
        """Each unit's ``j``-th smallest rank (from 0); valid where ``m > 0``."""
        if not rank.shape[0]:
            return np.full(n_units, np.nan)
        at = np.searchsorted(upto, start + np.maximum(j, 0), side="right")
        picked: FloatArray = rank[np.minimum(at, rank.shape[0] - 1)]
        return picked

    ranked = m > 0
    out = []
    for q in (LOW_PERCENTILE, HIGH_PERCENTILE):
        # numpy's linear method: index (m - 1) * q, the two ranks around it, lerp
        virtual = (m - 1) * np.true_divide(q, 100)
        below = np.floor(virtual).astype(np.int64)
        gamma = virtual - below
        a, b = nth(below), nth(np.minimum(below + 1, m - 1))
        out.append(np.where(ranked, _lerp(a, b, gamma), np.nan))
    half = (m - 1) // 2
    a, b = nth(half), nth(m // 2)  # equal when m is odd
    median = np.where(ranked, np.where(m % 2 == 1, a, (a + b) / 2), np.nan)
    return median, out[0], out[1]


def _lerp(a: FloatArray, b: FloatArray, t: FloatArray) -> FloatArray:
    """Linear interpolation exactly as numpy's quantiles do it (from ``b`` when ``t >= 0.5``)."""
    diff = b - a
    result: FloatArray = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
    return result
