"""What-if result folders: CSV and JSON files plus SVG charts, written all-or-nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..output import csv_bytes, write_folder
from ..tables_out import integer, number, text
from ..vocab import UNIT_GRADES
from .analysis import CADRE_LABELS, Comparison, Decomposition
from .charts import grade_shares, rank_intervals
from .study import Study


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _columns(table: Mapping[str, NDArray[Any]]) -> tuple[list[str], list[NDArray[np.str_]]]:
    header, columns = [], []
    for name, values in table.items():
        header.append(name)
        if values.dtype.kind == "f":
            columns.append(number(values, 2))
        elif values.dtype.kind in "iu":
            columns.append(integer(values.astype(np.int64)))
        else:
            columns.append(text(values))
    return header, columns


def comparison_files(
    comparison: Comparison, decomposition: Decomposition | None
) -> dict[str, bytes]:
    """``units.csv``, ``cadres.csv``, ``summary.json`` and ``decomposition.csv``."""
    files = {
        "units.csv": csv_bytes(*_columns(comparison.units)),
        "cadres.csv": csv_bytes(*_columns(comparison.cadres)),
        "summary.json": _json(comparison.summary),
    }
    if decomposition is not None:
        m, n = decomposition.alone.shape
        files["decomposition.csv"] = csv_bytes(
            ["unit_id", "override", "alone", "cumulative"],
            [
                text(np.tile(decomposition.unit_ids, m)),
                text(np.repeat(np.asarray(decomposition.overrides), n)),
                number(decomposition.alone.ravel(), 4),
                number(decomposition.cumulative.ravel(), 4),
            ],
        )
    return files


def distribution_files(study: Study, axis_labels: Sequence[str], title: str) -> dict[str, bytes]:
    """``scenarios.csv``, ``units.csv``, ``summary.json`` and the two charts."""
    found = study.found
    names = [s.name for s in study.scenarios]
    scenario_columns = [integer(np.arange(1, study.n + 1)), text(np.asarray(names))]
    scenario_columns += [integer(found.unit_grade_counts[:, g]) for g in range(len(UNIT_GRADES))]
    scenario_columns += [integer(found.cadre_grade_counts[:, g]) for g in range(len(CADRE_LABELS))]
    scenario_header = ["scenario", "name"]
    scenario_header += [f"units_{g}" for g in UNIT_GRADES] + [f"cadres_{g}" for g in CADRE_LABELS]
    unit_table: dict[str, NDArray[Any]] = {
        "unit_id": study.unit_ids,
        "name": study.unit_names,
        "category": study.unit_categories,
        "median_rank": found.median_rank,
        "rank_p5": found.rank_p5,
        "rank_p95": found.rank_p95,
    }
    for g, grade in enumerate(UNIT_GRADES):
        unit_table[f"p_{grade}"] = found.grade_probability[:, g]
    for flag, frequency in found.flag_frequency.items():
        unit_table[f"flag_{flag}"] = frequency
    header, columns = _columns(unit_table)
    summary = {
        "scenarios": study.n,
        "units_whose_grade_varies": int(
            (np.sort(found.grade_probability, axis=1)[:, -1] < 1).sum()
        ),
        "unit_grade_counts": {
            grade: [int(c) for c in found.unit_grade_counts[:, g]]
            for g, grade in enumerate(UNIT_GRADES)
        },
    }
    return {
        "scenarios.csv": csv_bytes(scenario_header, scenario_columns),
        "units.csv": csv_bytes(header, columns),
        "summary.json": _json(summary),
        "rank_intervals.svg": rank_intervals(
            study.unit_names,
            study.unit_categories,
            found.median_rank,
            found.rank_p5,
            found.rank_p95,
            f"{title}:各单位排名区间",
        ).encode("utf-8"),
        "grade_shares.svg": grade_shares(
            list(axis_labels), found.unit_grade_counts, UNIT_GRADES, f"{title}:各等次单位占比"
        ).encode("utf-8"),
    }


class FolderFiles(Mapping[str, bytes]):
    """The files of a what-if folder: made in memory, or already written elsewhere
    (a study's Parquet parts), which are read one at a time as the folder is
    written, so that they are never all in memory together."""

    def __init__(self, files: Mapping[str, bytes], on_disk: Sequence[Path] = ()) -> None:
        self._files = files
        self._on_disk = {path.name: path for path in on_disk}

    def __getitem__(self, name: str) -> bytes:
        if name in self._files:
            return self._files[name]
        return self._on_disk[name].read_bytes()

    def __iter__(self) -> Iterator[str]:
        yield from self._files
        yield from (name for name in self._on_disk if name not in self._files)

    def __len__(self) -> int:
        return len(set(self._files) | set(self._on_disk))


def write(out: str | Path, files: Mapping[str, bytes], on_disk: Sequence[Path] = ()) -> Path:
    """Write a what-if folder all-or-nothing (see :func:`kaohe.output.write_folder`):
    ``files``, the files ``on_disk`` (copied in, one at a time) and the manifest."""
    manifest = {"manifest.json": _json({"kind": "whatif"})}
    return write_folder(out, FolderFiles({**files, **manifest}, on_disk))
