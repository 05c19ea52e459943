"""Sweeps and Monte Carlo studies whose memory does not grow with the number of scenarios.

:func:`study` evaluates the scenarios chunk by chunk (in this process or on
a Dask cluster) and keeps of each chunk only its counts (a
:class:`~kaohe.whatif.tally.Tally`), which add up to the study's
:class:`~kaohe.whatif.tally.Distribution`: the same, value for value, as
:func:`~kaohe.whatif.analysis.distribution` of the whole outcome held in
memory. With ``parts`` it also writes every scenario's results, per unit
and per cadre, to Parquet files, one pair per chunk, as the chunks finish.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ..data import Dataset
from ..scheme import Scheme
from ..values import Holder
from .batch import chunk_size, each_chunk, evaluate_chunk, plan_chunks
from .scenarios import Scenario
from .tally import Distribution, Tally

#: Chunk tallies merged together at once (one sort of their rank histograms).
MERGE_EVERY = 16


@attrs.frozen(repr=False, eq=False)
class Study(Holder):
    """A study summarised: its scenarios, its units, its distribution, and the
    per-scenario result files written (``parts``, in chunk order; empty unless asked)."""

    scenarios: tuple[Scenario, ...]
    unit_ids: NDArray[np.str_]
    unit_names: NDArray[np.str_]
    unit_categories: NDArray[np.str_]
    found: Distribution
    parts: tuple[Path, ...] = ()
    cadre_ids: NDArray[np.str_] = attrs.field(factory=lambda: np.zeros(0, dtype=str))
    cadre_names: NDArray[np.str_] = attrs.field(factory=lambda: np.zeros(0, dtype=str))
    cadre_units: NDArray[np.str_] = attrs.field(factory=lambda: np.zeros(0, dtype=str))

    @property
    def n(self) -> int:
        """The number of scenarios."""
        return len(self.scenarios)


def _study_chunk(
    data: Dataset, schemes: Sequence[Scheme], chunk: int, members: Sequence[int], parts: bool
) -> tuple[Tally, dict[str, bytes]]:
    """One chunk of a study: its tally and, if ``parts``, its Parquet files (a task)."""
    part = evaluate_chunk(data, schemes)
    files: dict[str, bytes] = {}
    if parts:
        from .parquet import chunk_files

        files = chunk_files(chunk, members, part, data.unit_ids, data.cadre_ids)
    return part.tally(members), files


def study(
    scenarios: Sequence[Scenario],
    data: Dataset,
    *,
    chunk: int | None = None,
    parts: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    client: Any = None,
) -> Study:
    """Evaluate a sweep or Monte Carlo study and summarise it.

    ``parts``: a folder to write each chunk's per-scenario results to, as
    Parquet (``units-NNNNN.parquet``, ``cadres-NNNNN.parquet``; pyarrow).
    ``client``: a ``dask.distributed.Client``, to evaluate the chunks on
    its cluster. ``progress(k)`` is called after each chunk of ``k``
    scenarios. Whatever the chunk size and wherever the chunks run, the
    distribution and the files are the same.
    """
    chunks = plan_chunks(scenarios, chunk or chunk_size(data))
    arguments = [
        ([scenarios[i].scheme for i in members], index, members, parts is not None)
        for index, members in enumerate(chunks)
    ]
    folder = Path(parts) if parts is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    total = Tally.empty(int(data.unit_ids.shape[0]), int(data.cadre_ids.shape[0]))
    pending: list[Tally] = []
    written: dict[int, list[Path]] = {}
    for index, (tally, files) in each_chunk(_study_chunk, data, arguments, client):
        pending.append(tally)
        if len(pending) >= MERGE_EVERY:
            total, pending = Tally.merge_all([total, *pending]), []
        if folder is not None:
            written[index] = []
            for name, content in files.items():
                (folder / name).write_bytes(content)
                written[index].append(folder / name)
        if progress is not None:
            progress(len(chunks[index]))
    total = Tally.merge_all([total, *pending])
    units, cadres = data.tables["units"], data.tables["cadres"]
    return Study(
        scenarios=tuple(scenarios),
        unit_ids=data.unit_ids,
        unit_names=units["name"],
        unit_categories=units["category"],
        found=total.distribution(),
        parts=tuple(path for index in sorted(written) for path in written[index]),
        cadre_ids=data.cadre_ids,
        cadre_names=cadres["name"],
        cadre_units=data.unit_ids[cadres["unit"]],
    )
