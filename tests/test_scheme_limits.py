"""Hostile schemes: names that are paths, numbers out of any range, nesting, inverted thresholds.

Each is a SchemeError naming the file and the key, never another exception.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.test_scheme import HEAD, load

from kaohe import OverrideError, SchemeError
from kaohe.nesting import MAX_DEPTH, deep_key, too_deep


def with_head(name: str = '"t"', year: str = "2019", extra: str = "") -> str:
    return HEAD.replace('name = "t"', f"name = {name}").replace("year = 2019", f"year = {year}") + (
        extra
    )


@pytest.mark.parametrize(
    "name",
    [
        '"../../escape"',
        '"/tmp/abs"',
        '"a/b"',
        '"a\\\\b"',
        '".hidden"',
        '"a..b"',
        '""',
        '"x" ',
        '"' + "x" * 65 + '"',
        '"trailing."',
        '"line\\nbreak"',
    ],
)
def test_a_scheme_name_is_never_a_path(tmp_path: Path, name: str) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(name=name) if name != '"x" ' else with_head(name="1"))
    assert error.value.key == "scheme.name"
    assert "without '/', '\\' or '..' (it names the result folder)" in str(error.value)


@pytest.mark.parametrize("name", ["county-2019", "县_2019", "a.b", "x"])
def test_ordinary_names_pass(tmp_path: Path, name: str) -> None:
    assert load(tmp_path, with_head(name=f'"{name}"')).name == name


@pytest.mark.parametrize(
    ("year", "shown"),
    [("99999", "99999"), ("2101", "2101"), ("1" + "0" * 399, "a whole number of about 400 digits")],
)
def test_a_year_out_of_range_names_the_key(tmp_path: Path, year: str, shown: str) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(year=year))
    assert error.value.key == "scheme.year"
    assert str(error.value).endswith(f"expected a whole number from 1949 to 2100, got {shown}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1" + "0" * 399, "a number >= 0 and <= 1e+06, got a whole number of about 400 digits"),
        ("1e300", "a number >= 0 and <= 1e+06, got 1e+300"),
        ("1000001", "a number >= 0 and <= 1e+06, got 1000001"),
    ],
)
def test_numbers_beyond_any_sensible_size_are_refused(
    tmp_path: Path, value: str, expected: str
) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(extra=f'[supervision]\nbasis = "b"\ncap = {value}\n'))
    assert error.value.key == "supervision.cap"
    assert str(error.value).endswith(f"expected {expected}")


def test_a_number_of_thousands_of_digits_is_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(extra=f'[supervision]\nbasis = "b"\ncap = {"9" * 5000}\n'))
    assert "expected valid TOML (Exceeds the limit" in str(error.value)


def test_months_of_a_freeze_are_bounded(tmp_path: Path) -> None:
    extra = '[serious_units]\nbasis = "b"\nfreeze_months = 1000000000000\n'
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(extra=extra))
    assert error.value.key == "serious_units.freeze_months"
    assert "expected a whole number from 0 to 1200, got 1000000000000" in str(error.value)


@pytest.mark.parametrize("depth", [11, 400, 5000])
def test_arrays_nested_deep_name_the_key(tmp_path: Path, depth: int) -> None:
    extra = f'[supervision]\nbasis = "b"\ntaxonomy = {"[" * depth}"x"{"]" * depth}\n'
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(extra=extra))
    assert error.value.key.startswith("supervision.taxonomy")
    assert f"a value nested at most {MAX_DEPTH} deep" in str(error.value)


def test_inline_tables_and_dotted_keys_nested_deep_are_refused(tmp_path: Path) -> None:
    inline = "{ a = " * 3000 + "1" + " }" * 3000
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(extra=f"[veto]\nbasis = 'b'\nx = {inline}\n"))
    assert error.value.key == "veto.x"
    dotted = "[veto]\nbasis = 'b'\n" + ".".join(["k"] * 5000) + " = 1\n"
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(extra=dotted))
    assert error.value.key == "veto" + ".k" * MAX_DEPTH
    assert f"a value nested at most {MAX_DEPTH} deep" in str(error.value)


def test_the_depth_scanner_skips_strings_and_comments() -> None:
    text = "a = \"[[[[[[[[[[[[\" # [[[[[[[[[[[[[[\n[t]\nb = [[['[[[[[[[[[']]]\nc = [[[[\n"
    assert deep_key(text, 3) == ("t.c", 4)
    assert deep_key(text, 4) is None
    assert too_deep({"a": {"b": [[1]]}}, 3) == "a.b[0][0]"
    assert too_deep({"a": {"b": [[1]]}}, 4) is None


UNIT = "[unit_grading]\nbasis = 'b'\nthresholds = {{ {} }}\n"
CADRE = "[cadre_score]\nbasis = 'b'\n[cadre_grading]\nbasis = 'b'\nthresholds = {{ {} }}\n"


@pytest.mark.parametrize(
    ("extra", "key", "pair"),
    [
        (UNIT.format('"优秀" = 70.0, "良好" = 80.0'), "unit_grading.thresholds.良好",
         "优秀 = 70 is below 良好 = 80"),
        (UNIT.format('"一般" = 85.0'), "unit_grading.thresholds.一般",
         "良好 = 80 is below 一般 = 85"),
        (CADRE.format('"优秀" = 60.0'), "cadre_grading.thresholds.称职",
         "优秀 = 60 is below 称职 = 70"),
        (CADRE.format('"基本称职" = 75.0'), "cadre_grading.thresholds.基本称职",
         "称职 = 70 is below 基本称职 = 75"),
    ],
)  # fmt: skip
def test_inverted_thresholds_are_refused(tmp_path: Path, extra: str, key: str, pair: str) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, with_head(extra=extra))
    assert error.value.key == key
    assert pair in str(error.value)


def test_equal_thresholds_pass(tmp_path: Path) -> None:
    scheme = load(tmp_path, with_head(extra=UNIT.format('"优秀" = 80.0, "良好" = 80.0')))
    assert scheme.param("unit_grading", "thresholds") == {"优秀": 80.0, "良好": 80.0, "一般": 60.0}


def test_an_override_that_inverts_thresholds_names_its_path(tmp_path: Path) -> None:
    scheme = load(tmp_path, with_head(extra=UNIT.format("")))
    with pytest.raises(OverrideError) as error:
        scheme.with_overrides({"unit_grading.thresholds.良好": 95.0})
    assert error.value.key == "unit_grading.thresholds.良好"
    assert "优秀 = 90 is below 良好 = 95" in str(error.value)


@pytest.mark.parametrize("as_of", ["9999-12-31", "2101-01-01"])
def test_an_as_of_after_2100_is_refused(tmp_path: Path, as_of: str) -> None:
    with pytest.raises(SchemeError) as error:
        load(tmp_path, HEAD.replace("year = 2019", f"year = 2019\nas_of = {as_of}"))
    assert error.value.key == "scheme.as_of"
    assert str(error.value).endswith(
        f"from 1900-01-01 to 2100-12-31, such as 2019-12-31, got {as_of}"
    )
    scheme = load(tmp_path, HEAD)
    with pytest.raises(SchemeError, match="a date from 2019-01-01 to 2100-12-31"):
        scheme.with_as_of(dt.date.fromisoformat(as_of))
