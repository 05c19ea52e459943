"""Scheme files: strict checking with errors that name the file, the key and what was expected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.bridge import registry

import kaohe
from kaohe import OverrideError, SchemeError, UnknownRuleError
from kaohe.plugins import Registry, get_plugin_manager

HEAD = """
[scheme]
name = "t"
title = "测试"
year = 2019
categories = ["乡镇"]

[targets]
basis = "文件依据"
indicators = { "目标" = 100 }
"""


def load(tmp_path: Path, text: str, the_registry: Registry | None = None) -> kaohe.Scheme:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return kaohe.load_scheme(path, the_registry or registry())


def test_county_scheme_reads_with_every_rule_and_its_basis(county_scheme: kaohe.Scheme) -> None:
    assert county_scheme.year == 2019
    assert county_scheme.as_of == dt.date(2019, 12, 31)
    assert county_scheme.categories == ("乡镇", "县级部门", "条管单位")
    assert county_scheme.param("satisfaction", "weight") == {
        "乡镇": 0.15,
        "县级部门": 0.20,
        "条管单位": 0.30,
    }
    assert set(county_scheme.enabled) >= {"targets", "supervision", "serious_units", "tolerance"}
    assert "逗硬执行督查督办考核扣分" in county_scheme.rules["supervision"].basis
    assert len(county_scheme.sha256 or "") == 64


def test_left_out_parameters_take_the_reference_values(tmp_path: Path) -> None:
    scheme = load(
        tmp_path, HEAD + '[supervision]\nbasis = "b"\nseverity_points = { "严重" = 3.0 }\n'
    )
    assert scheme.param("supervision", "severity_points") == {"一般": 0.5, "较重": 1.0, "严重": 3.0}
    assert scheme.param("supervision", "cap") == 10.0


@pytest.mark.parametrize(
    ("extra", "key", "expected"),
    [
        ('[supervision]\nbasis = "b"\ncap = "ten"\n', "supervision.cap", "a number >= 0"),
        ('[supervision]\nbasis = "b"\ncpa = 3\n', "supervision.cpa", "'cap' (unknown key 'cpa')"),
        (
            '[supervision]\nbasis = "b"\nseverity_points = { "很严重" = 3 }\n',
            "supervision.severity_points.很严重",
            "a key among 一般, 较重, 严重",
        ),
        (
            '[unit_grading]\nbasis = "b"\nexcellent_quota = 1.5\n',
            "unit_grading.excellent_quota",
            "<= 1",
        ),
        ("[supervision]\ncap = 3\n", "supervision.basis", "the legal basis (文件依据)"),
        ('[supervision]\nbasis = "b"\nenabled = "yes"\n', "supervision.enabled", "true or false"),
        (
            '[satisfaction]\nbasis = "b"\nweight = { "县级部门" = 0.2 }\n',
            "satisfaction.weight.县级部门",
            "a key among 乡镇",
        ),
        (
            '[serious_units]\nbasis = "b"\nfreeze_months = 1.5\n',
            "serious_units.freeze_months",
            "a whole number from 0 to 1200",
        ),
        (
            '[accountability]\nbasis = "b"\ntypes = { "诫勉" = { grade = "很重" } }\n',
            "accountability.types.诫勉.grade",
            'one of "无", "不得评优"',
        ),
        (
            '[supervision]\nbasis = "b"\ncap = nan\n',
            "supervision.cap",
            "a number >= 0",
        ),
    ],
)
def test_a_wrong_key_type_or_value_names_the_file_and_key(
    tmp_path: Path, extra: str, key: str, expected: str
) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, HEAD + extra)
    assert error.value.key == key
    assert str(tmp_path / "s.toml") in str(error.value)
    assert expected in str(error.value)


def test_malformed_toml_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match=r"s\.toml: expected valid TOML \(.*line 3"):
        load(tmp_path, '[scheme]\nname = "t"\ntitle = = 2\n')


def test_unquoted_chinese_keys_are_explained_as_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="valid TOML"):
        load(tmp_path, HEAD.replace('{ "目标" = 100 }', "{ 目标 = 100 }"))


def test_a_misspelt_rule_is_an_unknown_rule_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(UnknownRuleError, match="did you mean 'supervision'"):
        load(tmp_path, HEAD + '[supervison]\nbasis = "b"\n')


def test_a_rule_whose_plugin_is_missing_names_the_distribution_to_install(tmp_path: Path) -> None:
    bare = Registry.from_plugin_manager(get_plugin_manager(entry_points=False))
    head = HEAD.replace("year = 2019", 'year = 2019\nrequires = ["kaohe-targets"]')
    with pytest.raises(UnknownRuleError, match=r"requires kaohe-targets \(\[scheme\] requires\)"):
        load(tmp_path, head + '[supervision]\nbasis = "b"\n', bare)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (HEAD.replace('name = "t"\n', ""), "scheme.name"),
        (HEAD.replace("year = 2019", 'year = "2019"'), "scheme.year"),
        (HEAD.replace('categories = ["乡镇"]', "categories = []"), "scheme.categories"),
        (HEAD.replace("[targets]", "[targets]\nenabled = false"), "targets.enabled"),
        (HEAD[: HEAD.index("[targets]")], "targets"),
        (HEAD.replace("year = 2019", "year = 2019\nas_of = 2018-12-31"), "scheme.as_of"),
        (HEAD.replace("year = 2019", "year = 2019\nextra = 1"), "scheme.extra"),
        (HEAD.replace('{ "目标" = 100 }', '{ "目标" = 0 }'), "targets.indicators.目标"),
        (HEAD + "[unit_score]\n", "unit_score"),
    ],
)
def test_the_scheme_table_and_targets_are_checked(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, text)
    assert error.value.key == key


def test_level_aliases_are_accepted_in_scheme_keys(tmp_path: Path) -> None:
    scheme = load(
        tmp_path,
        HEAD
        + '[supervision]\nbasis = "b"\nexposure_points = { "区" = 1.5, "嚴重" = 1 }\n'.replace(
            ', "嚴重" = 1', ""
        )
        + '[serious_units]\nbasis = "b"\ncriticism_min_level = "区"\n',
    )
    assert scheme.param("supervision", "exposure_points")["县"] == 1.5
    assert scheme.param("serious_units", "criticism_min_level") == "县"


def test_a_disabled_rule_keeps_its_table_but_does_not_run(tmp_path: Path) -> None:
    scheme = load(tmp_path, HEAD + '[supervision]\nbasis = "b"\nenabled = false\n')
    assert "supervision" not in scheme.enabled
    assert scheme.rules["supervision"].enabled is False


def test_overrides_make_a_checked_variant_and_leave_the_original(
    county_scheme: kaohe.Scheme,
) -> None:
    variant = county_scheme.with_overrides({"satisfaction.weight.乡镇": 0.25, "supervision.cap": 8})
    assert variant.param("satisfaction", "weight")["乡镇"] == 0.25
    assert variant.param("supervision", "cap") == 8.0
    assert county_scheme.param("satisfaction", "weight")["乡镇"] == 0.15
    off = county_scheme.with_overrides({"awards.enabled": False})
    assert "awards" not in off.enabled
    assert off.structure_key() != county_scheme.structure_key()
    assert variant.structure_key() == county_scheme.structure_key()


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("satisfaction.weight.街道", 0.2, "an existing parameter"),
        ("supervision.capp", 3, "an existing parameter"),
        ("nosuchrule.cap", 3, "naming an installed rule"),
        ("supervision.cap", "high", "a number >= 0"),
        ("awards.enabled", "no", "true or false"),
    ],
)
def test_a_wrong_override_names_the_path(
    county_scheme: kaohe.Scheme, path: str, value: object, expected: str
) -> None:
    with pytest.raises(OverrideError, match=expected) as error:
        county_scheme.with_overrides({path: value})
    assert path.split(".")[0] in str(error.value)


def test_scheme_values_are_data_never_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    scheme = load(tmp_path, HEAD.replace('basis = "文件依据"', f"basis = {code!r}"))
    assert scheme.rules["targets"].basis == code
    assert not marker.exists()


def test_overriding_one_entry_of_a_table_keeps_the_others(county_scheme: kaohe.Scheme) -> None:
    numbers_only = county_scheme.with_overrides({"satisfaction.group_weights.企业": 1.0})
    mixed = county_scheme.with_overrides(
        {"satisfaction.group_weights.企业": 1.0, "awards.enabled": False}
    )
    expected = {"服务对象": 0.4, "企业": 1.0, "人大代表": 0.15, "政协委员": 0.15}
    assert numbers_only.param("satisfaction", "group_weights") == expected
    assert mixed.param("satisfaction", "group_weights") == expected
