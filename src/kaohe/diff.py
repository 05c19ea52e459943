"""``kaohe diff``: what changed between two result folders, and why.

:func:`compare` reads two result folders (their ``units.csv``, ``cadres.csv``
and manifests) and lists, per unit and cadre, each result field that changed
(score, rank, grade, flags; a cadre's grade, reason and freeze). The causes
are found from what the manifests record:

- when both runs read one ledger store (:mod:`kaohe.store`), the entries made
  between their two ``#at=`` points: records entered, corrected, withdrawn;
- otherwise, the input tables whose content (sha256) differs;
- the scheme's parameters whose values differ (:func:`kaohe.paths.differences`
  of the two runs' schemes, overrides included) and the as-of date;
- plugin versions (one cause for all of them).

The first run's inputs (its data state and scheme) are scored again with the
installed plugins: ``base``. When plugin versions differ and the installed
ones are exactly the second run's, the code change is scored alone: ``base``
against the first run's recorded results is its effect (the plugin versions
change together, one cause). Each other cause that can be is then applied
alone to the first run's inputs and scored again under the installed code
(the idea of the what-if decomposition, one cause at a time): the results it
moves are attributed to it, a score with ``alone - base``. So a score change
``after - before`` is split as ``(base - before)`` for the code, plus each
cause's ``alone - base``, plus the part they do not add up to, shown as
their interaction (交互/余项). With no code change ``base`` is the first
run's result and the split is the one-at-a-time decomposition alone.

Plugin versions cannot be scored alone when the installed ones are not the
second run's (their effect is then left in the remainder), nor can a table
when the first run's files changed since, nor the registers of units and
cadres; the causes say so, and a lone cause that cannot be scored explains
every change.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .errors import KaoheError
from .i18n import N_, _, chinese, ngettext

if TYPE_CHECKING:
    from .data import Dataset
    from .plugins import Registry
    from .scheme import Scheme

#: Result fields compared, with their names (messages: 得分, 排名, ... in Chinese), per file.
FIELDS: Mapping[str, Mapping[str, str]] = {
    "units.csv": {"score": N_("score"), "rank": N_("rank"), "grade": N_("grade"),
                  "flags": N_("flags")},
    "cadres.csv": {
        "score": N_("score"),
        "grade": N_("grade"),
        "grade_reason": N_("grade reason"),
        "frozen_until": N_("frozen until"),
        "flags": N_("flags"),
    },
}  # fmt: skip

_ENTITY = {"units.csv": (N_("unit"), "unit_id"), "cadres.csv": (N_("cadre"), "cadre_id")}

#: The value of a field a run does not have (无).
NONE = N_("(none)")

#: The columns of diff.csv and diff.xlsx.
COLUMNS = ("对象", "编码", "名称", "项目", "原值", "新值", "原因")


@attrs.frozen
class Change:
    """One result field of one unit or cadre that differs between the runs: ``entity`` and
    ``field`` are messages (:data:`FIELDS`), ``before`` and ``after`` values or :data:`NONE`."""

    entity: str
    entity_id: str
    name: str
    field: str
    before: str
    after: str


@attrs.frozen
class Cause:
    """An input change between the runs: a ledger record, a table, a scheme parameter, a plugin."""

    label: str
    #: (table, record id) of a ledger record, or None
    record: tuple[str, str] | None = None
    #: why the cause could not be scored alone (empty when it was, or when nothing was)
    unscored: str = ""


#: A changed result field: (entity, id, field label).
Key = tuple[str, str, str]

#: The share of a score change its causes alone do not add up to.
REMAINDER = N_("interaction / remainder")


@attrs.frozen
class Diff:
    """The changes between two runs, their causes and which cause moved what.

    ``effects`` maps a changed field to the causes that, applied alone to the
    first run's inputs and scored again, change it, each with the value it
    then takes; ``base`` holds the first run's inputs scored again with the
    installed code (the value the effects are measured from). ``code`` is
    the label of the plugin versions' cause when it was scored: the installed
    code is the second run's, and ``base`` against the first run's recorded
    value is its effect. ``lone`` is the only cause's label when there is
    exactly one and it could not be scored: it explains all.
    """

    first: Path
    second: Path
    changes: tuple[Change, ...]
    causes: tuple[Cause, ...]
    effects: Mapping[Key, tuple[tuple[str, str], ...]] = attrs.field(factory=dict)
    base: Mapping[Key, str] = attrs.field(factory=dict)
    lone: str | None = None
    code: str | None = None
    #: how the runs' inputs were had (a scheme rebuilt from the text its manifest keeps)
    notes: tuple[str, ...] = ()

    def reason(self, change: Change) -> str:
        """Why ``change`` happened, in the reader's language: the causes that move it alone
        and, for a score, how much each moves it, with the part they leave unexplained (their
        interaction, or what could not be scored alone).

        A score change ``after - before`` is split as ``(base - before)``, the
        plugin versions' part when :attr:`code` was scored, plus each cause's
        ``alone - base``, plus the remainder (their interaction)."""
        key = (change.entity, change.entity_id, change.field)
        found = self.effects.get(key, ())
        recoded = self.code is not None and key in self.base and self.base[key] != change.before
        if not found and not recoded:
            if self.lone is not None:
                return self.lone
            if not self.causes:
                return _("inputs unchanged")
            return _("not attributable to one change alone (several changes together)")
        total, base = _number(change.after), _number(self.base.get(key, change.before))
        before = _number(change.before)
        labels = [self.code] if recoded and self.code is not None else []
        if total is None or base is None or before is None:
            return ";".join([*labels, *(label for label, _ in found)])
        parts = [(label, _number(value) or 0.0) for label, value in found]
        code = base - before if labels else 0.0
        shown = [f"{label} {code:+.2f}" for label in labels]
        shown += [f"{label} {value - base:+.2f}" for label, value in parts]
        rest = (total - before) - code - sum(value - base for _, value in parts)
        if abs(rest) >= 0.005:
            shown.append(f"{_(REMAINDER)} {rest:+.2f}")
        return ";".join(shown)

    def rows(self, say: Callable[[str], str] = chinese) -> list[tuple[str, ...]]:
        """The changes as rows of :data:`COLUMNS`, their names said by ``say`` (in Chinese,
        as the files are written, unless told)."""
        return [
            (say(c.entity), c.entity_id, c.name, say(c.field), _value(c.before, say),
             _value(c.after, say), self.reason(c))
            for c in self.changes
        ]  # fmt: skip


def _value(value: str, say: Callable[[str], str]) -> str:
    """A field's value as shown: :data:`NONE` said by ``say``, any other value as it is."""
    return say(value) if value == NONE else value


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not path.is_file():
        raise KaoheError(
            _("{folder}: not a result folder (no manifest.json); expected kaohe's").format(
                folder=folder
            )
        )
    try:
        found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise KaoheError(
            _("{file}: not a readable manifest ({reason})").format(file=path, reason=error)
        ) from None
    return found


