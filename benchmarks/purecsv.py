"""The pure-Python reference as a whole process: CSV in with :mod:`csv`, CSV out.

::

    python -m benchmarks.purecsv SCHEME.toml DATA_DIR KINDS.json OUT_DIR

The baseline of the W2 process figure of ``benchmarks/io.py``: what a
straightforward pure-Python program does for ``kaohe score`` (read every
``<table>.csv`` of ``DATA_DIR`` with :class:`csv.DictReader`, turn the
cells into the values :func:`tests.reference.purepython.score` expects, score,
write ``units.csv``, ``cadres.csv`` and ``freezes.csv`` with
:class:`csv.writer`). Like the reference it shares no code with kaohe:
``KINDS.json`` (``{table: {column: kind}}``, the kinds of the data
contract, written by the runner) says how each column's cells are read,
and vocabulary cells are taken as written (the generator writes their
canonical values). The data is assumed valid: this is not a validator.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.reference.purepython import score

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _text(cell: str) -> str | None:
    return cell or None


def _date(cell: str) -> dt.date | None:
    return dt.date.fromisoformat(cell) if cell else None


def _bool(cell: str) -> bool:
    return cell.strip().lower() in ("true", "1", "是")


#: How a cell of each column kind becomes a value of the reference's rows.
CONVERT: dict[str, Callable[[str], Any]] = {
    "id": _text,
    "text": _text,
    "vocab": _text,
    "date": _date,
    "count": int,
    "score": float,
    "bool": _bool,
}


def read_tables(folder: Path, kinds: dict[str, dict[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Every ``<table>.csv`` of ``folder`` as the reference's rows."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, columns in kinds.items():
        file = folder / f"{name}.csv"
        if not file.exists():
            continue
        with open(file, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            convert = [(col, CONVERT[kind]) for col, kind in columns.items()]
            tables[name] = [
                {col: fn(row[col]) if col in row else None for col, fn in convert} for row in reader
            ]
    return tables


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def write_results(result: dict[str, Any], out: Path) -> None:
    """``units.csv``, ``cadres.csv`` and ``freezes.csv`` of ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, key in (("units", "unit_id"), ("cadres", "cadre_id")):
        rows = result[name]
        fields = list(next(iter(rows.values()))) if rows else []
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([key, *fields])
            for ident, values in rows.items():
                writer.writerow([ident, *(_cell(values[f]) for f in fields)])
    with open(out / "freezes.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["cadre_id", "start", "end", "rule", "source_table", "source_id"])
        writer.writerows([_cell(v) for v in window] for window in result["freezes"])


def main(argv: Sequence[str] | None = None) -> int:
    """Read, score and write as the module docstring says."""
    scheme_file, data_dir, kinds_file, out_dir = argv if argv is not None else sys.argv[1:]
    with open(scheme_file, "rb") as fh:
        scheme = tomllib.load(fh)
    kinds = json.loads(Path(kinds_file).read_text(encoding="utf-8"))
    tables = read_tables(Path(data_dir), kinds)
    write_results(score(scheme, tables), Path(out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
