"""Keeping a study's freed memory changes no value and may be entered again."""

from __future__ import annotations

import numpy as np

from kaohe.whatif.heap import _glibc, kept_heap


def test_kept_heap_gives_the_same_arrays_and_can_be_entered_again() -> None:
    rng = np.random.default_rng(7)
    values = rng.random((64, 70_000))  # above the default thresholds: a big array
    expected = np.sort(values, axis=1).sum(axis=0)
    for _ in range(2):
        with kept_heap(keep=64 * 1024**2):
            got = [np.sort(values, axis=1).sum(axis=0) for _ in range(3)]
        assert all(np.array_equal(g, expected) for g in got)
    libc = _glibc()
    assert libc is None or hasattr(libc, "mallopt")
