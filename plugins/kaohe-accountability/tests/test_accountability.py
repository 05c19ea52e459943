"""R9 accountability (问责), R10 一案双查 and R11 零问责, end to end on tiny data.

The table of handbook/rules.md R9 is typed again below (not imported from
the plugin) so that the plugin is checked against the handbook. Freeze
windows ``[date, date + months)`` keep the day, clamped to the month's end.
Year 2019, as_of 2019-12-31 unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import kaohe
from kaohe import Results
from kaohe.sdk import FOREVER
from kaohe.testing import (
    NO_CADRE_QUOTA,
    as_plain,
    assert_catalog_complete,
    d,
    data,
    engine,
    expo,
    registry,
    sanction,
    scheme,
    tol,
    v100,
)

# kaohe.vocab.EFFECT codes
NONE, NOT_EXCELLENT, UNDETERMINED, INCOMPETENT = 0, 1, 3, 4
INDEFINITE = "indefinite"

#: rules.md R9: type -> (grade effect in the year, later years, freeze months)
HANDBOOK = {
    "批评教育": (NONE, 0, 0),
    "诫勉": (NOT_EXCELLENT, 0, 6),
    "调离岗位": (NOT_EXCELLENT, 0, 12),
    "责令辞职": (UNDETERMINED, 0, 24),
    "免职": (UNDETERMINED, 0, 24),
    "降职": (UNDETERMINED, 0, 24),
    "政务警告": (NOT_EXCELLENT, 0, 6),
    "记过": (UNDETERMINED, 0, 12),
    "记大过": (UNDETERMINED, 1, 18),
    "降级": (UNDETERMINED, 1, 24),
    "撤职": (UNDETERMINED, 1, 24),
    "党内警告": (NOT_EXCELLENT, 0, 12),
    "严重警告": (UNDETERMINED, 0, 18),
    "撤销党内职务": (INCOMPETENT, 0, 24),
    "留党察看": (INCOMPETENT, 1, 36),
    "开除党籍": (INCOMPETENT, 2, INDEFINITE),
}

#: 2019-03-31 plus n months: the day is clamped to the month's end
PLUS = {
    6: d(9, 30),
    12: d(3, 31, 2020),
    18: d(9, 30, 2020),
    24: d(3, 31, 2021),
    36: d(3, 31, 2022),
}

R9_GRADING: dict[str, Any] = {
    "accountability": {},
    "cadre_score": {},
    "cadre_grading": NO_CADRE_QUOTA,
    "promotion_freeze": {},
}


def effects(results: Results, rule: str = "accountability") -> list[tuple[str, int, str]]:
    """(cadre_id, level, source_id) of the rule's cadre effects, sorted."""
    ids = results.data.cadre_ids
    return sorted(
        (str(ids[e.index[j]]), int(e.level[j]), str(e.column("source_id")[j]))
        for e in results.effects
        if e.rule == rule and e.entity == "cadre"
        for j in range(len(e))
    )


def windows(results: Results) -> list[tuple[Any, ...]]:
    """(cadre_id, start, end, source_id) of R9's windows; end ``indefinite`` when it never ends."""
    ids = results.data.cadre_ids
    found = []
    for block in results.freezes:
        if block.rule != "accountability":
            continue
        for j in range(len(block)):
            end = block.end[j]
            found.append(
                (
                    str(ids[block.cadre[j]]),
                    block.start[j].astype(dt.date),
                    INDEFINITE if end == FOREVER else end.astype(dt.date),
                    str(block.column("source_id")[j]),
                )
            )
    return sorted(found, key=lambda window: (window[0], window[1], str(window[2]), window[3]))


