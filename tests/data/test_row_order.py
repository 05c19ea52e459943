"""Rows already in canonical order are recognised exactly when a stable sort keeps them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from kaohe.data.build import _in_order, _sort_key

_TEXT = st.sampled_from(["", "a", "b", "ab", "B", "中", "中文", " a"])


@given(
    st.lists(
        st.tuples(
            _TEXT,
            st.integers(-2, 2),
            st.sampled_from([0.0, -0.0, 1.5, -3.0, np.nan]),
            st.one_of(st.none(), st.integers(0, 3)),
        ),
        min_size=2,
        max_size=12,
    ),
    st.permutations(range(4)),
)
def test_in_order_is_what_a_stable_sort_keeps(
    rows: list[tuple[str, int, float, int | None]], keys: list[int]
) -> None:
    texts, numbers, scores, days = zip(*rows, strict=True)
    columns = [
        pa.array(texts, pa.string()),
        np.array(numbers, np.int8),
        np.array(scores, np.float64),
        np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in days]),
    ]
    chosen = [columns[k] for k in keys[:3]]
    table = pa.table({str(i): _sort_key(values) for i, values in enumerate(chosen)})
    order = np.asarray(pc.sort_indices(table, sort_keys=[(str(i), "ascending") for i in range(3)]))
    if _in_order(chosen):
        assert np.array_equal(order, np.arange(len(rows)))
    elif not np.isnan(np.array(scores)).any():
        assert not np.array_equal(order, np.arange(len(rows)))
    if not np.isnan(np.array(scores)).any():
        ordered = [
            values[order] if isinstance(values, np.ndarray) else values.take(pa.array(order))
            for values in chosen
        ]
        assert _in_order(ordered)
