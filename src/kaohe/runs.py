"""Recorded runs: a result folder that is replaced is kept, never silently lost.

When ``kaohe score`` has replaced a result folder it wrote earlier,
:func:`keep` moves the earlier one to ``<folder>.runs/<n>-<manifest
sha256>/`` beside it (the manifest's digest names the run; ``n`` keeps them
in order) and says what was replaced: when and from which data that run was
scored. A run kept already (same manifest) is not kept twice. The move is
part of the swap of :func:`kaohe.folders.write_folder`, so the earlier run
is never copied, and a crash at any point leaves it in the folder, set
aside, or kept. ``kaohe diff`` and ``kaohe verify`` work on kept runs as on
any result folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .i18n import _


def runs_folder(out: Path) -> Path:
    """Where earlier runs of the result folder ``out`` are kept."""
    return out.with_name(out.name + ".runs")


def keep(replaced: Path, out: Path) -> str | None:
    """Keep ``replaced``, the earlier result of the result folder ``out`` (set aside
    when a new one took its place), among the recorded runs of ``out``: moved there,
    not copied, unless the same run is kept already (then it is left where it is).

    Returns the sentence saying what was replaced, or None when ``replaced`` is
    not a result (it has no manifest). An :class:`OSError` leaves it where it is.
    """
    manifest = replaced / "manifest.json"
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
        kept.mkdir(exist_ok=True)
        target = kept / f"{len(list(kept.iterdir())) + 1:03d}-{digest}"
        os.rename(replaced, target)
    return _(
        "replaces {folder} (scored from {source}, as of {as_of}); the earlier run is kept in {kept}"
    ).format(folder=out, source=source, as_of=as_of, kept=target)
