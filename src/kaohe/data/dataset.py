"""``Table`` and ``Dataset``: the validated, columnar, canonically ordered input data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kaohe.table_spec import TableSpec

from ..values import Holder

if TYPE_CHECKING:
    import pyarrow as pa


def _same(left: NDArray[Any], right: NDArray[Any]) -> bool:
    if left.shape != right.shape or left.dtype.kind != right.dtype.kind:
        return False
    if left.dtype.kind == "M":
        return bool(np.array_equal(left.view(np.int64), right.view(np.int64)))
    return bool(np.array_equal(left, right))


def frozen(values: NDArray[Any]) -> NDArray[Any]:
    """A read-only view of ``values``."""
    view: NDArray[Any] = values.view()
    view.flags.writeable = False
    return view


class Columns(Mapping[str, NDArray[Any]]):
    """A table's columns by name: read-only numpy arrays.

    Text columns (ids, names, notes) arrive as Arrow arrays and become numpy
    ``str`` arrays the first time they are read, so that a run pays for the
    text that rules and writers use and no more. The Arrow array is kept
    beside them: :meth:`text` gives it to the writers, who would otherwise
    make it again from the numpy text (a province's ledger ids cost less
    memory as Arrow text than as numpy text, and more time to remake). An
    Arrow column may arrive in dictionary form (read so from Parquet): it is
    decoded when first read.
    """

    def __init__(
        self,
        arrays: Mapping[str, NDArray[Any]],
        texts: Mapping[str, pa.Array],
        names: Sequence[str] | None = None,
    ) -> None:
        self._names = (
            tuple(names) if names else (*arrays, *(name for name in texts if name not in arrays))
        )
        self._arrays = {name: frozen(values) for name, values in arrays.items()}
        self._texts = dict(texts)

    def __getitem__(self, name: str) -> NDArray[Any]:
        found = self._arrays.get(name)
        if found is None:
            if name not in self._texts:
                raise KeyError(name)
            from kaohe.data.arrays import to_numpy_text

            found = self._arrays[name] = frozen(to_numpy_text(self._texts[name]))
        return found

    def text(self, name: str) -> pa.Array:
        """Text column ``name`` as an Arrow string array: as it was read (made from
        the numpy text for a column given as numpy); a string array, also of a
        column that arrived in dictionary form."""
        found = self._texts.get(name)
        if found is not None:
            from kaohe.data.arrays import plain

            found = self._texts[name] = plain(found)
            return found
        from kaohe.arrowtext import from_numpy

        return from_numpy(self[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its arrays and the Arrow text columns not yet read, in order,
        read-only again (a text column is sent once)."""
        unread = {name: text for name, text in self._texts.items() if name not in self._arrays}
        return (Columns, (self._arrays, unread, self._names))


