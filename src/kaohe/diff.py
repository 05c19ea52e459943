"""``kaohe diff``: what changed between two result folders, and why.

:func:`compare` reads two result folders (their ``units.csv``, ``cadres.csv``
and manifests) and lists, per unit and cadre, each result field that changed
(score, rank, grade, flags; a cadre's grade, reason and freeze). The causes
are found from what the manifests record:

- when both runs read one ledger store (:mod:`kaohe.store`), the entries made
  between their two ``#at=`` points: records entered, corrected, withdrawn.
  Each is then applied alone to the first run's state and scored again (the
  idea of the what-if decomposition, one cause at a time): the units and
  cadres whose results it moves are attributed to it;
- otherwise, the input tables whose content (sha256) differs;
- the scheme file (sha256), as-of date and overrides, and plugin versions.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import KaoheError
from .i18n import _

#: Result fields compared, with their Chinese names, per result file.
FIELDS: Mapping[str, Mapping[str, str]] = {
    "units.csv": {"score": "得分", "rank": "排名", "grade": "等次", "flags": "标记"},
    "cadres.csv": {
        "score": "得分",
        "grade": "等次",
        "grade_reason": "定等依据",
        "frozen_until": "影响期至",
        "flags": "标记",
    },
}

_ENTITY = {"units.csv": ("单位", "unit_id"), "cadres.csv": ("干部", "cadre_id")}

#: The columns of diff.csv and diff.xlsx.
COLUMNS = ("对象", "编码", "名称", "项目", "原值", "新值", "原因")


@attrs.frozen
class Change:
    """One result field of one unit or cadre that differs between the runs."""

    entity: str
    entity_id: str
    name: str
    field: str
    before: str
    after: str


@attrs.frozen
class Cause:
    """An input change between the runs: a ledger record, a table, the scheme, a plugin."""

    label: str
    #: (table, record id) of a ledger record, or None
    record: tuple[str, str] | None = None


@attrs.frozen
class Diff:
    """The changes between two runs, their causes and which cause moved what."""

    first: Path
    second: Path
    changes: tuple[Change, ...]
    causes: tuple[Cause, ...]
    #: for each changed (entity, id): the labels of the causes that move it alone
    because: Mapping[tuple[str, str], tuple[str, ...]]

    def reason(self, change: Change) -> str:
        """Why ``change`` happened, in Chinese."""
        found = self.because.get((change.entity, change.entity_id), ())
        if found:
            return ";".join(found)
        return "未能单独归因(多项变化共同作用)" if self.causes else "输入未变"

    def rows(self) -> list[tuple[str, ...]]:
        """The changes as rows of :data:`COLUMNS`."""
        return [
            (c.entity, c.entity_id, c.name, c.field, c.before, c.after, self.reason(c))
            for c in self.changes
        ]


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
                            old.get(field, "") or "(无)",
                            new.get(field, "") or "(无)",
                        )
                    )
    return changes


def _files(folder: Path) -> dict[str, str]:
    return {
        name: (folder / name).read_text(encoding="utf-8-sig")
        for name in FIELDS
        if (folder / name).is_file()
    }


def setting_causes(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Cause]:
    """Scheme, as-of date, overrides and plugin versions that differ."""
    causes = []
    if first["scheme"]["sha256"] != second["scheme"]["sha256"]:
        causes.append(Cause(f"方案文件已改变({second['scheme']['file']})"))
    for key, label in (("as_of", "考核截止日"), ("overrides", "参数覆盖")):
        if first.get(key) != second.get(key):
            causes.append(Cause(f"{label}: {first.get(key)} → {second.get(key)}"))
    versions = [{p["distribution"]: p["version"] for p in m["plugins"]} for m in (first, second)]
    for name in sorted(versions[0].keys() | versions[1].keys()):
        old, new = versions[0].get(name, "(无)"), versions[1].get(name, "(无)")
        if old != new:
            causes.append(Cause(f"插件 {name}: {old} → {new}"))
    return causes


def table_causes(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Cause]:
    """Input tables whose content differs (when the runs did not read one store)."""
    causes = []
    for name in sorted(first["tables"].keys() | second["tables"].keys()):
        old, new = first["tables"].get(name, {}), second["tables"].get(name, {})
        if old.get("sha256") != new.get("sha256"):
            causes.append(
                Cause(f"输入表 {name} 已改变({old.get('rows', 0)} → {new.get('rows', 0)} 行)")
            )
    return causes


def compare(first: Path, second: Path) -> Diff:
    """The diff of two result folders (see the module docstring)."""
    from .store import split_at

    manifests = _manifest(first), _manifest(second)
    changes = result_changes(_files(first), _files(second))
    settings = setting_causes(*manifests)
    (base_a, at_a), (base_b, at_b) = (split_at(str(m["data"])) for m in manifests)
    because: dict[tuple[str, str], list[str]] = {}
    if base_a == base_b and at_a is not None and at_b is not None:
        records, moved = _store_causes(base_a, at_a, at_b, manifests[0], bool(changes))
        for cause, entities in zip(records, moved, strict=True):
            for entity in entities:
                because.setdefault(entity, []).append(cause.label)
    else:
        records = table_causes(*manifests)
    causes = [*records, *settings]
    if len(causes) == 1 and not because:  # the only cause, not scored alone: it explains all
        for change in changes:
            because.setdefault((change.entity, change.entity_id), []).append(causes[0].label)
    return Diff(
        first,
        second,
        tuple(changes),
        tuple(causes),
        {key: tuple(dict.fromkeys(value)) for key, value in because.items()},
    )


def _store_causes(
    location: str, at_a: str, at_b: str, manifest: Mapping[str, Any], score: bool
) -> tuple[list[Cause], list[set[tuple[str, str]]]]:
    """The store's entries between the runs, one cause per record, and what each moves."""
    from . import store
    from .tables import installed_tables
    from .template import sheet_name

    entries = store.entries(location)
    first, second = store.cutoff(at_a), store.cutoff(at_b)
    state_a, state_b = store.current(entries, first), store.current(entries, second)
    between = [
        e for e in entries if first < e.recorded_at <= second and e.table in installed_tables()
    ]
    records = list(dict.fromkeys((e.table, e.record_id) for e in between))
    causes = []
    for record in records:
        last = [e for e in between if (e.table, e.record_id) == record][-1]
        what = "、".join(dict.fromkeys(e.kind for e in between if (e.table, e.record_id) == record))
        table = (
            sheet_name(installed_tables()[record[0]])
            if record[0] in installed_tables()
            else record[0]
        )
        label = f"{what} {table} {record[1]}(第 {last.seq} 条,{last.recorded_by}:{last.reason})"
        causes.append(Cause(label, record))
    if not score or not records:
        return causes, [set() for _ in records]
    base = _score_state(store._state(state_a), manifest)
    moved = []
    for record in records:
        alone = dict(state_a)
        if record in state_b:
            alone[record] = state_b[record]
        else:
            alone.pop(record, None)
        changed = result_changes(base, _score_state(store._state(alone), manifest))
        moved.append({(c.entity, c.entity_id) for c in changed})
    return causes, moved


