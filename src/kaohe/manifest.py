"""``manifest.json``: what a result was computed from, so that it can be audited later.

Records the scheme file, its sha256 and its exact text (``scheme.text``:
a scheme edited in place after the run can still be rebuilt as it was,
:func:`recorded_scheme`), every input table's source, sha256
and row count, the kaohe version, every enabled rule's distribution and
version, every registered plugin's distribution and version (``plugins``;
a plugin loaded from a file, which has no distribution, with the file's
sha256), the as-of date, parameter overrides, ledger rows outside the
period, absent tables, tables no enabled rule reads, and warnings.

:func:`seal` adds ``files``: the sha256 of every other file of the
folder, so that the manifest covers every byte of the result; a signature
(``manifest.sig``, :mod:`kaohe.signing`) then covers the manifest.
``kaohe verify`` (:mod:`kaohe.audit.verify`) checks a result folder against it,
and :mod:`kaohe.folders` replaces only a folder whose manifest lists
exactly the files it holds.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pluggy

from .i18n import _
from .plugins import kaohe_version, origins
from .results import Results
from .values import Value

#: A file's content (bytes, or what a writer makes them from).
C = TypeVar("C")

#: The manifest's file name, and its detached signature's.
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
#: ``kind`` of the manifest of ``kaohe score``.
SCORE = "score"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def to_bytes(info: Mapping[str, Any]) -> bytes:
    """The manifest as the file holds it: UTF-8 JSON, keys sorted, indented, one final newline."""
    return (json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sha256(content: bytes) -> str:
    """The hex sha256 of ``content``."""
    return hashlib.sha256(content).hexdigest()


def sealed_files(files: Mapping[str, C]) -> dict[str, C]:
    """The files a manifest seals: all of ``files`` but ``manifest.json`` and ``manifest.sig``."""
    return {name: content for name, content in files.items() if name not in (MANIFEST, SIGNATURE)}


def digests(files: Mapping[str, bytes]) -> dict[str, str]:
    """The sha256 of each of :func:`sealed_files`, by name in order (what a manifest lists)."""
    return {name: sha256(content) for name, content in sorted(sealed_files(files).items())}


def seal(files: Mapping[str, bytes], hashed: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """``files`` with ``manifest.json`` sealed: ``files`` in it maps every other file to its sha256.

    ``files`` must hold ``manifest.json`` (a JSON object); a
    ``manifest.sig`` among them is dropped (a signature is made after).
    ``hashed``: the :func:`digests` of ``files``, when already made.
    """
    info = json.loads(files[MANIFEST])
    if not isinstance(info, dict):
        raise ValueError("manifest.json must be a JSON object")
    info["files"] = dict(hashed) if hashed is not None else digests(files)
    return {**sealed_files(files), MANIFEST: to_bytes(info)}


def listed_files(content: bytes) -> dict[str, str] | None:
    """The ``files`` a sealed manifest lists (name -> sha256), or None if ``content`` is not one."""
    try:
        info = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    listed = info.get("files") if isinstance(info, dict) else None
    if not isinstance(listed, dict):
        return None
    for name, digest in listed.items():
        if name in (MANIFEST, SIGNATURE) or not isinstance(digest, str):
            return None
        if not _SHA256.match(digest) or "/" in name or "\\" in name or name in ("", ".", ".."):
            return None
    return listed


def build(
    results: Results,
    *,
    data_path: str,
    overrides: Mapping[str, object] | None = None,
    warnings: Sequence[str] = (),
    scheme_text: str | None = None,
) -> dict[str, Any]:
    """The manifest of scenario 0 of ``results`` as plain JSON-able data; ``scheme_text``,
    the scheme file's exact content, is kept as ``scheme.text``."""
    scheme = results.scheme
    data = results.data
    registry = scheme.registry
    read = results.plan.tables_read
    tables = {
        name: {
            "source": table.source,
            "sha256": table.sha256,
            "rows": len(table),
            "present": table.present,
        }
        for name, table in sorted(data.tables.items())
    }
    recorded_scheme: dict[str, Any] = {
        "name": scheme.name,
        "title": scheme.title,
        "file": scheme.path,
        "sha256": scheme.sha256,
        "year": scheme.year,
        "period": [scheme.period_start.isoformat(), scheme.period_end.isoformat()],
    }
    if scheme_text is not None:
        recorded_scheme["text"] = scheme_text
    return {
        "kind": SCORE,
        "kaohe_version": kaohe_version(),
        "scheme": recorded_scheme,
        "as_of": scheme.as_of.isoformat(),
        "overrides": {key: _plain(value) for key, value in (overrides or {}).items()},
        "data": data_path,
        "tables": tables,
        "absent_tables": sorted(data.absent),
        "unread_tables": sorted(
            name for name, table in data.tables.items() if name not in read and table.present
        ),
        "out_of_period": dict(
            sorted(data.out_of_period(scheme.period_start, scheme.period_end).items())
        ),
        "rules": [
            {
                "rule": name,
                "distribution": registry.provider(name).distribution,
                "version": registry.provider(name).version,
                "basis": scheme.rules[name].basis,
            }
            for name in results.plan.rules
        ],
        "plugins": plugins(registry.manager),
        "warnings": list(warnings),
    }


