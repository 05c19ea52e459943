"""What a file reader hands over: the text cells of one table, by canonical column.

Readers (CSV, ``.xlsx``) turn a file into a :class:`RawTable`: every cell as
stripped text in file order, under the canonical column name its header
stands for, and the source line of each row. Parsing and validation are the
same for every reader (:mod:`kaohe.data.build`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.errors import DataError
from kaohe.tables import TableSpec


@attrs.frozen(eq=False)
class RawTable:
    """One table as read from a file, before parsing.

    ``cells`` maps canonical column names to stripped ``str`` arrays (``""``
    = empty), all of length ``len(lines)``; ``lines`` are the rows' line
    numbers in the file (header = line 1) or row numbers in the sheet.
    """

    name: str
    source: str
    cells: Mapping[str, NDArray[np.str_]]
    lines: NDArray[np.int64]
    sha256: str | None = None


def expected_columns(spec: TableSpec) -> str:
    """The columns of ``spec`` for an error message: required ones starred, aliases in brackets."""
    parts = []
    for column in spec.columns:
        star = "*" if column.required else ""
        alias = f" ({column.aliases[0]})" if column.aliases else ""
        parts.append(f"{column.name}{star}{alias}")
    return ", ".join(parts)


def resolve_headers(spec: TableSpec, headers: Sequence[str], source: str) -> list[str]:
    """The canonical column name of each header, in order.

    Raises :class:`DataError` naming ``source`` for an unknown header, two
    headers of one column, or a missing required column.
    """
    names: list[str] = []
    seen: dict[str, str] = {}
    for header in headers:
        name = spec.canonical(header)
        if name is None:
            raise DataError(
                source,
                f"unknown column '{header.strip()}' in table '{spec.name}'; "
                f"expected columns: {expected_columns(spec)}",
            )
        if name in seen:
            raise DataError(
                source,
                f"duplicate column '{name}': headers '{seen[name]}' and '{header.strip()}' "
                "name the same column; expected each column once",
            )
        seen[name] = header.strip()
        names.append(name)
    missing = [c.name for c in spec.columns if c.required and c.name not in seen]
    if missing:
        raise DataError(
            source,
            f"missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(name) for name in missing)} in table '{spec.name}'; "
            f"expected columns: {expected_columns(spec)}",
        )
    return names
