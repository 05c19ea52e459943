"""Audit a result folder: is every file what the run wrote, and what its inputs give?

:func:`audit` checks a folder that ``kaohe score`` wrote, in this order,
and lists every problem it finds (none: the folder passes):

1. ``manifest.json`` is a manifest of ``kaohe score``: a JSON object with
   the keys and types :data:`SHAPE` lists. If not, nothing else is checked.
2. With a public key: ``manifest.sig`` is that key's signature of
   ``manifest.json`` (:mod:`kaohe.signing`); any edit of the manifest, even
   one that keeps its hashes consistent, is found.
3. Every file the manifest lists hashes to the sha256 it records; no file
   is missing and none has been added.
4. The inputs: the scheme file, every input table file and every plugin
   file loaded with ``--plugins`` hash to what the manifest records. A
   scheme file edited since the run is no problem when the manifest keeps
   the scheme's text (``scheme.text``) and that text hashes to the recorded
   sha256: the text is used, and a note says so; a kept text that does not
   hash to it is a problem (tables
   of one ``.xlsx`` workbook share its hash; a table absent at the run must
   still be absent; inputs given in memory cannot be verified).
5. When every input is at hand and unchanged, they are scored again with
   the recorded scheme, overrides and as-of date, every file of the folder
   is made again in memory (:mod:`kaohe.publish`, the code ``kaohe score``
   runs) and compared with the folder's: CSV files cell by cell, the
   manifest key by key, the workbook cell by cell, the report line by
   line. Each difference names the file, the row (or cell, key, line), the
   column and both values. Plugins (and kaohe) whose installed version is
   not the recorded one are problems too: the result can only be confirmed
   with the versions that made it.
6. When the inputs are not at hand, the checks that need no rule's
   knowledge: every unit's ``score`` is ``round2(max(0, composite + its
   adjustment rows))`` and every cadre's ``round2(min(100, max(0, its
   adjustment rows)))`` (allowing for the 4 decimals the files keep),
   ``deductions - bonus`` is minus the sum of a unit's rows, one row per
   input unit and cadre, ranks follow the published scores, and
   ``frozen_until`` is the latest end of the windows in ``freezes.csv``
   running at the as-of date.

Relative paths in the manifest are resolved against ``root`` (default: the
current directory, where ``kaohe score`` ran); re-scoring runs there, so
that file names in messages and warnings come out as they did.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..data.locations import is_database
from ..errors import KaoheError
from ..folders import file_sha256
from ..i18n import _
from ..manifest import MANIFEST, SIGNATURE, RecordedScheme, recorded_scheme, seal, to_bytes
from ..values import Value
from .compare import differences, manifest_differences
from .manifest_shape import read_manifest
from .sums import sums

if TYPE_CHECKING:
    from ..plugins import Registry

MEMORY = "<memory>"
_WORKBOOK = re.compile(r"^(?P<path>.*\.xlsx)\[(?P<sheet>[^\]]*)\]$", re.IGNORECASE)

Row = dict[str, str]


@attrs.frozen(repr=False, eq=False)
class Audit(Value):
    """What :func:`audit` found: the problems (none: the folder passes), and how far it went.

    ``rescored`` says whether the inputs were scored again and every value
    compared; ``notes`` say why not, when they were not.
    """

    problems: tuple[str, ...]
    rescored: bool
    notes: tuple[str, ...] = ()


def verify(
    out_dir: str | Path,
    *,
    root: str | Path | None = None,
    registry: Registry | None = None,
    key: str | Path | None = None,
) -> list[str]:
    """The problems of result folder ``out_dir`` (see :func:`audit`); [] = it passes."""
    return list(audit(out_dir, root=root, registry=registry, key=key).problems)


def audit(
    out_dir: str | Path,
    *,
    root: str | Path | None = None,
    registry: Registry | None = None,
    key: str | Path | None = None,
) -> Audit:
    """Check result folder ``out_dir`` (see the module docstring).

    ``root`` resolves relative input paths (default: the current
    directory); ``registry`` provides the rules to score again with
    (default: the installed plugins); ``key`` is a public key file
    (``kaohe keygen``'s ``.pub``) that must have signed the manifest. A key
    file that cannot be read is a :class:`~kaohe.errors.SigningError`.
    """
    out = Path(out_dir)
    base = Path(root) if root is not None else Path.cwd()
    public = None
    if key is not None:
        from ..signing import load_public

        public = load_public(key)
    try:
        raw = (out / MANIFEST).read_bytes()
    except OSError as error:
        message = _("{file}: cannot be read ({reason})").format(
            file=MANIFEST, reason=error.strerror
        )
        return Audit((message,), False)
    manifest, problems = read_manifest(raw)
    if manifest is None:
        return Audit(tuple(problems), False)
    if public is not None:
        from ..signing import check

        signature = out / SIGNATURE
        problems += check(public, raw, signature.read_bytes() if signature.is_file() else None)
    problems += _outputs(out, manifest["files"])
    copy = _scheme_copy(manifest, base)
    problems += [copy.problem] if copy.problem else []
    kept = [copy.note] if copy.note else []
    changed_inputs = _inputs(manifest, base, scheme_kept=copy.text is not None)
    problems += changed_inputs
    if changed_inputs:
        problems += sums(out, manifest)
        note = _("not scored again: the inputs are not as they were")
        return Audit(tuple(problems), False, (*kept, note))
    if registry is None:
        from ..plugins import Registry

        registry = Registry.from_plugin_manager()
    found, notes = _rescored(
        out, manifest, base, registry, signed=public is not None, scheme_text=copy.text
    )
    return Audit(tuple(problems + found), True, (*kept, *notes))


# -- the manifest --------------------------------------------------------------------------


# -- hashes --------------------------------------------------------------------------------


def _resolve(base: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else base / path


def _check_file(what: str, path: Path, recorded: str | None) -> list[str]:
    if not path.is_file():
        return [_("{what}: {path} is missing").format(what=what, path=path)]
    now = file_sha256(path)
    if recorded != now:
        return [
            _("{what}: {path} has changed since the run (sha256 {then} then, {now} now)").format(
                what=what, path=path, then=recorded, now=now
            )
        ]
    return []


def _outputs(out: Path, listed: Mapping[str, str]) -> list[str]:
    """Every output file as the manifest records it; none missing, none added."""
    problems = []
    for name, digest in sorted(listed.items()):
        path = out / name
        if not path.is_file() or path.is_symlink():
            problems.append(_("{file}: missing from the result folder").format(file=name))
        elif file_sha256(path) != digest:
            problems.append(
                _("{file}: changed since the run (its sha256 is not the recorded one)").format(
                    file=name
                )
            )
    known = {*listed, MANIFEST, SIGNATURE}
    problems += [
        _("{file}: in the result folder but not part of the result").format(file=path.name)
        for path in sorted(out.iterdir())
        if path.name not in known
    ]
    return problems


def _scheme_copy(manifest: Mapping[str, Any], base: Path) -> RecordedScheme:
    """The scheme file, or the text the manifest keeps when the file changed since
    (:func:`kaohe.manifest.recorded_scheme`)."""
    scheme = manifest["scheme"]
    if scheme["file"] == MEMORY or not scheme["sha256"]:
        return RecordedScheme()
    return recorded_scheme(scheme, _resolve(base, scheme["file"]))


def _inputs(manifest: Mapping[str, Any], base: Path, *, scheme_kept: bool = False) -> list[str]:
    """Problems with the scheme file (none when the manifest's text of it is used:
    ``scheme_kept``), the input table files and local plugin files."""
    problems: list[str] = []
    scheme = manifest["scheme"]
    if scheme["file"] == MEMORY or not scheme["sha256"]:
        problems.append(_("scheme: given in memory; its content cannot be verified"))
    elif not scheme_kept:
        problems += _check_file(_("scheme"), _resolve(base, scheme["file"]), scheme["sha256"])
    workbooks: dict[tuple[str, str | None], list[str]] = {}
    for name, info in sorted(manifest["tables"].items()):
        source = info["source"]
        if source.startswith(MEMORY):
            if info["present"]:
                problems.append(
                    _("table {table}: given in memory; its content cannot be verified").format(
                        table=name
                    )
                )
            continue
        if is_database(source.partition("[")[0]):
            continue  # no file to hash: scoring again reads the tables and compares their digests
        book = _WORKBOOK.match(source)
        if book is not None:  # an absent sheet is covered by the workbook's hash
            if info["present"]:
                workbooks.setdefault((book["path"], info["sha256"]), []).append(name)
            continue
        path = _resolve(base, source)
        if info["present"]:
            problems += _check_file(_("table {table}").format(table=name), path, info["sha256"])
        elif path.exists():
            problems.append(
                _("table {table}: {path} was absent at the run and exists now").format(
                    table=name, path=path
                )
            )
    for (book_path, digest), names in workbooks.items():
        what = _("tables {tables}").format(tables=", ".join(names))
        problems += _check_file(what, _resolve(base, book_path), digest)
    for plugin in manifest["plugins"]:
        file, digest = plugin.get("file"), plugin.get("sha256")
        if isinstance(file, str) and isinstance(digest, str):
            what = _("plugin {plugin}").format(plugin=plugin["plugin"])
            problems += _check_file(what, _resolve(base, file), digest)
    return problems


# -- scoring again -------------------------------------------------------------------------


def _data_source(recorded: str) -> Path | str:
    """Where the run read its data: a database URL stays text, anything else is a path."""
    return recorded if is_database(recorded) and not Path(recorded).exists() else Path(recorded)


@contextlib.contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    """Run in ``folder`` (where ``kaohe score`` ran), then back."""
    before = Path.cwd()
    if folder.resolve() == before.resolve():
        yield
        return
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _rescored(
    out: Path,
    manifest: Mapping[str, Any],
    base: Path,
    registry: Registry,
    *,
    signed: bool,
    scheme_text: str | None = None,
) -> tuple[list[str], list[str]]:
    """Score the recorded inputs again (the scheme from ``scheme_text`` when given) and
    compare every file with the folder's.

    The warnings the manifest records were written in the language of the run:
    when the reader's language does not make them, the inputs are read again in
    the other one, and the run is compared with the warnings that match."""
    from .. import i18n, publish
    from ..report.labels import FORMATS

    formats = [kind for kind, name in FORMATS.items() if name in manifest["files"]]

    def load() -> publish.Inputs:
        return publish.load(
            Path(manifest["scheme"]["file"]),
            _data_source(manifest["data"]),
            registry,
            as_of=dt.date.fromisoformat(manifest["as_of"]),
            overrides=manifest["overrides"],
            scheme_text=scheme_text,
        )

    try:
        with _working_directory(base):
            inputs = load()
            if list(inputs.warnings) != list(manifest.get("warnings", [])):
                reader = i18n.language()
                i18n.use(i18n.ENGLISH if reader == i18n.CHINESE else i18n.CHINESE)
                try:
                    other = load()
                finally:
                    i18n.use(reader)
                if list(other.warnings) == list(manifest.get("warnings", [])):
                    inputs = attrs.evolve(inputs, warnings=other.warnings)
            results = publish.score(inputs)
            info, files = publish.result_files(results, inputs, formats, manifest["overrides"])
    except KaoheError as error:
        return [_("scoring the recorded inputs again failed: {error}").format(error=error)], []
    if "text" not in manifest["scheme"]:  # written before manifests kept the scheme's text
        info["scheme"].pop("text", None)
        files[MANIFEST] = to_bytes(info)
    expected = seal(files)
    notes: list[str] = []
    problems = _versions(manifest, json.loads(expected[MANIFEST]))
    for name in sorted({*manifest["files"], *expected} - {MANIFEST}):
        path = out / name
        if name not in expected:
            problems.append(
                _("{file}: scoring the inputs again makes no such file").format(file=name)
            )
        elif name not in manifest["files"]:
            problems.append(
                _("{file}: missing; scoring the inputs again makes it").format(file=name)
            )
        elif path.is_file() and not path.is_symlink():
            content = path.read_bytes()
            other_browser = _other_printer(name, content, expected[name], signed=signed)
            if other_browser:
                (notes if signed else problems).append(other_browser)
            else:
                problems += differences(name, content, expected[name])
    in_manifest = manifest_differences(manifest, json.loads(expected[MANIFEST]))
    printed_elsewhere = bool(notes)  # its hash in the manifest cannot be made again either
    if (
        not in_manifest
        and not problems
        and not printed_elsewhere
        and (out / MANIFEST).read_bytes() != expected[MANIFEST]
    ):
        in_manifest = [
            _("{file}: the same values, but not written as kaohe writes it").format(file=MANIFEST)
        ]
    return problems + in_manifest, notes


def _producer(pdf: bytes) -> str:
    """The program a PDF says made it (Chromium's ``Skia/PDF m131``), or ""."""
    found = re.search(rb"/Producer \(([^)]{1,200})\)", pdf)
    return found.group(1).decode("latin-1") if found else ""


def _other_printer(name: str, found: bytes, expected: bytes, *, signed: bool) -> str:
    """What to say when ``name`` is a PDF that another browser version printed ("" otherwise).

    Another Chromium lays out the same page in other bytes, so such a PDF cannot be
    printed again to compare. With a signed manifest (``signed``: checked with
    ``--key``) its sha256 seals it: a note. Without, nothing confirms it: a problem
    that says how to check it.
    """
    if not name.endswith(".pdf") or found == expected:
        return ""
    then, now = _producer(found), _producer(expected)
    if not then or not now or then == now:
        return ""
    if signed:
        return _(
            "{file}: printed by {then}, and this machine prints with {now}; it cannot be "
            "printed again the same way, so it is checked by its sha256 in the signed "
            "manifest (the report it was printed from is compared value by value)"
        ).format(file=name, then=then, now=now)
    return _(
        "{file}: printed by {then}, and this machine prints with {now}; it cannot be printed "
        "again the same way to confirm it: check it on a machine with the same browser, or "
        "sign results (kaohe score --sign) and verify with --key"
    ).format(file=name, then=then, now=now)


def _versions(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """Plugins (and kaohe) whose installed version is not the one the run used."""
    problems = []
    if recorded["kaohe_version"] != now["kaohe_version"]:
        problems.append(
            _(
                "kaohe: the run used version {then}, version {now} is installed; the result "
                "can only be confirmed with kaohe {then}"
            ).format(then=recorded["kaohe_version"], now=now["kaohe_version"])
        )
    then = {p["plugin"]: p for p in recorded["plugins"]}
    installed = {p["plugin"]: p for p in now["plugins"]}
    for name in sorted(then.keys() | installed.keys()):
        old, new = then.get(name), installed.get(name)
        if old is None:
            assert new is not None
            problems.append(
                _(
                    "plugin {plugin}: installed ({distribution} {version}), but the manifest "
                    "does not list it among the plugins of the run"
                ).format(plugin=name, distribution=new["distribution"], version=new["version"])
            )
        elif new is None:
            message = (
                _(
                    "plugin {plugin}: the run used {distribution} {version}, which is not "
                    "installed; give --plugins FOLDER to score the inputs as the run did"
                )
                if old.get("file")
                else _(
                    "plugin {plugin}: the run used {distribution} {version}, which is not "
                    "installed; install it to score the inputs as the run did"
                )
            )
            problems.append(
                message.format(
                    plugin=name, distribution=old["distribution"], version=old["version"]
                )
            )
        elif (old["distribution"], old["version"]) != (new["distribution"], new["version"]):
            problems.append(
                _(
                    "plugin {plugin}: the run used {distribution} {version}, {now_distribution} "
                    "{now_version} is installed; the result can only be confirmed with "
                    "{distribution}=={version}"
                ).format(
                    plugin=name,
                    distribution=old["distribution"],
                    version=old["version"],
                    now_distribution=new["distribution"],
                    now_version=new["version"],
                )
            )
    return problems


# -- sums, when the inputs are not at hand -------------------------------------------------
