"""The causes of a diff: what changed between two runs' inputs, each as a way to apply it alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import KaoheError
from ..i18n import _
from .model import (
    NONE,
    Cause,
)

if TYPE_CHECKING:
    from ..data import Dataset
    from ..plugins import Registry
    from ..scheme import Scheme


#: What a cause does to the first run's inputs when it is applied alone.
Apply = Callable[["Scheme", "Dataset"], "tuple[Scheme, Dataset]"]


def cannot_score(why: str) -> str:
    """Why a cause was not scored alone, as its note says."""
    return _("cannot be scored alone: {why}").format(why=why)


def plugin_causes(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Cause]:
    """Plugin distributions whose version differs, one cause each (whether they can be
    scored alone is for :func:`code_cause` to say)."""
    versions = [_versions(m["plugins"]) for m in (first, second)]
    causes = []
    for name in sorted(versions[0].keys() | versions[1].keys()):
        old, new = versions[0].get(name, _(NONE)), versions[1].get(name, _(NONE))
        if old != new:
            label = _("plugin {plugin}: {old} → {new}").format(plugin=name, old=old, new=new)
            causes.append(Cause(label))
    return causes


def _versions(plugins: Any) -> dict[str, str]:
    return {p["distribution"]: p["version"] for p in plugins}


def code_cause(
    manifests: tuple[Mapping[str, Any], Mapping[str, Any]], registry: Registry
) -> Cause | None:
    """The plugin versions that differ between the runs, as one cause (the code changes
    together: one version of each is installed), or None when none differs.

    It can be scored when the installed plugins are exactly the second run's: the first
    run's inputs scored with them, against its recorded results, is then the code's
    effect. Otherwise it says why not, and its effect is left in the remainder."""
    from ..manifest import plugins

    causes = plugin_causes(*manifests)
    if not causes:
        return None
    label = "; ".join(cause.label for cause in causes)
    second, installed = _versions(manifests[1]["plugins"]), _versions(plugins(registry.manager))
    for name in sorted(second.keys() | installed.keys()):
        if second.get(name) != installed.get(name):
            why = _(
                "{plugin} {version} is installed, the second run used {used}; its effect "
                "is left in the remainder"
            ).format(
                plugin=name, version=installed.get(name, _(NONE)), used=second.get(name, _(NONE))
            )
            return Cause(label, unscored=cannot_score(why))
    return Cause(label)


def setting_causes(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Cause]:
    """Scheme file, as-of date, overrides and plugin versions that differ (none scored)."""
    causes = []
    if first["scheme"]["sha256"] != second["scheme"]["sha256"]:
        file = second["scheme"]["file"]
        causes.append(Cause(_("scheme file changed ({file})").format(file=file)))
    for key, label in (("as_of", _("as-of date")), ("overrides", _("overrides"))):
        if first.get(key) != second.get(key):
            causes.append(Cause(f"{label}: {first.get(key)} → {second.get(key)}"))
    return [*causes, *plugin_causes(first, second)]


def scheme_causes(first: Scheme, second: Scheme) -> list[tuple[Cause, Apply | None]]:
    """One cause per scheme parameter path whose value differs (:func:`kaohe.paths.differences`),
    and the as-of date: each applied alone sets that one value of the first run's scheme."""
    from ..paths import differences, show

    found: list[tuple[Cause, Apply | None]] = []
    for path, old, new in differences(first, second):
        label = _("scheme parameter {path}: {old} → {new}").format(
            path=path, old=show(old), new=show(new)
        )
        if new is None:
            why = cannot_score(_("the second scheme has no such parameter"))
            found.append((Cause(label, unscored=why), None))
            continue
        value = list(new) if isinstance(new, tuple) else new
        found.append((Cause(label), _override(path, value)))
    if first.as_of != second.as_of:
        label = f"{_('as-of date')}: {first.as_of} → {second.as_of}"
        found.append((Cause(label), _as_of(second.as_of)))
    return found


def _override(path: str, value: object) -> Apply:
    return lambda scheme, data: (scheme.with_overrides({path: value}), data)


def _as_of(day: dt.date) -> Apply:
    return lambda scheme, data: (scheme.with_as_of(day), data)


def table_causes(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Cause]:
    """Input tables whose content differs (when the runs did not read one store)."""
    causes = []
    for name in sorted(first["tables"].keys() | second["tables"].keys()):
        old, new = first["tables"].get(name, {}), second["tables"].get(name, {})
        if old.get("sha256") != new.get("sha256"):
            label = _("input table {table} changed ({old} → {new} rows)").format(
                table=name, old=old.get("rows", 0), new=new.get("rows", 0)
            )
            causes.append(Cause(label))
    return causes


