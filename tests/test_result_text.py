"""The text of block rows as the writers take it: ids kept as Arrow from the file to the result."""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kaohe
from kaohe import PluginError, arrowtext
from kaohe.blocks import Adjustments, resolve, resolve_arrow
from kaohe.kernel import _GuardedText
from kaohe.ledger import LedgerIds, joined, label_rows, picked
from kaohe.tables_out import adjustment_rows, finding_columns


@pytest.fixture(scope="module")
def results(county_scheme: kaohe.Scheme, county_data: kaohe.Dataset) -> kaohe.Results:
    return kaohe.evaluate(county_scheme, county_data)


def test_every_block_gives_the_same_text_as_numpy_and_as_arrow(results: kaohe.Results) -> None:
    arrow_ids = 0
    for block in results.adjustments:
        for name in ("source_id", "note"):
            assert block.text(name).to_pylist() == block.column(name).tolist()
            assert block.text(name, encoded=True).to_pylist() == block.column(name).tolist()
        arrow_ids += isinstance(getattr(block.source_id, "function", None), LedgerIds)
    for block in (*results.effects, *results.freezes):
        assert block.text("source_id").to_pylist() == block.column("source_id").tolist()
    assert arrow_ids >= 3  # supervision, exposures, criticisms ... rows name ledger ids


def test_grade_reasons_are_the_same_as_numpy_and_as_arrow(results: kaohe.Results) -> None:
    for entities in (results.units, results.cadres):
        n = entities.ids.shape[0]
        described = resolve(entities.effect, n).tolist()
        assert resolve_arrow(entities.effect, n).to_pylist() == described
        assert any(described)  # some grade is governed by an effect row
    reasons = results.cadres.grade_reason(0).tolist()
    assert results.cadres.grade_reason_text(0).to_pylist() == reasons
    assert {"score", "quota"} < set(reasons)  # and effects


def test_ledger_ids_are_numpy_when_called_and_arrow_when_asked(results: kaohe.Results) -> None:
    table = results.data.tables["supervision"]
    ids = LedgerIds(table, np.asarray([4, 0, 2]))
    assert ids().tolist() == [table["id"][4], table["id"][0], table["id"][2]]
    assert ids.arrow().to_pylist() == ids().tolist()
    chosen = picked(ids, np.asarray([2, 0]))
    assert isinstance(chosen, LedgerIds)
    assert chosen.arrow().to_pylist() == [table["id"][2], table["id"][4]]
    assert picked(lambda: np.asarray(["a", "b"]), np.asarray([1]))().tolist() == ["b"]


def test_picked_labels_stay_codes_for_the_writers() -> None:
    labels = label_rows(("重大", "较大", "一般"), np.asarray([2, 0, 1, 2]))
    chosen = picked(labels, np.asarray([3, 1, 3]))
    assert chosen().tolist() == ["一般", "重大", "一般"]
    arrow = chosen.arrow()
    assert pa.types.is_dictionary(arrow.type)
    assert arrow.to_pylist() == chosen().tolist()


def test_text_of_the_wrong_length_is_refused_either_way() -> None:
    with pytest.raises(ValueError, match="text of 2 rows for 3 rows"):
        resolve(lambda: np.asarray(["a", "b"]), 3)
    with pytest.raises(ValueError, match="text of 2 rows for 3 rows"):
        resolve_arrow(lambda: pa.array(["a", "b"]), 3)
    assert resolve_arrow("x", 2).to_pylist() == ["x", "x"]
    assert resolve(lambda: pa.array(["a", "b"]), 2).tolist() == ["a", "b"]


class _BrokenIds:
    def __call__(self) -> np.ndarray:
        return np.asarray(["a"])

    def arrow(self) -> pa.Array:
        raise KeyError("id")


def test_a_failing_arrow_text_names_the_plugin() -> None:
    guarded = _GuardedText(_BrokenIds(), "kaohe-example", "demo")
    assert guarded().tolist() == ["a"]
    with pytest.raises(PluginError, match=r"kaohe-example.*demo.*KeyError"):
        resolve_arrow(guarded, 1)


@pytest.mark.parametrize("entity", ["unit", "cadre"])
def test_the_rows_of_one_entity_are_those_rows_of_the_whole_table(
    results: kaohe.Results, entity: str
) -> None:
    names, every = adjustment_rows(results)
    mine = every[0] == entity
    assert mine.any()
    assert not mine.all()
    assert adjustment_rows(results, entity)[0] == names
    for whole, alone in zip(every, adjustment_rows(results, entity)[1], strict=True):
        assert alone.tolist() == whole[mine].tolist()


def test_joined_text_is_the_same_from_numpy_and_from_arrow() -> None:
    codes = np.asarray([0, 2, -1, 1])
    note = joined(
        label_rows(("重大", "较大", "一般"), codes),
        "级",
        lambda: np.asarray(["", "; 按期整改", "", "; 逾期未整改"]),
        LedgerIdsLike(["a", "b", "c", "d"]),
        n=4,
    )
    expected = ["重大级a", "一般级; 按期整改b", "一般级c", "较大级; 逾期未整改d"]
    assert note().tolist() == expected
    assert resolve_arrow(note, 4).to_pylist() == expected
    assert resolve_arrow(joined("被上级", "约谈", n=3), 3).to_pylist() == ["被上级约谈"] * 3


