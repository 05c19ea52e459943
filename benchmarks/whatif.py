"""W3 of handbook/quality.md: what-if studies, batched against separate runs.

- W1 data, ``N`` scenarios (1,000 at full size): :func:`kaohe.whatif.simulate`
  (scenarios as an array axis) against ``N`` separate :func:`kaohe.evaluate`
  runs, the slow baseline that rules-as-code tools use; target >= 20x.
- W2 data, 100 scenarios: the batch in a fresh process, with its peak
  memory (bounded by chunking); target < 8 GiB.

The scenarios vary two parameters: the satisfaction weight of 乡镇 (a unit
parameter that reaches every cadre through the unit link) and the
supervision cap (a ledger parameter).

So that the figure does not depend on one data set or one pair of
parameters, :data:`VARIANTS` repeat the W1 comparison on W1-size data of
other seeds, varying other parameters together: weights, caps, grade
thresholds, quotas, and a weight that moves every staff cadre's score.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.generate import generate
from benchmarks.run import (
    GIB,
    SEED,
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
#: The what-if panel of kaohe serve answers a moved field within this (issue 13).
PANEL_MAX_SECONDS = 1.0
#: What the panel is asked on W1: one weight moved, and a cap that moves many grades.
PANEL_OVERRIDES = ({"satisfaction.weight.乡镇": 0.35}, {"supervision.cap": 6.0})
SCENARIOS = {"full": (1000, 100), "smoke": (20, 3)}


@dataclass(frozen=True)
class Variant:
    """One W3 comparison: W1-size data of ``seed``, scenarios drawing ``ranges`` uniformly."""

    name: str
    seed: int
    ranges: dict[str, tuple[float, float]]


WEIGHT_AND_CAP = {"satisfaction.weight.乡镇": (0.05, 0.4), "supervision.cap": (6.0, 14.0)}
VARIANTS = (
    Variant("乡镇 weight + supervision cap", 2, WEIGHT_AND_CAP),
    Variant("乡镇 weight + supervision cap", 3, WEIGHT_AND_CAP),
    Variant("乡镇 weight + supervision cap", 10, WEIGHT_AND_CAP),
    Variant(
        "unit 良好 + cadre 称职 thresholds",
        4,
        {
            "unit_grading.thresholds.良好": (70.0, 88.0),
            "cadre_grading.thresholds.称职": (60.0, 80.0),
        },
    ),
    Variant(
        "unit + cadre 优秀 quotas",
        5,
        {"unit_grading.excellent_quota": (0.1, 0.5), "cadre_grading.excellent_quota": (0.1, 0.4)},
    ),
    Variant("criticism + awards caps", 6, {"criticism.cap": (1.0, 8.0), "awards.cap": (0.5, 4.0)}),
    Variant(
        "企业 survey weight + head's unit weight",
        7,
        {"satisfaction.group_weights.企业": (0.1, 0.6), "cadre_score.unit_weight.head": (0.2, 0.6)},
    ),
    Variant(
        "staff appraisal weight (every staff cadre moves)",
        8,
        {"cadre_score.appraisal_weight.staff": (0.3, 1.0)},
    ),
)


def drawn(scheme: Any, ranges: dict[str, tuple[float, float]], n: int, seed: int) -> list[Any]:
    """``n`` seeded variants of ``scheme``, each parameter of ``ranges`` drawn uniformly."""
    from kaohe.whatif import Scenario

    rng = np.random.default_rng(seed)
    return [
        Scenario.from_overrides(
            scheme, {path: float(rng.uniform(low, high)) for path, (low, high) in ranges.items()}
        )
        for _ in range(n)
    ]


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


def _batched_vs_separate(
    data: Any, variants: list[Any], repeat: int, label: str
) -> tuple[float, float]:
    """Median time of the batch (after one warm-up) and the time of separate runs."""
    import kaohe
    from kaohe.whatif import simulate

    _log(f"W3: {label}: {len(variants)} scenarios batched, {repeat} repeats (+1 warm-up)")
    simulate(variants, data)  # warm-up, as W1 and W2: the first batch grows the heap
    batched = []
    for _ in range(repeat):
        start = time.perf_counter()
        simulate(variants, data)
        batched.append(time.perf_counter() - start)
    _log(f"W3: {label}: {len(variants)} separate runs")
    start = time.perf_counter()
    for variant in variants:
        kaohe.evaluate(variant.scheme, data)
    return _median(batched), time.perf_counter() - start


def bench_w3(sizes: Sizes, repeat: int, report: Report) -> None:
    """Batched vs separate on W1 and its variants; the W2 batch's time and peak memory."""
    import kaohe

    smoke = sizes.name == "smoke"
    n_w1, n_w2 = SCENARIOS[sizes.name]
    scheme = _scheme()
    rows = [(f"what-if: {n_w1:,} scenarios on W1, batched", SEED, scenarios(scheme, n_w1))]
    rows += [
        (f"variant: {v.name}, data seed {v.seed}", v.seed, drawn(scheme, v.ranges, n_w1, v.seed))
        for v in VARIANTS
    ]
    for label, seed, variants in rows:
        units, cadres, ledger = sizes.w1
        data = kaohe.data_from_columns(generate(units, cadres, ledger, seed=seed), scheme)
        batched, separate = _batched_vs_separate(data, variants, repeat, label)
        speedup = separate / batched
        report.add(
            Figure(
                "W3",
                label,
                _seconds(batched),
                f"{n_w1:,} separate runs {_seconds(separate)}",
                f"{speedup:.1f}x faster",
                f">= {W3_MIN_SPEEDUP:.0f}x faster",
                _verdict(speedup >= W3_MIN_SPEEDUP, smoke),
            )
        )
    bench_panel(sizes, repeat, report)
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


def bench_panel(sizes: Sizes, repeat: int, report: Report) -> None:
    """The answer of kaohe serve's what-if panel on W1 (:meth:`Board.whatif`: the baseline
    and the variant batched, every grade change explained) against one evaluate."""
    import kaohe
    from kaohe.server.board import Board

    smoke = sizes.name == "smoke"
    scheme = _scheme()
    data = kaohe.data_from_columns(_generate(sizes.w1), scheme)
    board = Board.build(scheme, data)
    for overrides in PANEL_OVERRIDES:
        label = ", ".join(f"{path}={value:g}" for path, value in overrides.items())
        _log(f"W3: what-if panel on W1, {label}: {repeat} repeats (+1 warm-up)")
        changes = len(board.whatif(overrides)["changes"])
        answers, evaluations = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            board.whatif(overrides)
            answers.append(time.perf_counter() - start)
            start = time.perf_counter()
            kaohe.evaluate(scheme, data)
            evaluations.append(time.perf_counter() - start)
        answer = _median(answers)
        report.add(
            Figure(
                "W3",
                f"kaohe serve what-if panel on W1: {label} ({changes} grade changes explained)",
                _seconds(answer),
                f"one evaluate {_seconds(_median(evaluations))}",
                f"{answer / _median(evaluations):.1f}x",
                f"< {PANEL_MAX_SECONDS:g} s",
                _verdict(answer < PANEL_MAX_SECONDS, smoke),
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
