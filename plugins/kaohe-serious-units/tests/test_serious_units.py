"""R8 serious-problem units (作风问题严重的单位), end to end on tiny data.

handbook/rules.md R8: a unit is serious when, in period, it has an exposure,
or two unit criticisms at 县 or above (derived ones included), or a veto;
exempt rows do not count. The trigger date is the earliest date on which
one became true (rows of one day: exposures, criticisms, vetoes, then id).
The unit cannot be 优秀 (flag 作风问题严重); its head and leaders cannot be
优秀 and are frozen 12 months; every cadre of the unit is frozen 12 months
(separate windows). Year 2019, as_of 2019-12-31.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kaohe import Results
from kaohe.testing import (
    NO_CADRE_QUOTA,
    NO_UNIT_QUOTA,
    as_plain,
    assert_catalog_complete,
    crit,
    d,
    data,
    engine,
    expo,
    notice,
    registry,
    scheme,
    tol,
    v100,
    veto,
)

LEAD = "领导班子成员一年内不提拔"
ALL = "该部门一年内不新提拔干部"


def windows(results: Results) -> list[tuple[Any, ...]]:
    """(cadre_id, start, end, source_table, source_id, reason) of R8's windows, sorted."""
    ids = results.data.cadre_ids
    return sorted(
        (
            str(ids[block.cadre[j]]),
            block.start[j].astype(dt.date),
            block.end[j].astype(dt.date),
            str(block.column("source_table")[j]),
            str(block.column("source_id")[j]),
            str(block.column("reason")[j]),
        )
        for block in results.freezes
        if block.rule == "serious_units"
        for j in range(len(block))
    )


def serious(results: Results) -> set[str]:
    return {u for u, f in as_plain(results)["units"].items() if "作风问题严重" in f["flags"]}


def test_one_exposure_makes_a_unit_serious() -> None:
    results = engine(
        scheme(serious_units={}, promotion_freeze={}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90)],
            [
                ("h1", "u1", "head"),
                ("l1", "u1", "leader"),
                ("m1", "u1", "middle"),
                ("s1", "u1", "staff"),
                ("s2", "u2", "staff"),
            ],
            exposures=[expo("e2", d(8, 1), "u1", "县"), expo("e1", d(3, 15), "u1", "县")],
        ),
    )
    assert serious(results) == {"u1"}
    # the first exposure (03-15) triggers; 03-15 + 12 months = 2020-03-15.
    # head and leader: two windows (不提拔 and 部门不新提拔); middle, staff: one
    start, end = d(3, 15), d(3, 15, 2020)
    assert windows(results) == [
        ("h1", start, end, "exposures", "e1", ALL),
        ("h1", start, end, "exposures", "e1", LEAD),
        ("l1", start, end, "exposures", "e1", ALL),
        ("l1", start, end, "exposures", "e1", LEAD),
        ("m1", start, end, "exposures", "e1", ALL),
        ("s1", start, end, "exposures", "e1", ALL),
    ]
    cadres = as_plain(results)["cadres"]
    assert cadres["s1"]["frozen_until"] == end
    assert cadres["s2"]["frozen_until"] is None
    # R3 is off: the exposure costs nothing
    assert as_plain(results)["units"]["u1"]["deductions"] == 0.0


def test_the_second_criticism_at_county_level_or_above_triggers() -> None:
    results = engine(
        scheme(serious_units={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 5)],
            [(f"h{i}", f"u{i}", "head") for i in range(1, 5)],
            criticisms=[
                # u1: 乡镇 is below 县; the second 县-or-above is c (05-10)
                crit("a", d(3, 1), "乡镇", unit="u1"),
                crit("b", d(4, 1), "县", unit="u1"),
                crit("c", d(5, 10), "市", unit="u1"),
                # u2: one 县 and one 乡镇: not serious
                crit("d", d(4, 1), "县", unit="u2"),
                crit("e", d(5, 1), "乡镇", unit="u2"),
                # u3: one of two in 2018: not serious
                crit("f", d(12, 20, 2018), "县", unit="u3"),
                crit("g", d(1, 10), "县", unit="u3"),
                # u4: a cadre's criticisms are not the unit's
                crit("h", d(1, 10), "省", cadre="h4"),
                crit("i", d(1, 11), "省", cadre="h4"),
            ],
        ),
    )
    assert serious(results) == {"u1"}
    assert {w[:5] for w in windows(results)} == {
        ("h1", d(5, 10), d(5, 10, 2020), "criticisms", "c")
    }


def test_trigger_order_on_one_day() -> None:
    results = engine(
        scheme(serious_units={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 5)],
            [(f"h{i}", f"u{i}", "head") for i in range(1, 5)],
            criticisms=[
                crit("c1", d(3, 1), "县", unit="u1"),
                crit("c2", d(4, 1), "县", unit="u1"),
                crit("b", d(4, 1), "县", unit="u2"),
                crit("a", d(4, 1), "县", unit="u2"),
                crit("x1", d(3, 1), "县", unit="u3"),
                crit("x2", d(3, 1), "县", unit="u3"),
            ],
            exposures=[expo("e1", d(4, 1), "u1", "县")],
            vetoes=[
                veto("v1", d(4, 1), "u1"),
                veto("v3", d(3, 1), "u3"),
                veto("v4", d(5, 1), "u4"),
            ],
        ),
    )
    # u1: on 04-01 an exposure, a second criticism and a veto: the exposure
    # u2: two criticisms the same day, by id: a then b -> b is the second
    # u3: the second criticism and a veto on 03-01: criticisms before vetoes
    # u4: a veto alone (R7 is off: R8 reads vetoes itself)
    triggers = {w[0]: w[1:5] for w in windows(results)}
    assert triggers == {
        "h1": (d(4, 1), d(4, 1, 2020), "exposures", "e1"),
        "h2": (d(4, 1), d(4, 1, 2020), "criticisms", "b"),
        "h3": (d(3, 1), d(3, 1, 2020), "criticisms", "x2"),
        "h4": (d(5, 1), d(5, 1, 2020), "vetoes", "v4"),
    }


