"""Two runs compared: the changed result fields and their causes, each scored alone."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import KaoheError
from ..i18n import _
from .causes import (
    Apply,
    cannot_score,
    code_cause,
    recorded,
    scheme_causes,
    setting_causes,
    store_causes,
    table_causes,
    tables_alone,
)
from .model import (
    ENTITY,
    FIELDS,
    NONE,
    Cause,
    Change,
    Diff,
    Key,
)

if TYPE_CHECKING:
    from ..data import Dataset
    from ..scheme import Scheme


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
        entity, key = ENTITY[file]
        for entity_id, row in _rows(files.get(file, ""), key).items():
            for field, label in fields.items():
                found[(entity, entity_id, label)] = row.get(field, "") or NONE
    return found


def result_changes(first: Mapping[str, str], second: Mapping[str, str]) -> list[Change]:
    """The changed fields between two runs' result files (file name -> text)."""
    changes = []
    for file, fields in FIELDS.items():
        entity, key = ENTITY[file]
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


def compare(first: Path, second: Path) -> Diff:
    """The diff of two result folders (see the module docstring)."""
    from ..plugins import Registry
    from ..store import split_at

    manifests = _manifest(first), _manifest(second)
    changes = result_changes(_files(first), _files(second))
    registry = Registry.installed(None)
    (scheme_a, note_a), (scheme_b, note_b) = (recorded(m, registry) for m in manifests)
    notes = tuple(dict.fromkeys(note for note in (note_a, note_b) if note))
    found: list[tuple[Cause, Apply | None]] = []
    if isinstance(scheme_a, str) or isinstance(scheme_b, str):
        why = cannot_score(scheme_a if isinstance(scheme_a, str) else str(scheme_b))
        found += [(attrs.evolve(c, unscored=why), None) for c in setting_causes(*manifests)]
    code: Cause | None = None
    if not isinstance(scheme_a, str) and not isinstance(scheme_b, str):  # else: listed above
        found += scheme_causes(scheme_a, scheme_b)
        code = code_cause(manifests, registry)
        if code is not None:
            found.append((code, None))
    (base_a, at_a), (base_b, at_b) = (split_at(str(m["data"])) for m in manifests)
    data: Dataset | str = "not scored"
    if base_a == base_b and at_a is not None and at_b is not None:
        data, records = store_causes(base_a, at_a, at_b)
    elif not isinstance(scheme_a, str) and not isinstance(scheme_b, str):
        data, records = tables_alone(manifests, (scheme_a, scheme_b))
    else:
        records = [(c, None) for c in table_causes(*manifests)]
    found = [*records, *found]
    if code is not None and not code.unscored and isinstance(data, str):
        unscored = attrs.evolve(code, unscored=cannot_score(data))
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
                found[number] = (attrs.evolve(cause, unscored=cannot_score(str(error))), None)
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


def _score(scheme: Scheme, data: Dataset) -> dict[str, str]:
    """The result files (units.csv, cadres.csv) of ``data`` scored under ``scheme``."""
    from .. import publish

    inputs = publish.Inputs(scheme, data, "diff", ())
    results = publish.score(inputs)
    _, files = publish.result_files(results, inputs)
    return {name: files[name].decode("utf-8-sig") for name in FIELDS if name in files}