def _rows(text: str, key: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return {row[key]: row for row in reader}


def _values(files: Mapping[str, str]) -> dict[Key, str]:
    """Every compared result field of every unit and cadre of one run's result files."""
    found = {}
    for file, fields in FIELDS.items():
        entity, key = _ENTITY[file]
        for entity_id, row in _rows(files.get(file, ""), key).items():
            for field, label in fields.items():
                found[(entity, entity_id, label)] = row.get(field, "") or NONE
    return found


def result_changes(first: Mapping[str, str], second: Mapping[str, str]) -> list[Change]:
    """The changed fields between two runs' result files (file name -> text)."""
    changes = []
    for file, fields in FIELDS.items():
        entity, key = _ENTITY[file]
        before, after = _rows(first.get(file, ""), key), _rows(second.get(file, ""), key)
        for entity_id in sorted(before.keys() | after.keys()):
            old, new = before.get(entity_id, {}), after.get(entity_id, {})
            name = new.get("name") or old.get("name", "")
            for field, label in fields.items():
                if old.get(field, "") != new.get(field, ""):
                    changes.append(
                        Change(
                            entity,
                            entity_id,
                            name,
                            label,
                            old.get(field, "") or NONE,
                            new.get(field, "") or NONE,
                        )
                    )
    return changes


def _files(folder: Path) -> dict[str, str]:
    return {
        name: (folder / name).read_text(encoding="utf-8-sig")
        for name in FIELDS
        if (folder / name).is_file()
    }


#: What a cause does to the first run's inputs when it is applied alone.
Apply = Callable[["Scheme", "Dataset"], "tuple[Scheme, Dataset]"]


def _unscored(why: str) -> str:
    """Why a cause was not scored alone, as its note says."""
    return _("cannot be scored alone: {why}").format(why=why)


def plugin_causes(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Cause]:
    """Plugin distributions whose version differs, one cause each (whether they can be
    scored alone is for :func:`_code_cause` to say)."""
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


def _code_cause(
    manifests: tuple[Mapping[str, Any], Mapping[str, Any]], registry: Registry
) -> Cause | None:
    """The plugin versions that differ between the runs, as one cause (the code changes
    together: one version of each is installed), or None when none differs.

    It can be scored when the installed plugins are exactly the second run's: the first
    run's inputs scored with them, against its recorded results, is then the code's
    effect. Otherwise it says why not, and its effect is left in the remainder."""
    from .manifest import plugins

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
            return Cause(label, unscored=_unscored(why))
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


def _scheme_causes(first: Scheme, second: Scheme) -> list[tuple[Cause, Apply | None]]:
    """One cause per scheme parameter path whose value differs (:func:`kaohe.paths.differences`),
    and the as-of date: each applied alone sets that one value of the first run's scheme."""
    from .paths import differences, show

    found: list[tuple[Cause, Apply | None]] = []
    for path, old, new in differences(first, second):
        label = _("scheme parameter {path}: {old} → {new}").format(
            path=path, old=show(old), new=show(new)
        )
        if new is None:
            why = _unscored(_("the second scheme has no such parameter"))
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


def _recorded(manifest: Mapping[str, Any], registry: Registry) -> tuple[Scheme | str, str]:
    """The scheme a run was scored with (file, overrides, as-of), or why it cannot be had;
    and a note when it is rebuilt from the text its manifest keeps (the file changed)."""
    from .manifest import recorded_scheme
    from .scheme import Scheme

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


def _table_data(manifest: Mapping[str, Any], scheme: Scheme) -> Dataset | str:
    """The input tables a run read from files, as they were, or why they cannot be had."""
    from . import api
    from .audit.verify import _data_source

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


def _table_causes(
    manifests: tuple[Mapping[str, Any], Mapping[str, Any]], schemes: tuple[Scheme, Scheme]
) -> tuple[Dataset | str, list[tuple[Cause, Apply | None]]]:
    """The first run's tables, and one cause per changed table: applied alone, it replaces
    the first run's table by the second's (not the registers of units and cadres, which
    every other table refers to)."""
    causes = table_causes(*manifests)
    if not causes:
        return _table_data(manifests[0], schemes[0]), []
    first, second = (_table_data(m, s) for m, s in zip(manifests, schemes, strict=True))
    names = sorted(manifests[0]["tables"].keys() | manifests[1]["tables"].keys())
    changed = [
        name
        for name in names
        if manifests[0]["tables"].get(name, {}).get("sha256")
        != manifests[1]["tables"].get(name, {}).get("sha256")
    ]
    if isinstance(first, str) or isinstance(second, str):
        why = _unscored(first if isinstance(first, str) else str(second))
        return first, [(attrs.evolve(c, unscored=why), None) for c in causes]
    found: list[tuple[Cause, Apply | None]] = []
    for cause, name in zip(causes, changed, strict=True):
        if name in ("units", "cadres"):
            why = _unscored(_("the other tables refer to the units and cadres"))
            found.append((attrs.evolve(cause, unscored=why), None))
        elif name not in second.tables:
            why = _unscored(_("the table is gone"))
            found.append((attrs.evolve(cause, unscored=why), None))
        else:
            found.append((cause, _table(name, second.tables[name])))
    return first, found


def _table(name: str, table: Any) -> Apply:
    return lambda scheme, data: (scheme, attrs.evolve(data, tables={**data.tables, name: table}))


def compare(first: Path, second: Path) -> Diff:
    """The diff of two result folders (see the module docstring)."""
    from .plugins import Registry
    from .store import split_at

    manifests = _manifest(first), _manifest(second)
    changes = result_changes(_files(first), _files(second))
    registry = Registry.installed(None)
    (scheme_a, note_a), (scheme_b, note_b) = (_recorded(m, registry) for m in manifests)
    notes = tuple(dict.fromkeys(note for note in (note_a, note_b) if note))
    found: list[tuple[Cause, Apply | None]] = []
    if isinstance(scheme_a, str) or isinstance(scheme_b, str):
        why = _unscored(scheme_a if isinstance(scheme_a, str) else str(scheme_b))
        found += [(attrs.evolve(c, unscored=why), None) for c in setting_causes(*manifests)]
    code: Cause | None = None
    if not isinstance(scheme_a, str) and not isinstance(scheme_b, str):  # else: listed above
        found += _scheme_causes(scheme_a, scheme_b)
        code = _code_cause(manifests, registry)
        if code is not None:
            found.append((code, None))
    (base_a, at_a), (base_b, at_b) = (split_at(str(m["data"])) for m in manifests)
    data: Dataset | str = "not scored"
    if base_a == base_b and at_a is not None and at_b is not None:
        data, records = _store_causes(base_a, at_a, at_b)
    elif not isinstance(scheme_a, str) and not isinstance(scheme_b, str):
        data, records = _table_causes(manifests, (scheme_a, scheme_b))
    else:
        records = [(c, None) for c in table_causes(*manifests)]
    found = [*records, *found]
    if code is not None and not code.unscored and isinstance(data, str):
        unscored = attrs.evolve(code, unscored=_unscored(data))
        found = [(unscored if cause is code else cause, apply) for cause, apply in found]
        code = unscored
    recoded = code is not None and not code.unscored
    effects: dict[Key, list[tuple[str, str]]] = {}
    base: dict[Key, str] = {}
    scored = [(cause, apply) for cause, apply in found if apply is not None]
    if (
        changes
        and (scored or recoded)
        and not isinstance(scheme_a, str)
        and not isinstance(data, str)
    ):
        base = _values(_score(scheme_a, data))
        wanted = sorted({(c.entity, c.entity_id, c.field) for c in changes})
        for number, (cause, apply) in enumerate(found):
            if apply is None:
                continue
            try:
                alone = _values(_score(*apply(scheme_a, data)))
            except KaoheError as error:  # the change alone is not a valid scheme or data set
                found[number] = (attrs.evolve(cause, unscored=_unscored(str(error))), None)
                continue
            for key in wanted:
                if alone.get(key, NONE) != base.get(key, NONE):
                    effects.setdefault(key, []).append((cause.label, alone.get(key, NONE)))
    causes = tuple(cause for cause, _ in found)
    alone_unscored = len(found) == 1 and found[0][1] is None and not (recoded and code in causes)
    lone = causes[0].label if alone_unscored else None
    return Diff(
        first,
        second,
        tuple(changes),
        causes,
        {key: tuple(value) for key, value in effects.items()},
        base,
        lone,
        code.label if recoded and code is not None else None,
        notes,
    )


def _store_causes(
    location: str, at_a: str, at_b: str
) -> tuple[Dataset, list[tuple[Cause, Apply | None]]]:
    """The store's state at the first run, and the entries between the runs, one cause per
    record: applied alone, the record takes its state at the second run."""
    from . import store
    from .i18n import language
    from .tables import installed_tables
    from .template import sheet_name

    entries = store.entries(location)
    first, second = store.cutoff(at_a), store.cutoff(at_b)
    state_a, state_b = store.current(entries, first), store.current(entries, second)
    tables = installed_tables()
    between = [e for e in entries if first < e.recorded_at <= second and e.table in tables]
    records = list(dict.fromkeys((e.table, e.record_id) for e in between))
    causes: list[tuple[Cause, Apply | None]] = []
    for record in records:
        mine = [e for e in between if (e.table, e.record_id) == record]
        what = _(", ").join(dict.fromkeys(store.kind_name(e.kind, language()) for e in mine))
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
    return store.dataset(store._state(state_a), "diff"), causes


def _state(latest: Mapping[tuple[str, str], Any]) -> Apply:
    """Replace the data by the store state ``latest`` (read only when scored)."""
    from . import store

    return lambda scheme, _data: (scheme, store.dataset(store._state(latest), "diff"))


def _score(scheme: Scheme, data: Dataset) -> dict[str, str]:
    """The result files (units.csv, cadres.csv) of ``data`` scored under ``scheme``."""
    from . import publish

    inputs = publish.Inputs(scheme, data, "diff", ())
    results = publish.score(inputs)
    _, files = publish.result_files(results, inputs)
    return {name: files[name].decode("utf-8-sig") for name in FIELDS if name in files}


def text(diff: Diff) -> list[str]:
    """The diff for the terminal, in the reader's language (Chinese unless told)."""
    lines = [_("compared {first} → {second}").format(first=diff.first, second=diff.second)]
    lines += [_("note: {note}").format(note=note) for note in diff.notes]
    lines.append(
        _("changes of inputs and settings:") if diff.causes else _("inputs and settings: unchanged")
    )
    for cause in diff.causes:
        lines.append(f"  {cause.label}")
        if cause.unscored:
            lines.append(f"    ({cause.unscored})")
    if not diff.changes:
        lines.append(_("results: unchanged"))
        return lines
    count = len(diff.changes)
    lines.append(ngettext("{n} result changed:", "{n} results changed:", count).format(n=count))
    for row in diff.rows(_):
        entity, entity_id, name, field, before, after, reason = row
        line = _("{entity} {id} {name}: {field} {before} → {after}  because: {reason}").format(
            entity=entity, id=entity_id, name=name, field=field, before=before, after=after,
            reason=reason,
        )  # fmt: skip
        lines.append(f"  {line}")
    return lines


def files(diff: Diff) -> dict[str, bytes]:
    """diff.csv (UTF-8 with BOM, for Excel), diff.xlsx and diff.html."""
    from openpyxl import Workbook

    rows = diff.rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "结果变化"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    causes = book.create_sheet("变化原因")
    causes.append(["输入与设置的变化", "单独重算"])
    for cause in diff.causes:
        causes.append([cause.label, cause.unscored or _("scored alone")])
    workbook = io.BytesIO()
    book.save(workbook)
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    listed = (
        "".join(
            f"<li>{html.escape(c.label)}"
            + (f"<br><small>{html.escape(c.unscored)}</small>" if c.unscored else "")
            + "</li>"
            for c in diff.causes
        )
        or "<li>无</li>"
    )
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>结果比较</title>'
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 6px}</style></head><body>"
        f"<h1>结果比较</h1><p>{html.escape(str(diff.first))} → {html.escape(str(diff.second))}</p>"
        + "".join(f"<p><small>{html.escape(note)}</small></p>" for note in diff.notes)
        + f"<h2>输入与设置的变化</h2><ul>{listed}</ul><h2>结果变化</h2><table><tr>"
        + "".join(f"<th>{c}</th>" for c in COLUMNS)
        + f"</tr>{cells}</table></body></html>\n"
    )
    return {
        "diff.csv": ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        "diff.xlsx": workbook.getvalue(),
        "diff.html": page.encode("utf-8"),
    }
