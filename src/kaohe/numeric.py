"""Rounding, quotas and group reductions, vectorised, as rules.md fixes them.

Every function accepts arrays with a leading scenario axis ``K`` and keeps
it: ``values`` of shape ``(K, n)`` with ``groups`` of shape ``(n,)`` reduce
to ``(K, n_groups)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def round2(x: FloatArray | float) -> FloatArray:
    """``floor(x * 100 + 0.5 + 1e-9) / 100``: half up, as people round by hand."""
    return np.floor(np.asarray(x, dtype=np.float64) * 100.0 + 0.5 + 1e-9) / 100.0


def round9(x: FloatArray) -> FloatArray:
    """Rates compared in tie-breaks are rounded to 9 decimals first."""
    return np.round(x, 9)


def quota(share: FloatArray | float, n: IntArray | int) -> IntArray:
    """``floor(share * n + 1e-9)``: the number of places a share of ``n`` allows."""
    places: IntArray = np.floor(np.asarray(share) * np.asarray(n) + 1e-9).astype(np.int64)
    return places


def width(*arrays: NDArray[np.generic] | None) -> int:
    """The scenario-axis length that ``arrays`` broadcast to (1 when none varies)."""
    return max((a.shape[0] for a in arrays if a is not None and a.ndim == 2), default=1)


def positions(values: NDArray[np.str_], names: NDArray[np.str_] | tuple[str, ...]) -> IntArray:
    """The index in ``names`` of each of ``values`` (every value must be one of ``names``)."""
    names = np.asarray(names)
    order = np.argsort(names)
    return order[np.searchsorted(names[order], values)].astype(np.int64)


def group_sum(values: FloatArray, groups: IntArray, n_groups: int) -> FloatArray:
    """Sum ``values`` (shape ``(K, n)``) per group index (shape ``(n,)``).

    Rows whose group is negative are ignored. Returns ``(K, n_groups)``.
    Within a group the rows are added in array order, so the result does
    not depend on anything but the (canonical) row order.
    """
    values = np.atleast_2d(values)
    k = values.shape[0]
    keep = groups >= 0
    if not keep.all():
        values = values[:, keep]
        groups = groups[keep]
    flat = (np.arange(k, dtype=np.int64)[:, None] * n_groups + groups[None, :]).ravel()
    summed = np.bincount(flat, weights=values.ravel(), minlength=k * n_groups)
    return np.asarray(summed, dtype=np.float64).reshape(k, n_groups)
