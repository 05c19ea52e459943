"""R7 veto (一票否决), end to end on tiny data.

handbook/rules.md R7: a unit with a veto row in period is graded 较差
whatever its score, with flag ``一票否决``; its score is computed and
published as usual. R13 (reference values): 优秀 F >= 90 within
``quota(0.30, n)``, 较差 units get 约谈. Year 2019, as_of 2019-12-31.
"""

from __future__ import annotations

from kaohe import Results
from kaohe.testing import (
    NO_UNIT_QUOTA,
    as_plain,
    assert_catalog_complete,
    d,
    data,
    engine,
    scheme,
    sup,
    tol,
    veto,
)

VETO_LEVEL = 2  # kaohe.blocks.UNIT_EFFECT: 无, 不得评优, 一票否决


def veto_effects(results: Results) -> list[tuple[str, int, str, str]]:
    """(unit_id, level, source_table, source_id) of the veto rule's effects."""
    ids = results.data.unit_ids
    return sorted(
        (
            str(ids[e.index[j]]),
            int(e.level[j]),
            str(e.column("source_table")[j]),
            str(e.column("source_id")[j]),
        )
        for e in results.effects
        if e.rule == "veto"
        for j in range(len(e))
    )


def test_vetoed_unit_is_graded_lowest_and_keeps_its_score() -> None:
    results = engine(
        scheme(veto={}, supervision={}, unit_grading={}),
        data(
            [("u1", "乡镇", 95), ("u2", "乡镇", 93), ("u3", "乡镇", 92), ("u4", "乡镇", 70)],
            vetoes=[veto("v1", d(6, 1), "u1")],
            supervision=[sup("s1", d(3, 1), "u1", "一般")],
        ),
    )
    got = as_plain(results)["units"]
    # F = 95 - 0.5 = 94.5, published and ranked first, but 较差 (and 约谈 as 较差)
    assert got["u1"]["score"] == 94.5
    assert got["u1"]["rank"] == 1
    assert got["u1"]["grade"] == "较差"
    assert got["u1"]["flags"] == ["一票否决", "约谈"]
    # quota(0.30, 4) = floor(1.2) = 1: the vetoed unit counts in n and
    # takes no place, so u2 (93) gets it; u3 (92) falls to 良好
    assert (got["u2"]["grade"], got["u3"]["grade"]) == ("优秀", "良好")
    assert veto_effects(results) == [("u1", VETO_LEVEL, "vetoes", "v1")]
    # a veto has no points: no adjustment rows of its own
    assert [b for b in results.adjustments if b.rule == "veto"] == []


def test_vetoes_outside_the_period_do_not_count() -> None:
    results = engine(
        scheme(veto={}, unit_grading=NO_UNIT_QUOTA),
        data(
            [("u1", "乡镇", 95), ("u2", "乡镇", 95)],
            vetoes=[veto("v1", d(12, 31, 2018), "u1"), veto("v2", d(1, 1, 2020), "u2")],
        ),
    )
    got = as_plain(results)["units"]
    assert [got[u]["grade"] for u in ("u1", "u2")] == ["优秀", "优秀"]
    assert [got[u]["flags"] for u in ("u1", "u2")] == [["通报表扬"], ["通报表扬"]]
    assert veto_effects(results) == []


def test_several_vetoes_of_one_unit() -> None:
    results = engine(
        scheme(veto={}, unit_grading=NO_UNIT_QUOTA),
        data(
            [("u1", "乡镇", 50), ("u2", "乡镇", 95)],
            vetoes=[veto("v1", d(3, 1), "u1"), veto("v2", d(4, 1), "u1")],
        ),
    )
    got = as_plain(results)["units"]
    # already below 60: still 较差, flagged once
    assert (got["u1"]["grade"], got["u1"]["flags"]) == ("较差", ["一票否决", "约谈"])
    assert got["u2"]["flags"] == ["通报表扬"]
    assert veto_effects(results) == [
        ("u1", VETO_LEVEL, "vetoes", "v1"),
        ("u1", VETO_LEVEL, "vetoes", "v2"),
    ]


def test_exempt_veto_is_ignored_and_mitigated_veto_stays() -> None:
    results = engine(
        scheme(veto={}, tolerance={}, unit_grading=NO_UNIT_QUOTA),
        data(
            [("u1", "乡镇", 95), ("u2", "乡镇", 95), ("u3", "乡镇", 95)],
            vetoes=[veto("v1", d(3, 1), "u1"), veto("v2", d(3, 1), "u2")],
            tolerances=[
                tol("t1", d(4, 1), "vetoes", "v1", "免责"),
                tol("t2", d(4, 1), "vetoes", "v2", "从轻"),
            ],
        ),
    )
    got = as_plain(results)["units"]
    assert (got["u1"]["grade"], got["u1"]["flags"]) == ("优秀", ["通报表扬"])
    # 从轻 halves points; a veto has none, its effect stays
    assert (got["u2"]["grade"], got["u2"]["flags"]) == ("较差", ["一票否决", "约谈"])
    assert veto_effects(results) == [("u2", VETO_LEVEL, "vetoes", "v2")]


def test_flag_without_unit_grading() -> None:
    results = engine(
        scheme(veto={}), data([("u1", "乡镇", 95)], vetoes=[veto("v1", d(3, 1), "u1")])
    )
    got = as_plain(results)["units"]["u1"]
    assert (got["score"], got["grade"], got["flags"]) == (95.0, None, ["一票否决"])


def test_veto_rule_off_ignores_the_table() -> None:
    results = engine(
        scheme(unit_grading=NO_UNIT_QUOTA),
        data([("u1", "乡镇", 95)], vetoes=[veto("v1", d(3, 1), "u1")]),
    )
    assert "veto" not in results.plan.rules
    assert as_plain(results)["units"]["u1"]["grade"] == "优秀"


def test_every_message_has_its_chinese() -> None:
    """The rule's texts are Chinese documents: it marks no message, and so needs no catalog
    (a message marked later without one fails here)."""
    assert_catalog_complete("kaohe_veto")
