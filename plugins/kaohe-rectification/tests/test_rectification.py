"""R5 rectification deadlines (限期整改), end to end on tiny data.

handbook/rules.md R5: a notice issued in period is overdue when
``deadline < as_of`` and it was not rectified by the deadline; an overdue
notice becomes a criticism of the same target at the notice's level
(default 乡镇), dated ``deadline + 1 day``, id ``notice:<id>``, counted in
the notice's year by R4 (乡镇 0.5, 县 1, 市 2, 省 3) and R8. The notice
itself carries no points; mitigated: half; exempt: nothing.
Year 2019, as_of 2019-12-31 unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaohe import Results
from kaohe.testing import (
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    as_plain,
    assert_catalog_complete,
    d,
    data,
    engine,
    notice,
    rule_rows,
    scheme,
    tol,
    v100,
)


def rows(results: Results, rule: str, entity: str = "unit") -> list[tuple[Any, ...]]:
    """This rule's adjustment rows (see ``kaohe.testing.rule_rows``)."""
    return rule_rows(results, rule, entity)


def freezes(results: Results) -> list[tuple[Any, ...]]:
    """(cadre_id, start, end, source_table, source_id) of every window, sorted."""
    ids = results.data.cadre_ids
    return sorted(
        (
            str(ids[block.cadre[j]]),
            block.start[j].astype(dt.date),
            block.end[j].astype(dt.date),
            str(block.column("source_table")[j]),
            str(block.column("source_id")[j]),
        )
        for block in results.freezes
        for j in range(len(block))
    )


def test_which_notices_are_overdue() -> None:
    results = engine(
        scheme(criticism={}, rectification={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 8)],
            notices=[
                # rectified on the deadline day: not overdue
                notice("n1", d(3, 1), d(6, 30), d(6, 30), level="县", unit="u1"),
                # rectified one day late: criticism at 县 = 1
                notice("n2", d(3, 1), d(6, 30), d(7, 1), level="县", unit="u2"),
                # never rectified, 省: 3
                notice("n3", d(3, 1), d(6, 30), level="省", unit="u3"),
                # deadline = as_of: not before it, not overdue
                notice("n4", d(3, 1), d(12, 31), level="县", unit="u4"),
                # deadline after as_of
                notice("n5", d(3, 1), d(1, 15, 2020), level="县", unit="u5"),
                # no level: 乡镇 = 0.5
                notice("n6", d(1, 10), d(3, 1), unit="u6"),
                # issued in 2018: not this year's, though its deadline is in 2019
                notice("n7", d(11, 1, 2018), d(2, 1), level="省", unit="u7"),
            ],
        ),
    )
    # the criticisms derived from n2, n3 and n6, scored by R4; the notices
    # themselves carry no points
    assert rows(results, "criticism") == [
        ("u2", "criticisms", "notice:n2", -1.0, "扣分"),
        ("u3", "criticisms", "notice:n3", -3.0, "扣分"),
        ("u6", "criticisms", "notice:n6", -0.5, "扣分"),
    ]
    assert rows(results, "rectification") == []
    got = as_plain(results)["units"]
    assert [got[f"u{i}"]["score"] for i in range(1, 8)] == [
        90.0,
        89.0,
        87.0,
        90.0,
        90.0,
        89.5,
        90.0,
    ]


def test_derived_criticism_is_dated_the_day_after_the_deadline() -> None:
    # R8 with criticisms = 1 makes the derived criticism's date visible as the
    # start of the freeze windows of the unit's head.
    results = engine(
        scheme(rectification={}, serious_units={"criticisms": 1}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90)],
            [("h1", "u1", "head"), ("h2", "u2", "head")],
            notices=[
                # deadline 2019-02-28 -> 2019-03-01
                notice("n1", d(1, 10), d(2, 28), level="县", unit="u1"),
                # deadline 12-30 < as_of 12-31 -> 12-31
                notice("n2", d(1, 10), d(12, 30), level="县", unit="u2"),
            ],
        ),
    )
    assert freezes(results) == [
        ("h1", d(3, 1), d(3, 1, 2020), "criticisms", "notice:n1"),
        ("h1", d(3, 1), d(3, 1, 2020), "criticisms", "notice:n1"),
        ("h2", d(12, 31), d(12, 31, 2020), "criticisms", "notice:n2"),
        ("h2", d(12, 31), d(12, 31, 2020), "criticisms", "notice:n2"),
    ]


