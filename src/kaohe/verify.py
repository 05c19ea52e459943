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
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import math
import os
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from .data.locations import is_database
from .errors import KaoheError, shown
from .i18n import _
from .manifest import MANIFEST, SCORE, SIGNATURE, RecordedScheme, recorded_scheme, seal, to_bytes
from .tables_out import ADJUSTMENT_COLUMNS, CADRE_COLUMNS, FREEZE_COLUMNS, UNIT_COLUMNS

if TYPE_CHECKING:
    from .plugins import Registry

MEMORY = "<memory>"
_WORKBOOK = re.compile(r"^(?P<path>.*\.xlsx)\[(?P<sheet>[^\]]*)\]$", re.IGNORECASE)
#: Rounding slack per 4-decimal number added (half of the last kept digit).
SLACK = Decimal("0.00005")
CENT = Decimal("0.01")
#: Differences listed per file; the rest are counted.
SHOWN_DIFFERENCES = 20

Row = dict[str, str]


@attrs.frozen
class Audit:
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
        from .signing import load_public

        public = load_public(key)
    try:
        raw = (out / MANIFEST).read_bytes()
    except OSError as error:
        message = _("{file}: cannot be read ({reason})").format(
            file=MANIFEST, reason=error.strerror
        )
        return Audit((message,), False)
    manifest, problems = _manifest(raw)
    if manifest is None:
        return Audit(tuple(problems), False)
    if public is not None:
        from .signing import check

        signature = out / SIGNATURE
        problems += check(public, raw, signature.read_bytes() if signature.is_file() else None)
    problems += _outputs(out, manifest["files"])
    copy = _scheme_copy(manifest, base)
    problems += [copy.problem] if copy.problem else []
    kept = [copy.note] if copy.note else []
    changed_inputs = _inputs(manifest, base, scheme_kept=copy.text is not None)
    problems += changed_inputs
    if changed_inputs:
        problems += _sums(out, manifest)
        note = _("not scored again: the inputs are not as they were")
        return Audit(tuple(problems), False, (*kept, note))
    if registry is None:
        from .plugins import Registry

        registry = Registry.from_plugin_manager()
    found, notes = _rescored(
        out, manifest, base, registry, signed=public is not None, scheme_text=copy.text
    )
    return Audit(tuple(problems + found), True, (*kept, *notes))


# -- the manifest --------------------------------------------------------------------------

_SHA = re.compile(r"^[0-9a-f]{64}$")
_TEXT = (str,)
_HASH = (str, type(None))
_TABLE = {"source": _TEXT, "sha256": _HASH, "rows": (int,), "present": (bool,)}
_PLUGIN = {"plugin": _TEXT, "distribution": _TEXT, "version": _TEXT}
_RULE = {"rule": _TEXT, "distribution": _TEXT, "version": _TEXT}
#: What a manifest of ``kaohe score`` holds: key -> type(s), ``{...}`` a table
#: with those keys, ``[...]`` a list of them, ``{"*": ...}`` a table of them.
SHAPE: Mapping[str, Any] = {
    "kind": _TEXT,
    "kaohe_version": _TEXT,
    "scheme": {"file": _TEXT, "sha256": _HASH},
    "as_of": _TEXT,
    "overrides": {"*": (str, int, float, bool)},
    "data": _TEXT,
    "tables": {"*": _TABLE},
    "rules": [_RULE],
    "plugins": [_PLUGIN],
    "warnings": [_TEXT],
    "files": {"*": _TEXT},
}