def recorded(manifest: Mapping[str, Any], registry: Registry) -> tuple[Scheme | str, str]:
    """The scheme a run was scored with (file, overrides, as-of), or why it cannot be had;
    and a note when it is rebuilt from the text its manifest keeps (the file changed)."""
    from ..manifest import recorded_scheme
    from ..scheme import Scheme

    path = Path(manifest["scheme"]["file"])
    kept = recorded_scheme(manifest["scheme"], path)
    if not kept.found:
        return _("the scheme file {file} changed since or is gone").format(file=path), ""
    try:
        raw = Scheme.read(path) if kept.text is None else kept.text.encode("utf-8")
        scheme = Scheme.from_bytes(raw, registry, source=str(path))
        if manifest.get("overrides"):
            scheme = scheme.with_overrides(manifest["overrides"])
        return scheme.with_as_of(dt.date.fromisoformat(manifest["as_of"])), kept.note
    except KaoheError as error:
        error_text = _("the scheme {file} cannot be read ({error})")
        return error_text.format(file=path, error=error), ""


def table_data(manifest: Mapping[str, Any], scheme: Scheme) -> Dataset | str:
    """The input tables a run read from files, as they were, or why they cannot be had."""
    from .. import api
    from ..audit.verify import _data_source

    try:
        data = api.load_data(_data_source(str(manifest["data"])), scheme)
    except KaoheError as error:
        return _("the input data cannot be read ({error})").format(error=error)
    recorded = manifest["tables"]
    changed = [
        name
        for name, table in data.tables.items()
        if table.sha256 != recorded.get(name, {}).get("sha256")
        and (table.present or recorded.get(name, {}).get("present"))
    ]
    if changed:
        return _("the input tables {tables} changed since").format(tables=", ".join(changed))
    return data


def tables_alone(
    manifests: tuple[Mapping[str, Any], Mapping[str, Any]], schemes: tuple[Scheme, Scheme]
) -> tuple[Dataset | str, list[tuple[Cause, Apply | None]]]:
    """The first run's tables, and one cause per changed table: applied alone, it replaces
    the first run's table by the second's (not the registers of units and cadres, which
    every other table refers to)."""
    causes = table_causes(*manifests)
    if not causes:
        return table_data(manifests[0], schemes[0]), []
    first, second = (table_data(m, s) for m, s in zip(manifests, schemes, strict=True))
    names = sorted(manifests[0]["tables"].keys() | manifests[1]["tables"].keys())
    changed = [
        name
        for name in names
        if manifests[0]["tables"].get(name, {}).get("sha256")
        != manifests[1]["tables"].get(name, {}).get("sha256")
    ]
    if isinstance(first, str) or isinstance(second, str):
        why = cannot_score(first if isinstance(first, str) else str(second))
        return first, [(attrs.evolve(c, unscored=why), None) for c in causes]
    found: list[tuple[Cause, Apply | None]] = []
    for cause, name in zip(causes, changed, strict=True):
        if name in ("units", "cadres"):
            why = cannot_score(_("the other tables refer to the units and cadres"))
            found.append((attrs.evolve(cause, unscored=why), None))
        elif name not in second.tables:
            why = cannot_score(_("the table is gone"))
            found.append((attrs.evolve(cause, unscored=why), None))
        else:
            found.append((cause, _table(name, second.tables[name])))
    return first, found


def _table(name: str, table: Any) -> Apply:
    return lambda scheme, data: (scheme, attrs.evolve(data, tables={**data.tables, name: table}))


def store_causes(
    location: str, at_a: str, at_b: str
) -> tuple[Dataset, list[tuple[Cause, Apply | None]]]:
    """The store's state at the first run, and the entries between the runs, one cause per
    record: applied alone, the record takes its state at the second run."""
    from .. import store, store_entries
    from ..i18n import language
    from ..tables import installed_tables
    from ..template import sheet_name

    entries = store.entries(location)
    first, second = store.cutoff(at_a), store.cutoff(at_b)
    state_a, state_b = store.current(entries, first), store.current(entries, second)
    tables = installed_tables()
    between = [e for e in entries if first < e.recorded_at <= second and e.table in tables]
    records = list(dict.fromkeys((e.table, e.record_id) for e in between))
    causes: list[tuple[Cause, Apply | None]] = []
    for record in records:
        mine = [e for e in between if (e.table, e.record_id) == record]
        what = _(", ").join(
            dict.fromkeys(store_entries.kind_name(e.kind, language()) for e in mine)
        )
        table = sheet_name(tables[record[0]])
        last = mine[-1]
        label = _("{kind} {table} {record} (entry {seq}, {by}: {reason})").format(
            kind=what, table=table, record=record[1], seq=last.seq, by=last.recorded_by,
            reason=last.reason,
        )  # fmt: skip
        alone = dict(state_a)
        if record in state_b:
            alone[record] = state_b[record]
        else:
            alone.pop(record, None)
        causes.append((Cause(label, record), _state(alone)))
    return store_entries.dataset(store_entries.state_tables(state_a), "diff"), causes


def _state(latest: Mapping[tuple[str, str], Any]) -> Apply:
    """Replace the data by the store state ``latest`` (read only when scored)."""
    from .. import store_entries

    return lambda scheme, _data: (
        scheme,
        store_entries.dataset(store_entries.state_tables(latest), "diff"),
    )