@pytest.mark.parametrize("kind", list(HANDBOOK))
def test_each_type_in_the_year_of_the_decision(kind: str) -> None:
    grade, _, months = HANDBOOK[kind]
    results = engine(
        scheme(accountability={}),
        data(
            [("u1", "乡镇", 90)],
            [("c1", "u1", "staff")],
            sanctions=[sanction("z", d(3, 31), "c1", kind)],
        ),
    )
    assert effects(results) == ([] if grade == NONE else [("c1", grade, "z")])
    if months == 0:
        assert windows(results) == []
    else:
        end = INDEFINITE if months == INDEFINITE else PLUS[months]
        assert windows(results) == [("c1", d(3, 31), end, "z")]


def test_grades_and_freezes_of_sanctioned_cadres() -> None:
    results = engine(
        scheme(**R9_GRADING),
        data(
            [("u1", "乡镇", 90)],
            [(f"a{i}", "u1", "staff") for i in range(1, 6)],
            votes=[v100(f"a{i}") for i in range(1, 6)],
            sanctions=[
                sanction("s1", d(3, 1), "a1", "批评教育"),
                sanction("s2", d(8, 31), "a2", "诫勉"),
                sanction("s3", d(1, 31), "a3", "记过"),
                sanction("s4", d(5, 15), "a4", "撤销党内职务"),
                # two sanctions: the heaviest grade effect, the latest end
                sanction("s5a", d(6, 30), "a5", "政务警告"),
                sanction("s5b", d(2, 1), "a5", "严重警告"),
            ],
        ),
    )
    got = as_plain(results)["cadres"]
    # every S = 100 (V = 100 alone)
    assert got["a1"]["grade"] == "优秀"  # no effect, no window
    # not 优秀; 08-31 + 6 months = 2020-02-29 (leap year)
    assert (got["a2"]["grade"], got["a2"]["frozen_until"]) == ("称职", d(2, 29, 2020))
    # 不定等次 keeps score and rank; 01-31 + 12 months = 2020-01-31
    assert (got["a3"]["grade"], got["a3"]["score"], got["a3"]["rank_in_unit"]) == (
        "不定等次",
        100.0,
        1,
    )
    assert got["a3"]["frozen_until"] == d(1, 31, 2020)
    assert (got["a4"]["grade"], got["a4"]["frozen_until"]) == ("不称职", d(5, 15, 2021))
    # 严重警告 (不定等次) over 政务警告; windows end 12-30 and 2020-08-01
    assert (got["a5"]["grade"], got["a5"]["frozen_until"]) == ("不定等次", d(8, 1, 2020))


def test_sanctions_of_earlier_and_later_years() -> None:
    results = engine(
        scheme(**R9_GRADING),
        data(
            [("u1", "乡镇", 90)],
            [(f"b{i}", "u1", "staff") for i in range(1, 7)],
            votes=[v100(f"b{i}") for i in range(1, 7)],
            sanctions=[
                sanction("t1", d(5, 1, 2018), "b1", "记大过"),  # later years 1
                sanction("t2", d(5, 1, 2017), "b2", "记大过"),  # two years before
                sanction("t3", d(3, 1, 2017), "b3", "开除党籍"),  # later years 2
                sanction("t4", d(6, 1, 2018), "b4", "留党察看"),  # 1: 不定等次, not 不称职
                sanction("t5", d(12, 31, 2018), "b5", "记过"),  # later years 0
                sanction("t6", d(1, 10, 2020), "b6", "撤职"),  # after the period
            ],
        ),
    )
    got = {c: (v["grade"], v["frozen_until"]) for c, v in as_plain(results)["cadres"].items()}
    assert got == {
        "b1": ("不定等次", None),  # window 2018-05-01 + 18 = 2019-11-01, ended
        "b2": ("优秀", None),
        "b3": ("不定等次", INDEFINITE),
        "b4": ("不定等次", d(6, 1, 2021)),  # 36 months
        # window ends 2019-12-31 = as_of, which [start, end) excludes
        "b5": ("优秀", None),
        # no grade effect; its window starts after as_of
        "b6": ("优秀", None),
    }
    assert ("b6", d(1, 10, 2020), d(1, 10, 2022), "t6") in windows(results)


