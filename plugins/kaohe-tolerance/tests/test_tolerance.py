"""R12 fault tolerance (容错纠错), end to end on tiny data.

handbook/rules.md R12: a tolerance row must name an existing row, else it is
an error whatever its date; it applies when dated on or before ``as_of``.
免责: the row is ignored by every rule and shown with 0 points and effect
容错免责. 从轻/减轻: the row's points x 0.5, its other effects stay; a
mitigated sanction is unchanged. Several decisions on one row: the
strongest governs (免责 over 从轻 = 减轻) and the factor applies once.
Year 2019, as_of 2019-12-31; R3 reference points (严重 2, 省 exposure 3).
"""

from __future__ import annotations

from typing import Any

import pytest

import kaohe
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
    rule_rows,
    sanction,
    scheme,
    sup,
    talk,
    tol,
    v100,
    veto,
)


def rows(results: Results, rule: str, entity: str = "unit") -> list[tuple[Any, ...]]:
    """This rule's adjustment rows (see ``kaohe.testing.rule_rows``)."""
    return rule_rows(results, rule, entity, note=True)


def deductions(results: Results) -> dict[str, float]:
    return {u: v["deductions"] for u, v in as_plain(results)["units"].items()}


def test_decisions_on_one_row_and_their_dates() -> None:
    results = engine(
        scheme(supervision={}, tolerance={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 8)],
            supervision=[sup(f"s{i}", d(3, 1), f"u{i}", "严重") for i in range(1, 8)],
            tolerances=[
                tol("t1", d(7, 1), "supervision", "s1", "从轻"),
                tol("t2", d(7, 1), "supervision", "s2", "减轻"),
                tol("t3a", d(7, 1), "supervision", "s3", "从轻"),
                tol("t3b", d(8, 1), "supervision", "s3", "减轻"),
                tol("t4", d(7, 1), "supervision", "s4", "免责"),
                tol("t5a", d(7, 1), "supervision", "s5", "从轻"),
                tol("t5b", d(8, 1), "supervision", "s5", "免责"),
                tol("t6", d(1, 5, 2020), "supervision", "s6", "免责"),
                tol("t7", d(12, 31), "supervision", "s7", "免责"),
            ],
        ),
    )
    assert deductions(results) == {
        "u1": 1.0,  # 从轻: 2 * 0.5
        "u2": 1.0,  # 减轻: 2 * 0.5
        "u3": 1.0,  # 从轻 and 减轻: the factor applies once, not 2 * 0.25
        "u4": 0.0,  # 免责
        "u5": 0.0,  # 从轻 and 免责: 免责 governs
        "u6": 2.0,  # dated after as_of: does not apply
        "u7": 0.0,  # dated on as_of: applies
    }
    # the exempt rows are shown with 0 points, naming the deciding tolerance
    assert rows(results, "tolerance") == [
        ("u4", "supervision", "s4", 0.0, "容错免责", "容错纠错免责 t4"),
        ("u5", "supervision", "s5", 0.0, "容错免责", "容错纠错免责 t5b"),
        ("u7", "supervision", "s7", 0.0, "容错免责", "容错纠错免责 t7"),
    ]
    notes = {row[2]: row[5] for row in rows(results, "supervision")}
    assert notes["s1"].endswith("容错减半 t1")
    assert notes["s6"] == "严重"


def test_exempt_rows_of_every_table_are_shown_on_their_target() -> None:
    results = engine(
        scheme(
            supervision={},
            criticism={},
            rectification={},
            veto={},
            accountability={},
            tolerance={},
        ),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90)],
            [("c1", "u1", "staff"), ("c2", "u2", "staff")],
            supervision=[sup("s1", d(2, 1), "u2", "严重")],
            exposures=[expo("e1", d(2, 1), "u1", "省", cadre="c1")],
            criticisms=[
                crit("k1", d(2, 1), "县", cadre="c2"),
                crit("k2", d(2, 1), "市", unit="u1"),
            ],
            interviews=[talk("i1", d(2, 1), "u2")],
            notices=[
                notice("n1", d(2, 1), d(3, 1), level="省", cadre="c1"),
                notice("n2", d(2, 1), d(3, 1), level="省", unit="u2"),
            ],
            vetoes=[veto("v1", d(2, 1), "u2")],
            sanctions=[
                sanction("z1", d(3, 1), "c1", "记过"),
                sanction("z0", d(3, 1, 2018), "c2", "记大过"),
            ],
            tolerances=[
                tol(f"t{i}", d(5, 1), table, ref, "免责")
                for i, (table, ref) in enumerate(
                    [
                        ("supervision", "s1"),
                        ("exposures", "e1"),
                        ("criticisms", "k1"),
                        ("criticisms", "k2"),
                        ("interviews", "i1"),
                        ("notices", "n1"),
                        ("notices", "n2"),
                        ("vetoes", "v1"),
                        ("sanctions", "z1"),
                        ("sanctions", "z0"),
                    ]
                )
            ],
        ),
    )
    shown_units = [row[:5] for row in rows(results, "tolerance")]
    shown_cadres = [row[:5] for row in rows(results, "tolerance", "cadre")]
    assert shown_units == [
        ("u1", "criticisms", "k2", 0.0, "容错免责"),
        ("u1", "exposures", "e1", 0.0, "容错免责"),  # a unit's exposure naming a cadre
        ("u2", "interviews", "i1", 0.0, "容错免责"),
        ("u2", "notices", "n2", 0.0, "容错免责"),
        ("u2", "supervision", "s1", 0.0, "容错免责"),
        ("u2", "vetoes", "v1", 0.0, "容错免责"),
    ]
    # a sanction of an earlier year is shown too: sanctions reach across years
    assert shown_cadres == [
        ("c1", "notices", "n1", 0.0, "容错免责"),
        ("c1", "sanctions", "z1", 0.0, "容错免责"),
        ("c2", "criticisms", "k1", 0.0, "容错免责"),
        ("c2", "sanctions", "z0", 0.0, "容错免责"),
    ]
    # ignored by every rule: no points, no effects, no windows, no veto
    assert deductions(results) == {"u1": 0.0, "u2": 0.0}
    assert as_plain(results)["units"]["u2"]["flags"] == []
    assert [e for e in results.effects if len(e)] == []
    assert [f for f in results.freezes if len(f)] == []


