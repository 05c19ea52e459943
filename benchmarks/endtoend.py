"""Whole processes and loading against Arrow: the figures of issue 9.

::

    python -m benchmarks.endtoend [--size quarter|full] [--repeat N] [--quick]

Every figure is measured side by side with its baseline in the same run,
the two interleaved repeat by repeat, and the median of ``N`` repeats is
reported with the ratio and the target (``benchmarks/README.md``):

- **W1 process**: the whole ``kaohe score`` process (CSV in, CSV out) against
  ``python -c "import numpy"``; target at most 4x.
- **W2 process**: the whole ``kaohe score`` process against the whole
  pure-Python reference process (``benchmarks/purecsv.py``: :mod:`csv` in,
  :func:`tests.reference.purepython.score`, :mod:`csv` out) on the same CSV
  folder; target at least 8x faster. Both run through a small launcher
  that reports its children's peak RSS: the ``kaohe score`` process's is
  the **W2 peak memory** figure, target under 4 GiB.
- **load CSV**: :func:`kaohe.load_data` of the CSV folder against
  :func:`pyarrow.csv.read_csv` of every file of it; target at most 2.5x.
- **load Parquet**: :func:`kaohe.load_data` of the same tables as a folder
  of ``<table>.parquet`` files (written by :func:`pyarrow.parquet.write_table`
  from Arrow's reading of the CSV files, so columns typed as Arrow infers
  them) against :func:`pyarrow.parquet.read_table` of every file; target
  at most 1.5x.

``--size quarter`` (the default) runs the W2 figures on a quarter of W2
(5,000 units, 250,000 cadres, 2,500,000 ledger rows): the pure-Python
reference takes about half a minute a run there. ``--size full`` is all
of W2. ``--quick`` runs the same code on tiny data (CI); its ratios say
nothing about the targets.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.run import (
    GIB,
    SCHEME,
    SEED,
    W1_PAIRS,
    Figure,
    Report,
    Size,
    _gib,
    _kaohe_command,
    _log,
    _median,
    _run,
    _scratch,
    _seconds,
    _size,
    _timed,
    _verdict,
    machine,
)

W1_MAX_RATIO = 4.0
W2_MIN_SPEEDUP = 8.0
W2_MAX_PEAK = 4 * GIB
CSV_MAX_RATIO = 2.5
PARQUET_MAX_RATIO = 1.5

#: Runs its arguments as a child process and prints the children's peak RSS
#: (bytes) on stderr's last line. Started with ``-S``: the launcher itself
#: holds a few MiB, and Linux carries a parent's high-water mark into its
#: children, so the runner (which holds data) must not start them directly.
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(peak * (1 if sys.platform == 'darwin' else 1024), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Sizes:
    """The data sizes of one ``--size``."""

    name: str
    w1: Size
    w2: Size
    #: How ``w2`` is named in the report.
    w2_label: str
    default_repeat: int


SIZES: dict[str, Sizes] = {
    "quarter": Sizes(
        "quarter",
        w1=(150, 5_000, 30_000),
        w2=(5_000, 250_000, 2_500_000),
        w2_label="W2/4",
        default_repeat=3,
    ),
    "full": Sizes(
        "full",
        w1=(150, 5_000, 30_000),
        w2=(20_000, 1_000_000, 10_000_000),
        w2_label="W2",
        default_repeat=3,
    ),
    "quick": Sizes(
        "quick", w1=(12, 200, 1_000), w2=(20, 1_000, 10_000), w2_label="W2", default_repeat=1
    ),
}


def _launched(command: Sequence[str]) -> tuple[float, int]:
    """Wall time of ``command`` run through the launcher, and its peak RSS."""
    start = time.perf_counter()
    done = _run([sys.executable, "-S", "-c", _LAUNCHER, *command])
    return time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1])


def _side_by_side(
    measured: Callable[[], float], baseline: Callable[[], float], repeat: int
) -> tuple[float, float]:
    """Medians of ``measured()`` and ``baseline()`` (seconds), interleaved ``repeat`` times."""
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        ours.append(measured())
        theirs.append(baseline())
    return _median(ours), _median(theirs)


def _write_data(size: Size, folder: Path) -> int:
    """The seeded data of ``size`` as ``folder/csv`` and ``folder/parquet``; its row count."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from benchmarks.generate import generate, write_csv

    columns = generate(*size, seed=SEED)
    rows = sum(len(next(iter(cols.values()))) for cols in columns.values() if cols)
    write_csv(columns, folder / "csv")
    del columns
    (folder / "parquet").mkdir()
    for file in sorted((folder / "csv").glob("*.csv")):
        pq.write_table(pacsv.read_csv(file), folder / "parquet" / f"{file.stem}.parquet")
    return rows


def _kinds(file: Path) -> None:
    """``{table: {column: kind}}`` of the installed tables, for ``benchmarks.purecsv``."""
    from kaohe.tables import installed_tables

    kinds = {
        name: {column.name: column.kind for column in spec.columns}
        for name, spec in installed_tables().items()
    }
    file.write_text(json.dumps(kinds), encoding="utf-8")


