"""The checks of a result folder that need no rule's knowledge (when its inputs are gone).

:func:`sums` reads the folder's CSV files and checks what holds whatever
the rules: every unit's ``score`` is ``round2(max(0, composite + its
adjustment rows))`` and every cadre's ``round2(min(100, max(0, its
adjustment rows)))`` (allowing for the 4 decimals the files keep),
``deductions - bonus`` is minus the sum of a unit's rows, ranks follow the
published scores, and ``frozen_until`` is the latest end of the windows in
``freezes.csv`` running at the as-of date. Sums are exact (:class:`Decimal`).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..tables_out import ADJUSTMENT_COLUMNS, CADRE_COLUMNS, FREEZE_COLUMNS, UNIT_COLUMNS

Row = dict[str, str]


#: Rounding slack per 4-decimal number added (half of the last kept digit).
SLACK = Decimal("0.00005")


CENT = Decimal("0.01")


#: The columns the checks below read from each result file.
_NEEDED = {
    "units": UNIT_COLUMNS,
    "cadres": CADRE_COLUMNS,
    "adjustments": ADJUSTMENT_COLUMNS,
    "freezes": FREEZE_COLUMNS,
}


def _read_csv(path: Path, columns: Sequence[str]) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"missing columns {', '.join(missing)}")
        return [{k: v if isinstance(v, str) else "" for k, v in row.items()} for row in reader]


def sums(out: Path, manifest: Mapping[str, Any]) -> list[str]:
    """The checks that need no rule's knowledge (the inputs are not at hand)."""
    problems: list[str] = []
    tables: dict[str, list[Row]] = {}
    for name, columns in _NEEDED.items():
        try:
            tables[name] = _read_csv(out / f"{name}.csv", columns)
        except (OSError, UnicodeDecodeError, csv.Error, ValueError) as error:
            problems.append(f"{name}.csv: cannot be checked ({error})")
    if len(tables) < len(_NEEDED):
        return problems
    for name in ("units", "cadres"):
        recorded = manifest["tables"].get(name, {}).get("rows")
        if recorded is not None and recorded != len(tables[name]):
            problems.append(
                f"{name}.csv: {len(tables[name])} rows, but the input table had {recorded}"
            )
    rows = _rows_by_entity(tables["adjustments"], tables["units"], tables["cadres"], problems)
    problems += _unit_scores(tables["units"], rows["unit"])
    problems += _cadre_scores(tables["cadres"], rows["cadre"])
    problems += _ranks(tables["units"], tables["cadres"])
    problems += _frozen_until(tables["cadres"], tables["freezes"], manifest["as_of"])
    return problems


def _number(text: str | None) -> Decimal | None:
    if text is None or not text.strip() or len(text) > 40:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _rows_by_entity(
    adjustments: Sequence[Row], units: Sequence[Row], cadres: Sequence[Row], problems: list[str]
) -> dict[str, dict[str, list[Row]]]:
    known = {"unit": {u["unit_id"] for u in units}, "cadre": {c["cadre_id"] for c in cadres}}
    found: dict[str, dict[str, list[Row]]] = {"unit": defaultdict(list), "cadre": defaultdict(list)}
    for line, row in enumerate(adjustments, start=2):
        entity, ident = row["entity"], row["entity_id"]
        if entity not in known or ident not in known[entity]:
            problems.append(f"adjustments.csv line {line}: no {entity or 'entity'} '{ident}'")
        elif _number(row["points"]) is None:
            problems.append(f"adjustments.csv line {line}: points '{row['points']}'")
        else:
            found[entity][ident].append(row)
    return found


def round2_decimal(x: Decimal) -> Decimal:
    """:func:`kaohe.numeric.round2` (rules.md) exactly on decimals, for sums read from files."""
    return Decimal(math.floor(x * 100 + Decimal("0.5") + Decimal("1e-9"))) / 100


def _adds_up(total: Decimal, terms: int, published: Decimal, high: Decimal | None) -> bool:
    """Whether ``total`` (a sum of ``terms`` 4-decimal numbers) gives ``published``."""
    clamped = max(Decimal(0), total) if high is None else min(high, max(Decimal(0), total))
    expected = round2_decimal(clamped)
    if expected == published:
        return True
    if abs(expected - published) > CENT:
        return False
    scaled = clamped * 100 - Decimal("0.5")
    off_boundary = abs(scaled - scaled.to_integral_value()) / 100
    return off_boundary <= SLACK * terms


