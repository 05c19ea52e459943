"""``kaohe appeal``: appeals (申诉) and their outcomes in the store (:mod:`kaohe.appeals`)."""

from __future__ import annotations

import click

from .cli import KaoheCommand
from .cli_ledger import _location


@click.group()
def appeal() -> None:
    """Appeals (申诉) against records or results, and their outcomes."""


@appeal.command("file", cls=KaoheCommand)
@click.argument("store", metavar="STORE")
@click.option("--against", required=True, help="A record id (SV012) or a result (XZ08 等次).")
@click.option("--by", required=True, help="Who appeals.")
@click.option("--grounds", required=True, help="The grounds of the appeal.")
def file_(store: str, against: str, by: str, grounds: str) -> None:
    """Record an appeal."""
    from . import appeals

    entry = appeals.file(_location(store), against, by=by, grounds=grounds)
    click.echo(f"申诉 {entry.record_id}: 针对 {against},第 {entry.seq} 条")


@appeal.command(cls=KaoheCommand)
@click.argument("store", metavar="STORE")
@click.argument("appeal_id", metavar="APPEAL")
@click.option("--outcome", required=True, type=click.Choice(["维持", "部分更正", "更正"]))
@click.option("--correction", type=int, metavar="ENTRY", help="The correction's entry number.")
@click.option("--by", required=True, help="Who decides.")
@click.option("--reason", required=True, help="The reasons of the decision.")
def decide(
    store: str, appeal_id: str, outcome: str, correction: int | None, by: str, reason: str
) -> None:
    """Record an appeal's outcome (维持, 部分更正, 更正) and the correction it caused."""
    from . import appeals

    appeals.decide(_location(store), appeal_id, outcome, correction, by=by, reason=reason)
    click.echo(f"申诉 {appeal_id}: {outcome}")


@appeal.command("list", cls=KaoheCommand)
@click.argument("store", metavar="STORE")
def list_(store: str) -> None:
    """Every appeal and its outcome."""
    from . import appeals

    for item in appeals.appeals(_location(store)):
        filed = item.filed
        line = (
            f"{item.appeal_id}  {filed.recorded_at[:10]}  针对 {filed.values['against']}  "
            f"申诉人: {filed.recorded_by}  理由: {filed.values['grounds']}  结果: {item.outcome}"
        )
        if item.decided is not None and "correction" in item.decided.values:
            line += f"({item.decided.values['correction']})"
        click.echo(line)
