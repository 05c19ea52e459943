"""Shared fixtures: the example scheme, its data, and small builders."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.bridge import registry

import kaohe

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "schemes" / "county-2019.toml"


@pytest.fixture(scope="session")
def county_scheme() -> kaohe.Scheme:
    """The county-2019 reference scheme."""
    return kaohe.load_scheme(COUNTY, registry())


@pytest.fixture(scope="session")
def county_data(county_scheme: kaohe.Scheme) -> kaohe.Dataset:
    """The example data bundled with county-2019."""
    return kaohe.load_data(COUNTY.with_suffix(""), county_scheme)
