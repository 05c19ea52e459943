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
import numpy as np
from numpy.typing import NDArray

from ..data import Dataset
from ..errors import KaoheError
from ..i18n import N_, _, ngettext
from ..paths import parameter_paths, show
from ..progress import progress
from ..scheme import Scheme
from ..vocab import UNIT_GRADES
from ..whatif import (
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
from ..whatif.charts import uncertainty_order
from ..whatif.limits import check_chunk, check_study, default_max_scenarios
from ..whatif.tally import CADRE_LABELS
from .shared import (
    KaoheCommand,
    LocalPath,
    as_of_option,
    data_option,
    load_inputs,
    out_option,
    plugins_option,
    scheme_argument,
    warn,
)

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
    type=LocalPath(exists=True, dir_okay=False, path_type=Path),
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
    base, dataset, _path, warnings = load_inputs(scheme, data, as_of, plugin_dir)
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
    _check_switched_on(base, dataset, on)
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
            title = "参数扫描"  # the title of the study's files, written in Chinese
            along = report.SweepAxis.of(scheme_for_study, axes)
        else:
            assert draws is not None
            check_study(draws, dataset, limit, "monte-carlo")
            scenarios = monte_carlo(scheme_for_study, [Draw.parse(t) for t in vary], draws, seed)
            title = f"蒙特卡洛模拟(N={draws}, seed={seed})"
            along = None
    warn(warnings)  # as kaohe score does, once the study is known to run
    with _cluster(scheduler, workers) as client:
        if studying:
            parquet = out_format == "parquet"
            _write_study(scenarios, title, along, dataset, out, chunk, client, parquet)
        else:
            other = Scenario.from_file(base, against) if against is not None else start
            assert other is not None
            _write_comparison(base, other, overrides, dataset, out, chunk, client)
    click.echo(_("wrote {folder}").format(folder=out))


def _cluster(scheduler: str | None, workers: int | None) -> AbstractContextManager[Any]:
    """A Dask client when a cluster is asked for, else None (score in this process)."""
    if scheduler is None and workers is None:
        return nullcontext(None)
    from ..whatif.cluster import connect

    return connect(scheduler=scheduler, workers=workers)


def _write_study(
    scenarios: list[Scenario],
    title: str,
    along: report.SweepAxis | None,
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
        files = report.distribution_files(found, title, along)
        report.write(out, files, found.parts)
    _print_distribution(found, sweeping=along is not None)


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
    report.write(out, report.comparison_files(comparison, parts, base))
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


def _check_switched_on(base: Scheme, dataset: Dataset, on: Sequence[str]) -> None:
    """``--on RULE`` needs data: a rule whose input tables are all absent would change nothing."""
    always = {"units", "cadres"}
    for name in on:
        try:
            rule = base.registry.rule(name)
        except KeyError:
            continue  # an unknown rule: the override names it in its error
        needed = sorted((rule.tables() | set(rule.requires_tables)) - always)
        if needed and all(table in dataset.absent for table in needed):
            raise KaoheError(
                _(
                    "--on {rule}: the data has no {tables} table, so switching {title} on "
                    "would change nothing; give --data with that table"
                ).format(rule=name, tables=", ".join(needed), title=rule.title)
            )


def _listed(items: Sequence[str], what: str, where: str) -> list[str]:
    """The first :data:`SHOWN_CHANGES` items, and a line saying how many were left out."""
    lines = [f"  {item}" for item in items[:SHOWN_CHANGES]]
    if len(items) > SHOWN_CHANGES:
        lines.append(
            "  "
            + _("(showing {shown} {what} of {total}; all in {where})").format(
                shown=SHOWN_CHANGES, what=_(what), total=len(items), where=where
            )
        )
    return lines


def _print_comparison(comparison: Comparison) -> None:
    click.echo(_("scheme changed: {scenario}").format(scenario=comparison.scenario))
    changes = [f"{path}: {show(old)} -> {show(new)}" for path, old, new in comparison.changes]
    click.echo(_("parameters changed ({n}):").format(n=len(changes)))
    for line in _listed(changes, N_("parameters"), "summary.json"):
        click.echo(line)
    for kind, label in (("units", N_("units")), ("cadres", N_("cadres"))):
        s = comparison.summary[kind]
        click.echo(
            _(
                "{who}: score up {score_up}, down {score_down}; rank up {rank_up}, "
                "down {rank_down}; grade changed {grade_changed}"
            ).format(who=_(label), **s)
        )
    grade_changes = comparison.grade_changes()
    if not grade_changes:
        click.echo(_("No unit or cadre changes grade."))
    for line in _listed(grade_changes, N_("grade changes"), "units.csv / cadres.csv"):
        click.echo(line)


def _uncertain(
    ids: NDArray[np.str_],
    names: NDArray[np.str_],
    probability: NDArray[np.float64],
    labels: Sequence[str],
) -> list[str]:
    """``XZ08 河坝乡 较差 80%, 一般 20%`` per entity whose grade varies, most uncertain first."""
    order = uncertainty_order(probability, ids)
    varies = (probability.max(axis=1) < 1) & (probability.sum(axis=1) > 0)
    lines = []
    for i in order[varies[order]].tolist():
        shares = sorted(
            ((float(p), labels[g]) for g, p in enumerate(probability[i]) if p > 0),
            key=lambda pair: -pair[0],
        )
        listed = ", ".join(f"{label} {_percent(p)}" for p, label in shares)
        lines.append(f"{ids[i]} {names[i]} {listed}")
    return lines


def _percent(share: float) -> str:
    """A share as a percentage: whole when it is one, else one decimal."""
    value = 100 * share
    return f"{value:.0f}%" if abs(value - round(value)) < 0.05 else f"{value:.1f}%"


def _print_distribution(summary: Study, *, sweeping: bool) -> None:
    found = summary.found
    click.echo(ngettext("{n} scenario", "{n} scenarios", summary.n).format(n=summary.n))
    counts = found.unit_grade_counts
    if sweeping:
        click.echo(_("unit grade counts per scenario:"))
        lines = [
            f"{scenario.name}: "
            + ", ".join(f"{grade} {int(counts[i, g])}" for g, grade in enumerate(UNIT_GRADES))
            for i, scenario in enumerate(summary.scenarios)
        ]
        for line in _listed(lines, N_("scenarios"), "scenarios.csv"):
            click.echo(line)
    elif summary.n:
        ranges = ", ".join(
            f"{grade} {int(counts[:, g].min())}–{int(counts[:, g].max())}"
            for g, grade in enumerate(UNIT_GRADES)
        )
        click.echo(
            _("unit grade counts over the scenarios (least–most): {ranges}").format(ranges=ranges)
        )
    units = _uncertain(summary.unit_ids, summary.unit_names, found.grade_probability, UNIT_GRADES)
    click.echo(
        (
            _(
                "units whose grade varies with the scenario: {n} (share of scenarios in each "
                "grade, most uncertain first):"
            )
            if units
            else _("units whose grade varies with the scenario: {n}")
        ).format(n=len(units))
    )
    for line in _listed(units, N_("units"), "units.csv、grade_probability.svg"):
        click.echo(line)
    cadres = _uncertain(
        summary.cadre_ids, summary.cadre_names, found.cadre_grade_probability, CADRE_LABELS
    )
    click.echo(
        (
            _("cadres whose grade varies with the scenario: {n}:")
            if cadres
            else _("cadres whose grade varies with the scenario: {n}")
        ).format(n=len(cadres))
    )
    for line in _listed(cadres, N_("cadres"), "cadres.csv"):
        click.echo(line)


@click.command(
    cls=KaoheCommand,
    help=N_(
        "List every parameter path of SCHEME: value, kind, allowed values, basis.\n\n"
        "Each path can be given to kaohe whatif --set PATH=VALUE, --sweep and --vary."
    ),
)
@scheme_argument
@plugins_option
def params(scheme: Path, plugin_dir: Path | None) -> None:
    from .. import api
    from .shared import display_width, installed_registry

    the_scheme = api.load_scheme(scheme, installed_registry(plugin_dir))
    found = parameter_paths(the_scheme)
    widths = [
        max(display_width(getattr(p, name)) for p in found) for name in ("path", "shown", "kind")
    ]
    current, described = None, ""
    for item in found:
        if item.rule != current:
            current, described = item.rule, ""
            click.echo(f"\n[{item.rule}] {item.title}")
            click.echo("  " + _("basis: {basis}").format(basis=item.basis or _("(none)")))
        if item.doc and item.doc != described:  # once above the entries of a table
            described = item.doc
            click.echo(f"  # {item.doc}")
        cells = [item.path, item.shown, item.kind]
        padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)]
        click.echo("  " + "  ".join([*padded, item.allowed]))
    click.echo(
        "\n"
        + ngettext("{n} parameter path in all.", "{n} parameter paths in all.", len(found)).format(
            n=len(found)
        )
    )


__all__ = ["KaoheError", "params", "whatif"]
