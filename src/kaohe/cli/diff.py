"""``kaohe diff``: what changed between two result folders, and why (see :mod:`kaohe.diff`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _
from .shared import KaoheCommand, LocalPath

folder = LocalPath(exists=True, file_okay=False, path_type=Path)


@click.command(
    cls=KaoheCommand, help=N_("List per unit and cadre what changed from FIRST to SECOND, and why.")
)
@click.argument("first", type=folder)
@click.argument("second", type=folder)
@click.option(
    "--out",
    type=LocalPath(file_okay=False, path_type=Path),
    help=N_("Also write diff.csv, diff.xlsx and diff.html into this folder."),
)
def diff(first: Path, second: Path, out: Path | None) -> None:
    from .. import diff as diffs
    from ..errors import OutputError

    found = diffs.compare(first, second)
    for line in diffs.text(found):
        click.echo(line)
    if out is not None:
        if out.exists():
            raise OutputError(
                _("{folder}: already exists; give --out a new folder name").format(folder=out)
            )
        made = diffs.files(found)
        out.mkdir(parents=True)
        for name, data in made.items():
            (out / name).write_bytes(data)
        click.echo(_("wrote {folder}").format(folder=out))
