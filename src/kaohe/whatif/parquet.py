"""Per-scenario results of a study as Parquet files, one pair per chunk of scenarios.

``units-NNNNN.parquet`` has one row per (scenario, unit) and
``cadres-NNNNN.parquet`` one per (scenario, cadre) of chunk ``NNNNN``:
``scenario`` (the number in ``scenarios.csv``, from 1), the id, ``score``,
``rank``, ``grade`` (the label) and one boolean ``flag_NAME`` column per
flag. A missing score, rank or grade is null. Read them all at once with
``pyarrow.dataset.dataset(folder)`` or ``pandas.read_parquet``. pyarrow is
imported only when parts are written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..vocab import UNIT_GRADES
from .batch import ChunkOutcome
from .tally import CADRE_LABELS


def _pyarrow() -> tuple[Any, Any]:
    """pyarrow and its Parquet writer, imported only when a study writes parts."""
    import pyarrow
    import pyarrow.parquet

    return pyarrow, pyarrow.parquet


def part_names(chunk: int) -> tuple[str, str]:
    """The file names of chunk ``chunk`` (from 0): units, then cadres."""
    return f"units-{chunk:05d}.parquet", f"cadres-{chunk:05d}.parquet"


def chunk_files(
    chunk: int,
    scenarios: Sequence[int],
    part: ChunkOutcome,
    unit_ids: NDArray[np.str_],
    cadre_ids: NDArray[np.str_],
) -> dict[str, bytes]:
    """The two Parquet files of chunk ``chunk``, whose rows are scenarios ``scenarios`` (from 0)."""
    units_name, cadres_name = part_names(chunk)
    numbers = np.asarray(scenarios, dtype=np.int32) + 1
    return {
        units_name: _table_bytes(
            numbers,
            "unit_id",
            unit_ids,
            part.unit_score,
            part.unit_rank,
            part.unit_grade,
            UNIT_GRADES,
            part.unit_flags,
        ),
        cadres_name: _table_bytes(
            numbers,
            "cadre_id",
            cadre_ids,
            part.cadre_score,
            part.cadre_rank,
            part.cadre_grade,
            CADRE_LABELS,
            part.cadre_flags,
        ),
    }


def _table_bytes(
    numbers: NDArray[np.int32],
    id_name: str,
    ids: NDArray[np.str_],
    score: NDArray[np.float64],
    rank: NDArray[np.integer],
    grade: NDArray[np.integer],
    labels: Sequence[str],
    flags: Mapping[str, NDArray[np.bool_]],
) -> bytes:
    pa, pq = _pyarrow()
    k, n = score.shape
    entity = np.tile(np.arange(n, dtype=np.int32), k)
    codes = grade.ravel()
    columns = {
        "scenario": pa.array(np.repeat(numbers, n)),
        id_name: pa.DictionaryArray.from_arrays(entity, pa.array(ids.tolist(), pa.string())),
        "score": pa.array(score.ravel(), mask=np.isnan(score.ravel())),
        "rank": pa.array(rank.ravel().astype(np.int32), mask=rank.ravel() <= 0),
        "grade": pa.DictionaryArray.from_arrays(
            pa.array(codes.astype(np.int8), mask=codes < 0), pa.array(list(labels), pa.string())
        ),
    }
    for name in sorted(flags):
        columns[f"flag_{name}"] = pa.array(np.broadcast_to(flags[name], (k, n)).ravel())
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), sink, compression="zstd")
    data: bytes = sink.getvalue().to_pybytes()
    return data