def _type_names(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
    return " or ".join(names.get(t, "null") for t in types)


def _shape(value: Any, spec: Any, key: str) -> str | None:
    """The first place where ``value`` does not fit ``spec`` (see :data:`SHAPE`), or None."""
    if isinstance(spec, tuple):
        fits = isinstance(value, spec) and not (isinstance(value, bool) and bool not in spec)
        return None if fits else f"key '{key}': expected {_type_names(spec)}, got {shown(value)}"
    if isinstance(spec, list):
        if not isinstance(value, list):
            return f"key '{key}': expected a list, got {shown(value)}"
        found = (_shape(item, spec[0], f"{key}[{i}]") for i, item in enumerate(value))
        return next((problem for problem in found if problem), None)
    if not isinstance(value, dict):
        return f"key '{key}': expected a table (JSON object), got {shown(value)}"
    if "*" in spec:
        found = (_shape(item, spec["*"], f"{key}.{name}") for name, item in value.items())
        return next((problem for problem in found if problem), None)
    for name, item_spec in spec.items():
        where = f"{key}.{name}" if key else name
        if name not in value:
            return f"key '{where}' is missing"
        problem = _shape(value[name], item_spec, where)
        if problem:
            return problem
    return None


def _manifest(raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    """The manifest, or None and why it is not one of ``kaohe score``."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [_("{file}: not UTF-8 text").format(file=MANIFEST)]
    except RecursionError:
        return None, [
            _("{file}: not a manifest of kaohe (JSON nested too deep)").format(file=MANIFEST)
        ]
    except ValueError as error:
        return None, [_("{file}: not valid JSON ({error})").format(file=MANIFEST, error=error)]
    if not isinstance(manifest, dict):
        return None, [
            _(
                "{file}: expected a JSON object (the manifest kaohe score writes), got a {kind}"
            ).format(file=MANIFEST, kind=type(manifest).__name__)
        ]
    if manifest.get("kind") == "whatif":
        return None, [
            _("{file}: a what-if folder; kaohe verify checks results of kaohe score").format(
                file=MANIFEST
            )
        ]
    if "files" not in manifest and "kind" not in manifest:
        return None, [
            _(
                "{file}: lists no output files: written by a kaohe from before sealed "
                "results; its files cannot be checked"
            ).format(file=MANIFEST)
        ]
    problem = _shape(manifest, SHAPE, "")
    if problem is None and manifest["kind"] != SCORE:
        problem = f"key 'kind': expected {SCORE!r}, got {shown(manifest['kind'])}"
    if problem is None:
        bad = [name for name, digest in manifest["files"].items() if not _plain(name, digest)]
        if bad:
            problem = f"key 'files.{bad[0]}': expected a file name and a sha256"
    if problem is None:
        try:
            dt.date.fromisoformat(manifest["as_of"])
        except ValueError:
            problem = f"key 'as_of': expected a date YYYY-MM-DD, got {shown(manifest['as_of'])}"
    if problem is not None:
        return None, [
            _("{file}: not a manifest of kaohe score ({problem})").format(
                file=MANIFEST, problem=problem
            )
        ]
    return manifest, []


def _plain(name: str, digest: object) -> bool:
    return (
        isinstance(digest, str)
        and _SHA.match(digest) is not None
        and name not in ("", ".", "..", MANIFEST, SIGNATURE)
        and "/" not in name
        and "\\" not in name
    )


# -- hashes --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _resolve(base: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else base / path


def _check_file(what: str, path: Path, recorded: str | None) -> list[str]:
    if not path.is_file():
        return [_("{what}: {path} is missing").format(what=what, path=path)]
    now = _sha256(path)
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
        elif _sha256(path) != digest:
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
    compare every file with the folder's."""
    from . import publish
    from .reports import FORMATS

    formats = [kind for kind, name in FORMATS.items() if name in manifest["files"]]
    try:
        with _working_directory(base):
            inputs = publish.load(
                Path(manifest["scheme"]["file"]),
                _data_source(manifest["data"]),
                registry,
                as_of=dt.date.fromisoformat(manifest["as_of"]),
                overrides=manifest["overrides"],
                scheme_text=scheme_text,
            )
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
                problems += _differences(name, content, expected[name])
    differences = _manifest_differences(manifest, json.loads(expected[MANIFEST]))
    printed_elsewhere = bool(notes)  # its hash in the manifest cannot be made again either
    if (
        not differences
        and not problems
        and not printed_elsewhere
        and (out / MANIFEST).read_bytes() != expected[MANIFEST]
    ):
        differences = [
            _("{file}: the same values, but not written as kaohe writes it").format(file=MANIFEST)
        ]
    return problems + differences, notes


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


def _limited(name: str, found: Iterator[str]) -> list[str]:
    """The first :data:`SHOWN_DIFFERENCES` of ``found``, and a line saying if there are more."""
    listed = list(itertools.islice(found, SHOWN_DIFFERENCES + 1))
    if len(listed) <= SHOWN_DIFFERENCES:
        return listed
    return [*listed[:SHOWN_DIFFERENCES], _("{file}: more differences, not shown").format(file=name)]


def _differences(name: str, found: bytes, expected: bytes) -> list[str]:
    """How the folder's ``name`` differs from what scoring again makes ([] if not at all).

    Bytes that differ where every value is the same still differ: a file
    is either exactly what scoring again makes, or reported.
    """
    if found == expected:
        return []
    if name.endswith(".csv"):
        listed = _limited(name, _csv_differences(name, found, expected))
    elif name.endswith(".xlsx"):
        listed = _limited(name, _workbook_differences(name, found, expected))
    elif name.endswith(".parquet"):
        listed = _limited(name, _parquet_differences(name, found, expected))
    elif name.endswith(".pdf"):  # a printed page: no values to name, its bytes differ
        listed = [
            _("{file}: not the PDF that printing the scored report again makes").format(file=name)
        ]
    else:
        listed = _limited(name, _line_differences(name, found, expected))
    return listed or [
        _("{file}: not the file scoring again makes (the values are the same)").format(file=name)
    ]


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    try:
        rows = _csv_rows(found)
    except (UnicodeDecodeError, csv.Error) as error:
        yield f"{name}: not a readable CSV file ({error})"
        return
    wanted = _csv_rows(expected)
    header, wanted_header = (rows[0] if rows else []), wanted[0]
    if header != wanted_header:
        yield f"{name}: columns {', '.join(header)}; scoring again gives {', '.join(wanted_header)}"
        if sorted(header) != sorted(wanted_header):
            return
    order = [header.index(column) for column in wanted_header]
    body = [[row[i] if i < len(row) else "" for i in order] for row in rows[1:]]
    yield from _row_differences(name, wanted_header, body, wanted[1:])


def _both(found: object, again: object) -> str:
    return f"{shown(found)} in the file, {shown(again)} scoring again"


def _row_label(name: str, header: Sequence[str], number: int, row: Sequence[str]) -> str:
    ident = f" ({header[0]} {row[0]})" if row and row[0] else ""
    return f"{name} row {number}{ident}"


def _row_differences(
    name: str, header: Sequence[str], body: list[list[str]], wanted: list[list[str]]
) -> Iterator[str]:
    """Cell differences; a run of deleted or added rows is named as such."""
    first = next(
        (i for i, (a, b) in enumerate(zip(body, wanted, strict=False)) if a != b),
        min(len(body), len(wanted)),
    )
    missing = len(wanted) - len(body)
    if missing > 0 and body[first:] == wanted[first + missing :]:
        for i in range(first, first + missing):
            yield (
                f"{_row_label(name, header, i + 1, wanted[i])}: missing from the file; scoring "
                f"again gives {shown(','.join(wanted[i]))}"
            )
        return
    if missing < 0 and body[first - missing :] == wanted[first:]:
        for i in range(first, first - missing):
            yield (
                f"{_row_label(name, header, i + 1, body[i])}: in the file, but scoring again "
                f"gives no such row ({shown(','.join(body[i]))})"
            )
        return
    if missing:
        yield f"{name}: {len(body)} rows; scoring again gives {len(wanted)}"
    for i, (row, want) in enumerate(zip(body, wanted, strict=False)):
        for column, cell, wanted_cell in zip(header, row, want, strict=True):
            if cell != wanted_cell:
                label = _row_label(name, header, i + 1, want)
                yield f"{label}, column '{column}': {_both(cell, wanted_cell)}"


def _workbook_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    from openpyxl import load_workbook

    if len(found) > 4 * len(expected) + (1 << 20):  # do not unpack what may be a zip bomb
        yield f"{name}: {len(found)} bytes; scoring again gives a workbook of {len(expected)}"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(found), read_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            yield f"{name}: not a readable workbook ({type(error).__name__}: {shown(str(error))})"
            return
        wanted = load_workbook(io.BytesIO(expected), read_only=True)
        if book.sheetnames != wanted.sheetnames:
            yield f"{name}: sheets {', '.join(book.sheetnames)}; scoring again gives " + ", ".join(
                wanted.sheetnames
            )
            return
        same = True
        for title in wanted.sheetnames:
            rows = book[title].iter_rows(values_only=True)
            for r, (row, want) in enumerate(
                itertools.zip_longest(rows, wanted[title].iter_rows(values_only=True)), 1
            ):
                for c, (cell, wanted_cell) in enumerate(
                    itertools.zip_longest(row or (), want or ()), 1
                ):
                    if cell != wanted_cell:
                        same = False
                        where = f"{name} sheet {title}, cell {_cell_name(r, c)}"
                        yield f"{where}: {_both(cell, wanted_cell)}"
        if same:
            yield f"{name}: the cell values are the same, but the styles or layout are not"


def _parquet_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    """Value by value: the cells of the folder's Parquet file that scoring again does not make."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(found))
    except Exception as error:  # pyarrow raises several kinds for damaged bytes
        yield f"{name}: not a readable Parquet file ({type(error).__name__}: {shown(str(error))})"
        return
    wanted = pq.read_table(pa.BufferReader(expected))
    if table.schema.remove_metadata() != wanted.schema.remove_metadata():
        yield f"{name}: columns {_both(str(table.schema), str(wanted.schema))}"
        return
    if table.num_rows != wanted.num_rows:
        yield f"{name}: {table.num_rows} rows; scoring again gives {wanted.num_rows}"
        return
    for column in wanted.column_names:
        found_cells, wanted_cells = table[column], wanted[column]
        same = pc.or_kleene(
            pc.equal(found_cells, wanted_cells),
            pc.and_(pc.is_null(found_cells), pc.is_null(wanted_cells)),
        )
        for row in np.flatnonzero(~pc.fill_null(same, False).to_numpy(zero_copy_only=False)):
            cell, want = found_cells[int(row)].as_py(), wanted_cells[int(row)].as_py()
            yield f"{name} row {int(row) + 1}, column {column}: {_both(cell, want)}"


def _cell_name(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _line_differences(name: str, found: bytes, expected: bytes) -> Iterator[str]:
    lines = found.decode("utf-8", errors="replace").splitlines()
    wanted = expected.decode("utf-8", errors="replace").splitlines()
    if len(lines) != len(wanted):
        yield f"{name}: {len(lines)} lines; scoring again gives {len(wanted)}"
    for number, (line, want) in enumerate(itertools.zip_longest(lines, wanted), 1):
        if line != want:
            yield f"{name} line {number}: {_both(line, want)}"


#: Manifest keys compared on their own: the output files one by one, versions by :func:`_versions`.
_NOT_COMPARED = frozenset({"files", "kaohe_version", "plugins"})


def _manifest_differences(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for key in sorted((recorded.keys() | now.keys()) - _NOT_COMPARED):
        found += _value_differences(key, recorded.get(key), now.get(key))
    return _limited(MANIFEST, iter(found))


def _value_differences(key: str, value: Any, want: Any) -> list[str]:
    if isinstance(value, dict) and isinstance(want, dict):
        return [
            problem
            for name in sorted(value.keys() | want.keys())
            for problem in _value_differences(f"{key}.{name}", value.get(name), want.get(name))
        ]
    if isinstance(value, list) and isinstance(want, list) and len(value) == len(want):
        return [
            problem
            for i, (item, wanted) in enumerate(zip(value, want, strict=True))
            for problem in _value_differences(f"{key}[{i}]", item, wanted)
        ]
    if (value == want and type(value) is type(want)) or key.endswith("].version"):
        return []
    return [f"{MANIFEST} key '{key}': {_both(value, want)}"]


# -- sums, when the inputs are not at hand -------------------------------------------------

#: The columns the checks below read from each result file.
_NEEDED = {
    "units": UNIT_COLUMNS,
    "cadres": CADRE_COLUMNS,
    "adjustments": ADJUSTMENT_COLUMNS,
    "freezes": FREEZE_COLUMNS,
}


def _read_csv(path: Path, columns: Sequence[str]) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"missing columns {', '.join(missing)}")
        return [{k: v if isinstance(v, str) else "" for k, v in row.items()} for row in reader]


def _sums(out: Path, manifest: Mapping[str, Any]) -> list[str]:
    """The checks that need no rule's knowledge (the inputs are not at hand)."""
    problems: list[str] = []
    tables: dict[str, list[Row]] = {}
    for name, columns in _NEEDED.items():
        try:
            tables[name] = _read_csv(out / f"{name}.csv", columns)
        except (OSError, UnicodeDecodeError, csv.Error, ValueError) as error:
            problems.append(f"{name}.csv: cannot be checked ({error})")
    if len(tables) < len(_NEEDED):
        return problems
    for name in ("units", "cadres"):
        recorded = manifest["tables"].get(name, {}).get("rows")
        if recorded is not None and recorded != len(tables[name]):
            problems.append(
                f"{name}.csv: {len(tables[name])} rows, but the input table had {recorded}"
            )
    rows = _rows_by_entity(tables["adjustments"], tables["units"], tables["cadres"], problems)
    problems += _unit_scores(tables["units"], rows["unit"])
    problems += _cadre_scores(tables["cadres"], rows["cadre"])
    problems += _ranks(tables["units"], tables["cadres"])
    problems += _frozen_until(tables["cadres"], tables["freezes"], manifest["as_of"])
    return problems


def _number(text: str | None) -> Decimal | None:
    if text is None or not text.strip() or len(text) > 40:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _rows_by_entity(
    adjustments: Sequence[Row], units: Sequence[Row], cadres: Sequence[Row], problems: list[str]
) -> dict[str, dict[str, list[Row]]]:
    known = {"unit": {u["unit_id"] for u in units}, "cadre": {c["cadre_id"] for c in cadres}}
    found: dict[str, dict[str, list[Row]]] = {"unit": defaultdict(list), "cadre": defaultdict(list)}
    for line, row in enumerate(adjustments, start=2):
        entity, ident = row["entity"], row["entity_id"]
        if entity not in known or ident not in known[entity]:
            problems.append(f"adjustments.csv line {line}: no {entity or 'entity'} '{ident}'")
        elif _number(row["points"]) is None:
            problems.append(f"adjustments.csv line {line}: points '{row['points']}'")
        else:
            found[entity][ident].append(row)
    return found


def round2_decimal(x: Decimal) -> Decimal:
    """:func:`kaohe.numeric.round2` (rules.md) exactly on decimals, for sums read from files."""
    return Decimal(math.floor(x * 100 + Decimal("0.5") + Decimal("1e-9"))) / 100


def _adds_up(total: Decimal, terms: int, published: Decimal, high: Decimal | None) -> bool:
    """Whether ``total`` (a sum of ``terms`` 4-decimal numbers) gives ``published``."""
    clamped = max(Decimal(0), total) if high is None else min(high, max(Decimal(0), total))
    expected = round2_decimal(clamped)
    if expected == published:
        return True
    if abs(expected - published) > CENT:
        return False
    scaled = clamped * 100 - Decimal("0.5")
    off_boundary = abs(scaled - scaled.to_integral_value()) / 100
    return off_boundary <= SLACK * terms


def _points(rows: Iterable[Row]) -> Decimal:
    return sum((_number(row["points"]) or Decimal(0) for row in rows), Decimal(0))


def _unit_scores(units: Sequence[Row], rows: Mapping[str, list[Row]]) -> list[str]:
    problems = []
    for unit in units:
        uid = unit["unit_id"]
        mine = rows.get(uid, [])
        score, composite = _number(unit["score"]), _number(unit["composite"])
        if score is None or composite is None:
            problems.append(f"units.csv {uid}: score or composite is missing")
            continue
        added = _points(mine)
        total = composite + added
        if not _adds_up(total, len(mine) + 1, score, None):
            problems.append(
                f"units.csv {uid}: score {score} but round2(max(0, composite {composite} + "
                f"adjustments {added})) = {round2_decimal(max(Decimal(0), total))}"
            )
        deductions = _number(unit["deductions"]) or Decimal(0)
        bonus = _number(unit["bonus"]) or Decimal(0)
        if abs(bonus - deductions - added) > SLACK * (len(mine) + 2):
            problems.append(
                f"units.csv {uid}: bonus {bonus} - deductions {deductions} does not match "
                f"its adjustment rows ({added})"
            )
    return problems


def _cadre_scores(cadres: Sequence[Row], rows: Mapping[str, list[Row]]) -> list[str]:
    problems = []
    for cadre in cadres:
        cid = cadre["cadre_id"]
        mine = rows.get(cid, [])
        score = _number(cadre["score"])
        if score is None:
            if any(row["effect"] == "得分" for row in mine):
                problems.append(f"cadres.csv {cid}: no score, but score parts in adjustments.csv")
            continue
        total = _points(mine)
        if not _adds_up(total, max(len(mine), 1), score, Decimal(100)):
            problems.append(
                f"cadres.csv {cid}: score {score} but round2(min(100, max(0, adjustments "
                f"{total}))) = {round2_decimal(min(Decimal(100), max(Decimal(0), total)))}"
            )
    return problems


def _rank_problems(
    file: str, entities: Sequence[Row], key: str, group: str, rank_column: str
) -> list[str]:
    problems = []
    scores: dict[str, list[Decimal]] = defaultdict(list)
    for row in entities:
        score = _number(row["score"])
        if score is not None:
            scores[row[group]].append(score)
    ranked = any(row[rank_column] for row in entities)
    for row in entities:
        score, rank = _number(row["score"]), row[rank_column]
        if not ranked or score is None:
            if rank:
                problems.append(f"{file} {row[key]}: {rank_column} {rank} without a score")
            continue
        expected = 1 + sum(other > score for other in scores[row[group]])
        if rank != str(expected):
            problems.append(
                f"{file} {row[key]}: {rank_column} {rank or '(empty)'}, but {expected - 1} "
                f"{'units of its category' if file == 'units.csv' else 'cadres of its unit'} "
                f"score higher (expected {expected})"
            )
    return problems


def _ranks(units: Sequence[Row], cadres: Sequence[Row]) -> list[str]:
    return [
        *_rank_problems("units.csv", units, "unit_id", "category", "rank"),
        *_rank_problems("cadres.csv", cadres, "cadre_id", "unit_id", "rank_in_unit"),
    ]


def _frozen_until(cadres: Sequence[Row], freezes: Sequence[Row], as_of: str) -> list[str]:
    """``frozen_until``: the latest end of the windows running at ``as_of``."""
    latest: dict[str, str] = {}
    forever = "indefinite"
    for window in freezes:
        start, end = window["start"], window["end"]
        if not start <= as_of or not (end == forever or as_of < end):
            continue
        cid = window["cadre_id"]
        current = latest.get(cid, "")
        if current != forever and (end == forever or end > current):
            latest[cid] = end
    problems = []
    for cadre in cadres:
        cid = cadre["cadre_id"]
        if cadre["frozen_until"] != latest.get(cid, ""):
            problems.append(
                f"cadres.csv {cid}: frozen_until '{cadre['frozen_until']}', but the "
                f"windows in freezes.csv running at {as_of} end at "
                f"'{latest.get(cid, '') or '(none)'}'"
            )
    return problems