@attrs.frozen(repr=False, eq=False)
class Table(Holder):
    """One input table: typed, read-only numpy columns in canonical row order.

    - ``columns``: canonical column name -> array (see :mod:`kaohe.tables`
      for the dtypes), plus ``unit`` / ``cadre`` (``int64`` indices into
      :attr:`Dataset.unit_ids` / :attr:`Dataset.cadre_ids`, -1 where empty)
      on every table with a ``unit_id`` / ``cadre_id`` column, and on
      ``tolerances`` ``ref_row``, the row the tolerance names in its
      ``ref_table``.
    - ``source``: where it came from (``data/supervision.csv``,
      ``book.xlsx[supervision]``, ``<memory>:supervision``).
    - ``lines``: per row, its line in the CSV (header = line 1), its row in
      the sheet, or its 1-based position in memory; for error messages.
    - ``present``: False for an absent optional table (empty, typed columns).
    - ``spec``: the table's contract (core or registered by a plugin).
    - ``sha256``: hex digest of the file's bytes (the workbook's for
      ``.xlsx``), None in memory or when absent.

    Two tables are equal (``==``) when they hold the same data: provenance
    (``source``, ``lines``, ``sha256``) is not compared.
    """

    name: str
    columns: Mapping[str, NDArray[Any]]
    source: str
    lines: NDArray[np.int64]
    present: bool = True
    sha256: str | None = None
    spec: TableSpec = attrs.field(kw_only=True, repr=False)

    def __len__(self) -> int:
        return int(self.lines.shape[0])

    def __getitem__(self, column: str) -> NDArray[Any]:
        return self.columns[column]

    def text(self, column: str) -> pa.Array:
        """Text column ``column`` as an Arrow string array (for text that goes to the
        result files as it was read: ids), without making numpy text of it."""
        if isinstance(self.columns, Columns):
            return self.columns.text(column)
        from kaohe.arrowtext import from_numpy

        return from_numpy(self.columns[column])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return (
            self.name == other.name
            and self.present == other.present
            and self.columns.keys() == other.columns.keys()
            and all(_same(self.columns[k], other.columns[k]) for k in self.columns)
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled field by field, its ``lines`` read-only again when unpickled."""
        return (_table, (attrs.asdict(self, recurse=False),))


def _table(fields: dict[str, Any]) -> Table:
    return Table(**dict(fields, lines=frozen(fields["lines"])))


@attrs.frozen(repr=False, eq=False)
class Dataset(Holder):
    """Every input table of the contract, validated (see ``handbook/data.md``).

    ``tables`` has an entry for every table of the contract it was read with
    (the core's and the plugins' tables);
    absent optional ones are empty with ``present = False``. ``unit_ids`` and
    ``cadre_ids`` are the sorted (code-point order) ids of ``units`` and
    ``cadres``; the ``unit`` / ``cadre`` columns index them. ``warnings``
    say what was read differently from how it was written (extra columns
    or sheets ignored, title rows and empty rows skipped). Build one with
    :func:`kaohe.data.load` or :meth:`Dataset.from_columns`.

    Two datasets are equal when their tables are (provenance aside).
    """

    tables: Mapping[str, Table]
    unit_ids: NDArray[np.str_]
    cadre_ids: NDArray[np.str_]
    warnings: tuple[str, ...] = ()

    @property
    def absent(self) -> tuple[str, ...]:
        """Names of the absent optional tables, in contract order."""
        return tuple(name for name, table in self.tables.items() if not table.present)

    @classmethod
    def from_columns(
        cls,
        tables: Mapping[str, Any],
        *,
        source: str = "<memory>",
        require: Sequence[str] = (),
        contract: Mapping[str, TableSpec] | None = None,
    ) -> Dataset:
        """A dataset from in-memory tables: ``{table: columns}``.

        Each table is either a mapping ``{column: values}`` (sequences or
        numpy arrays, one element per row) or any object with the Arrow
        PyCapsule interface (a :class:`pyarrow.Table`, a pandas or polars
        data frame), read without copying its text cell by cell. Column
        names are canonical or header aliases. Dates may be dates,
        timestamps at midnight, text or Excel serials; vocabulary columns
        text (values or aliases) or integer codes (-1 = empty). The same
        validation as for files runs, with source ``<source>:<table>`` and
        rows numbered from 1. ``require`` names optional tables that must be
        given (e.g. ``("votes",)``); ``contract`` the tables known (a
        registry's ``tables``; by default the core's and the installed
        plugins'). Raises :class:`~kaohe.errors.DataError`
        listing every problem.
        """
        from kaohe.data.build import released
        from kaohe.data.memory import from_columns

        return released(from_columns(tables, source=source, require=require, contract=contract))

    def out_of_period(self, start: dt.date, end: dt.date) -> dict[str, int]:
        """Per ledger table scored by period, the rows dated outside ``[start, end]``.

        ``sanctions`` and ``tolerances`` are not counted (their effects do
        not follow the period). Absent tables count 0.
        """
        first = np.datetime64(start, "D")
        last = np.datetime64(end, "D")
        counts = {}
        for name, table in self.tables.items():
            spec = table.spec
            if spec.period_scored and spec.date_column is not None:
                days = table[spec.date_column]
                counts[name] = int(np.count_nonzero((days < first) | (days > last)))
        return counts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            self.tables.keys() == other.tables.keys()
            and all(self.tables[name] == other.tables[name] for name in self.tables)
            and _same(self.unit_ids, other.unit_ids)
            and _same(self.cadre_ids, other.cadre_ids)
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        """A dataset pickles (to Dask workers and other processes) as its tables and ids;
        unpickled, it is equal to this one, read-only as this one."""
        fields = (dict(self.tables), self.unit_ids, self.cadre_ids, self.warnings)
        return (_dataset, fields)


def _dataset(
    tables: dict[str, Table],
    unit_ids: NDArray[np.str_],
    cadre_ids: NDArray[np.str_],
    warnings: tuple[str, ...],
) -> Dataset:
    return Dataset(MappingProxyType(tables), frozen(unit_ids), frozen(cadre_ids), warnings)
