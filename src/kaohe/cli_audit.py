"""``kaohe verify`` and ``kaohe keygen``: the audit commands (``kaohe explain`` is
:mod:`kaohe.cli_explain`).

All are plain click commands (:class:`~kaohe.cli.KaoheCommand`: a
:class:`~kaohe.errors.KaoheError` becomes a message and exit code 1); the
``kaohe`` group imports them when they are run.

- ``kaohe verify OUT_DIR [--root DIR] [--key PUB] [--plugins DIR]`` prints
  ``ok`` or the problems of a result folder (:mod:`kaohe.verify`) and exits
  1 if any.
- ``kaohe keygen KEY`` writes a key pair for signing results (:mod:`kaohe.signing`).
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli import KaoheCommand, plugins_option
from .plugins import Registry, get_plugin_manager


@click.command(cls=KaoheCommand)
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Resolve the manifest's relative input paths here (default: the current folder).",
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="PUB",
    help="Require the manifest to be signed with this public key (KEY.pub of kaohe keygen).",
)
@plugins_option
def verify(out_dir: Path, root: Path | None, key: Path | None, plugin_dir: Path | None) -> None:
    """Check OUT_DIR: every file as the run wrote it, and what its inputs give when scored again.

    With the inputs at hand (the manifest records where they were), they
    are scored again and every value of every file compared. With --key,
    the signature must be that key's: any edit of the manifest is found.
    """
    from .verify import audit

    registry = Registry.from_plugin_manager(get_plugin_manager(plugin_dir=plugin_dir))
    found = audit(out_dir, root=root, registry=registry, key=key)
    for note in found.notes:
        click.echo(f"note: {note}", err=True)
    if not found.problems:
        how = (
            "the inputs scored again give every value of every file"
            if found.rescored
            else "every file as the run wrote it; the scores add up to their rows"
        )
        signed = "; signed with the key given" if key is not None else ""
        click.echo(f"ok: {how}{signed}")
        return
    for problem in found.problems:
        click.echo(problem)
    count = len(found.problems)
    click.echo(f"{count} problem{'s' if count > 1 else ''}", err=True)
    raise click.exceptions.Exit(1)


@click.command(cls=KaoheCommand)
@click.argument("key", type=click.Path(dir_okay=False, path_type=Path))
def keygen(key: Path) -> None:
    """Write a key pair for signing results: KEY (private, yours alone) and KEY.pub.

    Sign with kaohe score --sign KEY; hand out KEY.pub, with which anyone can
    check a result with kaohe verify --key KEY.pub. Existing files are never
    overwritten.
    """
    from .signing import fingerprint, generate, load_public

    private, public = generate(key)
    click.echo(f"wrote {private} (private key: keep it to yourself) and {public} (public key)")
    click.echo(f"key fingerprint (sha256): {fingerprint(load_public(public))}")
