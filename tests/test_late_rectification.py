"""Late rectification (逾期整改) is told apart from no rectification (逾期未整改) everywhere."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.ledger import overdue_label


def test_overdue_label_by_hand() -> None:
    rectified = np.array(["2019-07-01", "NaT", "2020-02-01"], dtype="datetime64[D]")
    labels = overdue_label(rectified, np.datetime64("2019-12-31"))
    # done after the deadline; never done; done only after the assessment date
    assert labels.tolist() == ["逾期整改", "逾期未整改", "逾期未整改"]


def test_sv012_is_late_rectification_in_every_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(COUNTY), "--out", str(out), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    with (out / "adjustments.csv").open(encoding="utf-8-sig", newline="") as file:
        notes = {row["source_id"]: row["note"] for row in csv.DictReader(file)}
    assert notes["SV012"] == "严重; 逾期整改"  # rectified 2019-07-01, deadline 2019-06-15
    assert notes["SV011"] == "严重; 逾期未整改"  # never rectified
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    rows = [r for ws in book for r in ws.iter_rows(values_only=True) if "SV012" in r]
    assert len(rows) == 1
    assert rows[0][-1] == "严重; 逾期整改"
    book.close()
