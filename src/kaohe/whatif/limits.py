"""How large a what-if study may be: counted and sized before anything starts.

A sweep's grid or a Monte Carlo study keeps, for every scenario, its scheme
(a copy of the scheme's document and parameters, about
:data:`SCHEME_BYTES`) and its published outcome (score, rank, grade and
flags of every unit and cadre, about :data:`ENTITY_BYTES` each). The
chunks being scored take up to :data:`~kaohe.whatif.batch.CHUNK_BUDGET`
more. :func:`study_bytes` estimates what the scenarios keep; :func:`default_max_scenarios` is
how many scenarios fit in half of this machine's memory, the default of
``--max-scenarios``. :func:`check_study` refuses a larger study with a
:class:`~kaohe.errors.StudyError` saying how to split it, before a single
scenario is made (a sweep's axes are counted, not listed).
"""

from __future__ import annotations

import os

from ..data import Dataset
from ..errors import StudyError
from ..i18n import _
from .batch import CHUNK_BUDGET, VALUES_PER_ENTITY, VALUES_PER_ROW

#: Memory of one scenario's scheme (measured on county-2019: about 19 KiB).
SCHEME_BYTES = 24 * 1024
#: Memory of one scenario's outcome per unit or cadre (measured: about 28 bytes).
ENTITY_BYTES = 32
#: Assumed when the machine's memory cannot be read.
FALLBACK_MEMORY = 8 * 1024**3


def machine_memory() -> int:
    """The machine's physical memory in bytes (:data:`FALLBACK_MEMORY` if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # not POSIX, or not reported
        return FALLBACK_MEMORY


def scenario_bytes(data: Dataset) -> int:
    """About how much memory one scenario of a study on ``data`` keeps."""
    entities = int(data.unit_ids.shape[0] + data.cadre_ids.shape[0])
    return SCHEME_BYTES + ENTITY_BYTES * entities


def study_bytes(scenarios: int, data: Dataset) -> int:
    """About how much memory a study of ``scenarios`` scenarios on ``data`` keeps."""
    return scenarios * scenario_bytes(data)


def default_max_scenarios(data: Dataset, memory: int | None = None) -> int:
    """How many scenarios fit in half of ``memory`` (default: this machine's), at least 1."""
    budget = (memory if memory is not None else machine_memory()) // 2 - CHUNK_BUDGET
    return max(1, budget // scenario_bytes(data))


def _gib(size: int) -> str:
    return f"{size / 1024**3:.1f} GiB"


def check_study(scenarios: int, data: Dataset, limit: int, kind: str) -> None:
    """Raise StudyError when a study of ``scenarios`` is above ``limit`` (``--max-scenarios``).

    ``kind`` is ``"sweep"`` or ``"monte-carlo"``: the message says how to
    split that kind of study.
    """
    if scenarios <= limit:
        return
    split = (
        _("sweep fewer values per --sweep axis (a part of each range per run)")
        if kind == "sweep"
        else _(
            "run --monte-carlo {limit} or fewer several times with different --seed values"
        ).format(limit=limit)
    )
    raise StudyError(
        _(
            "a study of {scenarios:,} scenarios would keep about {memory} in memory "
            "({kib} KiB a scenario); the limit is {limit:,} scenarios (--max-scenarios; by "
            "default what fits in half of this machine's memory). Split the study: {split}, "
            "and combine the parts; or raise --max-scenarios on a machine with the memory"
        ).format(
            scenarios=scenarios,
            memory=_gib(study_bytes(scenarios, data)),
            kib=scenario_bytes(data) // 1024,
            limit=limit,
            split=split,
        )
    )


def check_chunk(chunk: int, data: Dataset, memory: int | None = None) -> None:
    """Raise StudyError when ``--chunk`` scenarios at once would not fit in half the memory."""
    budget = (memory if memory is not None else machine_memory()) // 2
    rows = sum(len(table) for table in data.tables.values())
    entities = int(data.unit_ids.shape[0] + data.cadre_ids.shape[0])
    fits = max(1, budget // (8 * (VALUES_PER_ENTITY * entities + VALUES_PER_ROW * rows)))
    if chunk > fits:
        raise StudyError(
            _(
                "--chunk {chunk}: scoring that many scenarios at once would need more than half "
                "of this machine's memory ({memory}); give --chunk {fits} or less, or leave it "
                "out (kaohe then sizes the chunks itself)"
            ).format(chunk=chunk, memory=_gib(budget), fits=fits)
        )
