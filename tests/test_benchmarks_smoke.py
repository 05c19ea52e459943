"""The benchmark runner at smoke size: it completes and prints every workload's figures.

No timing is asserted here (quality.md: benchmarks are not timed tests); the
figures themselves come from ``python -m benchmarks.run --size full`` and
``python -m benchmarks.endtoend``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from benchmarks import run
from benchmarks.whatif import VARIANTS


@pytest.fixture(scope="module")
def report() -> str:
    """One smoke run of every workload, shared by the tests of this module."""
    return run.run("smoke", repeat=1)


def _rows(report: str, workload: str) -> list[str]:
    """The table rows of ``workload`` (the workload column is padded: two spaces at least)."""
    return [line for line in report.splitlines() if re.match(rf"{workload}\s{{2,}}\S", line)]


def test_header_names_the_machine(report: str) -> None:
    assert "size smoke" in report
    assert re.search(r"machine: \d+ cpus", report)
    assert re.search(r"python \d+\.\d+\.\d+ .*numpy \d+\.", report)
    assert re.search(r"date: \d{4}-\d{2}-\d{2}", report)


def test_w1_rows(report: str) -> None:
    (row,) = _rows(report, "W1")
    assert "kaohe score process" in row
    assert 'python -c "import numpy"' in row
    assert re.search(r"\d+\.\dx", row)
    assert "W1 breakdown" in report
    for step in ("import kaohe.cli", "load scheme", "load data", "evaluate", "write"):
        assert step in report
    assert "largest imports of kaohe.cli" in report


def test_w2_rows(report: str) -> None:
    rows = "\n".join(_rows(report, "W2"))
    for figure in (
        "load: data_from_columns",
        "score: evaluate",
        "numpy floor",
        "load: load_data from CSV",
        "score all of W2",
        "score 1/100 slice",
        "pure Python",
        "peak RSS",
    ):
        assert figure in rows, figure
    assert "W2 peak memory" in report


def test_w3_rows(report: str) -> None:
    batched, *variants, weight, cap, w2 = _rows(report, "W3")
    assert "scenarios on W1, batched" in batched
    for row, change in ((weight, "satisfaction.weight.乡镇=0.35"), (cap, "supervision.cap=6")):
        assert f"kaohe serve what-if panel on W1: {change} (" in row
        assert "grade changes explained)" in row
        assert "one evaluate" in row
        assert "< 1 s" in row
    assert len(variants) == len(VARIANTS)
    for row, variant in zip(variants, VARIANTS, strict=True):
        assert f"variant: {variant.name}, data seed {variant.seed}" in row
    for row in (batched, *variants):
        assert "separate runs" in row
        assert re.search(r"\d+\.\dx faster", row)
    assert "scenarios on W2, batched in chunks of" in w2
    assert "peak RSS" in w2


def test_w4_rows(report: str) -> None:
    cluster, memory = _rows(report, "W4")
    assert "scenarios on W2, local cluster of 2 workers" in cluster
    assert "one process" in cluster
    assert re.search(r"\d+\.\d\dx faster", cluster)
    assert "peak memory per worker" in memory
    assert "W4 notes" in report


def test_only_and_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--size", "smoke", "--only", "w1"]) == 0
    out = capsys.readouterr().out
    assert _rows(out, "W1")
    assert not _rows(out, "W2")


def test_only_rejects_unknown_workloads() -> None:
    with pytest.raises(SystemExit):
        run.main(["--size", "smoke", "--only", "W9"])


def test_end_to_end_quick(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m benchmarks.endtoend --quick``: every figure of issue 9 with its baseline."""
    from benchmarks import endtoend

    assert endtoend.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "size quick" in out
    (w1,) = _rows(out, "W1")
    assert 'python -c "import numpy"' in w1
    process, memory, csv_load, parquet_load = _rows(out, "W2")
    assert "pure-Python process (csv module)" in process
    assert re.search(r"\d+\.\dx faster", process)
    assert "peak memory of the kaohe score process" in memory
    assert re.search(r"\d+ MiB", memory)
    assert "pyarrow.csv.read_csv of every file" in csv_load
    assert "pyarrow.parquet.read_table of every file" in parquet_load


def test_pure_python_process_scores_as_kaohe_does(tmp_path: Path) -> None:
    """The baseline process does the same job: the grades it writes are kaohe's."""
    from benchmarks import endtoend, purecsv
    from benchmarks.generate import generate, write_csv
    from click.testing import CliRunner

    from kaohe.cli import main

    write_csv(generate(12, 200, 1_000, seed=1), tmp_path / "csv")
    endtoend._kinds(tmp_path / "kinds.json")
    scheme = str(endtoend.SCHEME)
    args = [scheme, str(tmp_path / "csv"), str(tmp_path / "kinds.json"), str(tmp_path / "pure")]
    assert purecsv.main(args) == 0
    done = CliRunner().invoke(
        main, ["score", scheme, "--data", str(tmp_path / "csv"), "--out", str(tmp_path / "k")]
    )
    assert done.exit_code == 0, done.output
    for table, key in (("units", "unit_id"), ("cadres", "cadre_id")):
        ours = _grades(tmp_path / "k" / f"{table}.csv", key)
        assert ours == _grades(tmp_path / "pure" / f"{table}.csv", key)
        assert len(ours) == (12 if table == "units" else 200)


def _grades(file: Path, key: str) -> dict[str, str]:
    with open(file, encoding="utf-8-sig", newline="") as fh:
        return {row[key]: row["grade"] for row in csv.DictReader(fh)}


def test_the_writers_benchmark_runs_and_its_writers_agree(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import writers

    writers.main(["--size", "smoke", "--repeat", "1"])  # exits if the CSV bytes differ
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "data: 12 units, 200 cadres, 1,000 ledger rows"
    assert [line.split(":")[0] for line in lines[2:]] == [
        "CSV bytes, Arrow writer",
        "CSV bytes, former writer",
        "Parquet files",
        "results.xlsx",
    ]
