"""What-if result folders: CSV, JSON, SVG charts, ``results.xlsx`` and ``report.html``.

The CSV files keep the English column names of their programs' readers
(like the score results' CSV files, named in the data contract); the
workbook and the page, for people, have Chinese headers
(:data:`HEADERS`). Every folder is written all-or-nothing through
:func:`kaohe.folders.write_folder`, with its manifest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..folders import write_folder
from ..output import csv_bytes
from ..paths import show, value_at
from ..scheme import Scheme
from ..tables_out import integer, number, text
from ..values import Value
from ..vocab import UNIT_GRADES
from .analysis import CADRE_LABELS, Comparison, Decomposition
from .charts import grade_probability, grade_shares, rank_intervals
from .scenarios import Axis
from .study import Study

#: Chinese headers of the what-if columns (the workbook and the page).
HEADERS: Mapping[str, str] = {
    "id": "编码",
    "unit_id": "单位编码",
    "cadre_id": "干部编码",
    "name": "名称",
    "category": "考核类别",
    "score_before": "原得分",
    "score_after": "新得分",
    "rank_before": "原排名",
    "rank_after": "新排名",
    "grade_before": "原等次",
    "grade_after": "新等次",
    "flags_gained": "新增标记",
    "flags_lost": "取消标记",
    "score_move": "得分变化",
    "reason": "等次变化原因",
    "median_rank": "排名中位数",
    "rank_p5": "排名(5%分位)",
    "rank_p95": "排名(95%分位)",
    "scenario": "情景",
    "override": "参数变化",
    "alone": "单独影响",
    "cumulative": "累计影响",
    "path": "参数路径",
    "before": "原值",
    "after": "新值",
}
MOVES: Mapping[str, str] = {"up": "上升", "down": "下降", "same": "不变"}


def heading(column: str) -> str:
    """The Chinese header of a what-if column (``p_优秀``: 优秀概率, ``flag_约谈``: 约谈频率)."""
    if column.startswith("p_"):
        return f"{column[2:]}概率"
    if column.startswith("flag_"):
        return f"{column[5:]}频率"
    if column.startswith(("units_", "cadres_")):
        kind, _, grade = column.partition("_")
        return f"{'单位' if kind == 'units' else '干部'}{grade}数"
    return HEADERS.get(column, column)


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


@attrs.frozen(repr=False, eq=False)
class SweepAxis(Value):
    """Where a sweep's scenarios lie on a chart's x axis, and where the scheme as it is lies."""

    positions: tuple[float, ...]
    labels: tuple[str, ...]
    title: str
    baseline: tuple[float, str] | None

    @classmethod
    def of(cls, base: Scheme, axes: Sequence[Axis]) -> SweepAxis:
        """One axis: its values, the current value marked; a grid: scenario numbers, and the
        scenario whose values are all current (if one is) marked."""
        current = [value_at(base, axis.path) for axis in axes]
        if len(axes) == 1:
            values = axis_values = axes[0].values
            now = current[0]
            marked = (
                (float(now), show(now))
                if isinstance(now, (int, float)) and not isinstance(now, bool)
                else None
            )
            return cls(values, tuple(show(v) for v in axis_values), axes[0].path, marked)
        import itertools

        grid = list(itertools.product(*(axis.values for axis in axes)))
        at = next((k for k, values in enumerate(grid) if list(values) == current), None)
        labels = tuple(str(k + 1) for k in range(len(grid)))
        marked = None if at is None else (float(at + 1), f"(情景 {at + 1})")
        title = "情景编号(" + " × ".join(axis.path for axis in axes) + ",见 scenarios.csv)"
        return cls(tuple(float(k + 1) for k in range(len(grid))), labels, title, marked)


def _sheet(title: str, table: Mapping[str, NDArray[Any]]) -> Any:
    from ..report.xlsx import Sheet

    names = list(table)
    columns = [
        np.asarray([MOVES.get(v, v) for v in values.tolist()], dtype=str)
        if name == "score_move"
        else values
        for name, values in table.items()
    ]
    shares = {k for k, name in enumerate(names) if name.startswith(("p_", "flag_"))}
    grades = {k for k, name in enumerate(names) if name.startswith("grade")}
    return Sheet(
        title,
        [heading(name) for name in names],
        columns,
        formats=dict.fromkeys(shares, "0.0%"),
        grades=frozenset(grades),
    )


def comparison_files(
    comparison: Comparison, decomposition: Decomposition | None, base: Scheme
) -> dict[str, bytes]:
    """``units.csv``, ``cadres.csv``, ``summary.json``, ``decomposition.csv`` (several
    overrides), and for people ``results.xlsx`` and ``report.html``."""
    from ..report.xlsx import Sheet, tables_workbook
    from .page import comparison_page

    files = {
        "units.csv": csv_bytes(*_columns(comparison.units)),
        "cadres.csv": csv_bytes(*_columns(comparison.cadres)),
        "summary.json": _json(comparison.summary),
    }
    changes = {
        "path": np.asarray([c[0] for c in comparison.changes], dtype=str),
        "before": np.asarray([show(c[1]) for c in comparison.changes], dtype=str),
        "after": np.asarray([show(c[2]) for c in comparison.changes], dtype=str),
    }
    sheets = [
        _sheet("参数变化", changes),
        _sheet("单位", comparison.units),
        _sheet("干部", comparison.cadres),
    ]
    if decomposition is not None:
        m, n = decomposition.alone.shape
        table = {
            "unit_id": np.tile(decomposition.unit_ids, m),
            "override": np.repeat(np.asarray(decomposition.overrides), n),
            "alone": decomposition.alone.ravel(),
            "cumulative": decomposition.cumulative.ravel(),
        }
        files["decomposition.csv"] = csv_bytes(
            list(table),
            [
                text(table["unit_id"]),
                text(table["override"]),
                number(table["alone"], 4),
                number(table["cumulative"], 4),
            ],
        )
        sheets.append(
            Sheet(
                "分解",
                [heading(name) for name in table],
                list(table.values()),
                formats={2: "0.0000", 3: "0.0000"},
            )
        )
    title = f"{base.title}:方案变化测算"
    files["results.xlsx"] = tables_workbook(sheets, title, base.as_of)
    files["report.html"] = comparison_page(comparison, title).encode("utf-8")
    return files


def distribution_files(
    study: Study, title: str, along: SweepAxis | None = None
) -> dict[str, bytes]:
    """``scenarios.csv``, ``units.csv``, ``cadres.csv``, ``summary.json``, the charts
    (``grade_probability.svg``, ``rank_intervals.svg``; a sweep ``grade_shares.svg``),
    ``results.xlsx`` and ``report.html``."""
    from ..report.xlsx import tables_workbook
    from .page import study_page

    found = study.found
    names = [s.name for s in study.scenarios]
    scenario_table: dict[str, NDArray[Any]] = {
        "scenario": np.arange(1, study.n + 1),
        "name": np.asarray(names, dtype=str),
    }
    for g, grade in enumerate(UNIT_GRADES):
        scenario_table[f"units_{grade}"] = found.unit_grade_counts[:, g]
    for g, grade in enumerate(CADRE_LABELS):
        scenario_table[f"cadres_{grade}"] = found.cadre_grade_counts[:, g]
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
    cadre_table: dict[str, NDArray[Any]] = {
        "cadre_id": study.cadre_ids,
        "name": study.cadre_names,
        "unit_id": study.cadre_units,
    }
    for g, grade in enumerate(CADRE_LABELS):
        cadre_table[f"p_{grade}"] = found.cadre_grade_probability[:, g]
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
    charts = {
        "grade_probability.svg": grade_probability(
            study.unit_ids,
            study.unit_names,
            found.grade_probability,
            UNIT_GRADES,
            f"{title}:各单位等次的概率",
        ),
        "rank_intervals.svg": rank_intervals(
            study.unit_ids,
            study.unit_names,
            study.unit_categories,
            found.median_rank,
            found.rank_p5,
            found.rank_p95,
            f"{title}:各单位排名区间",
        ),
    }
    if along is not None:
        charts["grade_shares.svg"] = grade_shares(
            along.positions,
            along.labels,
            along.title,
            found.unit_grade_counts,
            UNIT_GRADES,
            along.baseline,
            f"{title}:各等次单位占比",
        )
    base = study.scenarios[0].scheme
    # the workbook names a draw in Chinese (第 7 次抽样); scenarios.csv keeps its id (draw 7)
    labels = np.asarray([s.label() for s in study.scenarios], dtype=str)
    sheets = [
        _sheet("情景", {**scenario_table, "name": labels}),
        _sheet("单位", unit_table),
        _sheet("干部", cadre_table),
    ]
    page_title = f"{base.title}:{title}"
    return {
        "scenarios.csv": csv_bytes(*_columns(scenario_table)),
        "units.csv": csv_bytes(*_columns(unit_table)),
        "cadres.csv": csv_bytes(*_columns(cadre_table)),
        "summary.json": _json(summary),
        **{name: chart.encode("utf-8") for name, chart in charts.items()},
        "results.xlsx": tables_workbook(sheets, page_title, base.as_of),
        "report.html": study_page(study, page_title, charts).encode("utf-8"),
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
    from ..progress import progress

    manifest = {"manifest.json": _json({"kind": "whatif"})}
    folder = FolderFiles({**files, **manifest}, on_disk)
    with progress(len(folder), "writing") as bar:
        return write_folder(out, folder, progress=bar.update)
