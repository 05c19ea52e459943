"""The writer of the result CSVs before they were built through Arrow, kept as a baseline.

``tests/test_csv_writer.py`` holds :func:`kaohe.output.csv_bytes` to its
bytes; ``benchmarks/writers.py`` times the two side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def reference_quote(cells: NDArray[np.str_]) -> NDArray[np.str_]:
    """RFC 4180 quoting of a numpy text column (cells with a comma, quote or line break)."""
    if cells.dtype.itemsize == 0 or not cells.shape[0]:
        return cells
    raw = cells.view(np.uint32).reshape(cells.shape[0], -1)
    maybe = np.flatnonzero(((raw - np.uint32(1)) < np.uint32(ord("-") - 1)).any(axis=1))
    if not maybe.shape[0]:
        return cells
    special = maybe[np.isin(raw[maybe], [ord(","), ord('"'), ord("\n"), ord("\r")]).any(axis=1)]
    if not special.shape[0]:
        return cells
    quoted = np.asarray(['"' + cell.replace('"', '""') + '"' for cell in cells[special].tolist()])
    width = max(cells.dtype.itemsize, quoted.dtype.itemsize) // 4
    out = cells.astype(f"<U{width}")
    out[special] = quoted
    return out


def reference_csv_bytes(header: Sequence[str], columns: Sequence[NDArray[np.str_]]) -> bytes:
    """The former writer: numpy quoting, then the rows joined as Python strings."""
    lines = [",".join(reference_quote(np.asarray(header, dtype=str)).tolist())]
    cells = [reference_quote(column).tolist() for column in columns]
    lines.extend(map(",".join, zip(*cells, strict=True)))
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