def test_exempt_rows_do_not_count_mitigated_and_derived_rows_do() -> None:
    results = engine(
        scheme(serious_units={}, tolerance={}, rectification={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 5)],
            [(f"h{i}", f"u{i}", "head") for i in range(1, 5)],
            exposures=[expo("e1", d(3, 1), "u1", "省"), expo("e2", d(5, 5), "u2", "县")],
            criticisms=[
                crit("k3", d(2, 1), "县", unit="u3"),
                crit("k4a", d(2, 1), "县", unit="u4"),
                crit("k4b", d(3, 1), "市", unit="u4"),
            ],
            # u3's second: the notice overdue since 03-31 -> notice:n3 dated 04-01
            notices=[notice("n3", d(1, 10), d(3, 31), level="县", unit="u3")],
            vetoes=[veto("v4", d(6, 1), "u4")],
            tolerances=[
                tol("t1", d(6, 1), "exposures", "e1", "免责"),
                tol("t2", d(6, 1), "exposures", "e2", "从轻"),
                tol("t4", d(6, 1), "criticisms", "k4b", "免责"),
                tol("t5", d(6, 1), "vetoes", "v4", "免责"),
            ],
        ),
    )
    # u1: exempt exposure; u4: one criticism left, exempt veto
    assert serious(results) == {"u2", "u3"}
    triggers = {w[0]: w[1:5] for w in windows(results)}
    assert triggers == {
        "h2": (d(5, 5), d(5, 5, 2020), "exposures", "e2"),
        "h3": (d(4, 1), d(4, 1, 2020), "criticisms", "notice:n3"),
    }


def test_unit_and_its_leaders_cannot_be_excellent() -> None:
    results = engine(
        scheme(
            serious_units={},
            unit_grading=NO_UNIT_QUOTA,
            cadre_score={},
            cadre_grading=NO_CADRE_QUOTA,
        ),
        data(
            [("u1", "乡镇", 100), ("u2", "乡镇", 100)],
            [
                ("h1", "u1", "head"),
                ("l1", "u1", "leader"),
                ("m1", "u1", "middle"),
                ("s1", "u1", "staff"),
                ("h2", "u2", "head"),
            ],
            exposures=[expo("e1", d(3, 15), "u1", "县")],
            votes=[v100(c) for c in ("h1", "l1", "m1", "s1", "h2")],
        ),
    )
    got = as_plain(results)
    assert (got["units"]["u1"]["grade"], got["units"]["u1"]["flags"]) == ("良好", ["作风问题严重"])
    assert got["units"]["u2"]["grade"] == "优秀"
    # head: (0.5*100 + 0.4*100) / 0.9 = 100, but 领导班子成员当年不评优
    cadres = got["cadres"]
    assert (cadres["h1"]["score"], cadres["h1"]["grade"]) == (100.0, "称职")
    assert cadres["l1"]["grade"] == "称职"
    assert (cadres["m1"]["grade"], cadres["s1"]["grade"]) == ("优秀", "优秀")
    assert cadres["h2"]["grade"] == "优秀"
    # effects: the unit's (level 1 = 不得评优) and the head's and leader's
    rows = sorted(
        (e.entity, int(e.index[j]), int(e.level[j]), str(e.column("source_id")[j]))
        for e in results.effects
        if e.rule == "serious_units"
        for j in range(len(e))
    )
    h1, l1 = (int(i) for i in (results.data.cadre_ids.tolist().index(c) for c in ("h1", "l1")))
    assert rows == sorted([("unit", 0, 1, "e1"), ("cadre", h1, 1, "e1"), ("cadre", l1, 1, "e1")])


def test_parameters_replace_the_reference_values() -> None:
    results = engine(
        scheme(serious_units={"criticisms": 3, "criticism_min_level": "市", "freeze_months": 6}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90)],
            [("h1", "u1", "head"), ("h2", "u2", "head")],
            criticisms=[
                crit("a", d(1, 5), "市", unit="u1"),
                crit("b", d(2, 5), "省", unit="u1"),
                crit("c", d(8, 31), "市", unit="u1"),  # the third at 市 or above
                crit("d", d(1, 5), "市", unit="u2"),
                crit("e", d(2, 5), "县", unit="u2"),  # 县 is below 市 now
                crit("f", d(3, 5), "市", unit="u2"),
            ],
        ),
    )
    assert serious(results) == {"u1"}
    # 2019-08-31 + 6 months = 2020-02-29 (clamped to the month's end)
    assert {w[:5] for w in windows(results)} == {
        ("h1", d(8, 31), d(2, 29, 2020), "criticisms", "c")
    }


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_serious_units")


@pytest.mark.parametrize(
    ("language", "said"),
    [("kaohe_english", "months of the promotion freeze"), ("kaohe_chinese", "不得提拔的月数")],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("serious_units")
    assert rule.text(rule.params["freeze_months"].doc) == said
