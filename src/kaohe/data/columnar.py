"""Reading Parquet and Arrow IPC (Feather) files: one ``<table>.parquet`` or
``<table>.arrow`` per table, columns typed as their writer stored them.

Column names are headers as in a CSV file (English or Chinese); typed
columns go straight to the parser (:mod:`kaohe.data.parse`), which checks
them as it checks text. Rows are numbered from 1 in error messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from kaohe.data.problems import Problems
from kaohe.data.raw import RawTable, from_arrow, sha256_later
from kaohe.i18n import _
from kaohe.table_spec import TableSpec

if TYPE_CHECKING:
    import pyarrow.parquet as pq

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
            footer = pq.ParquetFile(pa.BufferReader(data))
            words = _dictionary_columns(footer, spec)
            # One chunk a column for each row group: nothing to combine before parsing.
            return pq.ParquetFile(
                pa.BufferReader(data), read_dictionary=words, metadata=footer.metadata
            ).read()
        except (pa.ArrowException, OSError, ValueError):
            return pq.read_table(pa.BufferReader(data))  # refused as it always was
    import pyarrow.ipc as ipc

    try:
        return ipc.open_file(pa.BufferReader(data)).read_all()
    except pa.ArrowInvalid:
        return ipc.open_stream(pa.BufferReader(data)).read_all()


#: A text column is read in dictionary form when each row group stores it as a
#: dictionary page of at most this many bytes (compressed)...
SMALL_DICTIONARY = 1 << 18
#: ... and at most this share of the column's bytes: a column of a few distinct
#: values (a unit's id in a ledger of millions of rows, a category, a note typed
#: from a list), not one of distinct ids (whose writer stops its dictionary when it
#: grows and writes the values themselves after it).
DICTIONARY_SHARE = 8


def _dictionary_columns(file: pq.ParquetFile, spec: TableSpec) -> list[str]:
    """The text columns of ``file`` to read in dictionary form, so that each distinct
    value is trimmed, checked and looked up once: those of vocabularies, and ``id``
    and ``text`` columns that every row group stores as a small dictionary
    (:data:`SMALL_DICTIONARY`, :data:`DICTIONARY_SHARE`), by the file's metadata.
    The choice is one of speed alone: either form gives the same cells."""
    metadata = file.metadata
    chosen = []
    for position, field in enumerate(file.schema_arrow):
        name = spec.canonical(str(field.name))
        if name is None or not pa.types.is_string(field.type):
            continue
        kind = spec.column(name).kind
        if kind == "vocab" or (
            kind in ("id", "text")
            and metadata.num_row_groups
            and all(
                _small_dictionary(metadata.row_group(group).column(position))
                for group in range(metadata.num_row_groups)
            )
        ):
            chosen.append(field.name)
    return chosen


def _small_dictionary(chunk: pq.ColumnChunkMetaData) -> bool:
    """Whether a column chunk is a small dictionary page and pages of its indices."""
    if not chunk.has_dictionary_page or chunk.dictionary_page_offset is None:
        return False
    size = chunk.data_page_offset - chunk.dictionary_page_offset
    return bool(
        0 < size <= SMALL_DICTIONARY and size * DICTIONARY_SHARE <= chunk.total_compressed_size
    )
