"""Rounding, quotas and group reductions, vectorised, as rules.md fixes them.

Every function accepts arrays with a leading scenario axis ``K`` and keeps
it: ``values`` of shape ``(K, n)`` with ``groups`` of shape ``(n,)`` reduce
to ``(K, n_groups)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def round2(x: FloatArray | float) -> FloatArray:
    """``floor(x * 100 + 0.5 + 1e-9) / 100``: half up, as people round by hand."""
    return np.floor(np.asarray(x, dtype=np.float64) * 100.0 + 0.5 + 1e-9) / 100.0


def round2_in_place(x: FloatArray) -> FloatArray:
    """:func:`round2` of ``x`` written into ``x`` (the same operations in the same
    order, so the same values), without the temporaries; returns ``x``."""
    x *= 100.0
    x += 0.5
    x += 1e-9
    np.floor(x, out=x)
    x /= 100.0
    return x


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


def varying_columns(*arrays: NDArray[np.generic]) -> IntArray:
    """The columns in which some ``(K, n)`` array of ``arrays`` differs between
    scenarios (NaN equal to NaN); arrays of shape ``(1, n)`` or ``(n,)`` vary nowhere."""
    found = [np.flatnonzero(mask) for mask in _varying_masks(arrays)]
    if not found:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(found))


def _varying_masks(arrays: tuple[NDArray[np.generic], ...]) -> Iterator[NDArray[np.bool_]]:
    """For each ``(K, n)`` array of ``arrays``, the columns where it differs between
    scenarios, as a mask (NaN equal to NaN); one at a time, so a caller may stop early."""
    for values in arrays:
        if values.ndim != 2 or values.shape[0] == 1:
            continue
        differs = (values != values[:1]).any(axis=0)
        if values.dtype.kind == "f":  # NaN != NaN: where the first row is NaN, look again
            again = np.flatnonzero(differs & np.isnan(values[0]))
            if again.shape[0]:
                differs[again] = ~np.isnan(values[:, again]).all(axis=0)
        yield differs


def column_wise(
    formula: Callable[..., tuple[NDArray[Any], ...]], *arrays: NDArray[Any]
) -> tuple[NDArray[Any], ...]:
    """``formula(*arrays)``, computing once what is the same in every scenario.

    ``formula`` must work column by column: each output column depends only
    on the same column of its inputs; it returns a tuple of arrays of the
    inputs' broadcast shape. Inputs are ``(K, n)``, ``(1, n)`` or ``(n,)``.
    The columns in which no input varies by scenario are computed on one
    row and copied; the others per scenario. The values are those of
    ``formula(*arrays)``, element for element; each output is ``(K, n)``
    (``(1, n)`` when nothing varies).
    """
    k = width(*arrays)
    if k == 1:
        return formula(*arrays)
    n = arrays[0].shape[-1]
    varying = np.zeros(n, dtype=bool)
    for mask in _varying_masks(arrays):
        varying |= mask
        if np.count_nonzero(varying) * 2 > n:  # most columns vary: the others need no look
            return tuple(np.broadcast_to(out, (k, n)) for out in formula(*arrays))
    columns = np.flatnonzero(varying)
    outs = []
    for base in formula(*(a[:1] if a.ndim == 2 else a for a in arrays)):
        out = np.empty((k, n), dtype=base.dtype)
        out[...] = base
        outs.append(out)
    parts = formula(*(a[:, columns] if a.ndim == 2 else a[columns] for a in arrays))
    for out, part in zip(outs, parts, strict=True):
        out[:, columns] = part
    return tuple(outs)


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
