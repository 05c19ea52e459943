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

The package: :mod:`~kaohe.diff.model` the values (:class:`Change`,
:class:`Cause`, :class:`Diff`), :mod:`~kaohe.diff.causes` finding the causes
and how to apply each alone, :mod:`~kaohe.diff.compare` the comparison,
:mod:`~kaohe.diff.output` the terminal lines and the files (diff.csv,
diff.xlsx, diff.html).
"""

from __future__ import annotations

from .causes import plugin_causes, setting_causes, table_causes
from .compare import compare, result_changes
from .model import COLUMNS, FIELDS, NONE, REMAINDER, Cause, Change, Diff
from .output import files, text

__all__ = [
    "COLUMNS",
    "FIELDS",
    "NONE",
    "REMAINDER",
    "Cause",
    "Change",
    "Diff",
    "compare",
    "files",
    "plugin_causes",
    "result_changes",
    "setting_causes",
    "table_causes",
    "text",
]
