"""Group orderings, running counts and ranks against a plain-Python model."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kaohe.batch_order import MergedOrder, order_in_groups
from kaohe.compact_order import SHORT_ROW, CompactOrder, GroupLayout
from kaohe.ordering import (
    GroupOrder,
    governing,
    nth_per_group,
    rank_by_higher,
    sort_rows,
    stable_order,
)


def test_rank_by_higher_shares_ranks_on_ties_and_skips() -> None:
    values = np.array([[90.0, 85.0, 90.0, 70.0, np.nan]])
    group = np.array([0, 0, 0, 0, 0])
    assert rank_by_higher(values, group).tolist() == [[1, 3, 1, 4, -1]]


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from([60.0, 70.5, 80.0, 90.0, 95.25])),
        min_size=1,
        max_size=30,
    )
)
def test_rank_by_higher_matches_counting(rows: list[tuple[int, float]]) -> None:
    group = np.array([g for g, _ in rows])
    values = np.array([[v for _, v in rows]])
    expected = [1 + sum(1 for g2, v2 in rows if g2 == g and v2 > v) for g, v in rows]
    assert rank_by_higher(values, group)[0].tolist() == expected


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 5), st.booleans()), min_size=1, max_size=40
    ),
    st.integers(1, 3),
)
def test_running_count_counts_flags_in_sorted_order(
    rows: list[tuple[int, int, bool]], k: int
) -> None:
    group = np.array([g for g, _, _ in rows])
    key = np.array([v for _, v, _ in rows], dtype=np.int64)
    flags = np.tile(np.array([f for _, _, f in rows]), (k, 1))
    order = GroupOrder.build(group, np.tile(key, (k, 1)), k)
    counts = order.running_count(flags)
    for i, (g, v, f) in enumerate(rows):
        before = sum(
            1
            for j, (g2, v2, f2) in enumerate(rows)
            if g2 == g and f2 and (v2 > v or (v2 == v and j <= i))
        )
        assert counts[0, i] == (before if f else 0)
    assert (counts == counts[0]).all()


def test_governing_takes_the_heaviest_then_the_first_row() -> None:
    level = np.array([1, 3, 3, 2])
    entity = np.array([0, 0, 0, 2])
    levels, rows = governing(level, entity, 3)
    assert levels.tolist() == [3, 0, 2]
    assert rows.tolist() == [1, -1, 3]


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=40
    ),
    st.integers(1, 3),
)
def test_build_orders_by_group_score_desc_tie_break_then_entity(
    rows: list[tuple[int, int, int]], k: int
) -> None:
    group = np.array([g for g, _, _ in rows])
    score = np.tile(np.array([s for _, s, _ in rows], dtype=np.int64), (k, 1))
    tie = np.array([t for _, _, t in rows])
    order = GroupOrder.build(group, score, k, [tie])
    n = len(rows)
    expected = sorted(range(n), key=lambda i: (rows[i][0], -rows[i][1], rows[i][2], i))
    for scenario in range(k):
        got = order.order[scenario * n : (scenario + 1) * n] - scenario * n
        assert got.tolist() == expected


@given(
    st.lists(st.tuples(st.integers(-5, 5), st.integers(0, 3), st.integers(0, 10**6)), max_size=50)
)
def test_sort_rows_is_a_stable_lexicographic_sort(rows: list[tuple[int, int, int]]) -> None:
    keys = [np.array([r[i] for r in rows], dtype=np.int64) for i in range(3)]
    expected = sorted(range(len(rows)), key=lambda i: (*rows[i], i))
    assert sort_rows(keys).tolist() == expected


def test_sort_rows_falls_back_when_keys_are_too_wide_to_pack() -> None:
    big = np.array([2**61, 0, 2**61, -(2**61)], dtype=np.int64)
    other = np.array([1, 0, 0, 5], dtype=np.int64)
    assert sort_rows([big, other]).tolist() == [3, 1, 2, 0]


@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=30),
    st.integers(2, 3),
    st.integers(0, 2**16),
)
def test_build_with_tie_breaks_that_vary_by_scenario(
    rows: list[tuple[int, int]], k: int, seed: int
) -> None:
    group = np.array([g for g, _ in rows])
    score = np.tile(np.array([s for _, s in rows], dtype=np.int64), (k, 1))
    tie = np.random.default_rng(seed).integers(0, 3, (k, len(rows)))
    order = GroupOrder.build(group, score, k, [tie])
    n = len(rows)
    for scenario in range(k):
        expected = sorted(range(n), key=lambda i: (rows[i][0], -rows[i][1], tie[scenario, i], i))
        got = order.order[scenario * n : (scenario + 1) * n] - scenario * n
        assert got.tolist() == expected


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(-1, 4), st.integers(0, 2), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
    st.integers(0, 2**16),
    st.booleans(),
)
def test_merged_order_ranks_and_places_as_the_full_sort(
    rows: list[tuple[int, int, int, bool]], k: int, seed: int, still_flags: bool
) -> None:
    """Entities marked in the last field get a different score in each scenario
    (-1 is no score); flags of the others vary by scenario unless ``still_flags``."""
    rng = np.random.default_rng(seed)
    n = len(rows)
    group = np.array([g for g, _, _, _ in rows])
    score = np.tile(np.array([s for _, s, _, _ in rows], dtype=np.int64), (k, 1))
    moving = np.array([m for _, _, _, m in rows])
    score[:, moving] = rng.integers(-1, 5, (k, int(moving.sum())))
    scores = np.where(score < 0, np.nan, score / 100)
    tie = np.array([t for _, _, t, _ in rows])
    flags = rng.random((k, n)) < 0.6
    if still_flags:
        flags[:, ~moving] = flags[:1, ~moving]
    places = rng.integers(0, 4, (k, 1)) + rng.integers(0, 3, (1, int(group.max()) + 1))
    full = GroupOrder.build(group, score, k, [tie])
    merged = MergedOrder.build(group, scores, k, [tie])
    assert merged is not None
    assert merged.rank().tolist() == full.rank().tolist()
    assert merged.running_count(flags).tolist() == full.running_count(flags).tolist()
    assert (
        merged.running_count(flags[:1]).tolist()
        == full.running_count(np.broadcast_to(flags[:1], (k, n))).tolist()
    )
    expected = flags & (full.running_count(flags) <= places[:, group])
    assert full.take_places(flags, places).tolist() == expected.tolist()
    assert merged.take_places(flags, places).tolist() == expected.tolist()


def test_merged_order_declines_what_it_cannot_do() -> None:
    group = np.zeros(4, dtype=np.int64)
    score = np.array([[1, 2, 3, 4], [4, 3, 2, 1]]) / 100
    varying_tie = np.array([[0, 1, 0, 1], [1, 0, 1, 0]])
    assert MergedOrder.build(group, score, 2, [varying_tie]) is None
    assert MergedOrder.build(group, score, 2, moving_share=0.5) is None
    assert isinstance(order_in_groups(group, score, 2), CompactOrder)
    assert isinstance(order_in_groups(group, score, 1), GroupOrder)
    assert isinstance(order_in_groups(group, score, 2, [varying_tie]), GroupOrder)
    too_wide = np.array([[0.0, 1e7, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]])  # 10^9 cents apart
    assert CompactOrder.build(group, too_wide, 2) is None
    assert isinstance(order_in_groups(group, too_wide, 2), GroupOrder)
    still = np.array([[1, 2, 3, 4], [1, 2, 3, 9]]) / 100
    assert isinstance(order_in_groups(group, still, 2), MergedOrder)


def test_sort_rows_keeps_row_order_when_only_the_row_does_not_fit() -> None:
    wide = np.array([2**60, 0, 2**60, 0, 5], dtype=np.int64)  # leaves room for 3 rows, not 5
    assert sort_rows([wide]).tolist() == [1, 3, 4, 0, 2]


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=30))
def test_governing_matches_a_plain_loop(rows: list[tuple[int, int]]) -> None:
    entity = np.array([e for e, _ in rows], dtype=np.int64)
    level = np.array([lv for _, lv in rows], dtype=np.int64)
    expected_levels, expected_rows = [0] * 5, [-1] * 5
    for i, (e, lv) in enumerate(rows):
        if expected_rows[e] == -1 or lv > expected_levels[e]:
            expected_levels[e], expected_rows[e] = lv, i
    levels, chosen = governing(level, entity, 5)
    assert (levels.tolist(), chosen.tolist()) == (expected_levels, expected_rows)


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 2), st.integers(0, 1)), max_size=30),
    st.integers(0, 5),
)
def test_nth_per_group_matches_sorting_each_group(
    rows: list[tuple[int, int, int]], nth: int
) -> None:
    group = np.array([g for g, _, _ in rows], dtype=np.int64)
    keys = [np.array([r[i] for r in rows], dtype=np.int64) for i in (1, 2)]
    expected = []
    for g in sorted({g for g, _, _ in rows}):
        members = sorted((r[1], r[2], i) for i, r in enumerate(rows) if r[0] == g)
        if len(members) > nth:
            expected.append(members[nth][2])
    assert nth_per_group(group, keys, nth).tolist() == expected


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=40),
    st.integers(1, 4),
    st.integers(0, 2**16),
    st.booleans(),
)
def test_build_sorts_each_scenario_by_its_own_scores(
    rows: list[tuple[int, int]], k: int, seed: int, one_row: bool
) -> None:
    """Scores that differ by scenario (or one row for all), a shared tie-break:
    each scenario's order, ranks and running counts are those of counting by hand."""
    rng = np.random.default_rng(seed)
    n = len(rows)
    group = np.array([g for g, _ in rows])
    tie = np.array([t for _, t in rows])
    score = rng.integers(-1, 4, (1 if one_row else k, n))
    flags = rng.random((k, n)) < 0.5
    order = GroupOrder.build(group, score, k, [tie])
    ranks, counts = order.rank(), order.running_count(flags)
    for scenario in range(k):
        s = score[0 if one_row else scenario]
        expected = sorted(range(n), key=lambda i: (group[i], -s[i], tie[i], i))
        got = order.order[scenario * n : (scenario + 1) * n] - scenario * n
        assert got.tolist() == expected
        for i in range(n):
            same = [j for j in range(n) if group[j] == group[i]]
            assert ranks[scenario, i] == 1 + sum(1 for j in same if s[j] > s[i])
            ahead = [j for j in same if expected.index(j) <= expected.index(i)]
            wanted = sum(1 for j in ahead if flags[scenario, j]) if flags[scenario, i] else 0
            assert counts[scenario, i] == wanted


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(-1, 4), st.integers(0, 2), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
    st.integers(0, 2**16),
    st.booleans(),
    st.booleans(),
)
def test_compact_order_orders_ranks_and_places_as_the_full_sort(
    rows: list[tuple[int, int, int, bool]], k: int, seed: int, one_row: bool, one_flags: bool
) -> None:
    """Entities marked in the last field get a different score in each scenario
    (-1 is no score), unless ``one_row``: one row of scores for every scenario.
    Flags are per scenario or, with ``one_flags``, one row; places per scenario."""
    rng = np.random.default_rng(seed)
    n = len(rows)
    group = np.array([g for g, _, _, _ in rows])
    score = np.tile(np.array([s for _, s, _, _ in rows], dtype=np.int64), (k, 1))
    moving = np.array([m for _, _, _, m in rows])
    score[:, moving] = rng.integers(-1, 5, (k, int(moving.sum())))
    if one_row:
        score = score[:1]
    scores = np.where(score < 0, np.nan, score * 1.01)  # whole cents, as published scores
    tie = np.array([t for _, _, t, _ in rows])
    flags = rng.random((1 if one_flags else k, n)) < 0.6
    places = rng.integers(0, 4, (k, 1)) + rng.integers(0, 3, (1, int(group.max()) + 2))
    places *= rng.choice([1, 1, -1, 2**40], places.shape)  # beyond 0..n too
    full = GroupOrder.build(group, np.tile(score, (k // score.shape[0], 1)), k, [tie])
    compact = CompactOrder.build(group, scores, k, [tie])
    assert compact is not None
    # each group in the same order, the groups in the order of the layout
    by_group = np.argsort(compact.position_group, kind="stable")
    assert compact.group_start[compact.position_group[by_group]].tolist() == [
        compact.group_start[g] for g in sorted(group.tolist())
    ]
    in_groups = compact.order.reshape(k, n)[:, by_group]
    assert in_groups.ravel().tolist() == full.order.tolist()
    assert compact.rank().tolist() == full.rank().tolist()
    expected = full.take_places(np.broadcast_to(flags, (k, n)), places)
    assert compact.take_places(flags, places).tolist() == expected.tolist()


@given(
    st.lists(st.integers(0, 2**33), max_size=60),
    st.sampled_from([1, 2**8, 2**16, 2**20, 2**32, 2**40]),
)
def test_stable_order_is_numpys_stable_sort(values: list[int], modulus: int) -> None:
    key = np.asarray(values, dtype=np.int64) % modulus
    assert stable_order(key).tolist() == np.argsort(key, kind="stable").tolist()
    assert stable_order(key - 1).tolist() == np.argsort(key - 1, kind="stable").tolist()


@given(
    st.lists(st.integers(0, 70), min_size=1, max_size=12),
    st.integers(1, 3),
    st.integers(0, 2**16),
)
def test_group_layout_sorts_each_group_as_one_sort_would(
    sizes: list[int], rows: int, seed: int
) -> None:
    """Groups of like size side by side, each sorted along its own short row: every
    group's keys come out as sorting the row whole gives them (empty groups too)."""
    rng = np.random.default_rng(seed)
    counts = np.array(sizes)
    layout = GroupLayout.build(counts)
    assert layout.spans is not None
    assert sorted(layout.order.tolist()) == list(range(len(sizes)))
    ordered = counts[layout.order]
    assert ordered.tolist() == sorted(sizes)  # by size, then group
    assert layout.start[layout.order].tolist() == (np.cumsum(ordered) - ordered).tolist()
    group = np.repeat(layout.order, ordered)  # the entities laid out
    key = ((group * 64 + rng.integers(0, 50, (rows, group.shape[0]))) << 7).astype(np.int32)
    for g, size in enumerate(sizes):  # unique within a group: its places in the low bits
        key[:, group == g] |= rng.permutation(128)[:size].astype(np.int32)
    whole = np.sort(key, axis=1)
    layout.sort(key)
    for g, size in enumerate(sizes):
        mine = key[:, layout.start[g] : layout.start[g] + size]
        assert mine.tolist() == whole[:, (whole[0] >> 13) == g].tolist()


def test_compact_order_sorts_a_large_group_whole() -> None:
    """A group longer than a short row: every row sorted at once, as before."""
    rng = np.random.default_rng(5)
    group = np.concatenate([np.zeros(SHORT_ROW + 40, np.int64), rng.integers(1, 6, 200)])
    n, k = group.shape[0], 3
    layout = GroupLayout.build(np.bincount(group))
    assert layout.spans is None
    assert layout.order.tolist() == list(range(6))
    score = rng.integers(-1, 300, (k, n))
    scores = np.where(score < 0, np.nan, score / 100)
    tie = rng.integers(0, 4, n)
    compact = CompactOrder.build(group, scores, k, [tie])
    full = GroupOrder.build(group, score, k, [tie])
    assert compact is not None
    assert compact.order.tolist() == full.order.tolist()  # groups in their own order
    assert compact.rank().tolist() == full.rank().tolist()
