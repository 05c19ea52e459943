"""Reading Parquet and Arrow IPC (Feather) files: one ``<table>.parquet`` or
``<table>.arrow`` per table, columns typed as their writer stored them.

Column names are headers as in a CSV file (English or Chinese); typed
columns go straight to the parser (:mod:`kaohe.data.parse`), which checks
them as it checks text. Rows are numbered from 1 in error messages.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from kaohe.data.problems import Problems
from kaohe.data.raw import RawTable, from_arrow, sha256_later
from kaohe.i18n import _
from kaohe.table_spec import TableSpec

#: File name endings of the columnar formats, and how each is read.
PARQUET = (".parquet",)
ARROW_IPC = (".arrow", ".feather", ".ipc")
COLUMNAR = (*PARQUET, *ARROW_IPC)


def read_columnar(file: Path, spec: TableSpec, problems: Problems) -> RawTable | None:
    """Read one Parquet or Arrow IPC file; a file that is neither is reported."""
    source = str(file)
    data = file.read_bytes()
    sha256 = sha256_later(data)
    try:
        table = _read(file, data, spec)
    except (pa.ArrowException, OSError, ValueError) as error:
        kind = "Parquet" if file.suffix.lower() in PARQUET else "Arrow IPC"
        problems.add_error(
            source, _("not a readable {kind} file ({error})").format(kind=kind, error=error)
        )
        return None
    return from_arrow(spec, table, source, problems, sha256=sha256())


def _read(file: Path, data: bytes, spec: TableSpec) -> pa.Table:
    if file.suffix.lower() in PARQUET:
        import pyarrow.parquet as pq

        try:
            words = [  # vocabulary text: a few distinct values, each read and parsed once
                field.name
                for field in pq.ParquetFile(pa.BufferReader(data)).schema_arrow
                if pa.types.is_string(field.type)
                and (name := spec.canonical(str(field.name))) is not None
                and spec.column(name).kind == "vocab"
            ]
            # One chunk a column for each row group: nothing to combine before parsing.
            return pq.ParquetFile(pa.BufferReader(data), read_dictionary=words).read()
        except (pa.ArrowException, OSError, ValueError):
            return pq.read_table(pa.BufferReader(data))  # refused as it always was
    import pyarrow.ipc as ipc

    try:
        return ipc.open_file(pa.BufferReader(data)).read_all()
    except pa.ArrowInvalid:
        return ipc.open_stream(pa.BufferReader(data)).read_all()
