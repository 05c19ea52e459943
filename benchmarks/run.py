"""The benchmark runner: workloads W1 and W2 of handbook/quality.md against their baselines.

::

    python -m benchmarks.run [--size smoke|full] [--repeat N] [--only W1,W2]

Every figure is measured side by side with its baseline in the same run
(the two interleaved, repeat by repeat), and the median of ``N`` repeats is
reported with the ratio and the target. ``benchmarks/README.md`` says what
each figure means.

- **W1 county**: the whole ``kaohe score`` process (CSV in, every output
  file out) against ``python -c "import numpy"``; an in-process breakdown of
  that run (each repeat in a fresh process, so that start-up and lazy
  imports land in the step that pays them); the largest imports of
  ``python -X importtime -c "import kaohe.cli.app"`` (what the console script imports).
- **W2 province**: :func:`kaohe.data_from_columns` (rows/s);
  :func:`kaohe.evaluate` against a numpy floor (one ``np.bincount`` pass
  over the unit or cadre index of every ledger table plus one ``np.argsort``
  of a float per cadre); the peak RSS of fresh processes; the pure-Python
  reference on all of W2 (in a fresh process) and on a 1/100 slice;
  :func:`kaohe.load_data` from CSV (rows/s).

``--size smoke`` runs the same code on tiny data in a few seconds (CI);
its ratios say nothing about the targets. Progress goes to stderr, the
report to stdout.

The module imports only the standard library at the top: numpy and kaohe
are imported where they are used, so that the worker processes it starts
(``--worker``, internal) time kaohe's imports themselves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np

    import kaohe

ROOT = Path(__file__).resolve().parent.parent
SCHEME = ROOT / "schemes" / "county-2019.toml"
SEED = 1
GIB = 1024**3
MIB = 1024**2
WORKLOADS = ("W1", "W2", "W3", "W4")

#: handbook/quality.md targets.
W1_MAX_RATIO = 4.0
#: The W1 processes take a few tenths of a second, and on a shared machine one run
#: moves by tens of ms: each is timed at least this many times, in turn with its
#: baseline (but once a repeat at the smoke size).
W1_PAIRS = 21
W2_MAX_FLOOR_RATIO = 10.0
W2_MIN_SPEEDUP = 50.0
W2_MAX_PEAK = 4 * GIB
W2_COLUMNAR_ROWS_PER_S = 2_000_000
W2_CSV_ROWS_PER_S = 500_000
#: Above this estimated time for one load of the W2 CSV folder, measure a 1/10 size.
CSV_BUDGET_S = 120.0
#: How many of the largest imports to list.
TOP_IMPORTS = 10

T = TypeVar("T")
Size = tuple[int, int, int]  # (n_units, n_cadres, n_ledger), keyword order of generate()


@dataclass(frozen=True)
class Sizes:
    """The data sizes of one ``--size``."""

    name: str
    w1: Size
    w2: Size
    #: The slice on which the pure-Python reference also runs (1/100 of W2 at full size).
    w2_slice: Size
    #: The CSV probe (1/10 of W2), also the fallback size of CSV loading.
    w2_csv_probe: Size
    default_repeat: int


SIZES: dict[str, Sizes] = {
    "full": Sizes(
        "full",
        w1=(150, 5_000, 30_000),
        w2=(20_000, 1_000_000, 10_000_000),
        w2_slice=(200, 10_000, 100_000),
        w2_csv_probe=(2_000, 100_000, 1_000_000),
        default_repeat=3,
    ),
    "smoke": Sizes(
        "smoke",
        w1=(12, 200, 1_000),
        w2=(20, 1_000, 10_000),
        w2_slice=(12, 200, 1_000),
        w2_csv_probe=(4, 100, 1_000),
        default_repeat=1,
    ),
}


# ---------------------------------------------------------------------------
# report


@dataclass(frozen=True)
class Figure:
    """One row of the report: a measurement, its baseline and target."""

    workload: str
    figure: str
    measured: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    #: True: meets the target; False: misses it; None: no target (or smoke size).
    ok: bool | None = None


@dataclass
class Report:
    """What the runner prints: the table of figures, then detail sections."""

    figures: list[Figure] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)

    def section(self, title: str, lines: list[str]) -> None:
        self.sections.append((title, lines))

    def render(self, header: Sequence[str]) -> str:
        columns = ("workload", "figure", "measured", "baseline", "ratio", "target", "verdict")
        cells = [
            (
                f.workload,
                f.figure,
                f.measured,
                f.baseline,
                f.ratio,
                f.target,
                "-" if f.ok is None else "ok" if f.ok else "MISS",
            )
            for f in self.figures
        ]
        widths = [max(len(row[i]) for row in [columns, *cells]) for i in range(len(columns))]

        def line(row: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

        out = [*header, "", line(columns), line(["-" * w for w in widths])]
        out += [line(row) for row in cells]
        for title, lines in self.sections:
            out += ["", title, *(f"  {text}" for text in lines)]
        return "\n".join(out)


def _seconds(value: float) -> str:
    if value >= 100:
        return f"{value:.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s"


def _gib(nbytes: float) -> str:
    return f"{nbytes / GIB:.2f} GiB" if nbytes >= GIB / 4 else f"{nbytes / MIB:.0f} MiB"


def _size(size: Size) -> str:
    return f"{size[0]:,} units, {size[1]:,} cadres, {size[2]:,} ledger rows"


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _verdict(ok: bool, smoke: bool) -> bool | None:
    return None if smoke else ok


# ---------------------------------------------------------------------------
# measuring


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _peak_rss() -> int:
    """This process's RSS high-water mark in bytes."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