def test_exempt_rows_outside_the_period_are_not_shown() -> None:
    results = engine(
        scheme(supervision={}, tolerance={}),
        data(
            [("u1", "乡镇", 90)],
            supervision=[sup("s1", d(12, 31, 2018), "u1", "严重")],
            tolerances=[tol("t1", d(3, 1), "supervision", "s1", "免责")],
        ),
    )
    assert rows(results, "tolerance") == []
    assert deductions(results) == {"u1": 0.0}


def test_mitigated_rows_keep_their_other_effects() -> None:
    results = engine(
        scheme(
            criticism={},
            accountability={},
            tolerance={},
            unit_grading=NO_UNIT_QUOTA,
            cadre_score={},
            cadre_grading=NO_CADRE_QUOTA,
        ),
        data(
            [("u1", "乡镇", 95), ("u2", "乡镇", 95)],
            [("c1", "u1", "staff"), ("c2", "u1", "staff")],
            criticisms=[crit("k1", d(2, 1), "省", unit="u1")],
            sanctions=[sanction("z1", d(2, 1), "c1", "诫勉")],
            votes=[v100("c1"), v100("c2")],
            tolerances=[
                tol("t1", d(3, 1), "criticisms", "k1", "从轻"),
                tol("t2", d(3, 1), "sanctions", "z1", "减轻"),
            ],
        ),
    )
    got = as_plain(results)
    # 省 3 * 0.5 = 1.5; still a criticism: not 优秀
    assert (got["units"]["u1"]["score"], got["units"]["u1"]["grade"]) == (93.5, "良好")
    # a mitigated sanction is unchanged: 诫勉 keeps not-优秀 and 6 months
    assert (got["cadres"]["c1"]["grade"], got["cadres"]["c2"]["grade"]) == ("称职", "优秀")
    windows = [
        (str(b.column("source_id")[j]), str(b.end[j]))
        for b in results.freezes
        for j in range(len(b))
    ]
    assert windows == [("z1", "2019-08-01")]
    assert rows(results, "tolerance") == []


def test_mitigation_factor_parameter() -> None:
    results = engine(
        scheme(supervision={}, tolerance={"mitigation_factor": 0.25}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90)],
            supervision=[sup("s1", d(3, 1), "u1", "严重", d(6, 30))],
            exposures=[expo("e2", d(3, 1), "u2", "省")],
            tolerances=[
                tol("t1", d(7, 1), "supervision", "s1", "从轻"),
                tol("t2", d(7, 1), "exposures", "e2", "减轻"),
            ],
        ),
    )
    # overdue 严重: (2 + 1) * 0.25 = 0.75; 省 exposure: 3 * 0.25 = 0.75
    assert deductions(results) == {"u1": 0.75, "u2": 0.75}


def test_tolerance_must_name_an_existing_row_whatever_its_date() -> None:
    units = [("u1", "乡镇", 90)]
    for date in (d(3, 1), d(3, 1, 2020)):
        with pytest.raises(kaohe.DataError, match="has no id 'nope'") as caught:
            engine(
                scheme(supervision={}, tolerance={}),
                data(
                    units,
                    supervision=[sup("s1", d(3, 1), "u1", "一般")],
                    tolerances=[tol("t1", date, "supervision", "nope", "免责")],
                ),
            )
        assert caught.value.column == "ref_id"


def test_without_the_rule_decisions_do_nothing() -> None:
    results = engine(
        scheme(supervision={}),
        data(
            [("u1", "乡镇", 90)],
            supervision=[sup("s1", d(3, 1), "u1", "严重")],
            tolerances=[tol("t1", d(7, 1), "supervision", "s1", "免责")],
        ),
    )
    assert "tolerance" not in results.plan.rules
    assert deductions(results) == {"u1": 2.0}
    assert rows(results, "tolerance") == []


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_tolerance")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kaohe_english", "multiplier of a mitigated row's points"),
        ("kaohe_chinese", "从轻或减轻处理的记录扣分所乘的系数"),
    ],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("tolerance")
    assert rule.text(rule.params["mitigation_factor"].doc) == said
