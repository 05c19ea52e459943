"""The library surface: load a scheme and data, evaluate, get frozen results.

>>> import kaohe
>>> scheme = kaohe.load_scheme("schemes/county-2019.toml")
>>> data = kaohe.load_data("schemes/county-2019", scheme)
>>> results = kaohe.evaluate(scheme, data)
>>> results.units.score[0]          # F per unit, in unit_id order
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import kernel
from .data import Dataset, load
from .errors import DataError, KaoheError
from .i18n import _
from .plugins import Registry
from .results import Results, assemble
from .scheme import Scheme


def load_scheme(path: str | Path, registry: Registry | None = None) -> Scheme:
    """Read and check a scheme file (see :meth:`Scheme.from_toml`)."""
    return Scheme.from_toml(path, registry)


def required_tables(scheme: Scheme) -> tuple[str, ...]:
    """Tables the scheme's enabled rules require besides units, cadres and targets."""
    needed: list[str] = []
    for name in scheme.enabled:
        for table in scheme.registry.rule(name).requires_tables:
            if table not in needed:
                needed.append(table)
    return tuple(needed)


def load_data(
    path: str | Path,
    scheme: Scheme | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> Dataset:
    """Read a CSV folder or an ``.xlsx`` workbook; with ``scheme``, check it against the scheme
    (and read the tables of the scheme's registry; without, of the installed plugins).

    ``progress(k)``: ``k`` more of the tables read (:func:`kaohe.data.load`).
    """
    require = required_tables(scheme) if scheme is not None else ()
    tables = scheme.registry.tables if scheme is not None else None
    categories = scheme.categories if scheme is not None else None
    data = load(path, require=require, tables=tables, progress=progress, categories=categories)
    if scheme is not None:
        check_dataset(scheme, data)
    return data


def data_from_columns(
    columns: Mapping[str, Mapping[str, Any]], scheme: Scheme | None = None
) -> Dataset:
    """Build a dataset from in-memory columns (table -> column -> sequence or array)."""
    require = required_tables(scheme) if scheme is not None else ()
    contract = scheme.registry.tables if scheme is not None else None
    data = Dataset.from_columns(columns, require=require, contract=contract)
    if scheme is not None:
        check_dataset(scheme, data)
    return data


def check_dataset(scheme: Scheme, data: Dataset) -> None:
    """Raise DataError where the data does not fit the scheme (unknown unit categories)."""
    units = data.tables["units"]
    categories = units["category"]
    unknown = ~np.isin(categories, np.asarray(scheme.categories))
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise DataError(
            units.source,
            _("category '{category}' is not one the scheme declares ({categories})").format(
                category=categories[row], categories=", ".join(scheme.categories)
            ),
            row=int(units.lines[row]),
            column="category",
        )


def evaluate(
    scheme: Scheme, data: Dataset, *, progress: Callable[[int], None] | None = None
) -> Results:
    """Score ``data`` under ``scheme``: one scenario (``K = 1``).

    ``progress(1)`` is called after each rule step (of ``kernel.plan(scheme).steps``).
    """
    return evaluate_batch([scheme], data, progress=progress)


def evaluate_batch(
    schemes: Sequence[Scheme],
    data: Dataset,
    *,
    progress: Callable[[int], None] | None = None,
    outcomes_only: bool = False,
) -> Results:
    """Score a batch of scenarios that share one structure (they differ only in numbers).

    Equal, value for value, to evaluating each scheme on its own.
    ``outcomes_only``: only the published outcomes (scores, ranks, grades,
    flags) are read from the results, as a what-if study reads them; rules
    may then leave out adjustment rows that only explain them (the cadre
    score's parts), which the results then do not hold.
    """
    if not schemes:
        raise KaoheError("evaluate_batch needs at least one scheme")
    first = schemes[0]
    key = first.structure_key()
    for other in schemes[1:]:
        if other.structure_key() != key:
            raise KaoheError(
                "schemes of one batch must differ only in numeric parameters; "
                f"'{other.name}' differs from '{first.name}' in rules or structural values"
            )
    check_dataset(first, data)
    the_plan = kernel.plan(first)
    slots = kernel.run(schemes, data, the_plan, progress, outcomes_only=outcomes_only)
    return assemble(schemes, data, the_plan, slots)
