"""R2 satisfaction weighting (满意度测评), end to end on tiny data.

handbook/rules.md R2: ``r_g = (1.0*satisfied + 0.6*basic + 0.0*unsatisfied)
/ responses`` (rows of one unit and group added first; 0 responses: the
group is absent); ``s = sum(w_g * r_g) / sum(w_g)`` over the groups present
(服务对象 0.4, 企业 0.3, 人大代表 0.15, 政协委员 0.15); ``C = (1 - w) * T +
w * 100 * s``; no survey: ``C = T`` and no rate (or an error).
"""

from __future__ import annotations

import pytest

import kaohe
from kaohe.testing import as_plain, assert_catalog_complete, data, engine, registry, scheme, survey

WEIGHTS = {"weight": {"乡镇": 0.2, "县级部门": 0.3}}


def test_group_rates_unit_rate_and_composite() -> None:
    results = engine(
        scheme(satisfaction=WEIGHTS),
        data(
            [("u1", "乡镇", 80), ("u2", "县级部门", 70), ("u3", "乡镇", 66)],
            surveys=[
                survey("u1", "服务对象", 6, 3, 1),
                # two rows of one group are added first: (5, 4, 1)
                survey("u1", "企业", 3, 1, 1),
                survey("u1", "企业", 2, 3, 0),
                # a group with 0 responses is absent (it does not weigh 0.4)
                survey("u2", "服务对象", 0, 0, 0),
                survey("u2", "人大代表", 5, 5, 0),
            ],
        ),
    )
    got = as_plain(results)["units"]
    # u1: r(服务对象) = (6 + 0.6*3) / 10 = 0.78; r(企业) = (5 + 0.6*4) / 10 = 0.74
    #     s = (0.4*0.78 + 0.3*0.74) / 0.7 = 0.534 / 0.7 = 0.762857...
    #     C = 0.8*80 + 0.2*100*s = 64 + 15.257142... = 79.257142... -> F 79.26
    assert got["u1"]["satisfaction"] == pytest.approx(0.534 / 0.7)
    assert got["u1"]["composite"] == pytest.approx(64 + 20 * 0.534 / 0.7)
    assert got["u1"]["score"] == 79.26
    # u2: s = 0.15*0.8 / 0.15 = 0.8; C = 0.7*70 + 0.3*80 = 49 + 24 = 73
    assert got["u2"]["satisfaction"] == pytest.approx(0.8)
    assert got["u2"]["score"] == 73.0
    # u3: no survey: C = T, no rate
    assert got["u3"]["satisfaction"] is None
    assert got["u3"]["composite"] == 66.0
    assert got["u3"]["score"] == 66.0


def test_no_survey_error_policy() -> None:
    tables = data([("u1", "乡镇", 80), ("u2", "乡镇", 70)], surveys=[survey("u1", "企业", 1, 0, 0)])
    with pytest.raises(kaohe.DataError, match="'u2' has no survey responses"):
        engine(scheme(satisfaction={**WEIGHTS, "no_survey": "error"}), tables)


def test_group_without_a_weight_is_an_error() -> None:
    with pytest.raises(kaohe.DataError, match="'商户'") as caught:
        engine(
            scheme(satisfaction=WEIGHTS),
            data([("u1", "乡镇", 80)], surveys=[survey("u1", "商户", 1, 0, 0)]),
        )
    assert caught.value.column == "group"


def test_default_weight_and_a_category_without_any_weight() -> None:
    tables = data(
        [("u1", "乡镇", 40), ("u2", "县级部门", 50)],
        surveys=[survey("u1", "企业", 0, 10, 0), survey("u2", "企业", 10, 0, 0)],
    )
    results = engine(scheme(satisfaction={"weight": {"乡镇": 0.5}, "default_weight": 0.1}), tables)
    got = as_plain(results)["units"]
    # u1 (乡镇, w 0.5): s = 0.6; C = 0.5*40 + 0.5*60 = 50
    assert got["u1"]["score"] == 50.0
    # u2 (县级部门, default w 0.1): s = 1; C = 0.9*50 + 0.1*100 = 55
    assert got["u2"]["score"] == 55.0
    with pytest.raises(kaohe.SchemeError, match=r"satisfaction\.weight\.县级部门"):
        engine(scheme(satisfaction={"weight": {"乡镇": 0.5}}), tables)


def test_parameters_replace_the_reference_values() -> None:
    results = engine(
        scheme(
            satisfaction={
                "weight": {"乡镇": 0.5, "县级部门": 0.0},
                "group_weights": {"服务对象": 1.0, "企业": 3.0},
                "response_values": {"basic": 0.5},
            }
        ),
        data(
            [("u1", "乡镇", 60), ("u2", "县级部门", 60)],
            surveys=[
                survey("u1", "服务对象", 10, 0, 0),  # r = 1
                survey("u1", "企业", 0, 4, 4),  # r = 0.5*4 / 8 = 0.25
                survey("u2", "企业", 10, 0, 0),
            ],
        ),
    )
    got = as_plain(results)["units"]
    # u1: s = (1*1 + 3*0.25) / 4 = 0.4375; C = 0.5*60 + 0.5*43.75 = 51.875 -> 51.88
    assert got["u1"]["satisfaction"] == pytest.approx(0.4375)
    assert got["u1"]["score"] == 51.88
    # u2: w = 0: C = T, but s is still reported (the R13 tie-break uses it)
    assert got["u2"]["satisfaction"] == 1.0
    assert got["u2"]["score"] == 60.0


def test_group_weights_must_be_positive() -> None:
    with pytest.raises(kaohe.SchemeError, match=r"satisfaction\.group_weights\.企业"):
        engine(
            scheme(satisfaction={**WEIGHTS, "group_weights": {"服务对象": 0.4, "企业": 0.0}}),
            data([("u1", "乡镇", 80)]),
        )


def test_satisfaction_writes_no_adjustment_rows() -> None:
    results = engine(
        scheme(satisfaction=WEIGHTS),
        data([("u1", "乡镇", 80)], surveys=[survey("u1", "企业", 1, 0, 0)]),
    )
    assert "satisfaction" in results.plan.rules
    assert [block for block in results.adjustments if block.rule == "satisfaction"] == []
    # C = 0.8*80 + 0.2*100 = 84: a composite, not a bonus
    got = as_plain(results)["units"]["u1"]
    assert (got["composite"], got["bonus"], got["score"]) == (84.0, 0.0, 84.0)


# -- its messages: Chinese first, English on request ---------------------------------


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_satisfaction")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kaohe_english", "weight of each survey group (> 0)"),
        ("kaohe_chinese", "各测评群体的权重(> 0)"),
    ],
)
def test_a_parameter_is_described_in_the_language_of_kaohe(
    language: str, said: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(language)
    rule = registry().rule("satisfaction")
    assert rule.text(rule.params["group_weights"].doc) == said


def test_no_survey_error_in_chinese(kaohe_chinese: None) -> None:
    tables = data([("u1", "乡镇", 80), ("u2", "乡镇", 70)], surveys=[survey("u1", "企业", 1, 0, 0)])
    with pytest.raises(kaohe.DataError) as caught:
        engine(scheme(satisfaction={**WEIGHTS, "no_survey": "error"}), tables)
    assert str(caught.value).endswith(
        "单位 'u2' 没有满意度测评答卷(satisfaction.no_survey = \"error\")"
    )
