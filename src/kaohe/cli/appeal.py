"""``kaohe appeal``: appeals (申诉) and their outcomes in the store (:mod:`kaohe.appeals`)."""

from __future__ import annotations

import click

from ..i18n import N_, _
from .ledger import _location
from .shared import KaoheCommand, TranslatedGroup


@click.group(
    cls=TranslatedGroup, help=N_("Appeals (申诉) against records or results, and their outcomes.")
)
def appeal() -> None:
    pass


@appeal.command("file", cls=KaoheCommand, help=N_("Record an appeal."))
@click.argument("store", metavar="STORE")
@click.option("--against", required=True, help=N_("A record id (SV012) or a result (XZ08 等次)."))
@click.option("--by", required=True, help=N_("Who appeals."))
@click.option("--grounds", required=True, help=N_("The grounds of the appeal."))
def file_(store: str, against: str, by: str, grounds: str) -> None:
    from .. import appeals

    entry = appeals.file(_location(store), against, by=by, grounds=grounds)
    click.echo(
        _("appeal {appeal}: against {against}, entry {seq}").format(
            appeal=entry.record_id, against=against, seq=entry.seq
        )
    )


@appeal.command(
    cls=KaoheCommand,
    help=N_("Record an appeal's outcome (维持, 部分更正, 更正) and the correction it caused."),
)
@click.argument("store", metavar="STORE")
@click.argument("appeal_id", metavar="APPEAL")
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(["维持", "部分更正", "更正"]),
    help=N_("The outcome: 维持 (upheld), 部分更正 (partly corrected) or 更正 (corrected)."),
)
@click.option("--correction", type=int, metavar="ENTRY", help=N_("The correction's entry number."))
@click.option("--by", required=True, help=N_("Who decides."))
@click.option("--reason", required=True, help=N_("The reasons of the decision."))
def decide(
    store: str, appeal_id: str, outcome: str, correction: int | None, by: str, reason: str
) -> None:
    from .. import appeals

    appeals.decide(_location(store), appeal_id, outcome, correction, by=by, reason=reason)
    click.echo(_("appeal {appeal}: {outcome}").format(appeal=appeal_id, outcome=outcome))


@appeal.command("list", cls=KaoheCommand, help=N_("Every appeal and its outcome."))
@click.argument("store", metavar="STORE")
def list_(store: str) -> None:
    from .. import appeals

    for item in appeals.appeals(_location(store)):
        filed = item.filed
        line = _(
            "{appeal}  {date}  against {against}  by: {by}  grounds: {grounds}  outcome: {outcome}"
        ).format(
            appeal=item.appeal_id,
            date=filed.recorded_at[:10],
            against=filed.values["against"],
            by=filed.recorded_by,
            grounds=filed.values["grounds"],
            outcome=item.outcome,
        )
        if item.decided is not None and "correction" in item.decided.values:
            line += f"({item.decided.values['correction']})"
        click.echo(line)
