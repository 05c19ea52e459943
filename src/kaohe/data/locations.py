"""Where data is read from: a database URL or SQLite file, told apart from other paths.

Kept apart from the readers so that the command line and ``kaohe verify``
can tell a location's kind without importing Arrow or a database driver.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

SQLITE_FILES = (".db", ".sqlite", ".sqlite3")

#: Between the sources of a data set read from several (``--data A --data B``).
SOURCES = " + "
SCHEMES = ("sqlite://", "postgresql://", "postgres://")


def is_database(location: str) -> bool:
    """Whether ``location`` names a database (a URL, or a SQLite file by its ending)."""
    location = location.partition("#at=")[0]  # a ledger store's state at a time
    return location.startswith(SCHEMES) or location.lower().endswith(SQLITE_FILES)


def shown(location: str) -> str:
    """``location`` without a password, for messages and the manifest."""
    parts = urllib.parse.urlsplit(location)
    if parts.password is None:
        return location
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def sqlite_path(location: str) -> Path:
    """The file of a SQLite location: ``sqlite:///relative.db``, ``sqlite:////abs.db`` or a path."""
    if location.startswith("sqlite://"):
        return Path(urllib.parse.unquote(location[len("sqlite:///") :]))
    return Path(location)


def sources(location: str) -> list[str]:
    """The sources a location names: several joined by :data:`SOURCES`, or itself."""
    if SOURCES in location and not Path(location).exists():
        return location.split(SOURCES)
    return [location]
