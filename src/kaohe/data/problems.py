"""Collecting every problem of one load, so that the user sees them all at once.

A load does not stop at the first bad cell: readers, parsers and checks
report to one :class:`Problems`, which keeps the first :data:`LIMIT` (in
file and row order) and counts the rest; :meth:`Problems.raise_any` then
raises one :class:`~kaohe.errors.DataError` listing them. Warnings (extra
columns, title rows, skipped empty rows) are collected beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.errors import DataError

from ..values import Holder

#: The most problems one error lists; the rest are counted.
LIMIT = 200


def visible(text: str) -> str:
    """``text`` for a message, each character a reader cannot see written as its
    escape (``'XZ02\\u200b'``): control and format characters (zero-width
    spaces, byte order marks, direction marks) and white space other than the
    plain space, as :meth:`str.isprintable` tells them."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


class Problems:
    """The problems and warnings found so far while loading one data set."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.found: list[DataError] = []
        self.more = 0
        self.warnings: list[str] = []
        #: Tables that were found but could not be read (reported).
        self.failed: set[str] = set()
        self._order: dict[str, int] = {}

    def add(self, error: DataError) -> None:
        """Record one problem (counted only, once :data:`LIMIT` are listed)."""
        self._order.setdefault(error.source, len(self._order))
        if len(self.found) < self.limit:
            self.found.append(error)
        else:
            self.more += 1

    def add_error(
        self, source: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        """Record a problem of ``source`` (a whole table, or one row and column of it)."""
        self.add(DataError(source, message, row=row, column=column))

    def room(self, source: str, wanted: int) -> int:
        """How many of ``wanted`` problems of ``source`` may be listed; the rest are counted."""
        self._order.setdefault(source, len(self._order))
        room = min(max(self.limit - len(self.found), 0), wanted)
        self.more += wanted - room
        return room

    def warn(self, message: str) -> None:
        """Record a warning: something read differently from how it was written."""
        self.warnings.append(message)

    def arrange(self, sources: Sequence[str]) -> None:
        """List the problems of ``sources`` in this order (the tables' files in the order
        of the contract), after those of any other source (the folder, the workbook)."""
        rank = {source: i for i, source in enumerate(sources)}
        ordered = sorted(self._order, key=lambda s: (s in rank, rank.get(s, self._order[s])))
        self._order = {source: i for i, source in enumerate(ordered)}

    def about(self, source: str) -> bool:
        """Whether a problem was found in ``source``."""
        return source in self._order

    def raise_any(self) -> None:
        """Raise one :class:`DataError` listing every problem found, if there is one."""
        if self.found:
            ordered = sorted(
                self.found, key=lambda e: (self._order[e.source], e.row or 0, e.column or "")
            )
            raise DataError.of(ordered, self.more)


@attrs.frozen(repr=False, eq=False)
class Where(Holder):
    """Where a table came from, for reporting its bad cells.

    ``lines`` are the source lines (CSV, header = 1), sheet rows or 1-based
    positions of the rows, aligned with the table's arrays; ``headers``
    maps a canonical column name to the header the user wrote. ``quiet``
    marks rows already reported for a column, whose further problems there
    are not (what a cell that cannot be read parses as).
    """

    source: str
    lines: NDArray[np.int64]
    problems: Problems
    headers: Mapping[str, str] = attrs.field(factory=dict)
    quiet: NDArray[np.bool_] | None = None

    def header(self, column: str | None) -> str | None:
        """The header of ``column`` as written in the source."""
        return None if column is None else self.headers.get(column, column)

    def fail(
        self,
        bad: NDArray[np.bool_] | NDArray[np.intp],
        explain: Callable[[int], str],
        column: str | None = None,
    ) -> None:
        """Report each of the ``bad`` rows (a mask or row indices) with ``explain(row)``."""
        rows = self.in_line_order(bad)
        if not rows.shape[0]:
            return
        header = self.header(column)
        for row in rows[: self.problems.room(self.source, rows.shape[0])].tolist():
            line = int(self.lines[row])
            self.problems.add(DataError(self.source, explain(row), row=line, column=header))

    def in_line_order(self, bad: NDArray[np.bool_] | NDArray[np.intp]) -> NDArray[np.intp]:
        """The ``bad`` rows (a mask or row indices) in the order of their lines, but
        the ``quiet`` ones."""
        rows = np.flatnonzero(bad) if bad.dtype == np.bool_ else np.asarray(bad, dtype=np.intp)
        if self.quiet is not None:
            rows = rows[~self.quiet[rows]]
        return rows[np.argsort(self.lines[rows], kind="stable")]

    def check(
        self, bad: NDArray[np.bool_], explain: Callable[[int], str], column: str | None = None
    ) -> None:
        """:meth:`fail` for the rows of the mask ``bad``, if any."""
        if bad.any():
            self.fail(bad, explain, column)

    def error(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        """Report a problem of the table as a whole (or of one line of it)."""
        self.problems.add_error(self.source, message, row=row, column=self.header(column))