def test_case_review_while_open() -> None:
    results = engine(
        scheme(**R9_GRADING),
        data(
            [("u1", "乡镇", 90)],
            [(f"r{i}", "u1", "staff") for i in range(1, 5)],
            votes=[v100(f"r{i}") for i in range(1, 5)],
            sanctions=[
                sanction("q1", d(10, 1, 2018), "r1", "立案审查"),  # open, opened last year
                sanction("q2", d(3, 1), "r2", "立案审查", closed_on=d(12, 31)),  # closed on as_of
                sanction("q3", d(5, 1), "r3", "立案审查", closed_on=d(1, 10, 2020)),
                sanction("q4", d(1, 1, 2017), "r4", "立案审查", closed_on=d(6, 1)),
            ],
        ),
    )
    got = {c: (v["grade"], v["frozen_until"]) for c, v in as_plain(results)["cadres"].items()}
    assert got == {
        "r1": ("不定等次", INDEFINITE),
        "r2": ("优秀", None),  # closed by as_of: 补定等次; window [03-01, 12-31)
        "r3": ("不定等次", d(1, 10, 2020)),
        "r4": ("优秀", None),
    }
    assert windows(results) == [
        ("r1", d(10, 1, 2018), INDEFINITE, "q1"),
        ("r2", d(3, 1), d(12, 31), "q2"),
        ("r3", d(5, 1), d(1, 10, 2020), "q3"),
        ("r4", d(1, 1, 2017), d(6, 1), "q4"),
    ]


def test_exempt_sanction_is_ignored_and_mitigated_sanction_unchanged() -> None:
    results = engine(
        scheme(**R9_GRADING, tolerance={}),
        data(
            [("u1", "乡镇", 90)],
            [("c1", "u1", "staff"), ("c2", "u1", "staff")],
            votes=[v100("c1"), v100("c2")],
            sanctions=[
                sanction("z1", d(3, 1), "c1", "记过"),
                sanction("z2", d(3, 1), "c2", "记过"),
            ],
            tolerances=[
                tol("t1", d(4, 1), "sanctions", "z1", "免责"),
                tol("t2", d(4, 1), "sanctions", "z2", "从轻"),
            ],
        ),
    )
    got = as_plain(results)["cadres"]
    assert (got["c1"]["grade"], got["c1"]["frozen_until"]) == ("优秀", None)
    assert (got["c2"]["grade"], got["c2"]["frozen_until"]) == ("不定等次", d(3, 1, 2020))
    assert effects(results) == [("c2", UNDETERMINED, "z2")]
    # the exemption is visible: a 0-point cadre row 容错免责
    shown = [
        (
            str(results.data.cadre_ids[b.index[j]]),
            str(b.column("source_id")[j]),
            float(b.points[0, j]),
            str(b.column("effect")[j]),
        )
        for b in results.adjustments
        if b.rule == "tolerance"
        for j in range(len(b))
    ]
    assert shown == [("c1", "z1", 0.0, "容错免责")]


def test_types_override_rows_of_the_table() -> None:
    results = engine(
        scheme(
            accountability={
                "types": {
                    "诫勉": {"grade": "不定等次", "freeze_months": 3},
                    "记过": {"later_years": 1},
                    "批评教育": {"freeze_months": "indefinite"},
                }
            }
        ),
        data(
            [("u1", "乡镇", 90)],
            [("c1", "u1", "staff"), ("c2", "u1", "staff"), ("c3", "u1", "staff")],
            sanctions=[
                sanction("z1", d(3, 31), "c1", "诫勉"),
                sanction("z2", d(6, 1, 2018), "c2", "记过"),
                sanction("z3", d(2, 1), "c3", "批评教育"),
            ],
        ),
    )
    # 诫勉: 不定等次, 03-31 + 3 months = 06-30; 记过 of 2018 now lasts a year;
    # 批评教育: still no grade effect, but an indefinite freeze
    assert effects(results) == [("c1", UNDETERMINED, "z1"), ("c2", UNDETERMINED, "z2")]
    assert windows(results) == [
        ("c1", d(3, 31), d(6, 30), "z1"),
        ("c2", d(6, 1, 2018), d(6, 1), "z2"),  # 记过 keeps its 12 months
        ("c3", d(2, 1), INDEFINITE, "z3"),
    ]


