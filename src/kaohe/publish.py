"""What ``kaohe score`` publishes: a scheme file and its data read, checked and made into files.

Shared by ``kaohe score``, which writes the files as a result folder, and
``kaohe verify``, which makes them again from the inputs a folder records
and compares every value (:mod:`kaohe.audit.verify`). One path for both means a
verified folder is exactly what scoring its inputs gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import api
from .data import Dataset
from .errors import KaoheError, PluginError
from .i18n import _
from .plugins import Registry, call_hook
from .results import Results
from .scheme import Scheme
from .values import Holder

if TYPE_CHECKING:
    from .folders import Streamed

#: A file's content as a maker of result files gives it.
C = TypeVar("C")


@attrs.frozen(repr=False, eq=False)
class Inputs(Holder):
    """A checked scheme and its data, with the warnings the plugins gave about them."""

    scheme: Scheme
    data: Dataset
    #: where the data was read: a path, or a database URL (shown without a password)
    data_path: Path | str
    warnings: tuple[str, ...]
    #: the appeals recorded in a ledger store at the run's point (rows of
    #: :data:`kaohe.appeals.COLUMNS`), listed in results.xlsx and report.html
    appeals: tuple[tuple[str, ...], ...] = ()
    #: the scheme file's exact text, which the manifest keeps (None: not from a file)
    scheme_text: str | None = None


def default_data(scheme_path: Path) -> Path:
    """The example data bundled with a scheme: the folder named like the scheme file."""
    return scheme_path.with_suffix("")


def load(
    scheme_path: Path,
    data_path: Path | str | None,
    registry: Registry,
    *,
    as_of: dt.date | None = None,
    overrides: Mapping[str, object] | None = None,
    progress: Callable[[int], None] | None = None,
    scheme_text: str | None = None,
) -> Inputs:
    """Read and check the scheme (with ``overrides``, at ``as_of``) and its data.

    ``data_path`` (a path or a database URL) defaults to the scheme's
    example data. The plugins' ``kaohe_check_inputs`` hooks are asked for
    warnings, after the data's own (unknown columns, sheets and files).
    ``progress(k)``: tables read (see :func:`kaohe.api.load_data`).
    ``scheme_text``: the scheme file's content as a run recorded it, read in
    place of the file at ``scheme_path`` (which names it as before).
    """
    from .data.locations import SOURCES, is_database, shown, sources

    raw = Scheme.read(scheme_path) if scheme_text is None else scheme_text.encode("utf-8")
    scheme = Scheme.from_bytes(raw, registry, source=str(scheme_path))
    text = raw.decode("utf-8")  # from_bytes read it as UTF-8; a BOM is kept as it was
    if overrides:
        scheme = scheme.with_overrides(overrides)
    if as_of is not None:
        scheme = scheme.with_as_of(as_of)
    data_path = data_path or default_data(scheme_path)
    appeals: tuple[tuple[str, ...], ...] = ()
    if len(sources(str(data_path))) > 1:
        data = api.load_data(str(data_path), scheme, progress=progress)
        data_path = SOURCES.join(shown(part) for part in sources(str(data_path)))
    elif is_database(str(data_path)) and not Path(data_path).is_dir():
        from .appeals import rows
        from .store import pinned

        data_path = pinned(str(data_path))
        data = api.load_data(data_path, scheme, progress=progress)
        appeals = rows(data_path) if "#at=" in data_path else ()
        data_path = shown(data_path)
    else:
        data_path = Path(data_path)
        if not data_path.exists():
            raise KaoheError(
                _("{data}: no example data next to the scheme; give --data").format(data=data_path)
            )
        data = api.load_data(data_path, scheme, progress=progress)
    warnings = (*data.warnings, *check_inputs(scheme, data))
    return Inputs(scheme, data, data_path, warnings, appeals, text)


def check_inputs(scheme: Scheme, data: Dataset) -> list[str]:
    """The warnings of every plugin's ``kaohe_check_inputs``; a plugin that fails is named."""
    found: list[str] = []
    manager = scheme.registry.manager
    for dist, warnings in call_hook(manager, "kaohe_check_inputs", scheme=scheme, data=data):
        items = list(warnings) if isinstance(warnings, Iterable) else None
        if isinstance(warnings, str) or items is None or not all(isinstance(w, str) for w in items):
            got = _("returned {type}, expected a list of strings").format(
                type=type(warnings).__name__
            )
            raise PluginError(dist, "", got, stage="kaohe_check_inputs")
        found.extend(items)
    return found


