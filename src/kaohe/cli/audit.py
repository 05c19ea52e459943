"""``kaohe verify`` and ``kaohe keygen``: the audit commands (``kaohe explain`` is
:mod:`kaohe.cli.explain`).

All are plain click commands (:class:`~kaohe.cli.app.KaoheCommand`: a
:class:`~kaohe.errors.KaoheError` becomes a message and exit code 1); the
``kaohe`` group imports them when they are run.

- ``kaohe verify OUT_DIR [--root DIR] [--key PUB] [--plugins DIR]`` prints
  ``ok`` or the problems of a result folder (:mod:`kaohe.audit.verify`) and exits
  1 if any.
- ``kaohe keygen KEY`` writes a key pair for signing results (:mod:`kaohe.signing`).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from ..plugins import Registry, get_plugin_manager
from .shared import KaoheCommand, LocalPath, plugins_option


@click.command(
    cls=KaoheCommand,
    help=N_(
        "Check OUT_DIR: every file as the run wrote it, and what its inputs give when scored "
        "again.\n\nWith the inputs at hand (the manifest records where they were), they are "
        "scored again and every value of every file compared. With --key, the signature must "
        "be that key's: any edit of the manifest is found."
    ),
)
@click.argument("out_dir", type=LocalPath(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--root",
    type=LocalPath(exists=True, file_okay=False, path_type=Path),
    help=N_("Resolve the manifest's relative input paths here (default: the current folder)."),
)
@click.option(
    "--key",
    type=LocalPath(exists=True, dir_okay=False, path_type=Path),
    metavar="PUB",
    help=N_("Require the manifest to be signed with this public key (KEY.pub of kaohe keygen)."),
)
@plugins_option
def verify(out_dir: Path, root: Path | None, key: Path | None, plugin_dir: Path | None) -> None:
    from ..audit.verify import audit

    registry = Registry.from_plugin_manager(get_plugin_manager(plugin_dir=plugin_dir))
    found = audit(out_dir, root=root, registry=registry, key=key)
    for note in found.notes:
        click.echo(_("note: {note}").format(note=note), err=True)
    if not found.problems:
        how = (
            _("the inputs scored again give every value of every file")
            if found.rescored
            else _("every file as the run wrote it; the scores add up to their rows")
        )
        signed = _("; signed with the key given") if key is not None else ""
        click.echo(_("ok: {how}").format(how=how) + signed)
        return
    for problem in found.problems:
        click.echo(problem)
    count = len(found.problems)
    click.echo(ngettext("{n} problem", "{n} problems", count).format(n=count), err=True)
    raise click.exceptions.Exit(1)


@click.command(
    cls=KaoheCommand,
    help=N_(
        "Write a key pair for signing results: KEY (private, yours alone) and KEY.pub."
        "\n\nSign with kaohe score --sign KEY; hand out KEY.pub, with which anyone can check "
        "a result with kaohe verify --key KEY.pub. Existing files are never overwritten."
    ),
)
@click.argument("key", type=LocalPath(dir_okay=False, path_type=Path))
def keygen(key: Path) -> None:
    from ..signing import fingerprint, generate, load_public

    private, public = generate(key)
    click.echo(
        _("wrote {private} (private key: keep it to yourself) and {public} (public key)").format(
            private=private, public=public
        )
    )
    click.echo(
        _("key fingerprint (sha256): {fingerprint}").format(
            fingerprint=fingerprint(load_public(public))
        )
    )
