"""Tables with no rows: a data-entry template left empty, ledgers with no records this year.

Every reference scheme (and the hotline plugin, which none enables) is scored
with its units, cadres, votes and targets as bundled and every ledger table
present with zero rows: no rule may crash on arrays of length 0, and an
empty ledger deducts nothing.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pytest
from click.testing import CliRunner
from tests.conftest import ROOT

import kaohe
from kaohe.cli import main
from kaohe.data import Dataset
from kaohe.data.dataset import Table
from kaohe.testing import REFERENCE_SCHEMES

HOTLINE = '\n[hotline]\nbasis = "12345 热线工单"\n'


def emptied(data: Dataset, *, ledgers_only: bool) -> Dataset:
    """``data`` with every ledger table (or every table) present and holding no rows."""

    def empty(table: Table) -> Table:
        if ledgers_only and not table.spec.ledger:
            return table
        columns = {name: values[:0] for name, values in table.columns.items()}
        return attrs.evolve(table, columns=columns, lines=table.lines[:0], present=True)

    tables = {name: empty(table) for name, table in data.tables.items()}
    if ledgers_only:
        return attrs.evolve(data, tables=tables)
    return attrs.evolve(
        data, tables=tables, unit_ids=data.unit_ids[:0], cadre_ids=data.cadre_ids[:0]
    )


def scheme_with_hotline(name: str, folder: Path) -> Path:
    path = folder / f"{name}.toml"
    path.write_text((ROOT / "schemes" / path.name).read_text(encoding="utf-8") + HOTLINE, "utf-8")
    return path


@pytest.mark.parametrize("name", REFERENCE_SCHEMES)
def test_every_rule_scores_empty_ledgers_without_deductions(name: str, tmp_path: Path) -> None:
    scheme = kaohe.load_scheme(scheme_with_hotline(name, tmp_path))
    full = kaohe.load_data(ROOT / "schemes" / name, scheme)
    data = emptied(full, ledgers_only=True)
    ledgers = [t for t in data.tables.values() if t.spec.ledger]
    assert ledgers
    assert all(t.present and len(t) == 0 for t in ledgers)
    results = kaohe.evaluate(scheme, data)
    assert results.units.ids.tolist() == full.unit_ids.tolist()
    assert not results.units.deductions[0].any()
    assert not np.isnan(results.units.score[0]).any()


@pytest.mark.parametrize("name", REFERENCE_SCHEMES)
def test_every_rule_scores_a_data_set_without_units(name: str, tmp_path: Path) -> None:
    scheme = kaohe.load_scheme(scheme_with_hotline(name, tmp_path))
    data = emptied(kaohe.load_data(ROOT / "schemes" / name, scheme), ledgers_only=False)
    results = kaohe.evaluate(scheme, data)
    assert results.units.score.shape == (1, 0)
    assert results.cadres.score.shape == (1, 0)


def test_an_empty_template_validates_as_an_empty_data_set(tmp_path: Path) -> None:
    scheme = str(ROOT / "schemes" / "county-2019.toml")
    book = str(tmp_path / "empty.xlsx")
    made = CliRunner().invoke(main, ["template", scheme, "--out", book])
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(main, ["validate", scheme, "--data", book])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{scheme}: ok (15 rules enabled)\n"
        f"{book}: ok (0 units, 0 cadres)\n"
        "absent tables (no records): attendance, hotline\n"
    )
    scored = CliRunner().invoke(
        main, ["score", scheme, "--data", book, "--out", str(tmp_path / "r")]
    )
    assert scored.exit_code == 0, scored.output
    assert (tmp_path / "r" / "units.csv").read_text(encoding="utf-8").count("\n") == 1
