"""Consistency checks of the data contract that span rows or tables.

Each check raises a :class:`~kaohe.errors.DataError` for the first bad row
(by source line), saying how many more rows are bad. Cell-level checks
(types, empty required cells, unknown values) are in :mod:`kaohe.data.parse`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kaohe import vocab
from kaohe.data import keys
from kaohe.data.where import Where
from kaohe.tables import CASE_REVIEW, TableSpec

Columns = Mapping[str, NDArray[Any]]


def rows(spec: TableSpec, columns: Columns, where: Where) -> None:
    """Row rules: one target, ``closed_on`` only for 立案审查, exam scores in 0-100."""
    if spec.one_target:
        has_unit = columns["unit_id"] != ""
        has_cadre = columns["cadre_id"] != ""

        def explain(row: int) -> str:
            if has_unit[row]:
                named = (
                    f"names both unit_id '{columns['unit_id'][row]}' and "
                    f"cadre_id '{columns['cadre_id'][row]}'"
                )
            else:
                named = "names neither a unit_id nor a cadre_id"
            return f"a {spec.name} row {named}; expected exactly one of unit_id and cadre_id"

        where.check(has_unit == has_cadre, explain)
    if spec.name == "sanctions":
        types = columns["type"]
        review = vocab.SANCTION_TYPE.code(CASE_REVIEW)
        where.check(
            ~np.isnat(columns["closed_on"]) & (types != review),
            lambda row: (
                f"closed_on is given for a sanction of type "
                f"'{vocab.SANCTION_TYPE.values[types[row]]}'; expected closed_on only for "
                f"{CASE_REVIEW}"
            ),
            "closed_on",
        )
    if spec.name == "exams":
        scores = columns["score"]
        where.check(
            (scores < 0) | (scores > 100),
            lambda row: (
                f"exam score {scores[row]:g} is outside 0-100; expected a score from 0 to 100"
            ),
            "score",
        )


def _group_starts(same: NDArray[np.bool_]) -> NDArray[np.intp]:
    """For sorted rows with ``same[i]`` = row ``i + 1`` equals row ``i``: each row's group start."""
    n = same.shape[0] + 1
    starts = np.where(np.concatenate(([True], ~same)), np.arange(n), 0)
    result: NDArray[np.intp] = np.maximum.accumulate(starts)
    return result


def unique(spec: TableSpec, columns: Columns, where: Where) -> None:
    """No two rows share the key of a ``unique`` table (``columns`` are sorted by the key).

    Of rows with one key, the one on the earliest line is taken as the
    original and the others are reported, naming the original's line.
    """
    if not spec.unique or where.lines.shape[0] < 2:
        return
    same = keys.equal_neighbours(*(columns[name] for name in spec.key))
    if not same.any():
        return
    start = _group_starts(same)
    lines = where.lines
    repeated = np.zeros(lines.shape[0], np.bool_)
    repeated[1:] |= same
    repeated[:-1] |= same
    members = np.flatnonzero(repeated)
    members = members[np.lexsort((lines[members], start[members]))]
    earliest = np.concatenate(([True], start[members][1:] != start[members][:-1]))
    original = np.zeros(lines.shape[0], np.int64)
    original[start[members[earliest]]] = members[earliest]

    def explain(row: int) -> str:
        key = ", ".join(f"{name} '{columns[name][row]}'" for name in spec.key)
        also = lines[original[start[row]]]
        return f"duplicate {key} (also on row {also}); expected {spec.unique_rule}"

    where.fail(members[~earliest], explain, spec.key[0])


def references(
    columns: Columns,
    where: Where,
    column: str,
    ids: keys.Locator,
    target: str,
) -> NDArray[np.int64]:
    """Indices of ``columns[column]`` into the sorted ids of ``ids``; unknown ids are an
    error. ``target`` names the table of the ids for the message.
    """
    values = columns[column]
    index = ids.find(values)
    where.check(
        (index < 0) & (values != ""),
        lambda row: f"unknown {column} '{values[row]}'; expected a {column} listed in {target}",
        column,
    )
    return index


def one_head(columns: Columns, where: Where) -> None:
    """Every unit has at most one cadre with role ``head`` (``columns`` has ``unit``)."""
    heads = np.flatnonzero(columns["role"] == vocab.ROLE.code("head"))
    if heads.shape[0] < 2:
        return
    lines = where.lines
    units = columns["unit"]
    heads = heads[np.lexsort((lines[heads], units[heads]))]
    same = units[heads][1:] == units[heads][:-1]
    if not same.any():
        return
    start = heads[_group_starts(same)]
    position = {int(row): i for i, row in enumerate(heads.tolist())}

    def explain(row: int) -> str:
        first = start[position[row]]
        return (
            f"unit '{columns['unit_id'][row]}' has two heads: cadres "
            f"'{columns['cadre_id'][first]}' (row {lines[first]}) and "
            f"'{columns['cadre_id'][row]}' (row {lines[row]}); "
            "expected at most one head (主要负责人) per unit"
        )

    where.fail(heads[np.flatnonzero(same) + 1], explain, "role")


def tolerance_targets(
    columns: Columns, where: Where, ids: Mapping[str, tuple[NDArray[np.str_], str]]
) -> NDArray[np.int64]:
    """Every tolerance names an existing row: ``ids[table]`` is (sorted ids, source).

    Returns the row each tolerance names, in its table (rows in id order).
    """
    tables = columns["ref_table"]
    ref_ids = columns["ref_id"]
    found = np.full(tables.shape[0], -1, np.int64)
    for code, table in enumerate(vocab.TOLERANCE_TARGET.values):
        rows = np.flatnonzero(tables == code)
        if rows.shape[0]:
            found[rows] = keys.locate(ids[table][0], ref_ids[rows])
    unknown = found < 0

    def explain(row: int) -> str:
        table = vocab.TOLERANCE_TARGET.values[tables[row]]
        return (
            f"the tolerance names no row: table '{table}' ({ids[table][1]}) has no id "
            f"'{ref_ids[row]}'; expected the id of an existing {table} row"
        )

    where.check(unknown, explain, "ref_id")
    return found
