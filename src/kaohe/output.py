"""The files of a result folder: the CSV files and manifest of the data contract.

Same inputs give byte-identical files. :func:`write_folder` (from
:mod:`kaohe.folders`) writes them all-or-nothing and replaces only a result
folder kaohe wrote itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .folders import write_folder
from .results import Results
from .tables_out import adjustment_rows, cadre_rows, finding_rows, freeze_rows, unit_rows

__all__ = ["csv_bytes", "quote", "result_files", "write_folder"]


def quote(cells: NDArray[np.str_]) -> NDArray[np.str_]:
    """CSV quoting (RFC 4180) of a column: cells with a comma, quote or line break are quoted."""
    if cells.dtype.itemsize == 0 or not cells.shape[0]:
        return cells
    # the characters that need quoting are all below "-" (45); padding is 0: one
    # cheap pass finds the cells that may need it, an exact look settles those
    raw = cells.view(np.uint32).reshape(cells.shape[0], -1)
    maybe = np.flatnonzero(((raw - np.uint32(1)) < np.uint32(ord("-") - 1)).any(axis=1))
    if not maybe.shape[0]:
        return cells
    special = maybe[np.isin(raw[maybe], [ord(","), ord('"'), ord("\n"), ord("\r")]).any(axis=1)]
    if not special.shape[0]:
        return cells
    # few cells: quoted one by one (numpy.strings.replace can cut a widened cell short)
    quoted = np.asarray(['"' + cell.replace('"', '""') + '"' for cell in cells[special].tolist()])
    width = max(cells.dtype.itemsize, quoted.dtype.itemsize) // 4
    out = cells.astype(f"<U{width}")
    out[special] = quoted
    return out


def csv_bytes(header: Sequence[str], columns: Sequence[NDArray[np.str_]]) -> bytes:
    """A UTF-8 CSV file (with BOM, so that Excel opens it as UTF-8) as bytes.

    Built column-wise with numpy string operations: one line per row, ``\n``
    line ends, RFC 4180 quoting.
    """
    lines = [",".join(quote(np.asarray(header, dtype=str)).tolist())]
    cells = [quote(column).tolist() for column in columns]
    lines.extend(map(",".join, zip(*cells, strict=True)))
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def result_files(results: Results, manifest: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of the data contract for scenario 0 of ``results``."""
    units_header, units = unit_rows(results)
    cadres_header, cadres = cadre_rows(results)
    adjustments_header, adjustments = adjustment_rows(results)
    freezes_header, freezes = freeze_rows(results)
    findings_header, findings = finding_rows(results)
    return {
        "units.csv": csv_bytes(units_header, units),
        "cadres.csv": csv_bytes(cadres_header, cadres),
        "adjustments.csv": csv_bytes(adjustments_header, adjustments),
        "freezes.csv": csv_bytes(freezes_header, freezes),
        "findings.csv": csv_bytes(findings_header, findings),
        "manifest.json": (
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        ).encode("utf-8"),
    }
