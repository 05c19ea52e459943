"""Is a ``manifest.json`` one that ``kaohe score`` wrote? Its keys and their types.

:func:`read_manifest` parses a manifest and checks it against
:data:`SHAPE` before anything else of :func:`kaohe.audit.verify.audit`
relies on it: a manifest that is not JSON, or lacks a key, or holds the
wrong type is named precisely, and nothing more is checked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from ..errors import shown
from ..i18n import _
from ..manifest import MANIFEST, SCORE, SIGNATURE

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


def read_manifest(raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
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
