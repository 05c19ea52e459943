"""Packed string keys (sorting, searching) and traditional-to-simplified conversion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.data import keys, simplify

pytestmark = pytest.mark.filterwarnings("error")

ALPHABETS = [
    st.sampled_from("0123456789ABCabc:_-"),
    st.sampled_from("abc单位编码鄉鎮"),
    st.characters(min_codepoint=1, max_codepoint=0x2FFFF, exclude_categories=("Cs",)),
]
strings = st.one_of(*(st.text(alphabet, max_size=12) for alphabet in ALPHABETS))


def _array(values: list[str]) -> np.ndarray:
    return np.array(values, dtype=str) if values else np.zeros(0, "U1")


@settings(deadline=None)
@given(st.lists(strings, max_size=40), st.lists(strings, max_size=40))
def test_pack_keeps_code_point_order(left: list[str], right: list[str]) -> None:
    a, b = _array(left), _array(right)
    packed = keys.pack(a, b)
    if packed is None:
        return
    ka, kb = packed
    for i, x in enumerate(left):
        for j, y in enumerate(right):
            assert (ka[i] < kb[j]) == (x < y)
            assert (ka[i] == kb[j]) == (x == y)


@settings(deadline=None)
@given(st.lists(strings, max_size=60))
def test_order_is_a_stable_code_point_sort(values: list[str]) -> None:
    order = keys.order(_array(values))
    expected = sorted(range(len(values)), key=lambda i: values[i])
    if order is None:
        assert values == sorted(values)
    else:
        assert order.tolist() == expected


@settings(deadline=None)
@given(st.lists(strings, max_size=40, unique=True), st.lists(strings, max_size=40))
def test_locate(ids: list[str], values: list[str]) -> None:
    haystack = _array(sorted(ids))
    found = keys.locate(haystack, _array(values))
    index = {value: i for i, value in enumerate(sorted(ids))}
    assert found.tolist() == [index.get(value, -1) for value in values]


def test_pack_gives_up_on_long_strings() -> None:
    assert keys.pack(np.array(["abcdefghij"])) is None
    assert keys.pack(np.array(["abcdefghi"])) is not None
    assert keys.pack(np.array(["单位编码考"])) is None
    long = np.array(["b" * 20, "a" * 20, "a" * 19])
    order = keys.order(long)
    assert order is not None
    assert order.tolist() == [2, 1, 0]


def test_simplified_values_need_no_conversion() -> None:
    values = np.array(["乡镇", "县级部门", "经济发展", "服务对象", "作风建设", "ABC", ""])
    assert not simplify.needs_conversion(values).any()
    assert simplify.simplify(values) is values


def test_traditional_values_are_simplified() -> None:
    values = np.array(["鄉鎮", "乡镇", "縣級部門", "經濟發展", "藉口", "ABC", ""])
    needs = [True, False, True, True, True, False, False]
    assert simplify.needs_conversion(values).tolist() == needs
    simplified = ["乡镇", "乡镇", "县级部门", "经济发展", "借口", "ABC", ""]
    assert simplify.simplify(values).tolist() == simplified


def test_ambiguous_set_covers_every_gb2312_character_opencc_changes() -> None:
    table = simplify._plain_table()
    plain = [chr(point) for point in range(0x80, 0x10000) if table[point]]
    converted = simplify.to_simplified("\n".join(plain)).split("\n")
    changed = [c for c, s in zip(plain, converted, strict=True) if c != s]
    assert changed == []


@settings(deadline=None)
@given(st.lists(strings, max_size=40, unique=True), st.lists(strings, max_size=40))
def test_hash_locate_agrees_with_a_dict(ids: list[str], values: list[str]) -> None:
    packed = keys.pack(_array(sorted(ids)), _array(values))
    if packed is None or not ids:
        return
    index = {value: i for i, value in enumerate(sorted(ids))}
    found = keys._hash_find(packed[0], keys._hash_table(packed[0]), packed[1])
    assert found.tolist() == [index.get(value, -1) for value in values]


@settings(deadline=None)
@given(st.lists(strings, max_size=40, unique=True), st.lists(strings, max_size=40))
def test_a_locator_finds_like_a_dict_lookup_after_lookup(ids: list[str], values: list[str]) -> None:
    """The ids' own layout: values with other characters or longer ones are no ids."""
    index = {value: i for i, value in enumerate(sorted(ids))}
    locator = keys.Locator(_array(sorted(ids)))
    for some in (values, values[::-1], [*values, *ids]):
        assert locator.find(_array(some)).tolist() == [index.get(v, -1) for v in some]


def test_locate_many_values_uses_the_hash_table() -> None:
    rng = np.random.default_rng(7)
    ids = np.char.add("U", np.arange(0, 40_000, 2).astype(str))
    ids.sort()
    values = np.char.add("U", rng.integers(0, 40_000, 200_000).astype(str))
    found = keys.locate(ids, values)
    expected = np.searchsorted(ids, values)
    hit = expected < ids.shape[0]
    hit[hit] = ids[expected[hit]] == values[hit]
    assert found.tolist() == np.where(hit, expected, -1).tolist()


def test_to_simplified() -> None:
    assert simplify.to_simplified("经济发展") == "经济发展"
    assert simplify.to_simplified("經濟發展") == "经济发展"
    assert simplify.to_simplified("藉口") == "借口"
    assert simplify.to_simplified("cap") == "cap"


def test_a_locator_tells_foreign_values_apart_in_a_large_lookup() -> None:
    ids = np.sort(np.char.add("U", np.arange(1_000).astype(str)))
    values = np.tile(np.asarray(["U7", "单位", "U7000000000", "U999", "u7"]), 20_000)
    found = keys.Locator(ids).find(values)  # 100,000 values: the hash table
    where = {value: i for i, value in enumerate(ids.tolist())}
    assert found[:5].tolist() == [where["U7"], -1, -1, where["U999"], -1]
    assert (found.reshape(-1, 5) == found[:5]).all()