def bench_w1(sizes: Sizes, repeat: int, report: Report, scratch: Path) -> None:
    """The whole ``kaohe score`` process on W1 against ``python -c "import numpy"``."""
    from benchmarks.generate import generate, write_csv

    quick = sizes.name == "quick"
    _log(f"W1: generating {_size(sizes.w1)}")
    data = scratch / "w1"
    write_csv(generate(*sizes.w1, seed=SEED), data)
    out = scratch / "w1-out"
    score = [*_kaohe_command(), "score", str(SCHEME), "--data", str(data), "--out", str(out)]
    numpy = [sys.executable, "-c", "import numpy"]
    for command in (score, numpy):  # warm-up: file cache, bytecode
        _run(command)
    pairs = repeat if quick else max(repeat, W1_PAIRS)
    ours, base = _side_by_side(
        lambda: _timed(lambda: _run(score))[0], lambda: _timed(lambda: _run(numpy))[0], pairs
    )
    ratio = ours / base
    report.add(
        Figure(
            "W1",
            f"kaohe score process, CSV in and out ({_size(sizes.w1)}; {pairs} pairs)",
            _seconds(ours),
            f'python -c "import numpy" {_seconds(base)}',
            f"{ratio:.1f}x",
            f"<= {W1_MAX_RATIO:.0f}x",
            _verdict(ratio <= W1_MAX_RATIO, quick),
        )
    )


def bench_w2(sizes: Sizes, repeat: int, report: Report, scratch: Path) -> None:
    """The W2 process against the pure-Python process, its peak memory, loading against Arrow."""
    quick = sizes.name == "quick"
    label = sizes.w2_label
    _log(f"{label}: generating {_size(sizes.w2)}, writing CSV and Parquet")
    rows = _write_data(sizes.w2, scratch)
    csv_dir, parquet_dir = scratch / "csv", scratch / "parquet"
    kinds = scratch / "kinds.json"
    _kinds(kinds)

    out = scratch / "w2-out"
    score = [*_kaohe_command(), "score", str(SCHEME), "--data", str(csv_dir), "--out", str(out)]
    pure = [
        sys.executable,
        "-m",
        "benchmarks.purecsv",
        str(SCHEME),
        str(csv_dir),
        str(kinds),
        str(scratch / "pure-out"),
    ]
    peaks: list[int] = []

    def kaohe() -> float:
        seconds, peak = _launched(score)
        peaks.append(peak)
        return seconds

    _log(f"{label}: kaohe score process against the pure-Python process, {repeat} repeat(s)")
    ours, base = _side_by_side(kaohe, lambda: _launched(pure)[0], repeat)
    speedup = base / ours
    report.add(
        Figure(
            label,
            f"kaohe score process, CSV in and out ({_size(sizes.w2)})",
            _seconds(ours),
            f"pure-Python process (csv module) {_seconds(base)}",
            f"{speedup:.1f}x faster",
            f">= {W2_MIN_SPEEDUP:.0f}x",
            _verdict(speedup >= W2_MIN_SPEEDUP, quick),
        )
    )
    peak = _median(peaks)
    report.add(
        Figure(
            label,
            "peak memory of the kaohe score process (ru_maxrss)",
            _gib(peak),
            "",
            "",
            f"< {W2_MAX_PEAK / GIB:.0f} GiB",
            _verdict(peak < W2_MAX_PEAK, quick),
        )
    )
    _bench_loading(label, rows, csv_dir, parquet_dir, repeat, report, quick)


def _bench_loading(
    label: str,
    rows: int,
    csv_dir: Path,
    parquet_dir: Path,
    repeat: int,
    report: Report,
    quick: bool,
) -> None:
    """``kaohe.load_data`` of the CSV and Parquet folders against Arrow reading their files."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import kaohe

    scheme = kaohe.load_scheme(SCHEME)
    for kind, folder, read, target, baseline in (
        ("CSV", csv_dir, pacsv.read_csv, CSV_MAX_RATIO, "pyarrow.csv.read_csv"),
        ("Parquet", parquet_dir, pq.read_table, PARQUET_MAX_RATIO, "pyarrow.parquet.read_table"),
    ):
        files = sorted(folder.iterdir())
        kaohe.load_data(folder, scheme)  # warm-up: lazy imports, file cache

        def ours(folder: Path = folder) -> float:
            return _timed(lambda: kaohe.load_data(folder, scheme))[0]

        def arrow(files: list[Path] = files, read: Callable[..., object] = read) -> float:
            return _timed(lambda: [read(file) for file in files])[0]

        _log(f"{label}: load_data from {kind} against {baseline}, {repeat} repeat(s)")
        seconds, base = _side_by_side(ours, arrow, repeat)
        ratio = seconds / base
        report.add(
            Figure(
                label,
                f"load: load_data from {kind} ({rows:,} rows, {rows / seconds:,.0f} rows/s)",
                _seconds(seconds),
                f"{baseline} of every file {_seconds(base)}",
                f"{ratio:.1f}x",
                f"<= {target}x",
                _verdict(ratio <= target, quick),
            )
        )


def run(size: str = "quarter", repeat: int | None = None) -> str:
    """Measure every figure at ``size``; the report as text."""
    sizes = SIZES[size]
    repeat = repeat or sizes.default_repeat
    report = Report()
    started = time.perf_counter()
    header = [
        f"kaohe end-to-end benchmarks: size {size}, median of {repeat} repeat(s), seed {SEED}",
        *machine(),
    ]
    with _scratch("kaohe-e2e-") as scratch:
        bench_w1(sizes, repeat, report, scratch)
        bench_w2(sizes, repeat, report, scratch)
    if size == "quick":
        header.append("quick size: the machinery runs; the ratios say nothing about the targets")
    header.append(f"runner: wall time {_seconds(time.perf_counter() - started)}")
    return report.render(header)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.endtoend``: print the report."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.endtoend", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="quarter")
    parser.add_argument("--quick", action="store_true", help="tiny data, a few seconds (CI)")
    parser.add_argument("--repeat", type=int, help="repeats per figure (default: 3; quick 1)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    print(run("quick" if args.quick else args.size, args.repeat), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