def test_late_as_of_counts_the_criticism_in_the_notice_year() -> None:
    # as_of 2020-03-31: the 2019 notice's deadline 12-31 has passed; the
    # derived criticism is dated 2020-01-01 but counted in 2019.
    results = engine(
        scheme(as_of=dt.date(2020, 3, 31), criticism={}, rectification={}),
        data(
            [("u1", "乡镇", 90)],
            notices=[notice("n1", d(10, 1), d(12, 31), level="市", unit="u1")],
        ),
    )
    assert rows(results, "criticism") == [("u1", "criticisms", "notice:n1", -2.0, "扣分")]
    assert as_plain(results)["units"]["u1"]["score"] == 88.0


def test_mitigated_notice_gives_half_and_exempt_notice_nothing() -> None:
    results = engine(
        scheme(criticism={}, rectification={}, tolerance={}, unit_grading=NO_UNIT_QUOTA),
        data(
            [("u1", "乡镇", 100), ("u2", "乡镇", 100), ("u3", "乡镇", 100)],
            notices=[
                notice("n1", d(3, 1), d(6, 30), level="市", unit="u1"),
                notice("n2", d(3, 1), d(6, 30), level="市", unit="u2"),
                notice("n3", d(3, 1), d(6, 30), level="市", unit="u3"),
            ],
            tolerances=[
                tol("t1", d(7, 1), "notices", "n1", "从轻"),
                tol("t2", d(7, 1), "notices", "n2", "免责"),
            ],
        ),
    )
    assert rows(results, "criticism") == [
        ("u1", "criticisms", "notice:n1", -1.0, "扣分"),  # 市 2 * 0.5
        ("u3", "criticisms", "notice:n3", -2.0, "扣分"),  # 市 2
    ]
    assert rows(results, "tolerance") == [("u2", "notices", "n2", 0.0, "容错免责")]
    got = as_plain(results)["units"]
    # the mitigated criticism still blocks 优秀; the exempt notice does not
    assert (got["u1"]["score"], got["u1"]["grade"]) == (99.0, "良好")
    assert (got["u2"]["score"], got["u2"]["grade"]) == (100.0, "优秀")
    assert (got["u3"]["score"], got["u3"]["grade"]) == (98.0, "良好")


def test_notice_on_a_cadre_criticises_the_cadre() -> None:
    results = engine(
        scheme(criticism={}, rectification={}, cadre_score={}, cadre_grading=NO_CADRE_QUOTA),
        data(
            [("u1", "乡镇", 90)],
            [("c1", "u1", "staff"), ("c2", "u1", "staff")],
            notices=[
                notice("n1", d(3, 1), d(6, 30), level="省", cadre="c1"),
                notice("n2", d(3, 1), d(6, 30), d(6, 1), level="省", cadre="c2"),
            ],
            votes=[v100("c1"), v100("c2")],
        ),
    )
    got = as_plain(results)
    # a cadre criticism costs the unit nothing
    assert got["units"]["u1"]["deductions"] == 0.0
    # overdue: a criticism of c1, not 优秀; c2 rectified in time
    assert got["cadres"]["c1"]["grade"] == "称职"
    assert got["cadres"]["c2"]["grade"] == "优秀"
    derived = [
        (str(block.column("source_id")[j]), int(block.level[j]))
        for block in results.effects
        if block.rule == "criticism"
        for j in range(len(block))
    ]
    assert derived == [("notice:n1", 1)]


def test_without_the_criticism_rule_notices_score_nothing() -> None:
    results = engine(
        scheme(rectification={}),
        data(
            [("u1", "乡镇", 90)], notices=[notice("n1", d(3, 1), d(6, 30), level="省", unit="u1")]
        ),
    )
    assert "rectification" in results.plan.rules
    assert as_plain(results)["units"]["u1"]["score"] == 90.0
    assert [block for block in results.adjustments if len(block)] == []


def test_every_message_has_its_chinese() -> None:
    """The rule's texts are Chinese documents: it marks no message, and so needs no catalog
    (a message marked later without one fails here)."""
    assert_catalog_complete("kaohe_rectification")
