"""Run the engine on the plain-Python case format, and read its results the same way.

The reference implementation (``tests/reference/purepython.py``) and the
hand-worked cases (``tests/cases``) speak plain Python: schemes as parsed
TOML, tables as lists of row dicts, results as nested dicts. These helpers
put the vectorised engine behind that same interface, so that one set of
cases and one differential test checks both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

import kaohe
from kaohe.tables import installed_tables
from kaohe.testing import as_plain as as_plain
from kaohe.testing import columns as columns
from kaohe.testing import engine as engine
from kaohe.testing import registry as registry
from kaohe.testing import rule_rows as rule_rows


def rows(data: kaohe.Dataset) -> dict[str, list[dict[str, Any]]]:
    """A validated dataset as plain rows for ``tests.reference.purepython.score``."""
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