def _points(rows: Iterable[Row]) -> Decimal:
    return sum((_number(row["points"]) or Decimal(0) for row in rows), Decimal(0))


def _unit_scores(units: Sequence[Row], rows: Mapping[str, list[Row]]) -> list[str]:
    problems = []
    for unit in units:
        uid = unit["unit_id"]
        mine = rows.get(uid, [])
        score, composite = _number(unit["score"]), _number(unit["composite"])
        if score is None or composite is None:
            problems.append(f"units.csv {uid}: score or composite is missing")
            continue
        added = _points(mine)
        total = composite + added
        if not _adds_up(total, len(mine) + 1, score, None):
            problems.append(
                f"units.csv {uid}: score {score} but round2(max(0, composite {composite} + "
                f"adjustments {added})) = {round2_decimal(max(Decimal(0), total))}"
            )
        deductions = _number(unit["deductions"]) or Decimal(0)
        bonus = _number(unit["bonus"]) or Decimal(0)
        if abs(bonus - deductions - added) > SLACK * (len(mine) + 2):
            problems.append(
                f"units.csv {uid}: bonus {bonus} - deductions {deductions} does not match "
                f"its adjustment rows ({added})"
            )
    return problems


def _cadre_scores(cadres: Sequence[Row], rows: Mapping[str, list[Row]]) -> list[str]:
    problems = []
    for cadre in cadres:
        cid = cadre["cadre_id"]
        mine = rows.get(cid, [])
        score = _number(cadre["score"])
        if score is None:
            if any(row["effect"] == "得分" for row in mine):
                problems.append(f"cadres.csv {cid}: no score, but score parts in adjustments.csv")
            continue
        total = _points(mine)
        if not _adds_up(total, max(len(mine), 1), score, Decimal(100)):
            problems.append(
                f"cadres.csv {cid}: score {score} but round2(min(100, max(0, adjustments "
                f"{total}))) = {round2_decimal(min(Decimal(100), max(Decimal(0), total)))}"
            )
    return problems


def _rank_problems(
    file: str, entities: Sequence[Row], key: str, group: str, rank_column: str
) -> list[str]:
    problems = []
    scores: dict[str, list[Decimal]] = defaultdict(list)
    for row in entities:
        score = _number(row["score"])
        if score is not None:
            scores[row[group]].append(score)
    ranked = any(row[rank_column] for row in entities)
    for row in entities:
        score, rank = _number(row["score"]), row[rank_column]
        if not ranked or score is None:
            if rank:
                problems.append(f"{file} {row[key]}: {rank_column} {rank} without a score")
            continue
        expected = 1 + sum(other > score for other in scores[row[group]])
        if rank != str(expected):
            problems.append(
                f"{file} {row[key]}: {rank_column} {rank or '(empty)'}, but {expected - 1} "
                f"{'units of its category' if file == 'units.csv' else 'cadres of its unit'} "
                f"score higher (expected {expected})"
            )
    return problems


def _ranks(units: Sequence[Row], cadres: Sequence[Row]) -> list[str]:
    return [
        *_rank_problems("units.csv", units, "unit_id", "category", "rank"),
        *_rank_problems("cadres.csv", cadres, "cadre_id", "unit_id", "rank_in_unit"),
    ]


def _frozen_until(cadres: Sequence[Row], freezes: Sequence[Row], as_of: str) -> list[str]:
    """``frozen_until``: the latest end of the windows running at ``as_of``."""
    latest: dict[str, str] = {}
    forever = "indefinite"
    for window in freezes:
        start, end = window["start"], window["end"]
        if not start <= as_of or not (end == forever or as_of < end):
            continue
        cid = window["cadre_id"]
        current = latest.get(cid, "")
        if current != forever and (end == forever or end > current):
            latest[cid] = end
    problems = []
    for cadre in cadres:
        cid = cadre["cadre_id"]
        if cadre["frozen_until"] != latest.get(cid, ""):
            problems.append(
                f"cadres.csv {cid}: frozen_until '{cadre['frozen_until']}', but the "
                f"windows in freezes.csv running at {as_of} end at "
                f"'{latest.get(cid, '') or '(none)'}'"
            )
    return problems
