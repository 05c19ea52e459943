"""``manifest.json``: what a result was computed from, so that it can be audited later.

Records the scheme file and its sha256, every input table's source, sha256
and row count, the kaohe version, every enabled rule's distribution and
version, every registered plugin's distribution and version (``plugins``;
a plugin loaded from a file, which has no distribution, with the file's
sha256), the as-of date, parameter overrides, ledger rows outside the
period, absent tables, tables no enabled rule reads, and warnings.
``kaohe verify`` (:mod:`kaohe.verify`) checks a result folder against it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pluggy

from .plugins import BUILTIN_PLUGINS, kaohe_version
from .results import Results
from .tables import TABLES


def build(
    results: Results,
    *,
    data_path: str,
    overrides: Mapping[str, object] | None = None,
    warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """The manifest of scenario 0 of ``results`` as plain JSON-able data."""
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
    return {
        "kaohe_version": kaohe_version(),
        "scheme": {
            "name": scheme.name,
            "title": scheme.title,
            "file": scheme.path,
            "sha256": scheme.sha256,
            "year": scheme.year,
            "period": [scheme.period_start.isoformat(), scheme.period_end.isoformat()],
        },
        "as_of": scheme.as_of.isoformat(),
        "overrides": {key: _plain(value) for key, value in (overrides or {}).items()},
        "data": data_path,
        "tables": tables,
        "absent_tables": sorted(data.absent),
        "unread_tables": sorted(
            name for name in TABLES if name not in read and data.tables[name].present
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
    distributions = {
        id(plugin): (dist.project_name, dist.version)
        for plugin, dist in manager.list_plugin_distinfo()
    }
    listed = []
    for name, plugin in manager.list_name_plugin():
        entry = {"plugin": name}
        if id(plugin) in distributions:
            entry["distribution"], entry["version"] = distributions[id(plugin)]
        elif name in BUILTIN_PLUGINS:
            entry["distribution"], entry["version"] = "kaohe", kaohe_version()
        else:
            entry["distribution"], entry["version"] = name, "unregistered"
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
