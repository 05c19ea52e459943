"""The records behind a result, as people ask about them (``kaohe explain``).

:func:`cited` finds the input records an entity's result rows cite;
:func:`record_lines` shows each with the fields people ask about (文号,
处理机关, 整改期限 and 整改完成日期, ...) under their Chinese headers, the
split of a supervision deduction into its parts (``2.0 严重 + 1.0 逾期``),
and, when the data came from a ledger store, the record's corrections.
:func:`find_entity` looks a unit or cadre up by id or by name, with
suggestions.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import KaoheError
from ..i18n import _
from ..results import Results
from ..tables import installed_tables
from ..template import header


def find_entity(results: Results, data: Any, wanted: str) -> str:
    """The id of the unit or cadre ``wanted`` names: an id (as it is) or a name; an unknown
    name is an error with the closest names and ids."""
    wanted = wanted.strip()
    ids = {*results.units.ids.tolist(), *results.cadres.ids.tolist()}
    if wanted in ids or ":" in wanted:
        return wanted
    names: dict[str, list[str]] = {}
    for table, key in (("units", "unit_id"), ("cadres", "cadre_id")):
        columns = data.tables[table]
        for name, entity in zip(columns["name"].tolist(), columns[key].tolist(), strict=True):
            names.setdefault(str(name), []).append(str(entity))
    if wanted in names:
        found = names[wanted]
        if len(found) > 1:
            raise KaoheError(
                _("'{name}' names {ids}; give one of these ids").format(
                    name=wanted, ids=", ".join(found)
                )
            )
        return found[0]
    close = difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.5)
    if not close:  # not like a name: the explanation names the closest ids
        return wanted
    raise KaoheError(
        _("no unit or cadre with the id or name '{name}'; did you mean {close}?").format(
            name=wanted, close=", ".join(close)
        )
    )


def cited(results: Results, entity_id: str) -> list[tuple[str, str]]:
    """The (table, id) of the input records an entity's result rows cite, in order."""
    from ..tables_out import adjustment_rows

    names, columns = adjustment_rows(results)
    table = dict(zip(names, columns, strict=True))
    mine = table["entity_id"] == entity_id
    pairs = zip(
        table["source_table"][mine].tolist(), table["source_id"][mine].tolist(), strict=True
    )
    tables = results.scheme.registry.tables
    return list(dict.fromkeys((str(t), str(i)) for t, i in pairs if t in tables and i))


def _cells(data: Any, table: str, record_id: str) -> dict[str, str] | None:
    spec = installed_tables()[table]
    columns = data.tables[table]
    if spec.id_column is None:
        return None
    where = np.flatnonzero(columns[spec.id_column] == record_id)
    if not where.size:
        return None
    row = int(where[0])
    found = {}
    for column in spec.columns:
        value = columns[column.name][row]
        if column.vocab is not None:
            text = "" if int(value) < 0 else column.vocab.values[int(value)]
        elif isinstance(value, np.datetime64):
            text = "" if np.isnat(value) else str(value)
        else:
            text = str(value)
        if text:
            found[column.name] = text
    return found


def _rule_lines(
    results: Results, entity_id: str, table: str, cells: Mapping[str, str]
) -> list[str]:
    """What the explainers of the rules that ran say of one cited record."""
    from .explaining import ExplainView

    kind = "unit" if entity_id in results.units.ids.tolist() else "cadre"
    ids = (results.units if kind == "unit" else results.cadres).ids.tolist()
    index = ids.index(entity_id) if entity_id in ids else -1
    lines = []
    for name in results.plan.rules:
        explainer = results.scheme.registry.rule(name).explainer
        if explainer is None or explainer.record is None:
            continue
        said = explainer.record(ExplainView(results, kind, index, name), table, cells)
        if said:
            lines.append(f"    {said}")
    return lines


def record_lines(
    results: Results,
    data: Any,
    entity_id: str,
    records: Sequence[tuple[str, str]],
    store: str | None,
) -> list[str]:
    """Each cited record with its fields, parts and (from a store) its corrections."""
    from .. import store as ledger
    from ..store_entries import describe

    entries = ledger.entries(store) if store is not None else []
    lines = ["", "所依据的记录:"]
    for table, record_id in records:
        values = _cells(data, table, record_id)
        if values is None:
            continue
        spec = installed_tables()[table]
        shown = ", ".join(f"{header(spec.column(n))} {v}" for n, v in values.items())
        lines.append(f"  {spec.aliases[0]} {record_id}: {shown}")
        lines += _rule_lines(results, entity_id, table, values)
        history = [e for e in entries if (e.table, e.record_id) == (table, record_id)]
        for before, entry in itertools.pairwise(history):
            lines += ["    " + line for line in describe(entry, before)]
    return lines
