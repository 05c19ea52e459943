"""A real PostgreSQL server for the tests, started in a temporary folder.

Debian's ``postgresql`` package provides ``initdb`` and ``pg_ctl`` (tox
installs it where it can, as it installs the browser of the HTML report
test). The server listens on 127.0.0.1 at a free port, trusts local
connections, and is stopped and removed when the session ends. Without the
package the tests that need it are skipped, except in CI, where they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL = "apt-get install -y postgresql"
USER = "kaohe"


def server_programs() -> tuple[str, str] | None:
    """``initdb`` and ``pg_ctl`` of the newest PostgreSQL installed, or None."""
    found = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(found):
        return found[0], found[1]  # type: ignore[return-value]
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        initdb, pg_ctl = Path(folder, "initdb"), Path(folder, "pg_ctl")
        if initdb.exists() and pg_ctl.exists():
            return str(initdb), str(pg_ctl)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(initdb: str, pg_ctl: str) -> Iterator[str]:
    """Start a throw-away server; yield the URL of its ``postgres`` database."""
    base = Path(tempfile.mkdtemp(prefix="kaohe-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the package's user
        shutil.chown(base, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_owner, *command], check=True, capture_output=True, timeout=120)

    try:
        run(initdb, "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-locale")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start")
        try:
            yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        finally:
            run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
