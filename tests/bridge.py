"""Run the engine on the plain-Python case format, and read its results the same way.

The reference implementation (``benchmarks/purepython.py``) and the
hand-worked cases (``tests/cases``) speak plain Python: schemes as parsed
TOML, tables as lists of row dicts, results as nested dicts. These helpers
put the vectorised engine behind that same interface, so that one set of
cases and one differential test checks both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from benchmarks.purepython import freeze_sort_key

import kaohe
from kaohe.dates import FOREVER, to_day
from kaohe.plugins import Registry
from kaohe.results import Results
from kaohe.tables import installed_tables
from kaohe.vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES

_REGISTRY: list[Registry] = []


def registry() -> Registry:
    """One registry of the installed plugins for the whole test session."""
    if not _REGISTRY:
        _REGISTRY.append(Registry.from_plugin_manager())
    return _REGISTRY[0]


def columns(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, dict[str, list[Any]]]:
    """Row dicts to columns; a missing or None cell becomes an empty cell."""
    out: dict[str, dict[str, list[Any]]] = {}
    for name, rows in tables.items():
        spec = installed_tables()[name]
        names = [c.name for c in spec.columns if any(c.name in row for row in rows)]
        if not rows:
            if name in ("units", "cadres", "targets", "votes"):
                out[name] = {c.name: [] for c in spec.columns if c.required}
            continue
        out[name] = {
            column: ["" if row.get(column) is None else row[column] for row in rows]
            for column in names
        }
    return out


def engine(scheme: Mapping[str, Any], tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> Results:
    """Score ``tables`` under ``scheme`` with the vectorised engine."""
    the_scheme = kaohe.Scheme.from_dict(scheme, registry())
    data = kaohe.data_from_columns(columns(tables), the_scheme)
    return kaohe.evaluate(the_scheme, data)


def _opt_float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _end(value: np.datetime64) -> dt.date | str | None:
    if np.isnat(value):
        return None
    if value == FOREVER:
        return "indefinite"
    return value.astype(dt.date)  # type: ignore[no-any-return]


def as_plain(results: Results, scenario: int = 0) -> dict[str, Any]:
    """``results`` in the format of ``benchmarks.purepython.score``."""
    u, c = results.units, results.cadres
    units = {}
    for i, unit_id in enumerate(u.ids.tolist()):
        grade = int(u.grade[scenario, i])
        rank = int(u.rank[scenario, i])
        units[unit_id] = {
            "target_score": float(u.target[scenario, i]),
            "satisfaction": _opt_float(u.satisfaction[scenario, i]),
            "composite": float(u.composite[scenario, i]),
            "deductions": float(u.deductions[scenario, i]),
            "bonus": float(u.bonus[scenario, i]),
            "score": float(u.score[scenario, i]),
            "rank": None if rank < 0 else rank,
            "grade": None if grade < 0 else UNIT_GRADES[grade],
            "flags": sorted(name for name, mask in u.flags.items() if mask[scenario, i]),
        }
    cadre_labels = (*CADRE_GRADES, NO_GRADE)
    cadres = {}
    for i, cadre_id in enumerate(c.ids.tolist()):
        grade = int(c.grade[scenario, i])
        rank = int(c.rank[scenario, i])
        cadres[cadre_id] = {
            "score": _opt_float(c.score[scenario, i]),
            "rank_in_unit": None if rank < 0 else rank,
            "grade": None if grade < 0 else cadre_labels[grade],
            "frozen_until": _end(c.frozen_until[i]),
            "flags": sorted(name for name, mask in c.flags.items() if mask[scenario, i]),
        }
    period_start = to_day(results.schemes[scenario].period_start)
    freezes = []
    for block in results.freezes:
        tables, ids = block.column("source_table"), block.column("source_id")
        for j in range(len(block)):
            if block.end[j] <= period_start:
                continue
            freezes.append(
                (
                    str(c.ids[block.cadre[j]]),
                    block.start[j].astype(dt.date),
                    _end(block.end[j]),
                    block.rule,
                    str(tables[j]),
                    str(ids[j]),
                )
            )
    return {"units": units, "cadres": cadres, "freezes": sorted(freezes, key=freeze_sort_key)}


def rows(data: kaohe.Dataset) -> dict[str, list[dict[str, Any]]]:
    """A validated dataset as plain rows for ``benchmarks.purepython.score``."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in data.tables.items():
        if not table.present:
            continue
        converted: dict[str, list[Any]] = {}
        for spec in installed_tables()[name].columns:
            values = table[spec.name]
            if spec.kind in ("id", "text"):
                converted[spec.name] = [v if v != "" else None for v in values.tolist()]
            elif spec.kind == "date":
                converted[spec.name] = [None if np.isnat(v) else v.astype(dt.date) for v in values]
            elif spec.kind == "vocab":
                assert spec.vocab is not None
                labels = spec.vocab.values
                converted[spec.name] = [labels[c] if c >= 0 else None for c in values.tolist()]
            else:
                converted[spec.name] = values.tolist()
        out[name] = [
            dict(zip(converted, cells, strict=True))
            for cells in zip(*converted.values(), strict=True)
        ]
    return out


def rule_rows(
    results: Results, rule: str, entity: str = "unit", *, note: bool = False
) -> list[tuple[Any, ...]]:
    """``(entity_id, source_table, source_id, points, effect[, note])`` of ``rule``'s
    adjustment rows in scenario 0, sorted; cap rows that do not bite are left out."""
    ids = results.data.unit_ids if entity == "unit" else results.data.cadre_ids
    found = []
    for block in results.adjustments:
        if block.rule != rule or block.entity != entity:
            continue
        keep = ~(block.drop_if_zero & (block.points[0] == 0))
        columns = [block.column(name) for name in ("source_table", "source_id", "effect", "note")]
        for j in np.flatnonzero(keep).tolist():
            row = (
                str(ids[block.index[j]]),
                str(columns[0][j]),
                str(columns[1][j]),
                round(float(block.points[0, j]), 9),
                str(columns[2][j]),
            )
            found.append((*row, str(columns[3][j])) if note else row)
    return sorted(found)
