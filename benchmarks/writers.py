"""Writing the result files: the Arrow CSV writer against the former numpy one, side by side.

On generated data (a quarter of W2 by default: 5,000 units, 250,000
cadres, 2.5 million ledger rows; ``--size smoke`` for a few seconds), the
text columns of the five result tables are made once (:mod:`kaohe.tables_out`,
as Arrow columns and as numpy text columns), then turned into CSV bytes by
:func:`kaohe.output.csv_bytes` (Arrow) and by
:func:`benchmarks.csv_reference.reference_csv_bytes` (the former writer),
interleaved repeat by repeat; the median of each and their ratio are
printed, and the two must give the same bytes. The Parquet files and
``results.xlsx`` are timed once each.

    python -m benchmarks.writers [--size quarter|smoke] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import kaohe
from benchmarks.csv_reference import reference_csv_bytes
from benchmarks.generate import generate
from kaohe.arrowtext import to_numpy
from kaohe.output import csv_bytes
from kaohe.parquetout import parquet_files
from kaohe.report.workbook import workbook_bytes
from kaohe.tables_out import RESULT_TABLES

SCHEME = Path(__file__).resolve().parent.parent / "schemes" / "county-2019.toml"
SIZES = {"quarter": (5_000, 250_000, 2_500_000), "smoke": (12, 200, 1_000)}


def _seconds(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="quarter")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n_units, n_cadres, n_ledger = SIZES[args.size]
    scheme = kaohe.load_scheme(SCHEME)
    data = kaohe.data_from_columns(generate(n_units, n_cadres, n_ledger, seed=1), scheme)
    results = kaohe.evaluate(scheme, data)
    tables = [rows(results) for rows in RESULT_TABLES.values()]
    texts = [[to_numpy(column) for column in table.ordered()] for table in tables]
    n_rows = sum(int(columns[0].shape[0]) for columns in texts)

    def arrow() -> list[bytes]:
        return [csv_bytes(table.names, table.columns) for table in tables]

    def former() -> list[bytes]:
        return [
            reference_csv_bytes(table.names, columns)
            for table, columns in zip(tables, texts, strict=True)
        ]

    if arrow() != former():
        sys.exit("the Arrow writer's bytes differ from the former writer's")
    new, old = [], []
    for _ in range(args.repeat):
        new.append(_seconds(arrow))
        old.append(_seconds(former))
    new_s, old_s = statistics.median(new), statistics.median(old)
    print(f"data: {n_units:,} units, {n_cadres:,} cadres, {n_ledger:,} ledger rows")
    print(f"result rows (5 CSV tables): {n_rows:,}")
    print(f"CSV bytes, Arrow writer:   {new_s:8.2f} s (median of {args.repeat})")
    print(f"CSV bytes, former writer:  {old_s:8.2f} s  ratio {old_s / new_s:.2f}x")
    print(f"Parquet files:             {_seconds(lambda: parquet_files(results)):8.2f} s")
    print(f"results.xlsx:              {_seconds(lambda: workbook_bytes(results)):8.2f} s")


if __name__ == "__main__":
    main()
