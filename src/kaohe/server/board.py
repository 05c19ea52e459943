"""What ``kaohe serve`` shows, computed without any web code: rankings, explanations, what-if.

A :class:`Board` scores the data once when it is made (:meth:`Board.build`)
and keeps the results; every page and every API answer is read from them.
A what-if (:meth:`Board.whatif`) scores the baseline and the variant as one
batch of two scenarios (:func:`kaohe.whatif.simulate`, milliseconds on a
county's data) and explains each grade that changes with the grade line
of the variant's own derivation (:mod:`kaohe.audit.explain`).

Everything returned is plain JSON-ready data (dicts, lists, str, float,
int, None): the HTML pages and the JSON API render the same values.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from .. import api
from ..audit.explain import Explanation, explain
from ..data import Dataset
from ..errors import KaoheError, OverrideError
from ..i18n import _
from ..params import Number, NumberMap
from ..results import Results
from ..scheme import Scheme
from ..values import Holder, Value
from ..vocab import NO_GRADE, UNIT_GRADES
from ..whatif import Scenario, compare, simulate
from ..whatif.tally import CADRE_LABELS

#: The grade line of a derivation starts with this (``等次:一般 —— 由得分决定: ...``).
GRADE_LINE = "等次:"


class NotFound(KaoheError):
    """An id that is neither a unit nor a cadre of the results shown."""


@attrs.frozen(repr=False, eq=False)
class Parameter(Value):
    """One number of the scheme a what-if may move: its path, value, bounds and rule."""

    path: str
    value: float
    low: float | None
    high: float | None
    rule: str
    rule_title: str
    doc: str

    def as_dict(self) -> dict[str, Any]:
        """The parameter as JSON-ready data."""
        return attrs.asdict(self)


def parameters(scheme: Scheme) -> list[Parameter]:
    """Every number of the enabled rules, by path (``satisfaction.weight.乡镇``), in rule order.

    Numbers only: a what-if moves weights, caps, quotas and thresholds;
    integers, choices and lists change the structure of a batch.
    """
    found = []
    for name in scheme.enabled:
        rule = scheme.registry.rule(name)
        for key, spec in rule.params.items():
            value = scheme.rules[name].params.get(key)
            if isinstance(spec, Number) and isinstance(value, float):
                found.append(
                    _parameter(f"{name}.{key}", value, spec, name, rule.title, rule.text(spec.doc))
                )
            elif isinstance(spec, NumberMap) and isinstance(value, Mapping):
                for entry, number in value.items():
                    path = f"{name}.{key}.{entry}"
                    doc = rule.text(spec.doc)
                    found.append(_parameter(path, number, spec.value, name, rule.title, doc))
    return found


def _parameter(
    path: str, value: float, spec: Number, rule: str, title: str, doc: str = ""
) -> Parameter:
    return Parameter(path, float(value), spec.low, spec.high, rule, title, doc or spec.doc)


def _number(value: float) -> float | None:
    """A float for JSON: NaN (no score) is None."""
    return None if math.isnan(value) else round(float(value), 4)


@attrs.frozen(repr=False, eq=False)
class Board(Holder):
    """The scored baseline of one scheme and dataset, and what-ifs against it."""

    scheme: Scheme
    data: Dataset
    results: Results
    warnings: tuple[str, ...] = ()

    @classmethod
    def build(cls, scheme: Scheme, data: Dataset, warnings: Sequence[str] = ()) -> Board:
        """Score ``data`` under ``scheme`` once; the board answers from those results."""
        return cls(scheme, data, api.evaluate(scheme, data), tuple(warnings))

    # -- results ------------------------------------------------------------------------

    def units(self) -> list[dict[str, Any]]:
        """Every unit: id, name, category, score, rank in its category, grade, flags."""
        units = self.results.units
        return _entity_rows(units, UNIT_GRADES, "category", [str(c) for c in units.categories])

    def cadres(self) -> list[dict[str, Any]]:
        """Every cadre: id, name, unit, score, rank within the unit, grade, flags."""
        cadres, unit_ids = self.results.cadres, self.results.units.ids
        units = [str(unit_ids[u]) if u >= 0 else None for u in cadres.unit.tolist()]
        return _entity_rows(cadres, CADRE_LABELS, "unit_id", units)

    def rankings(self) -> dict[str, list[dict[str, Any]]]:
        """The units of each category of the scheme, best rank first (unranked last)."""
        by_category: dict[str, list[dict[str, Any]]] = {c: [] for c in self.scheme.categories}
        for unit in self.units():
            by_category.setdefault(unit["category"], []).append(unit)
        for units in by_category.values():
            units.sort(key=lambda unit: (unit["rank"] is None, unit["rank"] or 0, unit["id"]))
        return by_category

    def summary(self) -> dict[str, Any]:
        """The scheme shown: name, title, year, assessment date, categories, counts."""
        return {
            "scheme": self.scheme.name,
            "title": self.scheme.title,
            "year": self.scheme.year,
            "as_of": self.scheme.as_of.isoformat(),
            "categories": list(self.scheme.categories),
            "units": int(self.results.units.ids.shape[0]),
            "cadres": int(self.results.cadres.ids.shape[0]),
            "warnings": list(self.warnings),
        }

    def parameters(self) -> list[Parameter]:
        """The numbers a what-if may move (see :func:`parameters`)."""
        return parameters(self.scheme)

    # -- explanations -------------------------------------------------------------------

    def explanation(
        self, entity_id: str, overrides: Mapping[str, object] | None = None
    ) -> Explanation:
        """The derivation of unit or cadre ``entity_id`` (NotFound names the closest ids).

        With ``overrides``, under the scheme with those parameters set (a
        what-if); a wrong path raises :class:`~kaohe.errors.OverrideError`.
        """
        results = self.results
        if overrides:
            results = api.evaluate(self._scenario(overrides).scheme, self.data)
        try:
            return explain(results, entity_id)
        except KaoheError as error:
            raise NotFound(str(error)) from None

    # -- what-if ------------------------------------------------------------------------

    def whatif(
        self,
        overrides: Mapping[str, object],
        *,
        off: Sequence[str] = (),
        on: Sequence[str] = (),
    ) -> dict[str, Any]:
        """The baseline against the scheme with ``overrides`` set and rules off or on.

        Returns the scenario's name, the overrides as old -> new, the
        summary of moves (:func:`kaohe.whatif.compare`) and every unit and
        cadre whose grade changes, each with the grade line of its
        derivation under the variant (why it now has that grade). A wrong
        path raises :class:`~kaohe.errors.OverrideError` with the closest
        paths.
        """
        scenario = self._scenario(overrides, off=off, on=on)
        outcome = simulate([Scenario.baseline(self.scheme), scenario], self.data)
        comparison = compare(outcome, 1)
        changes = [
            *_changes("unit", comparison.units),
            *_changes("cadre", comparison.cadres),
        ]
        if changes:
            variant = api.evaluate(scenario.scheme, self.data)
            for change in changes:
                change["why"] = _grade_line(explain(variant, f"{change['kind']}:{change['id']}"))
        return {
            "scenario": scenario.name,
            "overrides": self.overrides_shown(overrides),
            "off": list(off),
            "on": list(on),
            "summary": {
                "units": comparison.summary["units"],
                "cadres": comparison.summary["cadres"],
            },
            "changes": changes,
        }

    def _scenario(
        self, overrides: Mapping[str, object], *, off: Sequence[str] = (), on: Sequence[str] = ()
    ) -> Scenario:
        try:
            return Scenario.from_overrides(self.scheme, overrides, off=off, on=on)
        except OverrideError as error:
            raise self._did_you_mean(error) from None

    def overrides_shown(self, overrides: Mapping[str, object]) -> list[dict[str, Any]]:
        """``overrides`` as ``{path, before, after}``: the value each replaces beside it."""
        return [self._override(path, value) for path, value in overrides.items()]

    def _override(self, path: str, value: object) -> dict[str, Any]:
        before = next((p.value for p in self.parameters() if p.path == path), None)
        return {"path": path, "before": before, "after": value}

    def _did_you_mean(self, error: OverrideError) -> OverrideError:
        """``error`` naming the closest paths of parameters and rules, when some are close."""
        known = [p.path for p in self.parameters()] + list(self.scheme.registry.names())
        close = difflib.get_close_matches(error.key, known, n=3, cutoff=0.6)
        if not close or error.key in known:
            return error
        hint = _("{expected}; did you mean {paths}?").format(
            expected=error.expected, paths=", ".join(close)
        )
        return OverrideError(error.source, error.key, hint, error.got)


def _entity_rows(
    entities: Any, grades: Sequence[str], link: str, linked: Sequence[str | None]
) -> list[dict[str, Any]]:
    """The rows of units or cadres (scenario 0): id, name, ``link`` (the unit's category or
    the cadre's unit, from ``linked``), score, rank, grade (from ``grades``), grade reason,
    flags."""
    reasons = entities.grade_reason(0)
    flags = _flags(entities.flags, entities.ids.shape[0])
    return [
        {
            "id": str(entities.ids[i]),
            "name": str(entities.names[i]),
            link: linked[i],
            "score": _number(entities.score[0, i]),
            "rank": _rank(entities.rank[0, i]),
            "grade": _grade(entities.grade[0, i], grades),
            "grade_reason": str(reasons[i]),
            "flags": flags[i],
        }
        for i in range(entities.ids.shape[0])
    ]


def _rank(rank: np.integer[Any]) -> int | None:
    return int(rank) if rank > 0 else None


def _grade(code: np.integer[Any], labels: Sequence[str]) -> str | None:
    return labels[int(code)] if code >= 0 else None


def _flags(flags: Mapping[str, np.ndarray[Any, Any]], n: int) -> list[list[str]]:
    out: list[list[str]] = [[] for _entity in range(n)]
    for name in sorted(flags):
        for i in np.flatnonzero(flags[name][0]).tolist():
            out[i].append(name)
    return out


def _changes(kind: str, table: Mapping[str, np.ndarray[Any, Any]]) -> list[dict[str, Any]]:
    changed = np.flatnonzero(table["grade_before"] != table["grade_after"])
    return [
        {
            "kind": kind,
            "id": str(table["id"][i]),
            "name": str(table["name"][i]),
            "grade_before": str(table["grade_before"][i]) or NO_GRADE,
            "grade_after": str(table["grade_after"][i]) or NO_GRADE,
            "score_before": _number(table["score_before"][i]),
            "score_after": _number(table["score_after"][i]),
            "rank_before": _rank(table["rank_before"][i]),
            "rank_after": _rank(table["rank_after"][i]),
        }
        for i in changed.tolist()
    ]


def _grade_line(explanation: Explanation) -> str:
    """The line of a derivation that says what decided the grade."""
    for section in explanation.sections:
        for line in section.lines:
            if line.startswith(GRADE_LINE):
                return line
    return ""