def plugins(manager: pluggy.PluginManager) -> list[dict[str, str]]:
    """Every plugin registered with ``manager``: name, distribution and version, by name.

    Built-in plugins belong to the ``kaohe`` distribution; a plugin without
    a distribution (a file loaded with ``--plugins``) is listed with its
    file and that file's sha256, so that an audit can tell if it changed.
    """
    known = origins(manager)
    listed = []
    for name, plugin in manager.list_name_plugin():
        entry = {"plugin": name}
        entry["distribution"], entry["version"] = known[name]
        if entry["version"] == "unregistered":
            file = getattr(plugin, "__file__", None)
            if isinstance(file, str) and Path(file).is_file():
                entry["file"] = file
                entry["sha256"] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        listed.append(entry)
    return sorted(listed, key=lambda entry: entry["plugin"])


def _plain(value: object) -> object:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


@attrs.frozen(repr=False, eq=False)
class RecordedScheme(Value):
    """How to rebuild the scheme a run recorded (:func:`recorded_scheme`)."""

    #: the text to read in place of the file (None: read the file: it is as it was, or,
    #: when not ``found``, the manifest keeps no usable text and the file changed)
    text: str | None = None
    #: what was done, for a note ("" when the file is read)
    note: str = ""
    #: "" or why the text the manifest keeps is not the scheme's (its sha256 differs)
    problem: str = ""
    #: whether the scheme can be had: the file is as it was, or ``text`` is given
    found: bool = True


def recorded_scheme(info: Mapping[str, Any], path: Path) -> RecordedScheme:
    """The scheme a run scored with, from its manifest's ``scheme`` entry ``info`` and the
    file at ``path`` (its ``file``, resolved): the file when it still hashes to the recorded
    sha256; else the text the manifest keeps, when it does; else neither (a folder written
    before the text was kept, or one whose text was edited: ``problem`` says so)."""
    digest, text = info.get("sha256"), info.get("text")
    kept = isinstance(text, str) and isinstance(digest, str)
    usable = kept and sha256(str(text).encode("utf-8")) == digest
    problem = ""
    if text is not None and not usable:
        problem = _(
            "scheme: the text {file} keeps is not the scheme the run was scored with "
            "(its sha256 is not the recorded one)"
        ).format(file=MANIFEST)
    if path.is_file() and sha256(path.read_bytes()) == digest:
        return RecordedScheme(problem=problem)
    if not usable:
        return RecordedScheme(problem=problem, found=False)
    note = _(
        "scheme: {file} has changed since the run or is gone; the scheme's text kept in "
        "{manifest} is used"
    ).format(file=path, manifest=MANIFEST)
    return RecordedScheme(str(text), note)
