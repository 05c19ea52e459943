"""W4 of handbook/quality.md: a what-if study on a local Dask cluster against one process.

In a fresh process (so that its memory is its own): W2 data, ``N`` seeded
scenarios (200 at full size; those of W3: the satisfaction weight of 乡镇
and the supervision cap), summarised by :func:`kaohe.whatif.study` first in
that process, then on a local cluster of 2 worker processes (one thread
each) started beforehand, the time of sending the data to the workers
included (on one machine the workers map one copy of it, written to a
file in memory). Target: at least 1.6x faster, under 4 GiB per worker (the
``VmHWM`` of each worker process: its own high-water mark, whatever the
process that started it held).
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.run import (
    GIB,
    Figure,
    Report,
    Size,
    Sizes,
    _generate,
    _gib,
    _log,
    _scheme,
    _seconds,
    _verdict,
    _vm_hwm,
    _worker,
)
from benchmarks.whatif import scenarios

W4_MIN_SPEEDUP = 1.6
W4_MAX_WORKER_PEAK = 4 * GIB
W4_WORKERS = 2
SCENARIOS = {"full": 200, "smoke": 6}


def bench_w4(sizes: Sizes, repeat: int, report: Report) -> None:
    """The W4 study, once per repeat, each in a fresh process; medians of the times."""
    smoke = sizes.name == "smoke"
    n = SCENARIOS[sizes.name]
    answers = []
    for i in range(repeat):
        _log(f"W4: {n} scenarios on W2, one process then {W4_WORKERS} workers ({i + 1}/{repeat})")
        spec = {"kind": "w4", "size": list(sizes.w2), "n": n}
        answers.append(_worker(spec, clean_rss=True))
    single = sorted(a["single"] for a in answers)[len(answers) // 2]
    spread = sorted(a["cluster"] for a in answers)[len(answers) // 2]
    peak = max(max(a["worker_peaks"]) for a in answers)
    speedup = single / spread
    report.add(
        Figure(
            "W4",
            f"what-if: {n} scenarios on W2, local cluster of {W4_WORKERS} workers",
            _seconds(spread),
            f"one process {_seconds(single)}",
            f"{speedup:.2f}x faster",
            f">= {W4_MIN_SPEEDUP:g}x faster",
            _verdict(speedup >= W4_MIN_SPEEDUP, smoke),
        )
    )
    report.add(
        Figure(
            "W4",
            "peak memory per worker (VmHWM, the larger)",
            _gib(peak),
            f"one process {_gib(max(a['single_peak'] for a in answers))}",
            "",
            f"< {_gib(W4_MAX_WORKER_PEAK)}",
            _verdict(peak < W4_MAX_WORKER_PEAK, smoke),
        )
    )
    last = answers[-1]
    report.section(
        "W4 notes",
        [
            f"chunks of {last['chunk']} scenarios ({last['chunks']} tasks); per scenario "
            f"{_seconds(single / n)} in one process, {_seconds(spread / n)} on the cluster",
            "the cluster time includes sending the data to the workers once (on one machine: "
            "written to a file in memory that both map)",
            "worker peaks (VmHWM): "
            + ", ".join(_gib(p) for a in answers for p in a["worker_peaks"]),
            f"the client process's peak (VmHWM): {_gib(last['single_peak'])} "
            "(data generated, loaded and the one-process study)",
            f"cluster start-up (not timed): {_seconds(last['startup'])}",
        ],
    )


def w4_worker(size: Size, n: int) -> dict[str, Any]:
    """In a fresh process: the W4 study in this process, then on a local cluster."""
    import kaohe
    from kaohe.whatif import study
    from kaohe.whatif.batch import chunk_size, plan_chunks
    from kaohe.whatif.cluster import connect

    scheme = _scheme()
    variants = scenarios(scheme, n)
    start = time.perf_counter()
    with connect(workers=W4_WORKERS) as client:  # before the data: workers start small
        startup = time.perf_counter() - start
        data = kaohe.data_from_columns(_generate(size), scheme)
        chunk = chunk_size(data)
        start = time.perf_counter()
        alone = study(variants, data)
        single = time.perf_counter() - start
        single_peak = _vm_hwm()
        start = time.perf_counter()
        spread = study(variants, data, client=client)
        seconds = time.perf_counter() - start
        peaks = sorted(client.run(_vm_hwm).values())
    if not _same(alone, spread):
        raise RuntimeError("W4: the cluster's study differs from the one-process study")
    return {
        "single": single,
        "cluster": seconds,
        "startup": startup,
        "single_peak": single_peak,
        "worker_peaks": peaks,
        "chunk": chunk,
        "chunks": len(plan_chunks(variants, chunk)),
    }


def _same(one: Any, other: Any) -> bool:
    import numpy as np

    found, again = one.found, other.found
    names = ("unit_grade_counts", "cadre_grade_counts", "median_rank", "rank_p5", "rank_p95")
    return all(
        np.array_equal(getattr(found, name), getattr(again, name), equal_nan=True) for name in names
    )
