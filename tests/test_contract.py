"""The data contract document is made from the code that checks the data."""

from __future__ import annotations

from pathlib import Path

from kaohe.contract import markdown
from kaohe.tables import installed_tables

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
