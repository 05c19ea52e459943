"""Where a column came from, and how a bad cell is reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.errors import DataError


@attrs.frozen(eq=False)
class Where:
    """The ``source`` of a table and the source ``lines`` of its rows (aligned with its arrays)."""

    source: str
    lines: NDArray[np.int64]

    def fail(
        self,
        bad: NDArray[np.bool_] | NDArray[np.intp],
        explain: Callable[[int], str],
        column: str | None = None,
    ) -> NoReturn:
        """Raise a :class:`DataError` for the first (by line) of the ``bad`` rows.

        ``bad`` is a mask or row indices; ``explain(row)`` is the message for
        one row. When more rows are bad the message adds "and N more rows".
        """
        rows = np.flatnonzero(bad) if bad.dtype == np.bool_ else np.asarray(bad)
        first = int(rows[np.argmin(self.lines[rows])])
        message = explain(first)
        if rows.shape[0] > 1:
            more = rows.shape[0] - 1
            message += f" (and {more} more row{'s' if more > 1 else ''})"
        raise DataError(self.source, message, row=int(self.lines[first]), column=column)

    def check(
        self,
        bad: NDArray[np.bool_],
        explain: Callable[[int], str],
        column: str | None = None,
    ) -> None:
        """:meth:`fail` if any row of the mask ``bad`` is set."""
        if bad.any():
            self.fail(bad, explain, column)

    def error(self, message: str) -> DataError:
        """An error about the table as a whole."""
        return DataError(self.source, message)