def test_bad_types_are_errors() -> None:
    units, cadres = [("u1", "乡镇", 90)], [("c1", "u1", "staff")]
    with pytest.raises(kaohe.DataError, match="unknown sanction type '警告'"):
        engine(
            scheme(accountability={}),
            data(units, cadres, sanctions=[sanction("z", d(3, 1), "c1", "警告")]),
        )
    with pytest.raises(kaohe.SchemeError, match=r"accountability\.types\.警告"):
        engine(scheme(accountability={"types": {"警告": {"grade": "无"}}}), data(units, cadres))
    with pytest.raises(kaohe.SchemeError, match=r"accountability\.types\.诫勉\.grade"):
        engine(scheme(accountability={"types": {"诫勉": {"grade": "较差"}}}), data(units, cadres))


# -- R10 一案双查 ---------------------------------------------------------------


def test_dual_investigation_derives_a_warning_talk_for_the_head() -> None:
    results = engine(
        scheme(accountability={}, dual_investigation={}, tolerance={}),
        data(
            [("u1", "乡镇", 90), ("u2", "乡镇", 90), ("u3", "乡镇", 90)],
            [
                ("h1", "u1", "head"),
                ("a1", "u1", "staff"),
                ("b1", "u1", "leader"),
                ("h2", "u2", "head"),
                ("a2", "u2", "staff"),
                ("a3", "u3", "staff"),
            ],
            sanctions=[
                # one case C1 in u1: one derived, dated at the earliest (04-01)
                sanction("s1", d(5, 1), "a1", "记过", case_id="C1"),
                sanction("s2", d(4, 1), "b1", "政务警告", case_id="C1"),
                # no case_id: its own, id dual:s4
                sanction("s4", d(7, 1), "a1", "免职"),
                # not qualifying
                sanction("s3", d(6, 1), "a1", "诫勉"),
                # out of period; exempt
                sanction("s8", d(3, 1, 2018), "a1", "记过"),
                sanction("s9", d(8, 1), "a1", "记过"),
                # the head's own sanction derives nothing
                sanction("s5", d(3, 1), "h2", "记过"),
                # the same case in another unit: that unit's head
                sanction("s7", d(3, 1), "a2", "降职", case_id="C1"),
                # a unit without a head derives nothing
                sanction("s6", d(3, 1), "a3", "撤职"),
            ],
            tolerances=[tol("t9", d(9, 1), "sanctions", "s9", "免责")],
        ),
    )
    derived = [w for w in windows(results) if w[3].startswith("dual:")]
    # 诫勉: 6 months
    assert derived == [
        ("h1", d(4, 1), d(10, 1), "dual:C1"),
        ("h1", d(7, 1), d(1, 1, 2020), "dual:s4"),
        ("h2", d(3, 1), d(9, 1), "dual:C1"),
    ]
    assert [e for e in effects(results) if e[2].startswith("dual:")] == [
        ("h1", NOT_EXCELLENT, "dual:C1"),
        ("h1", NOT_EXCELLENT, "dual:s4"),
        ("h2", NOT_EXCELLENT, "dual:C1"),
    ]


