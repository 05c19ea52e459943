"""Recorded runs: a result folder about to be replaced is kept, never silently lost.

Before ``kaohe score`` replaces a result folder it wrote earlier,
:func:`archive` copies it to ``<folder>.runs/<n>-<manifest sha256>/`` beside
it (the manifest's digest names the run; ``n`` keeps them in order) and
says what is replaced: when and from which data that run was scored. A run
already archived (same manifest) is not copied twice. ``kaohe diff`` and
``kaohe verify`` work on archived runs as on any result folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from .i18n import _


def runs_folder(out: Path) -> Path:
    """Where earlier runs of the result folder ``out`` are kept."""
    return out.with_name(out.name + ".runs")


def archive(out: Path) -> str | None:
    """Keep the result folder ``out`` (if kaohe wrote one there) among its recorded runs;
    returns a sentence saying what will be replaced, or None when nothing is."""
    manifest = out / "manifest.json"
    if not manifest.is_file():
        return None
    data = manifest.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    try:
        recorded = json.loads(data)
        source, as_of = recorded.get("data", "?"), recorded.get("as_of", "?")
    except ValueError:
        source, as_of = "?", "?"
    kept = runs_folder(out)
    earlier = sorted(kept.glob(f"*-{digest}")) if kept.is_dir() else []
    if earlier:
        target = earlier[0]
    else:
        number = len(list(kept.iterdir())) + 1 if kept.is_dir() else 1
        target = kept / f"{number:03d}-{digest}"
        shutil.copytree(out, target)
    return _(
        "replaces {folder} (scored from {source}, as of {as_of}); the earlier run is kept in {kept}"
    ).format(folder=out, source=source, as_of=as_of, kept=target)
