"""The data contract as a document, made from the tables of the core and the plugins.

Other systems write kaohe's input tables and read its result files, so the
names are a public interface. This module renders that interface from the
code that enforces it, so the document cannot drift from the checks
(a test compares the file with :func:`markdown`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .tables import required_tables
from .tables_out import ADJUSTMENT_COLUMNS, CADRE_COLUMNS, FREEZE_COLUMNS, UNIT_COLUMNS

KIND_TEXT = {
    "id": "id (text without `:`)",
    "text": "text",
    "date": "date (`2019-03-12`, `2019/3/12`, `2019.3.12`, `2019年3月12日`, Excel date)",
    "count": "count (whole number >= 0)",
    "score": "number",
    "bool": "true/false/1/0/是/否",
    "vocab": "one of",
}


if TYPE_CHECKING:
    from .plugins import Registry
    from .vocab import Vocabulary


def spellings(vocabulary: Vocabulary) -> str:
    """Every value of ``vocabulary`` with the other spellings the readers accept for it,
    its Chinese label first: ``head (主要负责人, 主要負責人, 一把手)``."""
    others: dict[str, list[str]] = {value: [] for value in vocabulary.values}
    for alias, value in vocabulary.aliases.items():
        others[value].append(alias)
    shown = []
    for value in vocabulary.values:
        label = vocabulary.labels.get(value)
        accepted = sorted(others[value], key=lambda alias: alias != label)
        shown.append(f"{value} ({', '.join(accepted)})" if accepted else value)
    return ", ".join(shown)


def markdown(registry: Registry | None = None) -> str:
    """The whole contract: input tables, their columns, aliases and values; output files.

    The tables are those of ``registry`` (by default the installed plugins'):
    the core's, then each plugin's, named with the distribution that brings it.
    """
    from .plugins import Registry

    registry = registry or Registry.installed()
    tables = registry.tables
    lines = [
        "# kaohe data contract",
        "",
        "Made from `kaohe.tables` and the tables the installed plugins register by",
        "`python -m kaohe.contract > docs/data-contract.md`;",
        "the tests fail when this file and the code disagree.",
        "",
        "A data set is a folder of `<table>.csv` files (UTF-8, UTF-8 with BOM or",
        "GBK/GB18030; or `.parquet`, `.arrow`, `.feather` files), a spreadsheet",
        "(`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`) with one sheet per table, a",
        "SQLite or PostgreSQL database (tables or views named like the tables), or",
        "in-memory columns. Required tables: "
        + ", ".join(f"`{t}`" for t in required_tables(tables))
        + ", and",
        "`votes` when the scheme scores cadres; any other table may be absent (no",
        "records). `*` marks a required column; headers may be the Chinese aliases,",
        "in simplified or traditional characters. A table's file, sheet or database",
        "table may be named by its Chinese names. A column of controlled values",
        "accepts each value as listed or by any spelling in brackets after it (its",
        "Chinese label first, then traditional characters and synonyms). White",
        "space at either end of a cell or a header is trimmed, and a header is read",
        "without the characters that take no room (a byte order mark, a zero-width",
        "space). An id holds no `:` (reserved for derived records) and no character",
        "that cannot be seen (control and format characters, such as a zero-width",
        "space pasted in: the id would look like another and not be it). A cell of",
        "an `.xlsx` or `.xlsm` workbook holding a formula's error (`#DIV/0!`, `#REF!`,",
        "`#N/A` ...) is refused, never read as empty; the other spreadsheet formats",
        "do not tell such cells from empty ones (their reader reads them as empty).",
        "",
        "## Input tables",
    ]
    for name, spec in tables.items():
        owner = registry.table_owners.get(name, "kaohe")
        brought = "" if owner == "kaohe" else f"Brought by the plugin `{owner}`. "
        lines += [
            "",
            f"### `{name}`",
            "",
            f"{brought}Chinese names (of its file, sheet or database table): "
            f"{', '.join(spec.aliases) or '(none)'}.",
            "",
            "| column | header aliases | values |",
            "| --- | --- | --- |",
        ]
        for column in spec.columns:
            values = KIND_TEXT[column.kind]
            if column.vocab is not None:
                values += " " + spellings(column.vocab)
                if column.default is not None:
                    values += f" (empty: {column.default})"
            if column.bounds is not None:
                values += f" from {column.bounds[0]:g} to {column.bounds[1]:g}"
            star = "*" if column.required else ""
            aliases = ", ".join(column.aliases)
            lines.append(f"| `{column.name}`{star} | {aliases} | {values} |")
    lines += ["", "## Result files (`kaohe score`)", ""]
    for file, columns in (
        ("units.csv", UNIT_COLUMNS),
        ("cadres.csv", CADRE_COLUMNS),
        ("adjustments.csv", ADJUSTMENT_COLUMNS),
        ("freezes.csv", FREEZE_COLUMNS),
    ):
        lines.append(f"- `{file}`: " + ", ".join(f"`{c}`" for c in columns))
    lines += [
        "- `findings.csv`: `category`, `findings`, `points` (supervision findings per 问题类别)",
        "- `manifest.json`: the sha256 of every other file of the folder (`files`), scheme",
        "  file, sha256 and exact text (`scheme.text`), every input table's source, sha256",
        "  and row count, kaohe version, every plugin's distribution and version, as-of date,",
        "  overrides, absent and unread tables, rows outside the period, warnings",
        "- `manifest.sig` (with `--sign KEY`): the Ed25519 signature of `manifest.json`",
        "- `results.xlsx`, `report.html` (with `--format`): the same results for people to read;",
        "  a table longer than Excel's 1,048,575 rows continues on sheets `名称(续1)`, ...",
        "- `units.parquet`, `cadres.parquet`, `adjustments.parquet`, `freezes.parquet`,",
        "  `findings.parquet` (with `--format parquet`): the CSV tables' rows typed (numbers",
        "  `float64`, ranks and counts `int64`, dates `date32`, an indefinite end 9999-12-31,",
        "  empty numbers and dates null, text as in the CSV)",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