def test_dual_investigation_parameters() -> None:
    results = engine(
        scheme(
            accountability={},
            dual_investigation={"derived_type": "调离岗位", "qualifying": ["诫勉"]},
        ),
        data(
            [("u1", "乡镇", 90)],
            [("h1", "u1", "head"), ("a1", "u1", "staff")],
            sanctions=[
                sanction("s1", d(3, 31), "a1", "诫勉"),
                sanction("s2", d(4, 1), "a1", "记过"),  # no longer qualifying
            ],
        ),
    )
    # 调离岗位: not 优秀, 12 months
    assert [w for w in windows(results) if w[0] == "h1"] == [
        ("h1", d(3, 31), d(3, 31, 2020), "dual:s1")
    ]


# -- R11 零问责 -----------------------------------------------------------------


def test_zero_accountability() -> None:
    results = engine(
        scheme(accountability={}, zero_accountability={}, tolerance={}),
        data(
            [(f"u{i}", "乡镇", 90) for i in range(1, 7)],
            [
                ("h1", "u1", "head"),
                ("a1", "u1", "staff"),
                ("h2", "u2", "head"),
                ("a2", "u2", "staff"),
                ("h3", "u3", "head"),
                ("a3", "u3", "staff"),
                ("a4", "u4", "staff"),
                ("h5", "u5", "head"),
                ("h6", "u6", "head"),
                ("a6", "u6", "staff"),
            ],
            exposures=[
                expo("e1b", d(5, 1), "u1", "县"),
                expo("e1a", d(2, 1), "u1", "县"),
                expo("e2", d(2, 1), "u2", "市"),
                expo("e3", d(2, 1), "u3", "县"),
                expo("e4", d(2, 1), "u4", "县"),
                expo("e5", d(2, 1), "u5", "县"),
                expo("e6", d(2, 1), "u6", "县"),
            ],
            sanctions=[
                # u1: only sanctions that do not count: by a superior, a case
                # review, one of last year, an exempt one
                sanction("s1", d(3, 1), "a1", "记过", issuer="superior"),
                sanction("s2", d(3, 1), "a1", "立案审查"),
                sanction("s3", d(3, 1, 2018), "a1", "记过"),
                sanction("s4", d(3, 1), "a1", "诫勉"),
                # u2: its own sanction (issuer empty = self), even a light one
                sanction("s5", d(3, 1), "a2", "批评教育"),
                # u3: issuer self given explicitly
                sanction("s6", d(3, 1), "a3", "诫勉", issuer="self"),
            ],
            tolerances=[
                tol("t4", d(4, 1), "sanctions", "s4", "免责"),
                # u5: the exposure is exempt: no exposure counts
                tol("t5", d(4, 1), "exposures", "e5", "免责"),
            ],
        ),
    )
    flagged = {u for u, f in as_plain(results)["units"].items() if "零问责" in f["flags"]}
    # u4 has no head: flagged, nothing derived; u6: exposed, no sanction at all
    assert flagged == {"u1", "u4", "u6"}
    derived = [w for w in windows(results) if w[3].startswith("zero:")]
    # 调离岗位 dated at the first exposure: 12 months
    assert derived == [
        ("h1", d(2, 1), d(2, 1, 2020), "zero:u1"),
        ("h6", d(2, 1), d(2, 1, 2020), "zero:u6"),
    ]
    assert [e for e in effects(results) if e[2].startswith("zero:")] == [
        ("h1", NOT_EXCELLENT, "zero:u1"),
        ("h6", NOT_EXCELLENT, "zero:u6"),
    ]


@pytest.mark.parametrize("rule", ["dual_investigation", "zero_accountability"])
def test_derivations_need_accountability(rule: str) -> None:
    with pytest.raises(kaohe.RuleGraphError, match="needs rule 'accountability'"):
        engine(scheme(**{rule: {}}), data([("u1", "乡镇", 90)]))


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_accountability")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kaohe_english", "sanction derived for the head"),
        ("kaohe_chinese", "对单位主要负责人派生的问责处理"),
    ],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("dual_investigation")
    assert rule.text(rule.params["derived_type"].doc) == said
