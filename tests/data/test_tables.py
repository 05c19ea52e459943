"""The data contract as code: tables, columns, aliases and their documentation."""

from __future__ import annotations

import opencc
import pytest

from kaohe import tables, vocab
from kaohe.table_spec import ColumnSpec
from kaohe.tables import TABLES, installed_tables
from kaohe_awards import AWARD_LEVEL

pytestmark = pytest.mark.filterwarnings("error")

CONVERTERS = [opencc.OpenCC(name).convert for name in ("s2t", "s2tw", "s2hk")]
T2S = opencc.OpenCC("t2s").convert


def test_every_table_of_data_md() -> None:
    """The core's tables, then those the reference plugins register (by distribution)."""
    assert list(TABLES) == [
        "units",
        "cadres",
        "votes",
        "supervision",
        "exposures",
        "criticisms",
        "interviews",
        "notices",
        "sanctions",
        "tolerances",
        "vetoes",
    ]
    assert tables.REQUIRED_TABLES == ("units", "cadres")
    every = installed_tables()
    assert list(every)[len(tables.TABLES) :] == [
        "attendance",  # kaohe-attendance
        "awards",  # kaohe-awards
        "exams",  # kaohe-exams
        "hotline",  # kaohe-hotline, the bureau's plugin
        "surveys",  # kaohe-satisfaction
        "targets",  # kaohe-targets
    ]
    assert tables.required_tables(every) == ("units", "cadres", "targets")
    ledger = [name for name, spec in every.items() if spec.ledger]
    assert ledger == [*list(tables.TABLES)[3:], "awards", "hotline"]
    assert [n for n, s in every.items() if s.one_target] == ["criticisms", "notices", "awards"]
    assert [n for n, s in every.items() if s.summed] == ["votes", "attendance"]
    assert not every["sanctions"].period_scored
    assert not every["tolerances"].period_scored
    assert every["notices"].date_column == "issued"


def test_headers_accept_traditional_spellings() -> None:
    for spec in installed_tables().values():
        for column in spec.columns:
            simplified = [a for a in column.aliases if T2S(a) == a]
            for alias in simplified:
                for convert in CONVERTERS:
                    assert spec.canonical(convert(alias)) == column.name, (spec.name, alias)
            for alias in column.aliases:
                assert T2S(alias) in simplified, (spec.name, alias)
            assert spec.canonical(f"  {column.name} ") == column.name
            # a byte order mark left where two exports were joined, a zero-width space
            assert spec.canonical(f"\ufeff{column.name}\u200b") == column.name


def test_vocabularies_accept_traditional_spellings() -> None:
    for vocabulary in (
        vocab.SEVERITY,
        vocab.EXPOSURE_LEVEL,
        vocab.ADMIN_LEVEL,
        AWARD_LEVEL,
        vocab.ROLE,
        vocab.SANCTION_TYPE,
        vocab.ISSUER,
        vocab.TOLERANCE_DECISION,
        vocab.EFFECT,
    ):
        for spelling, code in vocabulary.lookup().items():
            for convert in CONVERTERS:
                assert vocabulary.code(convert(spelling)) == code, (vocabulary.name, spelling)


def test_level_aliases_hold_in_every_level_column() -> None:
    for spec in installed_tables().values():
        if "level" in spec.names:
            level = spec.column("level").vocab
            assert level is not None
            assert level.code("区") == level.code("县")
            if "乡镇" in level.values:
                assert level.code("街道") == level.code("乡镇")


def test_every_alias_is_documented() -> None:
    doc = tables.__doc__ or ""
    for spec in installed_tables().values():
        if spec.name == "hotline":  # a bureau's table is documented by its plugin
            continue
        for column in spec.columns:
            assert f"``{column.name}``" in doc or column.name in doc, column.name
            if column.aliases:
                assert column.aliases[0] in doc, (spec.name, column.name)


def test_column_spec_rejects_inconsistent_definitions() -> None:
    with pytest.raises(ValueError, match="must be required"):
        ColumnSpec("n", "count")
    with pytest.raises(ValueError, match="vocabulary"):
        ColumnSpec("v", "vocab", required=True)
    with pytest.raises(ValueError, match="default"):
        ColumnSpec("v", "vocab", vocab=vocab.ISSUER, default="nobody")
