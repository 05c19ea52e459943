"""W3 of handbook/quality.md: what-if studies, batched against separate runs.

- W1 data, ``N`` scenarios (1,000 at full size): :func:`kaohe.whatif.simulate`
  (scenarios as an array axis) against ``N`` separate :func:`kaohe.evaluate`
  runs, the slow baseline that rules-as-code tools use; target >= 20x.
- W2 data, 100 scenarios: the batch in a fresh process, with its peak
  memory (bounded by chunking); target < 8 GiB.

The scenarios vary two parameters: the satisfaction weight of 乡镇 (a unit
parameter that reaches every cadre through the unit link) and the
supervision cap (a ledger parameter).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks.run import (
    GIB,
    Figure,
    Report,
    Size,
    Sizes,
    _generate,
    _gib,
    _log,
    _median,
    _peak_rss,
    _scheme,
    _seconds,
    _verdict,
    _worker,
)

W3_MIN_SPEEDUP = 20.0
W3_MAX_PEAK = 8 * GIB
SCENARIOS = {"full": (1000, 100), "smoke": (20, 3)}


def scenarios(scheme: Any, n: int, seed: int = 3) -> list[Any]:
    """``n`` seeded variants of ``scheme`` (satisfaction weight of 乡镇, supervision cap)."""
    from kaohe.whatif import Scenario

    rng = np.random.default_rng(seed)
    return [
        Scenario.from_overrides(
            scheme,
            {
                "satisfaction.weight.乡镇": float(rng.uniform(0.05, 0.4)),
                "supervision.cap": float(rng.uniform(6.0, 14.0)),
            },
        )
        for _ in range(n)
    ]


def bench_w3(sizes: Sizes, repeat: int, report: Report) -> None:
    """Batched vs separate on W1; the W2 batch's time and peak memory in a fresh process."""
    import kaohe
    from kaohe.whatif import simulate

    smoke = sizes.name == "smoke"
    n_w1, n_w2 = SCENARIOS[sizes.name]
    scheme = _scheme()
    data = kaohe.data_from_columns(_generate(sizes.w1), scheme)
    variants = scenarios(scheme, n_w1)
    _log(f"W3: {n_w1} scenarios on W1, batched, {repeat} repeats (+1 warm-up)")
    simulate(variants, data)  # warm-up, as W1 and W2: the first batch grows the heap
    batched = []
    for _ in range(repeat):
        start = time.perf_counter()
        simulate(variants, data)
        batched.append(time.perf_counter() - start)
    _log(f"W3: {n_w1} separate runs on W1")
    start = time.perf_counter()
    for variant in variants:
        kaohe.evaluate(variant.scheme, data)
    separate = time.perf_counter() - start
    speedup = separate / _median(batched)
    report.add(
        Figure(
            "W3",
            f"what-if: {n_w1:,} scenarios on W1, batched",
            _seconds(_median(batched)),
            f"{n_w1:,} separate runs {_seconds(separate)}",
            f"{speedup:.1f}x faster",
            f">= {W3_MIN_SPEEDUP:.0f}x faster",
            _verdict(speedup >= W3_MIN_SPEEDUP, smoke),
        )
    )
    _log(f"W3: {n_w2} scenarios on W2 in a fresh process")
    answer = _worker({"kind": "w3", "size": list(sizes.w2), "n": n_w2}, clean_rss=True)
    report.add(
        Figure(
            "W3",
            f"what-if: {n_w2} scenarios on W2, batched in chunks of {answer['chunk']}",
            _seconds(answer["seconds"]),
            f"one evaluate {_seconds(answer['single'])}",
            f"peak RSS {_gib(answer['peak'])}",
            f"< {_gib(W3_MAX_PEAK)}",
            _verdict(answer["peak"] < W3_MAX_PEAK, smoke),
        )
    )


def w3_worker(size: Size, n: int) -> dict[str, Any]:
    """In a fresh process: generate W2, simulate ``n`` scenarios, report time and peak RSS."""
    import kaohe
    from kaohe.whatif import simulate
    from kaohe.whatif.batch import chunk_size

    scheme = _scheme()
    data = kaohe.data_from_columns(_generate(size), scheme)
    start = time.perf_counter()
    kaohe.evaluate(scheme, data)
    single = time.perf_counter() - start
    variants = scenarios(scheme, n)
    start = time.perf_counter()
    simulate(variants, data)
    return {
        "seconds": time.perf_counter() - start,
        "single": single,
        "peak": _peak_rss(),
        "chunk": chunk_size(data),
    }
