"""R3 supervision deductions (督查督办扣分), end to end on tiny data.

Every expected number is worked out by hand from handbook/rules.md R3 with
the reference values: 一般 0.5, 较重 1.0, 严重 2.0; on time x 0.5; overdue
+1.0; exposure 县 1, 市 2, 省 3; mitigated x 0.5 on the whole p; cap 10.
Year 2019, as_of 2019-12-31 unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

import kaohe
from kaohe import Results
from kaohe.testing import (
    as_plain,
    assert_catalog_complete,
    columns,
    d,
    data,
    engine,
    expo,
    registry,
    rule_rows,
    scheme,
    sup,
    tol,
)


def rows(results: Results, rule: str, entity: str = "unit") -> list[tuple[Any, ...]]:
    """This rule's adjustment rows (see ``kaohe.testing.rule_rows``)."""
    return rule_rows(results, rule, entity)


def units(results: Results) -> dict[str, dict[str, Any]]:
    return as_plain(results)["units"]


def test_each_severity_is_one_negative_row() -> None:
    results = engine(
        scheme(supervision={}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90)],
            supervision=[
                sup("s1", d(3, 1), "u1", "一般"),
                sup("s2", d(3, 1), "u2", "较重"),
                sup("s3", d(3, 1), "u3", "严重"),
                sup("s4", d(4, 1), "u3", "一般"),
            ],
        ),
    )
    assert rows(results, "supervision") == [
        ("u1", "supervision", "s1", -0.5, "扣分"),  # 一般 0.5
        ("u2", "supervision", "s2", -1.0, "扣分"),  # 较重 1.0
        ("u3", "supervision", "s3", -2.0, "扣分"),  # 严重 2.0
        ("u3", "supervision", "s4", -0.5, "扣分"),  # 一般 0.5
    ]
    got = units(results)
    assert got["u1"]["deductions"] == 0.5
    assert got["u1"]["score"] == 89.5  # 90 - 0.5
    assert got["u2"]["score"] == 89.0  # 90 - 1
    assert got["u3"]["deductions"] == 2.5  # 2 + 0.5
    assert got["u3"]["score"] == 87.5


def test_deadline_and_rectification() -> None:
    results = engine(
        scheme(supervision={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 8)],
            supervision=[
                # rectified on the deadline day: on time, 2 * 0.5 = 1
                sup("a", d(3, 1), "u1", "严重", d(6, 30), d(6, 30)),
                # rectified one day late, deadline before as_of: 2 + 1 = 3
                sup("b", d(3, 1), "u2", "严重", d(6, 30), d(7, 1)),
                # never rectified, deadline before as_of: 2 + 1 = 3
                sup("c", d(3, 1), "u3", "严重", d(6, 30)),
                # deadline = as_of is not before it: 2
                sup("e", d(3, 1), "u4", "严重", d(12, 31)),
                # rectified but no deadline: neither on time nor overdue: 2
                sup("f", d(3, 1), "u5", "严重", None, d(4, 1)),
                # 较重 rectified early: 1 * 0.5 = 0.5
                sup("g", d(3, 1), "u6", "较重", d(6, 30), d(5, 1)),
                # 一般 overdue: 0.5 + 1 = 1.5
                sup("h", d(3, 1), "u7", "一般", d(1, 31, 2019)),
            ],
        ),
    )
    assert rows(results, "supervision") == [
        ("u1", "supervision", "a", -1.0, "扣分"),
        ("u2", "supervision", "b", -3.0, "扣分"),
        ("u3", "supervision", "c", -3.0, "扣分"),
        ("u4", "supervision", "e", -2.0, "扣分"),
        ("u5", "supervision", "f", -2.0, "扣分"),
        ("u6", "supervision", "g", -0.5, "扣分"),
        ("u7", "supervision", "h", -1.5, "扣分"),
    ]
    scores = {u: v["score"] for u, v in units(results).items()}
    assert scores == {
        "u1": 89.0,
        "u2": 87.0,
        "u3": 87.0,
        "u4": 88.0,
        "u5": 88.0,
        "u6": 89.5,
        "u7": 88.5,
    }


def test_deadline_after_an_early_as_of() -> None:
    results = engine(
        scheme(as_of=d(6, 30), supervision={}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90)],
            supervision=[
                # deadline 07-15 is after as_of 06-30: not overdue yet: 2
                sup("a", d(3, 1), "u1", "严重", d(7, 15)),
                # deadline 06-29 < as_of 06-30 and not rectified: 2 + 1 = 3
                sup("b", d(3, 1), "u2", "严重", d(6, 29)),
                # dated after as_of but in period: still counts: 0.5
                sup("c", d(11, 1), "u3", "一般"),
            ],
        ),
    )
    got = units(results)
    assert (got["u1"]["deductions"], got["u1"]["score"]) == (2.0, 88.0)
    assert (got["u2"]["deductions"], got["u2"]["score"]) == (3.0, 87.0)
    assert (got["u3"]["deductions"], got["u3"]["score"]) == (0.5, 89.5)


