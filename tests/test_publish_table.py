"""The optional [publish] table of a scheme: checked like every other key."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest
from tests.bridge import registry
from tests.conftest import COUNTY

from kaohe import Scheme
from kaohe.errors import SchemeError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib


def county(publish: Any) -> dict[str, Any]:
    document = tomllib.loads(COUNTY.read_text("utf-8"))
    if publish is None:
        document.pop("publish")
    else:
        document["publish"] = publish
    return document


def test_the_county_states_its_issuer() -> None:
    scheme = Scheme.from_dict(county({"office": " 县考核办 ", "date": dt.date(2020, 1, 15)}))
    assert scheme.publish is not None
    assert scheme.publish.office == "县考核办"
    assert scheme.publish.date == dt.date(2020, 1, 15)
    assert scheme.publish.notice_start is None
    assert Scheme.from_dict(county(None), registry()).publish is None


@pytest.mark.parametrize(
    ("publish", "key", "expected"),
    [
        ("县考核办", "publish", "a [publish] table with office"),
        ({}, "publish.office", "a non-empty string"),
        ({"office": ""}, "publish.office", "a non-empty string"),
        (
            {"office": "办", "offise": "x"},
            "publish.offise",
            "expected 'office' (unknown key 'offise')",
        ),
        ({"office": "办", "date": "2020-01-15"}, "publish.date", "a TOML date"),
        (
            {"office": "办", "notice_start": dt.date(2020, 1, 15)},
            "publish.notice_end",
            "both days of the 公示 period, or neither",
        ),
        (
            {
                "office": "办",
                "notice_start": dt.date(2020, 1, 15),
                "notice_end": dt.date(2020, 1, 1),
            },
            "publish.notice_end",
            "a date on or after 2020-01-15",
        ),
    ],
)
def test_a_bad_publish_table_is_named(publish: Any, key: str, expected: str) -> None:
    with pytest.raises(SchemeError) as error:
        Scheme.from_dict(county(publish), registry(), source="s.toml")
    assert error.value.key == key
    assert expected in str(error.value)
    assert str(error.value).startswith(f"s.toml: key '{key}'")
