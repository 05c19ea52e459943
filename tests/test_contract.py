"""The data contract document is made from the code that checks the data."""

from __future__ import annotations

from pathlib import Path

from kaohe.contract import markdown
from kaohe.tables import installed_tables
from kaohe.vocab import TOLERANCE_TARGET

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "data-contract.md"


def test_the_document_is_up_to_date() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == markdown(), (
        "run: python -m kaohe.contract > docs/data-contract.md"
    )


def test_every_table_and_column_is_documented() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    for name, spec in installed_tables().items():
        assert f"### `{name}`" in text
        for column in spec.columns:
            assert f"| `{column.name}`" in text


def test_every_accepted_spelling_of_a_value_is_documented() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    for spec in installed_tables().values():
        for column in spec.columns:
            if column.vocab is None:
                continue
            for alias, value in column.vocab.aliases.items():
                assert f"{value} (" in text
                assert alias in text
    assert "head (主要负责人, 主要負責人, 一把手), leader (班子成员, 班子成員)" in text
    assert "self (本单位, 本單位), superior (上级, 上級)" in text
    assert "Chinese names (of its file, sheet or database table): 督查问题, 督查問題." in text


def test_a_tolerance_names_the_tables_by_their_chinese_names_too() -> None:
    tables = installed_tables()
    for value in TOLERANCE_TARGET.values:
        spelled = {alias for alias, target in TOLERANCE_TARGET.aliases.items() if target == value}
        assert spelled == set(tables[value].aliases)
        assert TOLERANCE_TARGET.label(value) == tables[value].aliases[0]