def test_exposures_per_level_and_rows_outside_the_period() -> None:
    results = engine(
        scheme(supervision={}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90), ("u4", "乡镇", 90)],
            exposures=[
                expo("x1", d(2, 1), "u1", "县"),
                expo("x2", d(2, 1), "u2", "市", cadre=None),
                expo("x3", d(2, 1), "u3", "省"),
                expo("x4", d(12, 31, 2018), "u4", "省"),  # the day before the period
                expo("x5", d(1, 1, 2020), "u4", "省"),  # the day after
            ],
            supervision=[
                sup("s1", d(12, 31, 2018), "u4", "严重"),
                sup("s2", d(1, 1, 2020), "u4", "严重"),
            ],
        ),
    )
    assert rows(results, "supervision") == [
        ("u1", "exposures", "x1", -1.0, "扣分"),  # 县 1
        ("u2", "exposures", "x2", -2.0, "扣分"),  # 市 2
        ("u3", "exposures", "x3", -3.0, "扣分"),  # 省 3
    ]
    got = units(results)
    assert [got[u]["score"] for u in ("u1", "u2", "u3", "u4")] == [89.0, 88.0, 87.0, 90.0]
    assert got["u4"]["deductions"] == 0.0


def test_cap_row_gives_back_exactly_the_excess() -> None:
    results = engine(
        scheme(supervision={}),
        data(
            [("u1", "乡镇", 95), ("u2", "乡镇", 95), ("u3", "乡镇", 95)],
            # u1: 5 x 严重 + 省 exposure = 10 + 3 = 13 -> D_sup 10, cap row +3
            supervision=[sup(f"a{i}", d(3, 1), "u1", "严重") for i in range(5)]
            # u2: 4 x 严重 + 2 x 一般 = 8 + 1 = 9 -> + 市 exposure 2 = 11 -> cap row +1
            + [sup(f"b{i}", d(3, 1), "u2", "严重") for i in range(4)]
            + [sup(f"c{i}", d(3, 1), "u2", "一般") for i in range(2)]
            # u3: exactly 10: the cap does not bite, no cap row
            + [sup(f"e{i}", d(3, 1), "u3", "严重") for i in range(5)],
            exposures=[expo("x1", d(4, 1), "u1", "省"), expo("x2", d(4, 1), "u2", "市")],
        ),
    )
    found = rows(results, "supervision")
    caps = [row for row in found if row[4] == "cap"]
    assert caps == [("u1", "", "", 3.0, "cap"), ("u2", "", "", 1.0, "cap")]
    # each source row is one row: 5 + 1 for u1, 6 + 1 for u2, 5 for u3
    assert len(found) - len(caps) == 18
    for unit in ("u1", "u2", "u3"):
        assert sum(row[3] for row in found if row[0] == unit) == pytest.approx(-10.0)
    got = units(results)
    assert [got[u]["deductions"] for u in ("u1", "u2", "u3")] == [10.0, 10.0, 10.0]
    assert [got[u]["score"] for u in ("u1", "u2", "u3")] == [85.0, 85.0, 85.0]


def test_mitigated_rows_halve_the_whole_p_and_exempt_rows_show_with_0() -> None:
    results = engine(
        scheme(supervision={}, tolerance={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 6)],
            supervision=[
                sup("s1", d(3, 1), "u1", "严重", d(6, 30)),  # overdue
                sup("s3", d(3, 1), "u3", "较重", d(6, 30), d(6, 1)),  # on time
                sup("s4", d(3, 1), "u4", "严重", d(6, 30)),  # overdue, exempt
            ],
            exposures=[expo("x2", d(3, 1), "u2", "市"), expo("x5", d(3, 1), "u5", "省")],
            tolerances=[
                tol("t1", d(7, 1), "supervision", "s1", "从轻"),
                tol("t2", d(7, 1), "exposures", "x2", "减轻"),
                tol("t3", d(7, 1), "supervision", "s3", "从轻"),
                tol("t4", d(7, 1), "supervision", "s4", "免责"),
                tol("t5", d(7, 1), "exposures", "x5", "免责"),
            ],
        ),
    )
    assert rows(results, "supervision") == [
        ("u1", "supervision", "s1", -1.5, "扣分"),  # (2 + 1) * 0.5, overdue point included
        ("u2", "exposures", "x2", -1.0, "扣分"),  # 市 2 * 0.5
        ("u3", "supervision", "s3", -0.25, "扣分"),  # 1 * 0.5 (on time) * 0.5 (mitigated)
    ]
    # the exempt rows are ignored, and visible with 0 points
    assert rows(results, "tolerance") == [
        ("u4", "supervision", "s4", 0.0, "容错免责"),
        ("u5", "exposures", "x5", 0.0, "容错免责"),
    ]
    got = units(results)
    assert [got[f"u{i}"]["score"] for i in range(1, 6)] == [88.5, 89.0, 89.75, 90.0, 90.0]


