"""R1 targets (目标任务), end to end on tiny data.

handbook/rules.md R1: ``T = 100 * sum(score_i) / sum(max_i)`` over the
scheme's indicators. A score outside ``0..max``, a duplicate (unit,
indicator), an unknown indicator or a missing row is an error naming the
row (unless ``missing = "zero"``). R1 is in every scheme and cannot be
switched off.
"""

from __future__ import annotations

from typing import Any

import pytest

import kaohe
from kaohe.testing import as_plain, assert_catalog_complete, data, engine, registry, scheme

INDICATORS = {"经济发展": 20.0, "党的建设": 30.0}  # sum of maxima 50


def target(unit: str, indicator: str, score: float) -> dict[str, Any]:
    return {"unit_id": unit, "indicator": indicator, "score": score}


def test_target_score_is_weighted_by_the_maxima() -> None:
    results = engine(
        scheme(indicators=INDICATORS),
        data(
            [("u1", "乡镇", 0), ("u2", "乡镇", 0), ("u3", "乡镇", 0)],
            targets=[
                target("u1", "经济发展", 15.0),
                target("u1", "党的建设", 24.0),
                target("u2", "经济发展", 20.0),  # both at their maximum
                target("u2", "党的建设", 30.0),
                target("u3", "经济发展", 0.0),  # both at 0
                target("u3", "党的建设", 0.0),
            ],
        ),
    )
    got = as_plain(results)["units"]
    # u1: 100 * (15 + 24) / (20 + 30) = 3900 / 50 = 78
    # (an unweighted mean of the rates 75% and 80% would give 77.5)
    assert got["u1"]["target_score"] == pytest.approx(78.0)
    assert got["u1"]["score"] == 78.0
    assert got["u2"]["score"] == 100.0  # 100 * 50 / 50
    assert got["u3"]["score"] == 0.0
    # without other rules C = T and F = round2(T)
    assert got["u1"]["composite"] == pytest.approx(78.0)


def test_unrounded_target_and_rounded_score() -> None:
    results = engine(
        scheme(indicators={"A": 3.0}),
        data([("u1", "乡镇", 0)], targets=[target("u1", "A", 2.0)]),
    )
    got = as_plain(results)["units"]["u1"]
    # T = 100 * 2 / 3 = 66.666...; only F is rounded: 66.67
    assert got["target_score"] == pytest.approx(200 / 3)
    assert got["score"] == 66.67


@pytest.mark.parametrize(
    ("rows", "column", "words"),
    [
        ([target("u1", "经济发展", 20.5), target("u1", "党的建设", 1.0)], "score", "outside 0..20"),
        ([target("u1", "经济发展", -0.5), target("u1", "党的建设", 1.0)], "score", "outside 0..20"),
        ([target("u1", "经济发展", 1.0), target("u1", "民生", 1.0)], "indicator", "'民生'"),
    ],
    ids=["above-max", "negative", "unknown-indicator"],
)
def test_bad_rows_are_errors_naming_the_row(
    rows: list[dict[str, Any]], column: str, words: str
) -> None:
    with pytest.raises(kaohe.DataError) as caught:
        engine(scheme(indicators=INDICATORS), data([("u1", "乡镇", 0)], targets=rows))
    assert caught.value.column == column
    assert words in str(caught.value)
    assert caught.value.row is not None


def test_duplicate_row_is_an_error() -> None:
    rows = [
        target("u1", "经济发展", 1.0),
        target("u1", "经济发展", 2.0),
        target("u1", "党的建设", 1.0),
    ]
    with pytest.raises(kaohe.DataError, match="duplicate") as caught:
        engine(scheme(indicators=INDICATORS), data([("u1", "乡镇", 0)], targets=rows))
    assert caught.value.row is not None


def test_missing_row_is_an_error_or_zero() -> None:
    rows = [target("u1", "经济发展", 15.0)]
    with pytest.raises(kaohe.DataError, match="no row for unit 'u1' and indicator '党的建设'"):
        engine(scheme(indicators=INDICATORS), data([("u1", "乡镇", 0)], targets=rows))
    results = engine(
        scheme(indicators=INDICATORS, missing="zero"), data([("u1", "乡镇", 0)], targets=rows)
    )
    # the missing 党的建设 counts 0: 100 * 15 / 50 = 30
    assert as_plain(results)["units"]["u1"]["score"] == 30.0


def test_targets_cannot_be_switched_off() -> None:
    doc = scheme()
    doc["targets"]["enabled"] = False
    with pytest.raises(kaohe.SchemeError, match="cannot be switched off"):
        engine(doc, data([("u1", "乡镇", 90)]))
    doc = scheme()
    del doc["targets"]
    with pytest.raises(kaohe.SchemeError, match=r"\[targets\]"):
        engine(doc, data([("u1", "乡镇", 90)]))


def test_indicator_maxima_must_be_positive() -> None:
    with pytest.raises(kaohe.SchemeError, match=r"targets\.indicators"):
        engine(scheme(indicators={"A": 0.0}), data([("u1", "乡镇", 0)], targets=[]))


def test_targets_run_in_every_scheme() -> None:
    results = engine(scheme(), data([("u1", "乡镇", 90)]))
    # the minimal scheme runs R1 and the kernel's unit score, nothing else
    assert results.plan.rules == ("targets", "unit_score")


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_targets")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kaohe_english", "a missing (unit, indicator) row"),
        ("kaohe_chinese", "缺少某单位某指标的行时如何处理"),
    ],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("targets")
    assert rule.text(rule.params["missing"].doc) == said


def test_a_missing_row_in_english_and_in_chinese(request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("kaohe_english")
    tables = data([("u1", "乡镇", 0)], targets=[target("u1", "经济发展", 15.0)])
    with pytest.raises(kaohe.DataError) as caught:
        engine(scheme(indicators=INDICATORS), tables)
    assert str(caught.value).endswith(
        "no row for unit 'u1' and indicator '党的建设' (1 (unit, indicator) row missing; every "
        'unit needs one row per indicator, or set targets.missing = "zero")'
    )
    request.getfixturevalue("kaohe_chinese")
    with pytest.raises(kaohe.DataError) as caught:
        engine(scheme(indicators=INDICATORS), tables)
    assert str(caught.value).endswith(
        "缺少单位 'u1' 指标 '党的建设' 的行(共缺 1 行;每个单位每个指标都要有一行,"
        '或设 targets.missing = "zero")'
    )
