"""Shared fixtures: the example scheme, its data, and small builders."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.bridge import registry

import kaohe
from kaohe import i18n

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "schemes" / "county-2019.toml"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English, whatever the machine's locale (``chinese`` for Chinese).

    The environment says so too, as every ``kaohe`` command reads it afresh.
    """
    monkeypatch.setenv("LANGUAGE", "en")
    i18n.use("en")


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in Chinese, kaohe's default, whatever the machine's locale."""
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    i18n.use("zh_CN")


@pytest.fixture(scope="session")
def county_scheme() -> kaohe.Scheme:
    """The county-2019 reference scheme."""
    return kaohe.load_scheme(COUNTY, registry())


@pytest.fixture(scope="session")
def county_data(county_scheme: kaohe.Scheme) -> kaohe.Dataset:
    """The example data bundled with county-2019."""
    return kaohe.load_data(COUNTY.with_suffix(""), county_scheme)