def test_parameters_replace_the_reference_values() -> None:
    results = engine(
        scheme(
            supervision={
                "severity_points": {"一般": 1.0},  # 较重, 严重 keep 1.0, 2.0
                "on_time_factor": 0.25,
                "overdue_points": 2.0,
                "exposure_points": {"县": 1.5},
                "cap": 3.0,
            }
        ),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90)],
            supervision=[
                sup("a", d(3, 1), "u1", "一般", d(6, 30)),  # 1 + 2 = 3
                sup("b", d(3, 1), "u2", "严重", d(6, 30), d(6, 1)),  # 2 * 0.25 = 0.5
            ],
            exposures=[
                expo("x1", d(3, 1), "u2", "县"),  # 1.5
                expo("x2", d(3, 1), "u3", "省"),  # 3 (reference)
                expo("x3", d(3, 1), "u3", "县"),  # 1.5 -> 4.5, cap 3 gives back 1.5
            ],
        ),
    )
    got = units(results)
    assert [got[u]["deductions"] for u in ("u1", "u2", "u3")] == [3.0, 2.0, 3.0]
    assert ("u3", "", "", 1.5, "cap") in rows(results, "supervision")


def test_unknown_problem_category_is_a_warning() -> None:
    the_scheme = kaohe.Scheme.from_dict(
        scheme(supervision={"taxonomy": ["不担当", "不认真"]}), registry()
    )
    findings = [sup(f"s{i}", d(3, 1), "u1", "一般") for i in range(1, 5)]
    for row, category in zip(findings, ["不担当", "其他", "其他", None], strict=True):
        row["category"] = category
    dataset = kaohe.data_from_columns(columns(data([("u1", "乡镇", 90)], supervision=findings)))
    warnings = [
        text
        for found in registry().manager.hook.kaohe_check_inputs(scheme=the_scheme, data=dataset)
        for text in found
    ]
    # one warning naming the unknown category and its count; empty categories pass
    assert len(warnings) == 1
    assert warnings[0].endswith("(不担当, 不认真): '其他' (2 rows: s2, s3)")
    assert "s1" not in warnings[0]
    assert "s4" not in warnings[0]
    # the scoring is unchanged: 4 x 0.5
    assert kaohe.evaluate(the_scheme, dataset).units.deductions[0, 0] == 2.0


def unknown_categories(count: int) -> list[str]:
    """The warnings of ``count`` findings of category 其他, outside the taxonomy 庸."""
    the_scheme = kaohe.Scheme.from_dict(scheme(supervision={"taxonomy": ["庸"]}), registry())
    findings = [sup(f"s{i}", d(3, 1), "u1", "一般") for i in range(1, count + 1)]
    for row in findings:
        row["category"] = "其他"
    dataset = kaohe.data_from_columns(columns(data([("u1", "乡镇", 90)], supervision=findings)))
    (found,) = registry().manager.hook.kaohe_check_inputs(scheme=the_scheme, data=dataset)
    return list(found)


def test_an_unknown_category_warning_names_five_rows_then_a_count() -> None:
    assert unknown_categories(8)[0].endswith("'其他' (8 rows: s1, s2, s3, s4, s5 and 3 more)")
    assert unknown_categories(1)[0].endswith(
        ": 问题类别 not in supervision.taxonomy (庸): '其他' (1 row: s1)"
    )


def test_the_warning_in_chinese(kaohe_chinese: None) -> None:
    (warning,) = unknown_categories(7)
    assert warning.endswith(
        ":问题类别不在 supervision.taxonomy(庸)之列:'其他'(7 条:s1, s2, s3, s4, s5,另有 2 条)"
    )


def test_the_parameters_described_in_chinese(kaohe_chinese: None) -> None:
    rule = registry().rule("supervision")
    assert rule.text(rule.params["on_time_factor"].doc) == "按期整改时扣分所乘的系数"


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_supervision")


def test_disabled_rule_and_plan() -> None:
    tables = data([("u1", "乡镇", 90)], supervision=[sup("s1", d(3, 1), "u1", "严重")])
    on = engine(scheme(supervision={}), tables)
    off = engine(scheme(supervision={"enabled": False}), tables)
    assert "supervision" in on.plan.rules
    assert "supervision" not in off.plan.rules
    assert units(on)["u1"]["score"] == 88.0
    assert units(off)["u1"]["score"] == 90.0
    assert rows(off, "supervision") == []