def test_coded_parts_are_joined_as_codes_into_distinct_cells() -> None:
    status = label_rows(("", "; 按期整改", "; 逾期未整改"), np.asarray([1, 0, 2, 0, 1]))
    note = joined(label_rows(("a", "ab"), np.asarray([1, 0, 0, 1, 0])), "c", status, n=5)
    made = resolve_arrow(note, 5, encoded=True)
    assert pa.types.is_dictionary(made.type)
    expected = ["abc; 按期整改", "ac", "ac; 逾期未整改", "abc", "ac; 按期整改"]
    assert made.to_pylist() == expected
    assert resolve_arrow(note, 5).type == pa.large_string()  # decoded unless asked
    assert resolve_arrow(note, 5).to_pylist() == expected == note().tolist()
    assert sorted(made.dictionary.to_pylist()) == sorted(set(made.dictionary.to_pylist()))


def test_a_cell_spelled_by_two_combinations_is_one_cell() -> None:
    note = joined(
        label_rows(("a", "ab"), np.asarray([0, 1])),
        label_rows(("bc", "c"), np.asarray([0, 1])),
        n=2,
    )
    made = resolve_arrow(note, 2, encoded=True)
    assert made.to_pylist() == ["abc", "abc"]
    assert made.dictionary.to_pylist().count("abc") == 1
    assert made.indices.to_pylist() == [0, 0]


def test_only_the_combinations_that_occur_are_spelled(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1,000 notes of tolerated records times 3 severities: 3,000 combinations, 2 occur
    monkeypatch.setattr(arrowtext, "COMBINED_LIMIT", 2)
    notes = label_rows(tuple(f"; 容错减半 T{i}" for i in range(1000)), np.asarray([7, 7, 999]))
    severity = label_rows(("一般", "较重", "严重"), np.asarray([2, 2, 0]))
    made = arrowtext.combined([severity.arrow(), "问题", notes.arrow()], 3)
    assert made.to_pylist() == ["严重问题; 容错减半 T7"] * 2 + ["一般问题; 容错减半 T999"]
    assert made.dictionary.to_pylist() == ["一般问题; 容错减半 T999", "严重问题; 容错减半 T7"]
    third = label_rows(("a", "b"), np.asarray([0, 1, 0]))
    assert arrowtext.combined([severity.arrow(), notes.arrow(), third.arrow()], 3) is None
    assert arrowtext.combined(["a", "b"], 2).to_pylist() == ["ab", "ab"]
    assert arrowtext.combined([severity.arrow()[:0], "x"], 0).to_pylist() == []


def test_a_dictionary_with_a_null_cell_is_joined_cell_by_cell() -> None:
    with_null = pa.DictionaryArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array(["a", None]))
    assert arrowtext.combined([with_null, "x"], 2) is None
    assert arrowtext.combined(
        [label_rows(("a", "b"), np.asarray([1, 0])).arrow(), "x"], 2
    ).to_pylist() == [
        "bx",
        "ax",
    ]


#: A label: any text a result file can hold (no lone surrogate, which UTF-8
#: cannot encode) but NUL, which numpy text cannot end with.
CELL = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=3)


@given(
    labels=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=3),
    codes=st.lists(st.integers(0, 3), min_size=3, max_size=3),
    rows=st.integers(0, 6),
    limit=st.sampled_from([2, 1 << 16]),
)
def test_joined_arrow_text_is_the_numpy_text_whatever_the_parts(
    labels: list[list[str]], codes: list[int], rows: int, limit: int
) -> None:
    parts = [
        label_rows(tuple(cells), (np.arange(rows) * (code + 1)) % len(cells))
        for cells, code in zip(labels, codes, strict=False)
    ]
    note = joined(*parts, "级", LedgerIdsLike([f"x{i}" for i in range(rows)]), n=rows)
    with_ids = note().tolist()
    coded = joined(*parts, "级", n=rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrowtext, "COMBINED_LIMIT", limit)
        assert resolve_arrow(note, rows).to_pylist() == with_ids
        assert resolve_arrow(coded, rows, encoded=True).to_pylist() == coded().tolist()
        assert resolve_arrow(coded, rows).to_pylist() == coded().tolist()


class LedgerIdsLike:
    """A text function offering Arrow text, as kaohe.sdk.ids_of gives."""

    def __init__(self, cells: list[str]) -> None:
        self.cells = cells

    def __call__(self) -> np.ndarray:
        return np.asarray(self.cells)

    def arrow(self) -> pa.Array:
        return pa.array(self.cells)


def test_findings_are_the_same_whether_ids_know_their_rows_or_are_looked_up(
    results: kaohe.Results,
) -> None:
    def looked_up(block: object) -> object:
        if not isinstance(block, Adjustments):
            return block
        ids = block.ids()
        return attrs.evolve(block, source_id=lambda: ids)  # a plain function: no rows_of

    plain = attrs.evolve(results, adjustments=tuple(looked_up(b) for b in results.adjustments))
    assert any(getattr(b.source_id, "rows_of", None) is not None for b in results.adjustments)
    known, found = finding_columns(results), finding_columns(plain)
    assert [c.to_pylist() for c in known.ordered()] == [c.to_pylist() for c in found.ordered()]
    assert sum(int(n) for n in known.ordered()[1].to_pylist()) > 0