def score(inputs: Inputs, *, progress: Callable[[int], None] | None = None) -> Results:
    """Evaluate the inputs; ``progress(1)`` after each rule step."""
    return api.evaluate(inputs.scheme, inputs.data, progress=progress)


def result_files(
    results: Results,
    inputs: Inputs,
    formats: Sequence[str] = (),
    overrides: Mapping[str, object] | None = None,
    notices: list[str] | None = None,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest (as data) and every file of the result folder, the manifest unsealed.

    ``formats`` are the human-facing formats (``xlsx``, ``html``) besides
    the CSV files; :func:`kaohe.manifest.seal` adds the output hashes.
    What the terminal should say about the files is added to ``notices``.
    """
    from . import output

    return _files(output.result_files, results, inputs, formats, overrides, notices)


def streamed_result_files(
    results: Results,
    inputs: Inputs,
    formats: Sequence[str] = (),
    notices: list[str] | None = None,
) -> tuple[dict[str, Any], dict[str, bytes | Streamed]]:
    """The manifest and files of :func:`result_files`, the CSV files made while
    :func:`~kaohe.folders.write_folder` writes them (:class:`~kaohe.folders.Streamed`)."""
    from . import output

    return _files(output.streamed_result_files, results, inputs, formats, None, notices)


def _files(
    csv_files: Callable[[Results, Mapping[str, Any]], dict[str, C]],
    results: Results,
    inputs: Inputs,
    formats: Sequence[str],
    overrides: Mapping[str, object] | None,
    notices: list[str] | None,
) -> tuple[dict[str, Any], dict[str, C | bytes]]:
    from . import manifest
    from .report.labels import extra_files

    info = manifest.build(
        results,
        data_path=str(inputs.data_path),
        overrides=overrides,
        warnings=inputs.warnings,
        scheme_text=inputs.scheme_text,
    )
    files: dict[str, C | bytes] = {
        **csv_files(results, info),
        **extra_files(results, formats, notices, inputs.appeals),
    }
    return info, {**files, **plugin_files(results, files)}


def plugin_files(results: Results, taken: Mapping[str, object]) -> dict[str, bytes]:
    """The files the plugins add (``kaohe_result_files``); a bad name or content, or a
    name already taken, is a PluginError naming the plugin."""
    found: dict[str, bytes] = {}
    manager = results.scheme.registry.manager
    for dist, files in call_hook(manager, "kaohe_result_files", results=results):
        if not isinstance(files, Mapping):
            got = _("returned {type}, expected a mapping of file names to bytes").format(
                type=type(files).__name__
            )
            raise PluginError(dist, "", got, stage="kaohe_result_files")
        for name, content in files.items():
            problem = _file_problem(name, content, {*taken, *found, "manifest.sig"})
            if problem:
                raise PluginError(dist, "", problem, stage="kaohe_result_files")
            found[name] = content
    return found


def _file_problem(name: object, content: object, taken: set[str]) -> str:
    """What is wrong with one file a plugin gives ("" when nothing)."""
    if not isinstance(name, str) or name in ("", ".", "..") or name != Path(name).name:
        return _("file name {name!r} is not a plain file name").format(name=name)
    if name in taken:
        return _("file '{name}' is kaohe's or another plugin's").format(name=name)
    if not isinstance(content, bytes):
        return _("file '{name}': {type}, expected bytes").format(
            name=name, type=type(content).__name__
        )
    return ""
