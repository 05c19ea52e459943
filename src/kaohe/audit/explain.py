"""Explain one unit's or cadre's result: the full derivation, in Chinese.

>>> import kaohe
>>> from kaohe.audit.explain import explain
>>> print(explain(results, "XZ08").render())

:func:`explain` reads only the stable surface of :class:`~kaohe.results.Results`
(scenario 0): the text rows of :mod:`kaohe.tables_out` (what the result files
hold), the per-entity arrays, the input tables and the scheme. Every number
of a published score is shown, and the shown numbers add up to it under the
audit rule of ``handbook/data.md``::

    F = round2(max(0, C + sum of the unit's adjustment rows))
    S = round2(min(100, max(0, sum of the cadre's adjustment rows)))

Rows are shown with the 4 decimals of ``adjustments.csv`` and ``C`` with the
4 decimals of ``units.csv``; the sum line adds exactly those numbers. Should
that 4-decimal sum fall on the other side of a half cent than the unrounded
one, the sum line says so and uses the unrounded value (from the results
arrays, or recomputed from the inputs for a cadre's score parts).
"""

from __future__ import annotations

import difflib

import numpy as np

from ..errors import KaoheError
from ..i18n import _
from ..results import Results
from .cadre_derivation import CadreDerivation
from .derivation import CADRE, UNIT, Explanation, Row, Section
from .unit_derivation import UnitDerivation

__all__ = ["Explanation", "Row", "Section", "explain"]


# -- the text of the result files, computed once per Results ---------------------------


# -- public entry ------------------------------------------------------------------------


def explain(results: Results, entity_id: str) -> Explanation:
    """The derivation of the result of unit or cadre ``entity_id`` (scenario 0).

    ``entity_id`` is a ``unit_id`` or a ``cadre_id``; ``unit:ID`` or
    ``cadre:ID`` chooses when one id names both. An unknown id raises
    :class:`~kaohe.errors.KaoheError` naming it and the closest ids.
    """
    kind, index = _resolve(results, entity_id.strip())
    if kind == UNIT:
        return UnitDerivation(results, index).explanation()
    return CadreDerivation(results, index).explanation()


def _resolve(results: Results, wanted: str) -> tuple[str, int]:
    kinds: tuple[str, ...] = (UNIT, CADRE)
    prefix, _colon, rest = wanted.partition(":")
    if rest and prefix in kinds:
        kinds, wanted = (prefix,), rest
    found = []
    for kind in kinds:
        ids = results.units.ids if kind == UNIT else results.cadres.ids
        where = np.flatnonzero(ids == wanted)
        if where.size:
            found.append((kind, int(where[0])))
    if len(found) == 1:
        return found[0]
    if found:
        raise KaoheError(
            _("'{id}' is both a unit and a cadre; write unit:{id} or cadre:{id}").format(id=wanted)
        )
    known = [*results.units.ids.tolist(), *results.cadres.ids.tolist()]
    close = difflib.get_close_matches(wanted, known, n=5, cutoff=0.5)
    hint = _("; did you mean {ids}?").format(ids=", ".join(close)) if close else ""
    raise KaoheError(
        _("'{id}' is neither a unit_id nor a cadre_id of this result").format(id=wanted) + hint
    )


# -- helpers -----------------------------------------------------------------------------


# -- units -------------------------------------------------------------------------------


# -- cadres ------------------------------------------------------------------------------


# -- shared wording ---


# -- shared wording ----------------------------------------------------------------------
