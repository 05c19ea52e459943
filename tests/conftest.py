"""Shared fixtures: the example scheme, its data, and small builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.bridge import registry
from tests.ci import IN_CI
from tests.postgres import INSTALL, running_server, server_programs

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


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """The URL of a database on a PostgreSQL server started for this session.

    Skipped where PostgreSQL is not installed, except in CI (tox installs it).
    """
    programs = server_programs()
    if programs is None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is needed in CI and is not installed ({INSTALL})")
        pytest.skip(f"PostgreSQL is not installed (outside CI only; CI installs it: {INSTALL})")
    with running_server(*programs) as url:
        yield url
