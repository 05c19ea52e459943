"""``kaohe whatif``: scheme changes tried on the same data before anything is published."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import click

from .cli import (
    KaoheCommand,
    _load,
    as_of_option,
    data_option,
    out_option,
    plugins_option,
    scheme_argument,
)
from .data import Dataset
from .errors import KaoheError
from .i18n import N_, _
from .progress import progress
from .scheme import Scheme
from .vocab import UNIT_GRADES
from .whatif import (
    Axis,
    Comparison,
    Draw,
    Outcome,
    Scenario,
    Study,
    compare,
    decompose,
    monte_carlo,
    parse_assignment,
    report,
    simulate,
    study,
    sweep,
)
from .whatif.limits import check_chunk, check_study, default_max_scenarios

SHOWN_CHANGES = 40


@click.command(
    cls=KaoheCommand,
    help=N_(
        "Try scheme changes on the same data: compare, sweep or Monte Carlo.\n\n"
        "With --set/--off/--on or --against: who moves and who changes grade. "
        "With --sweep: one scenario per value (several --sweep make a grid). "
        "With --monte-carlo N --vary ...: N drawn scenarios, repeatable by --seed. "
        "Studies larger than --max-scenarios are refused before they start. "
        "With --workers N or --scheduler ADDRESS the scenarios are scored on a Dask "
        "cluster, with the same results."
    ),
)
@scheme_argument
@data_option
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE", help=N_("Set a parameter."))
@click.option("--off", multiple=True, metavar="RULE", help=N_("Switch a rule off."))
@click.option(
    "--on", multiple=True, metavar="RULE", help=N_("Switch a rule on (its table must exist).")
)
@click.option(
    "--against",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("Compare with a whole second scheme file."),
)
@click.option(
    "--sweep", "sweeps", multiple=True, metavar="PATH=SPEC", help=N_("START:STOP:STEP or V1,V2,...")
)
@click.option(
    "--monte-carlo", "draws", type=click.IntRange(1), help=N_("Number of random scenarios.")
)
@click.option(
    "--vary", multiple=True, metavar="PATH=DIST", help=N_("uniform(LOW,HIGH) or dirichlet(C).")
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help=N_("Seed of the Monte Carlo draws.")
)
@out_option(N_("Result folder (default: out/<scheme name>-whatif)."))
@click.option(
    "--chunk", type=click.IntRange(1), help=N_("Scenarios evaluated at once (memory bound).")
)
@click.option(
    "--max-scenarios",
    type=click.IntRange(1),
    help=N_(
        "Refuse larger sweeps and Monte Carlo studies (default: what fits in half the memory)."
    ),
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help=N_("Score on a local Dask cluster of N worker processes (pip install 'kaohe[dask]')."),
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help=N_("Score on the Dask cluster of this scheduler (pip install 'kaohe[dask]')."),
)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help=N_("parquet: a study also writes every scenario's results, one file pair per chunk."),
)
@as_of_option
@plugins_option
def whatif(
    scheme: Path,
    data: Path | None,
    sets: Sequence[str],
    off: Sequence[str],
    on: Sequence[str],
    against: Path | None,
    sweeps: Sequence[str],
    draws: int | None,
    vary: Sequence[str],
    seed: int,
    out: Path | None,
    chunk: int | None,
    max_scenarios: int | None,
    workers: int | None,
    scheduler: str | None,
    out_format: str,
    as_of: dt.date | None,
    plugin_dir: Path | None,
) -> None:
    if workers is not None and scheduler is not None:
        raise click.UsageError(
            _("--workers starts a local cluster; --scheduler names one: not both")
        )
    if out_format == "parquet" and not (sweeps or draws is not None):
        raise click.UsageError(
            _("--format parquet writes a study's results: give --sweep or --monte-carlo")
        )
    base, dataset, _path, _warnings = _load(scheme, data, as_of, plugin_dir)
    if chunk is not None:
        check_chunk(chunk, dataset)
    overrides = dict(parse_assignment(text) for text in sets)
    if draws is not None and not vary:
        raise click.UsageError(_("--monte-carlo needs at least one --vary PATH=DIST"))
    if vary and draws is None:
        raise click.UsageError(_("--vary needs --monte-carlo N"))
    studying = bool(sweeps) or draws is not None
    if not studying and not (overrides or off or on or against):
        raise click.UsageError(
            _("say what to change: --set, --off, --on, --against, --sweep or --monte-carlo")
        )
    if studying and against is not None:
        raise click.UsageError(
            _("--against compares two schemes; it does not combine with studies")
        )
    start = (
        Scenario.from_overrides(base, overrides, off=off, on=on)
        if (overrides or off or on)
        else None
    )
    out = out or Path("out") / f"{base.name}-whatif"
    if studying:
        scheme_for_study = start.scheme if start is not None else base
        limit = max_scenarios or default_max_scenarios(dataset)
        if sweeps:
            check_study(math.prod(Axis.count(t) for t in sweeps), dataset, limit, "sweep")
            axes = [Axis.parse(text) for text in sweeps]
            scenarios = sweep(scheme_for_study, axes)
            labels = [s.name for s in scenarios]
            title = "参数扫描"
        else:
            assert draws is not None
            check_study(draws, dataset, limit, "monte-carlo")
            scenarios = monte_carlo(scheme_for_study, [Draw.parse(t) for t in vary], draws, seed)
            labels = [str(i + 1) for i in range(len(scenarios))]
            title = f"蒙特卡洛模拟(N={draws}, seed={seed})"
    with _cluster(scheduler, workers) as client:
        if studying:
            parquet = out_format == "parquet"
            _write_study(scenarios, labels, title, dataset, out, chunk, client, parquet)
        else:
            other = Scenario.from_file(base, against) if against is not None else start
            assert other is not None
            _write_comparison(base, other, overrides, dataset, out, chunk, client)
    click.echo(_("wrote {folder}").format(folder=out))


def _cluster(scheduler: str | None, workers: int | None) -> AbstractContextManager[Any]:
    """A Dask client when a cluster is asked for, else None (score in this process)."""
    if scheduler is None and workers is None:
        return nullcontext(None)
    from .whatif.cluster import connect

    return connect(scheduler=scheduler, workers=workers)


def _write_study(
    scenarios: list[Scenario],
    labels: list[str],
    title: str,
    dataset: Dataset,
    out: Path,
    chunk: int | None,
    client: Any,
    parquet: bool,
) -> None:
    """Summarise a study chunk by chunk; its Parquet parts go beside ``out`` until written."""
    with tempfile.TemporaryDirectory(prefix=".kaohe-parts-", dir=_parent(out)) as spool:
        with progress(len(scenarios), _("scoring scenarios")) as bar:
            found = study(
                scenarios,
                dataset,
                chunk=chunk,
                parts=Path(spool) if parquet else None,
                progress=bar.update,
                client=client,
            )
        files = report.distribution_files(found, labels, title)
        report.write(out, files, found.parts)
    _print_distribution(found)


def _write_comparison(
    base: Scheme,
    other: Scenario,
    overrides: dict[str, object],
    dataset: Dataset,
    out: Path,
    chunk: int | None,
    client: Any,
) -> None:
    outcome = _run([Scenario.baseline(base), other], dataset, chunk, client)
    comparison = compare(outcome, 1)
    parts = (
        decompose(base, overrides, dataset, chunk=chunk, client=client)
        if len(overrides) > 1
        else None
    )
    report.write(out, report.comparison_files(comparison, parts))
    _print_comparison(comparison)


def _parent(out: Path) -> Path:
    """The folder that will hold ``out`` (made if missing): the parts are written beside it."""
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KaoheError(
            _("{folder}: cannot create the result folder ({reason})").format(
                folder=out, reason=error.strerror
            )
        ) from None
    return parent


def _run(scenarios: list[Scenario], dataset: Dataset, chunk: int | None, client: Any) -> Outcome:
    with progress(len(scenarios), _("scoring scenarios")) as bar:
        return simulate(scenarios, dataset, chunk=chunk, progress=bar.update, client=client)


def _print_comparison(comparison: Comparison) -> None:
    click.echo(f"方案变化: {comparison.scenario}")
    for kind, label in (("units", "单位"), ("cadres", "干部")):
        s = comparison.summary[kind]
        click.echo(
            f"{label}: 得分上升 {s['score_up']}, 下降 {s['score_down']}; 排名上升 {s['rank_up']}, "
            f"下降 {s['rank_down']}; 等次变化 {s['grade_changed']}"
        )
    changes = comparison.grade_changes()
    if not changes:
        click.echo("没有单位或干部的等次发生变化。")
    for line in changes[:SHOWN_CHANGES]:
        click.echo("  " + line)
    if len(changes) > SHOWN_CHANGES:
        click.echo(f"  ... 另有 {len(changes) - SHOWN_CHANGES} 项, 见 units.csv / cadres.csv")


def _print_distribution(summary: Study) -> None:
    found = summary.found
    click.echo(f"{summary.n} 个情景; 各情景单位等次数:")
    for index, scenario in enumerate(summary.scenarios[:SHOWN_CHANGES]):
        counts = ", ".join(
            f"{grade} {int(found.unit_grade_counts[index, g])}"
            for g, grade in enumerate(UNIT_GRADES)
        )
        click.echo(f"  {scenario.name}: {counts}")
    varies = int((found.grade_probability.max(axis=1) < 1).sum())
    click.echo(f"等次随情景变化的单位: {varies} 个 (见 units.csv、rank_intervals.svg)")


__all__ = ["KaoheError", "whatif"]
