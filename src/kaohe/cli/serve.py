"""``kaohe serve``: the results of one scheme as a local web app and JSON API.

``kaohe serve SCHEME [--data PATH] [--host 127.0.0.1] [--port 8000] [--token T]``
scores the data once, then serves pages and JSON until stopped (Ctrl+C).
Bound to another address than this machine's loopback, it refuses to start
without a token (``--token`` or ``KAOHE_TOKEN``). Needs the optional extra
``pip install 'kaohe[serve]'`` (Starlette, uvicorn, Jinja2).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

import click

from ..errors import KaoheError, MissingExtraError
from ..i18n import N_, _
from .shared import (
    KaoheCommand,
    as_of_option,
    data_option,
    load_inputs,
    plugins_option,
    scheme_argument,
    warn,
)

DEFAULT_PORT = 8000


@click.command(
    cls=KaoheCommand,
    help=N_(
        "Serve the results of SCHEME on this machine: rankings, explanations and what-if "
        "pages, and a JSON API (/openapi.json).\n\n"
        "Read-only; the data is scored once at start-up. Bound to another address than "
        "127.0.0.1, every request must carry the token."
    ),
)
@scheme_argument
@data_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_("The address to listen on; any other than this machine's needs --token."),
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help=N_("The port to listen on."),
)
@click.option(
    "--token",
    envvar="KAOHE_TOKEN",
    help=N_("Require this token of every request (or set KAOHE_TOKEN)."),
)
@as_of_option
@plugins_option
def serve(
    scheme: Path,
    data: Path | None,
    host: str,
    port: int,
    token: str | None,
    as_of: dt.date | None,
    plugin_dir: Path | None,
) -> None:
    try:
        import uvicorn

        from ..server.app import create_app, is_loopback
        from ..server.board import Board
    except ImportError as error:
        raise MissingExtraError("kaohe serve", "serve", error.name or "starlette") from None
    if token is not None and not token.strip():
        raise click.BadParameter(_("an empty token"), param_hint="--token")
    if not is_loopback(host) and token is None:
        raise click.UsageError(
            _(
                "--host {host} lets other machines connect: give a token (--token or "
                "KAOHE_TOKEN) that every request must carry"
            ).format(host=host)
        )
    listening = _listen(host, port)  # before scoring: a port in use is said at once
    with listening:
        the_scheme, dataset, _path, warnings = load_inputs(scheme, data, as_of, plugin_dir)
        board = Board.build(the_scheme, dataset, warnings)
        warn(warnings)
        app = create_app(board, token=token, host=host)
        shown = f"[{host}]" if ":" in host else host
        click.echo(_("serving http://{host}:{port}/ (Ctrl+C stops)").format(host=shown, port=port))
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        uvicorn.Server(config).run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``; KaoheError naming them if it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=128)
    except OSError as error:
        raise KaoheError(
            _("cannot listen on {host}:{port} ({reason}); choose another --port or --host").format(
                host=host, port=port, reason=os.strerror(error.errno) if error.errno else error
            )
        ) from None