def _score_state(
    state: Mapping[str, list[dict[str, str]]], manifest: Mapping[str, Any]
) -> dict[str, str]:
    """The result files (units.csv, cadres.csv) of a store state under the first run's scheme."""
    import datetime as dt

    from . import api, publish
    from .plugins import Registry
    from .store import dataset

    scheme = api.load_scheme(Path(manifest["scheme"]["file"]), Registry.installed(None))
    if manifest.get("overrides"):
        scheme = scheme.with_overrides(manifest["overrides"])
    scheme = scheme.with_as_of(dt.date.fromisoformat(manifest["as_of"]))
    data = dataset(state, "diff")
    inputs = publish.Inputs(scheme, data, "diff", ())
    results = publish.score(inputs)
    _, files = publish.result_files(results, inputs)
    return {name: files[name].decode("utf-8-sig") for name in FIELDS if name in files}


def text(diff: Diff) -> list[str]:
    """The diff for the terminal, in Chinese."""
    lines = [f"比较 {diff.first} → {diff.second}"]
    lines.append("输入与设置的变化:" if diff.causes else "输入与设置: 无变化")
    lines += [f"  {cause.label}" for cause in diff.causes]
    if not diff.changes:
        lines.append("结果: 无变化")
        return lines
    lines.append(f"结果变化({len(diff.changes)} 项):")
    for row in diff.rows():
        entity, entity_id, name, field, before, after, reason = row
        lines.append(f"  {entity} {entity_id} {name}: {field} {before} → {after}  原因: {reason}")
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
    causes.append(["输入与设置的变化"])
    for cause in diff.causes:
        causes.append([cause.label])
    workbook = io.BytesIO()
    book.save(workbook)
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    listed = "".join(f"<li>{html.escape(c.label)}</li>" for c in diff.causes) or "<li>无</li>"
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>结果比较</title>'
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 6px}</style></head><body>"
        f"<h1>结果比较</h1><p>{html.escape(str(diff.first))} → {html.escape(str(diff.second))}</p>"
        f"<h2>输入与设置的变化</h2><ul>{listed}</ul><h2>结果变化</h2><table><tr>"
        + "".join(f"<th>{c}</th>" for c in COLUMNS)
        + f"</tr>{cells}</table></body></html>\n"
    )
    return {
        "diff.csv": ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        "diff.xlsx": workbook.getvalue(),
        "diff.html": page.encode("utf-8"),
    }