#: Child processes run as on an installed machine: with their bytecode cached
#: (pip compiles it on install). A PYTHONDONTWRITEBYTECODE in the runner's
#: environment would make every timed process compile the plugins again.
INSTALLED_ENV = {
    key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"
}


def _run(command: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the repository root; raise with its stderr if it fails."""
    kwargs.setdefault("env", INSTALLED_ENV)
    done = subprocess.run(
        list(command), cwd=ROOT, capture_output=True, text=True, check=False, **kwargs
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr[-4000:]}"
        )
    return done


def _wall(command: Sequence[str]) -> float:
    """Wall time of the whole process ``command``."""
    start = time.perf_counter()
    _run(command)
    return time.perf_counter() - start


#: Starts its arguments as a grandchild process. Linux carries a process's RSS
#: high-water mark into the children it starts (fork copies it, exec keeps it:
#: a child of the big runner would report the runner's peak); a grandchild
#: started by this small process inherits only the launcher's few MiB.
_LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"


def _worker(spec: Mapping[str, Any], *, clean_rss: bool = False) -> dict[str, Any]:
    """Run ``python -m benchmarks.run --worker SPEC`` in a fresh process; its JSON answer.

    ``clean_rss``: start it through a small launcher, so that its
    ``ru_maxrss`` does not start at this process's.
    """
    command = [sys.executable, "-m", "benchmarks.run", "--worker", json.dumps(spec)]
    if clean_rss:
        command = [sys.executable, "-S", "-c", _LAUNCHER, *command]
    done = _run(command)
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def _kaohe_command() -> list[str]:
    """The ``kaohe`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / ("kaohe.exe" if os.name == "nt" else "kaohe")
    if script.exists():
        return [str(script)]
    found = shutil.which("kaohe")
    if found:
        return [found]
    return [sys.executable, "-m", "kaohe"]


def _generate(size: Size) -> dict[str, dict[str, np.ndarray]]:
    from benchmarks.generate import generate

    return generate(size[0], size[1], size[2], seed=SEED)


def _row_counts(columns: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
    """(rows of every table, rows of the ledger tables)."""
    from benchmarks.generate import LEDGER_TABLES

    counts = {name: len(next(iter(cols.values()))) for name, cols in columns.items() if cols}
    return sum(counts.values()), sum(counts.get(name, 0) for name in LEDGER_TABLES)


def _scheme() -> kaohe.Scheme:
    import kaohe

    return kaohe.load_scheme(SCHEME)


@contextmanager
def _scratch(prefix: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------
# W1 county


def bench_w1(sizes: Sizes, repeat: int, report: Report) -> None:
    """The ``kaohe score`` process against ``import numpy``, its breakdown, its imports."""
    from benchmarks.generate import write_csv

    smoke = sizes.name == "smoke"
    with _scratch("kaohe-w1-") as scratch:
        data_dir = scratch / "data"
        _log(f"W1: generating and writing CSV ({_size(sizes.w1)})")
        columns = _generate(sizes.w1)
        n_rows, _ = _row_counts(columns)
        write_csv(columns, data_dir)
        del columns

        kaohe_cmd = [*_kaohe_command(), "score", str(SCHEME), "--data", str(data_dir)]
        numpy_cmd = [sys.executable, "-c", "import numpy"]
        pairs = repeat if smoke else max(repeat, W1_PAIRS)
        _log(f"W1: kaohe score vs import numpy, {pairs} pairs (+1 warm-up)")
        _run(numpy_cmd)
        _run([*kaohe_cmd, "--out", str(scratch / "out-warm")])
        whole: list[float] = []
        numpy_times: list[float] = []
        for i in range(pairs):
            numpy_times.append(_wall(numpy_cmd))
            out = scratch / f"out-{i}"
            whole.append(_wall([*kaohe_cmd, "--out", str(out)]))
            shutil.rmtree(out, ignore_errors=True)
        process, floor = _median(whole), _median(numpy_times)
        report.add(
            Figure(
                "W1",
                f"kaohe score process ({n_rows:,} rows CSV in, all files out)",
                _seconds(process),
                f'python -c "import numpy" {_seconds(floor)}',
                f"{process / floor:.1f}x",
                f"<= {W1_MAX_RATIO:g}x",
                _verdict(process / floor <= W1_MAX_RATIO, smoke),
            )
        )

        _log(f"W1: in-process breakdown, {repeat} fresh processes")
        steps: dict[str, list[float]] = {}
        for i in range(repeat):
            out = scratch / f"steps-{i}"
            spec = {"kind": "w1-steps", "data": str(data_dir), "out": str(out)}
            launched = time.time()
            answer = _worker(spec)
            ended = time.time()
            timings = {
                "python start-up (+ the runner's imports)": answer["first"] - launched,
                **answer["steps"],
                "exit (interpreter shutdown)": ended - answer["last"],
            }
            for step, seconds in timings.items():
                steps.setdefault(step, []).append(float(seconds))
            shutil.rmtree(out, ignore_errors=True)
        report.section(
            "W1 breakdown: the steps of kaohe score, timed inside a fresh process per repeat "
            "(medians)",
            _breakdown_lines(steps, process),
        )

    _log(f"W1: python -X importtime -c 'import kaohe.cli.app', {repeat} runs")
    report.section(
        f"W1 start-up: the {TOP_IMPORTS} largest imports of kaohe.cli "
        "(python -X importtime, median cumulative us; indent = nesting)",
        _import_offenders(repeat),
    )


def _breakdown_lines(steps: Mapping[str, Sequence[float]], process: float) -> list[str]:
    medians = {step: _median(values) for step, values in steps.items()}
    total = sum(medians.values())
    width = max(len(step) for step in medians)
    lines = [
        f"{step:<{width}} {_seconds(seconds):>10} {100 * seconds / total:6.1f}%"
        for step, seconds in medians.items()
    ]
    lines.append(f"{'sum (the breakdown process)':<{width}} {_seconds(total):>10} {100.0:6.1f}%")
    lines.append(f"{'kaohe score process (median, above)':<{width}} {_seconds(process):>10}")
    return lines


def _import_offenders(repeat: int) -> list[str]:
    cumulative: dict[str, list[int]] = {}
    own: dict[str, list[int]] = {}
    depth: dict[str, int] = {}
    for _ in range(repeat):
        done = _run([sys.executable, "-X", "importtime", "-c", "import kaohe.cli.app"])
        for text in done.stderr.splitlines():
            if not text.startswith("import time:") or "[us]" in text:
                continue
            self_us, cumul_us, name = text[len("import time:") :].split("|", 2)
            module = name.strip()
            depth[module] = (len(name) - len(name.lstrip()) - 1) // 2
            own.setdefault(module, []).append(int(self_us))
            cumulative.setdefault(module, []).append(int(cumul_us))
    ranked = sorted(cumulative, key=lambda m: -_median(cumulative[m]))[:TOP_IMPORTS]
    lines = [f"{'cumulative us':>13} {'self us':>9}  module"]
    lines += [
        f"{_median(cumulative[m]):>13,.0f} {_median(own[m]):>9,.0f}  {'  ' * depth[m]}{m}"
        for m in ranked
    ]
    packages: dict[str, float] = {}
    for module, values in own.items():
        top = module.split(".", 1)[0]
        packages[top] = packages.get(top, 0.0) + _median(values)
    total = sum(packages.values())
    heaviest = sorted(packages.items(), key=lambda item: -item[1])[:TOP_IMPORTS]
    lines.append(
        f"by top-level package (sum of self us, of {total:,.0f} us in all): "
        + ", ".join(f"{name} {us:,.0f}" for name, us in heaviest)
    )
    return lines


def _w1_steps(data_dir: str, out_dir: str) -> dict[str, Any]:
    """The steps of ``kaohe score`` (kaohe/cli/app.py) timed one by one in this fresh process.

    ``{"steps": {step: seconds}, "first": epoch seconds at the start of the
    first step, "last": ... at the end of the last}``, so that the caller can
    add the process's start-up and shutdown.
    """
    first = time.time()
    times: dict[str, float] = {}
    start = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal start
        now = time.perf_counter()
        times[step] = now - start
        start = now

    from kaohe.cli import imported_main

    imported_main()  # what the console script imports, as it does
    from kaohe import api
    from kaohe.plugins import Registry, get_plugin_manager

    lap("import kaohe.cli")
    registry = Registry.from_plugin_manager(get_plugin_manager(plugin_dir=None))
    lap("plugins (manager, entry points, registry)")
    scheme = api.load_scheme(SCHEME, registry)
    lap("load scheme")
    data = api.load_data(data_dir, scheme)
    warnings = [
        warning
        for found in registry.manager.hook.kaohe_check_inputs(scheme=scheme, data=data)
        for warning in found
    ]
    lap("load data (CSV, checks)")
    results = api.evaluate(scheme, data)
    scheme.registry.manager.hook.kaohe_run_finished(results=results)
    lap("evaluate")
    from kaohe import manifest
    from kaohe.output import result_files, write_folder

    info = manifest.build(results, data_path=data_dir, warnings=warnings)
    write_folder(out_dir, result_files(results, info))
    lap("write (manifest, files, folder)")
    return {"steps": times, "first": first, "last": time.time()}


# ---------------------------------------------------------------------------
# W2 province


def _floor_inputs(data: kaohe.Dataset) -> tuple[list[tuple[np.ndarray, int]], np.ndarray]:
    """Per ledger table its index column and bin count; a float per cadre to sort."""
    import numpy as np

    from benchmarks.generate import LEDGER_TABLES

    indices: list[tuple[np.ndarray, int]] = []
    for name in LEDGER_TABLES:
        table = data.tables[name]
        if "unit" in table.columns:
            indices.append((table["unit"], len(data.unit_ids)))
        elif "cadre" in table.columns:
            indices.append((table["cadre"], len(data.cadre_ids)))
        else:  # tolerances: no unit or cadre; its only index is the table referred to
            indices.append((table["ref_table"], 16))
    per_cadre = np.random.default_rng(SEED).random(len(data.cadre_ids))
    return indices, per_cadre


def numpy_floor(indices: Sequence[tuple[np.ndarray, int]], per_cadre: np.ndarray) -> None:
    """The W2 floor of quality.md: one bincount per ledger table, one argsort of the cadres.

    ``-1`` (an empty index) is shifted into bin 0, as any real count must do.
    """
    import numpy as np

    for index, n in indices:
        np.bincount(index + 1, minlength=n + 1)
    np.argsort(per_cadre)


def bench_w2(sizes: Sizes, repeat: int, report: Report) -> None:
    """W2: loading from columns, scoring vs the floor, CSV loading, pure Python, memory."""
    import kaohe
    from benchmarks.generate import write_csv

    smoke = sizes.name == "smoke"
    scheme = _scheme()
    with _scratch("kaohe-w2-") as scratch:
        # -- how big a CSV folder fits the budget: time one load at 1/10 size
        _log(f"W2 CSV: probe at 1/10 ({_size(sizes.w2_csv_probe)})")
        probe_dir = scratch / "csv-probe"
        probe = _generate(sizes.w2_csv_probe)
        probe_rows, _ = _row_counts(probe)
        write_csv(probe, probe_dir)
        del probe
        probe_load = _timed(partial(kaohe.load_data, probe_dir, scheme))[0]
        gc.collect()
        estimate = probe_load * sizes.w2[2] / sizes.w2_csv_probe[2]
        csv_full = estimate <= CSV_BUDGET_S

        # -- the full W2 columns: CSV written once, then loaded from memory
        _log(f"W2: generating columns ({_size(sizes.w2)})")
        gen_seconds, columns = _timed(partial(_generate, sizes.w2))
        n_rows, n_ledger = _row_counts(columns)
        generated = [f"generate W2 columns: {_seconds(gen_seconds)} ({n_rows:,} rows in all)"]
        csv_dir, csv_rows = probe_dir, probe_rows
        if csv_full:
            _log("W2 CSV: writing the full folder")
            csv_dir, csv_rows = scratch / "csv", n_rows
            write_seconds = _timed(partial(write_csv, columns, csv_dir))[0]
            shutil.rmtree(probe_dir)
            generated.append(f"write W2 CSV folder: {_seconds(write_seconds)}")

        _log(f"W2: kaohe.data_from_columns, {repeat} repeats")
        load_times: list[float] = []
        for _ in range(repeat - 1):
            seconds, extra = _timed(partial(kaohe.data_from_columns, columns, scheme))
            load_times.append(seconds)
            del extra
            gc.collect()
        seconds, data = _timed(partial(kaohe.data_from_columns, columns, scheme))
        load_times.append(seconds)
        del columns
        gc.collect()
        load = _median(load_times)
        report.add(
            Figure(
                "W2",
                f"load: data_from_columns ({n_rows:,} rows)",
                _seconds(load),
                "",
                _rate(n_rows, load),
                f">= {W2_COLUMNAR_ROWS_PER_S:,} rows/s (columnar)",
                _verdict(n_rows / load >= W2_COLUMNAR_ROWS_PER_S, smoke),
            )
        )

        _log(f"W2: kaohe.evaluate vs numpy floor, {repeat} repeats")
        indices, per_cadre = _floor_inputs(data)
        numpy_floor(indices, per_cadre)  # warm-up
        floor_times: list[float] = []
        eval_times: list[float] = []
        for _ in range(repeat):
            floor_times.append(_timed(partial(numpy_floor, indices, per_cadre))[0])
            seconds, results = _timed(partial(kaohe.evaluate, scheme, data))
            eval_times.append(seconds)
            del results
            gc.collect()
        del indices, per_cadre, data
        gc.collect()
        evaluate, floor = _median(eval_times), _median(floor_times)
        report.add(
            Figure(
                "W2",
                f"score: evaluate ({n_ledger:,} ledger rows)",
                _seconds(evaluate),
                f"numpy floor {_seconds(floor)}",
                f"{evaluate / floor:.1f}x",
                f"<= {W2_MAX_FLOOR_RATIO:g}x floor",
                _verdict(evaluate / floor <= W2_MAX_FLOOR_RATIO, smoke),
            )
        )

        _log(f"W2 CSV: kaohe.load_data, {repeat} repeats")
        csv_times: list[float] = []
        for _ in range(repeat):
            seconds, loaded = _timed(partial(kaohe.load_data, csv_dir, scheme))
            csv_times.append(seconds)
            del loaded
            gc.collect()
        csv_load = _median(csv_times)
        csv_note = "" if csv_full else ", 1/10 size"
        report.add(
            Figure(
                "W2",
                f"load: load_data from CSV ({csv_rows:,} rows{csv_note})",
                _seconds(csv_load),
                "",
                _rate(csv_rows, csv_load),
                f">= {W2_CSV_ROWS_PER_S:,} rows/s",
                _verdict(csv_rows / csv_load >= W2_CSV_ROWS_PER_S, smoke),
            )
        )
        generated.append(
            f"CSV loading measured at {'full' if csv_full else '1/10'} size: one load at 1/10 "
            f"took {_seconds(probe_load)}, so full size is estimated at {_seconds(estimate)} "
            f"(budget {_seconds(CSV_BUDGET_S)})"
        )

    _bench_purepython(sizes, repeat, report, evaluate, n_ledger, generated)
    _bench_memory(sizes, report)
    report.section("W2 notes", generated)


def _bench_purepython(
    sizes: Sizes,
    repeat: int,
    report: Report,
    full_evaluate: float,
    full_ledger: int,
    notes: list[str],
) -> None:
    """The engine against the pure-Python reference: on all of W2 (the handbook's
    size; the reference once, in a fresh process), and on the 1/100 slice."""
    from tests.bridge import rows
    from tests.reference import purepython

    import kaohe

    smoke = sizes.name == "smoke"
    _log(f"W2: engine and pure Python on all of W2 ({_size(sizes.w2)}), in a fresh process")
    whole = _worker({"kind": "pure", "size": list(sizes.w2), "repeat": repeat}, clean_rss=True)
    report.add(
        Figure(
            "W2",
            f"score all of W2 ({full_ledger:,} ledger rows): engine, then pure Python",
            _seconds(whole["engine"]),
            f"pure Python {_seconds(whole['seconds'])}",
            f"{whole['seconds'] / whole['engine']:.1f}x faster",
            f">= {W2_MIN_SPEEDUP:g}x faster",
            _verdict(whole["seconds"] / whole["engine"] >= W2_MIN_SPEEDUP, smoke),
        )
    )
    notes.append(
        f"all of W2 against pure Python: both in one fresh process, one after the other "
        f"(the engine's evaluate, the median of {repeat}, then the reference once; the "
        f"engine's figure above was {_seconds(full_evaluate)}); the reference's rows made "
        f"first in {_seconds(whole['rows_seconds'])} (not timed); the process peaked at "
        f"{_gib(whole['peak'])}"
    )

    _log(f"W2 slice: pure Python vs engine ({_size(sizes.w2_slice)}), {repeat} repeats")
    scheme = _scheme()
    document = _scheme_document()
    columns = _generate(sizes.w2_slice)
    _, n_ledger = _row_counts(columns)
    data = kaohe.data_from_columns(columns, scheme)
    del columns
    tables = rows(data)
    kaohe.evaluate(scheme, data)  # warm-up
    pure_times: list[float] = []
    engine_times: list[float] = []
    for _ in range(repeat):
        pure_times.append(_timed(partial(purepython.score, document, tables))[0])
        engine_times.append(_timed(partial(kaohe.evaluate, scheme, data))[0])
    pure, engine = _median(pure_times), _median(engine_times)
    report.add(
        Figure(
            "W2",
            f"score 1/100 slice ({n_ledger:,} ledger rows): engine",
            _seconds(engine),
            f"pure Python {_seconds(pure)}",
            f"{pure / engine:.1f}x faster",
            "(the target is on all of W2)",
            None,
        )
    )
    notes.append(
        "on the 1/100 slice the engine's fixed cost per run (a few ms: the plan, each "
        "rule's step and its checks) weighs more, and the reference grows faster than "
        "its rows (it is slower per row on all of W2), so the slice's ratio is lower"
    )


def _scheme_document() -> dict[str, Any]:
    """The benchmark scheme's TOML as the pure-Python reference reads it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib.loads(SCHEME.read_text(encoding="utf-8"))


def _pure_worker(size: Size, repeat: int) -> dict[str, Any]:
    """Generate W2 of ``size`` and score it in this fresh process, side by side: the
    engine (``repeat`` times, the median), then the pure-Python reference once (its
    rows as dicts made first, not timed); the seconds of each and the peak RSS."""
    from tests.bridge import rows
    from tests.reference import purepython

    import kaohe

    scheme = _scheme()
    columns = _generate(size)
    data = kaohe.data_from_columns(columns, scheme)
    del columns
    kaohe.evaluate(scheme, data)  # warm-up
    engine = _median([_timed(partial(kaohe.evaluate, scheme, data))[0] for _ in range(repeat)])
    rows_seconds, tables = _timed(partial(rows, data))
    del data
    gc.collect()
    seconds = _timed(partial(purepython.score, _scheme_document(), tables))[0]
    return {
        "engine": engine,
        "seconds": seconds,
        "rows_seconds": rows_seconds,
        "peak": _peak_rss(),
    }


#: The memory stages: (stage, what the fresh process does).
MEMORY_STAGES: tuple[tuple[str, str], ...] = (
    ("columns", "generate columns"),
    ("load", "  + data_from_columns"),
    ("evaluate", "  + data_from_columns + evaluate"),
    ("evaluate-freed", "  + data_from_columns, free columns, evaluate"),
)


def _bench_memory(sizes: Sizes, report: Report) -> None:
    """Peak RSS of fresh processes that stop after each stage."""
    smoke = sizes.name == "smoke"
    peaks: dict[str, dict[str, Any]] = {}
    for stage, _ in MEMORY_STAGES:
        _log(f"W2 memory: fresh process up to '{stage}'")
        spec = {"kind": "peak", "stage": stage, "size": list(sizes.w2)}
        peaks[stage] = _worker(spec, clean_rss=True)
    peak = peaks["evaluate"]["peak"]
    report.add(
        Figure(
            "W2",
            "peak RSS: generate + data_from_columns + evaluate",
            _gib(peak),
            f"columns alone {_gib(peaks['columns']['peak'])}",
            f"{peak / W2_MAX_PEAK:.2f} of target",
            f"< {_gib(W2_MAX_PEAK)}",
            _verdict(peak < W2_MAX_PEAK, smoke),
        )
    )
    first = peaks["columns"]
    labels = {
        "columns": f"generate columns (the arrays hold {_gib(first['nbytes'])})",
        **{stage: label for stage, label in MEMORY_STAGES if stage != "columns"},
    }
    width = max(len(label) for label in labels.values())
    lines = [f"{'':<{width}} {'ru_maxrss':>10} {'VmHWM':>10}"]
    lines.append(
        f"{'start: python, numpy, kaohe, scheme':<{width}} {_gib(first['start']):>10} "
        f"{_gib(first['start_hwm']):>10}"
    )
    lines += [
        f"{labels[stage]:<{width}} {_gib(peaks[stage]['peak']):>10} {_gib(peaks[stage]['hwm']):>10}"
        for stage, _ in MEMORY_STAGES
    ]
    report.section(
        "W2 peak memory (one fresh process per line; columns alive unless freed; "
        "VmHWM of /proc/self/status as a cross-check, 0 where absent)",
        lines,
    )


def _vm_hwm() -> int:
    """This process's ``VmHWM`` (Linux) in bytes, 0 where there is none."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _peak_worker(stage: str, size: Size) -> dict[str, Any]:
    """Generate W2 and run up to ``stage`` in this fresh process; report its peak RSS."""
    import kaohe

    scheme = _scheme()
    start, start_hwm = _peak_rss(), _vm_hwm()
    columns: dict[str, dict[str, np.ndarray]] | None = _generate(size)
    assert columns is not None
    nbytes = sum(a.nbytes for cols in columns.values() for a in cols.values())
    if stage != "columns":
        data = kaohe.data_from_columns(columns, scheme)
        if stage == "evaluate-freed":
            columns = None
            gc.collect()
        if stage.startswith("evaluate"):
            kaohe.evaluate(scheme, data)
    return {
        "start": start,
        "start_hwm": start_hwm,
        "peak": _peak_rss(),
        "hwm": _vm_hwm(),
        "nbytes": nbytes,
    }


# ---------------------------------------------------------------------------
# entry points


def machine() -> list[str]:
    """Lines describing the machine, the software and the date."""
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            models = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    try:
        commit = _run(["git", "describe", "--always", "--dirty"]).stdout.strip()
    except (OSError, RuntimeError):
        commit = "unknown"
    return [
        f"date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {os.cpu_count()} cpus ({cpu}), {platform.system()} {platform.machine()}",
        f"python {platform.python_version()} ({sys.executable}), numpy {np.__version__}, "
        f"kaohe at {commit}",
    ]


def run(size: str = "full", repeat: int | None = None, only: Sequence[str] = WORKLOADS) -> str:
    """Measure the workloads ``only`` at ``size``; the report as text."""
    sizes = SIZES[size]
    repeat = repeat or sizes.default_repeat
    report = Report()
    started = time.perf_counter()
    header = [
        f"kaohe benchmarks: size {size}, median of {repeat} repeat(s), seed {SEED}",
        *machine(),
    ]
    if "W1" in only:
        bench_w1(sizes, repeat, report)
    if "W2" in only:
        bench_w2(sizes, repeat, report)
    if "W3" in only:
        from benchmarks.whatif import bench_w3

        bench_w3(sizes, repeat, report)
    if "W4" in only:
        from benchmarks.cluster import bench_w4

        bench_w4(sizes, 1 if size == "full" else repeat, report)
    if size == "smoke":
        header.append("smoke size: the machinery runs; the ratios say nothing about the targets")
    header.append(
        f"runner: wall time {_seconds(time.perf_counter() - started)}, peak RSS {_gib(_peak_rss())}"
    )
    return report.render(header)


def _workloads(text: str) -> tuple[str, ...]:
    names = tuple(name.strip().upper() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"expected a list of {', '.join(WORKLOADS)}")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.run``: print the report."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--repeat", type=int, help="repeats per figure (default: 3 full, 1 smoke)")
    parser.add_argument(
        "--only", type=_workloads, default=WORKLOADS, help="comma-separated: W1,W2,W3,W4"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        spec = json.loads(args.worker)
        if spec["kind"] == "w1-steps":
            answer = _w1_steps(spec["data"], spec["out"])
        elif spec["kind"] == "pure":
            units, cadres, ledger = (int(n) for n in spec["size"])
            answer = _pure_worker((units, cadres, ledger), int(spec["repeat"]))
        elif spec["kind"] == "w3":
            from benchmarks.whatif import w3_worker

            units, cadres, ledger = (int(n) for n in spec["size"])
            answer = w3_worker((units, cadres, ledger), int(spec["n"]))
        elif spec["kind"] == "w4":
            from benchmarks.cluster import w4_worker

            units, cadres, ledger = (int(n) for n in spec["size"])
            answer = w4_worker((units, cadres, ledger), int(spec["n"]))
        else:
            units, cadres, ledger = (int(n) for n in spec["size"])
            answer = _peak_worker(spec["stage"], (units, cadres, ledger))
        print(json.dumps(answer))
        return 0
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    print(run(args.size, args.repeat, args.only), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
