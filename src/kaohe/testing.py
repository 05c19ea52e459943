"""kaohe's pytest plugin: fixtures and data builders for the tests of rule plugins.

Installed with kaohe and registered through the ``pytest11`` entry point,
so a plugin's tests run wherever kaohe and the plugin are installed, with
nothing from kaohe's own repository::

    from kaohe.testing import d, data, engine, scheme, survey

    def test_a_unit_without_surveys_keeps_its_target() -> None:
        results = engine(scheme(satisfaction={}), data([("u1", "乡镇", 80)]))
        assert results.units.score[0].tolist() == [80.0]

Builders speak plain Python: a scheme is a dict as ``tomllib.load`` gives
it (:func:`scheme`: year 2019, one indicator 目标 out of 100, so a unit's
``T`` is its 目标 score), tables are lists of row dicts (:func:`data` and
one row builder per reference table). :func:`engine` scores them with the
installed plugins; :func:`as_plain` and :func:`rule_rows` read results
back as plain values. Fixtures: ``kaohe_registry`` (the installed
plugins), ``kaohe_reference_scheme`` (a copy of a reference scheme and its
example data in a temporary folder, to enable a rule in).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kaohe
from kaohe.dates import FOREVER, to_day
from kaohe.plugins import Registry
from kaohe.results import Results
from kaohe.tables import installed_tables
from kaohe.vocab import CADRE_GRADES, NO_GRADE, UNIT_GRADES

Row = dict[str, Any]

#: The reference schemes bundled with kaohe (each ``<name>.toml`` with its data folder).
REFERENCE_SCHEMES = ("bureau-2016", "county-2019", "dongli-2018", "street-2012", "street-2016")


# -- builders -------------------------------------------------------------------------

YEAR = 2019


def d(month: int, day: int, year: int = YEAR) -> dt.date:
    """A date, in 2019 unless told."""
    return dt.date(year, month, day)


def scheme(
    *,
    year: int = YEAR,
    as_of: dt.date | None = None,
    categories: Sequence[str] = ("乡镇", "县级部门"),
    indicators: Mapping[str, float] | None = None,
    missing: str | None = None,
    **rules: Mapping[str, Any],
) -> dict[str, Any]:
    """A scheme with R1 and the given rule tables (name -> parameters)."""
    meta: dict[str, Any] = {
        "name": "case",
        "title": "hand-worked case",
        "year": year,
        "categories": list(categories),
    }
    if as_of is not None:
        meta["as_of"] = as_of
    targets: dict[str, Any] = {"basis": "case", "indicators": dict(indicators or {"目标": 100.0})}
    if missing is not None:
        targets["missing"] = missing
    doc: dict[str, Any] = {"scheme": meta, "targets": targets}
    for rule, params in rules.items():
        doc[rule] = {"basis": "case", **params}
    return doc


def data(
    units: Sequence[tuple[str, str, float]],
    cadres: Sequence[tuple[str, str, str]] = (),
    *,
    targets: list[Row] | None = None,
    **ledger: list[Row],
) -> dict[str, list[Row]]:
    """Tables from ``(unit_id, category, T)`` units, ``(cadre_id, unit_id,
    role)`` cadres and ledger rows; ``targets`` defaults to one 目标 row per
    unit with score T."""
    tables: dict[str, list[Row]] = {
        "units": [{"unit_id": u, "name": f"单位{u}", "category": c} for u, c, _ in units],
        "cadres": [
            {"cadre_id": c, "name": f"干部{c}", "unit_id": u, "role": r} for c, u, r in cadres
        ],
        "targets": targets
        if targets is not None
        else [{"unit_id": u, "indicator": "目标", "score": float(t)} for u, _, t in units],
    }
    tables.update(ledger)
    return tables


def sup(
    id: str,
    date: dt.date,
    unit: str,
    severity: str,
    deadline: dt.date | None = None,
    rectified_on: dt.date | None = None,
) -> Row:
    return {
        "id": id,
        "date": date,
        "unit_id": unit,
        "severity": severity,
        "deadline": deadline,
        "rectified_on": rectified_on,
        "category": None,
        "note": None,
    }


def expo(id: str, date: dt.date, unit: str, level: str, cadre: str | None = None) -> Row:
    return {
        "id": id,
        "date": date,
        "unit_id": unit,
        "level": level,
        "cadre_id": cadre,
        "note": None,
    }


def crit(
    id: str, date: dt.date, level: str, unit: str | None = None, cadre: str | None = None
) -> Row:
    return {
        "id": id,
        "date": date,
        "level": level,
        "unit_id": unit,
        "cadre_id": cadre,
        "doc_no": None,
    }


def talk(id: str, date: dt.date, unit: str) -> Row:
    return {"id": id, "date": date, "unit_id": unit, "note": None}


def notice(
    id: str,
    issued: dt.date,
    deadline: dt.date,
    rectified_on: dt.date | None = None,
    level: str | None = None,
    unit: str | None = None,
    cadre: str | None = None,
) -> Row:
    return {
        "id": id,
        "issued": issued,
        "deadline": deadline,
        "rectified_on": rectified_on,
        "level": level,
        "unit_id": unit,
        "cadre_id": cadre,
    }


def sanction(
    id: str,
    date: dt.date,
    cadre: str,
    type: str,
    case_id: str | None = None,
    issuer: str | None = None,
    closed_on: dt.date | None = None,
) -> Row:
    return {
        "id": id,
        "date": date,
        "cadre_id": cadre,
        "type": type,
        "case_id": case_id,
        "issuer": issuer,
        "closed_on": closed_on,
    }


def tol(id: str, date: dt.date, ref_table: str, ref_id: str, decision: str) -> Row:
    return {
        "id": id,
        "date": date,
        "ref_table": ref_table,
        "ref_id": ref_id,
        "decision": decision,
        "doc_no": None,
    }


def award(
    id: str, date: dt.date, level: str, unit: str | None = None, cadre: str | None = None
) -> Row:
    return {
        "id": id,
        "date": date,
        "level": level,
        "unit_id": unit,
        "cadre_id": cadre,
        "title": None,
    }


def veto(id: str, date: dt.date, unit: str) -> Row:
    return {"id": id, "date": date, "unit_id": unit, "item": "事项"}


def vote(
    cadre: str, excellent: int = 0, competent: int = 0, basic: int = 0, incompetent: int = 0
) -> Row:
    return {
        "cadre_id": cadre,
        "excellent": excellent,
        "competent": competent,
        "basic": basic,
        "incompetent": incompetent,
    }


def v100(cadre: str) -> Row:
    """Ten 优秀 votes: V = 100."""
    return vote(cadre, excellent=10)


def v80(cadre: str) -> Row:
    """Ten 称职 votes: V = 80."""
    return vote(cadre, competent=10)


def exam(cadre: str, score: float) -> Row:
    return {"cadre_id": cadre, "score": score}


def att(cadre: str, late: int, absent_days: int) -> Row:
    return {"cadre_id": cadre, "late": late, "absent_days": absent_days}


def survey(unit: str, group: str, satisfied: int, basic: int, unsatisfied: int) -> Row:
    return {
        "unit_id": unit,
        "group": group,
        "satisfied": satisfied,
        "basic": basic,
        "unsatisfied": unsatisfied,
    }


#: Cadre quotas that never bite, for cases about something else.
NO_CADRE_QUOTA: dict[str, Any] = {"excellent_quota": 1.0, "excellent_quota_excellent_unit": 1.0}
#: A unit quota that never bites.
NO_UNIT_QUOTA: dict[str, Any] = {"excellent_quota": 1.0}

# -- scoring and reading results back --------------------------------------------------

_REGISTRY: list[Registry] = []


def registry() -> Registry:
    """One registry of the installed plugins for the whole test session."""
    if not _REGISTRY:
        _REGISTRY.append(Registry.from_plugin_manager())
    return _REGISTRY[0]


def columns(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, dict[str, list[Any]]]:
    """Row dicts to columns; a missing or None cell becomes an empty cell."""
    out: dict[str, dict[str, list[Any]]] = {}
    for name, rows in tables.items():
        spec = installed_tables()[name]
        names = [c.name for c in spec.columns if any(c.name in row for row in rows)]
        if not rows:
            if name in ("units", "cadres", "targets", "votes"):
                out[name] = {c.name: [] for c in spec.columns if c.required}
            continue
        out[name] = {
            column: ["" if row.get(column) is None else row[column] for row in rows]
            for column in names
        }
    return out


def engine(scheme: Mapping[str, Any], tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> Results:
    """Score ``tables`` under ``scheme`` with the vectorised engine."""
    the_scheme = kaohe.Scheme.from_dict(scheme, registry())
    data = kaohe.data_from_columns(columns(tables), the_scheme)
    return kaohe.evaluate(the_scheme, data)


def _opt_float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _end(value: np.datetime64) -> dt.date | str | None:
    if np.isnat(value):
        return None
    if value == FOREVER:
        return "indefinite"
    return value.astype(dt.date)  # type: ignore[no-any-return]


def as_plain(results: Results, scenario: int = 0) -> dict[str, Any]:
    """``results`` in the format of ``tests.reference.purepython.score``."""
    u, c = results.units, results.cadres
    units = {}
    for i, unit_id in enumerate(u.ids.tolist()):
        grade = int(u.grade[scenario, i])
        rank = int(u.rank[scenario, i])
        units[unit_id] = {
            "target_score": float(u.target[scenario, i]),
            "satisfaction": _opt_float(u.satisfaction[scenario, i]),
            "composite": float(u.composite[scenario, i]),
            "deductions": float(u.deductions[scenario, i]),
            "bonus": float(u.bonus[scenario, i]),
            "score": float(u.score[scenario, i]),
            "rank": None if rank < 0 else rank,
            "grade": None if grade < 0 else UNIT_GRADES[grade],
            "flags": sorted(name for name, mask in u.flags.items() if mask[scenario, i]),
        }
    cadre_labels = (*CADRE_GRADES, NO_GRADE)
    cadres = {}
    for i, cadre_id in enumerate(c.ids.tolist()):
        grade = int(c.grade[scenario, i])
        rank = int(c.rank[scenario, i])
        cadres[cadre_id] = {
            "score": _opt_float(c.score[scenario, i]),
            "rank_in_unit": None if rank < 0 else rank,
            "grade": None if grade < 0 else cadre_labels[grade],
            "frozen_until": _end(c.frozen_until[i]),
            "flags": sorted(name for name, mask in c.flags.items() if mask[scenario, i]),
        }
    period_start = to_day(results.schemes[scenario].period_start)
    freezes = []
    for block in results.freezes:
        tables, ids = block.column("source_table"), block.column("source_id")
        for j in range(len(block)):
            if block.end[j] <= period_start:
                continue
            freezes.append(
                (
                    str(c.ids[block.cadre[j]]),
                    block.start[j].astype(dt.date),
                    _end(block.end[j]),
                    block.rule,
                    str(tables[j]),
                    str(ids[j]),
                )
            )
    return {"units": units, "cadres": cadres, "freezes": sorted(freezes, key=_freeze_order)}


def rule_rows(
    results: Results, rule: str, entity: str = "unit", *, note: bool = False
) -> list[tuple[Any, ...]]:
    """``(entity_id, source_table, source_id, points, effect[, note])`` of ``rule``'s
    adjustment rows in scenario 0, sorted; cap rows that do not bite are left out."""
    ids = results.data.unit_ids if entity == "unit" else results.data.cadre_ids
    found = []
    for block in results.adjustments:
        if block.rule != rule or block.entity != entity:
            continue
        keep = ~(block.drop_if_zero & (block.points[0] == 0))
        columns = [block.column(name) for name in ("source_table", "source_id", "effect", "note")]
        for j in np.flatnonzero(keep).tolist():
            row = (
                str(ids[block.index[j]]),
                str(columns[0][j]),
                str(columns[1][j]),
                round(float(block.points[0, j]), 9),
                str(columns[2][j]),
            )
            found.append((*row, str(columns[3][j])) if note else row)
    return sorted(found)


def _freeze_order(window: tuple[Any, ...]) -> tuple[Any, ...]:
    """Freeze windows in tuple order, ``indefinite`` after every date."""
    cadre_id, start, end, rule, table, source_id = window
    last = (1, dt.date.max) if end == "indefinite" else (0, end or dt.date.min)
    return (cadre_id, start, last, rule, table, source_id)


# -- reference schemes and fixtures ----------------------------------------------------


def reference_scheme(name: str) -> Path:
    """The bundled reference scheme ``name`` (``county-2019``); its data is the folder
    of the same name beside it."""
    if name not in REFERENCE_SCHEMES:
        raise KeyError(f"no reference scheme {name!r}; expected one of {REFERENCE_SCHEMES}")
    return Path(str(resources.files("kaohe") / "reference_schemes" / f"{name}.toml"))


def copy_reference_scheme(name: str, folder: Path, append: str = "") -> Path:
    """A copy of reference scheme ``name`` and its data in ``folder``, with ``append``
    (TOML, e.g. a rule table that enables a plugin's rule) added to the scheme."""
    source = reference_scheme(name)
    target = folder / source.name
    shutil.copytree(source.with_suffix(""), folder / name)
    text = source.read_text(encoding="utf-8")
    target.write_text(text + ("\n" + append if append else ""), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def kaohe_registry() -> Registry:
    """The rules and tables of the installed plugins."""
    return registry()


@pytest.fixture
def kaohe_reference_scheme(tmp_path: Path) -> Callable[[str, str], Path]:
    """``copy(name, append="")``: :func:`copy_reference_scheme` into a temporary folder."""

    def copy(name: str, append: str = "") -> Path:
        return copy_reference_scheme(name, tmp_path, append)

    return copy


def assert_catalog_complete(package: str, domain: str | None = None) -> None:
    """Fail unless ``package``'s Chinese catalog holds every message its source marks,
    each translated, and its ``.mo`` is its ``.po`` compiled.

    Needs only the installed package (its source and the catalog shipped as
    package data) and Babel (a test dependency), so a plugin's tests check it
    wherever the plugin is installed::

        def test_every_message_is_translated() -> None:
            assert_catalog_complete("kaohe_hotline")
    """
    from kaohe.catalogs import catalog_problems

    problems = catalog_problems(package, domain)
    assert problems == [], f"{package}: update its catalog as kaohe's docs/translations.md says"


@pytest.fixture
def kaohe_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """kaohe's messages in English, whatever the machine's locale.

    kaohe speaks Chinese by default (or as the environment says); a test that
    reads English messages asks for this fixture. The environment says so too,
    as every ``kaohe`` command reads it afresh.
    """
    from kaohe import i18n

    monkeypatch.setenv("LANGUAGE", "en")
    i18n.use("en")


@pytest.fixture
def kaohe_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """kaohe's messages in Chinese, its default, whatever the machine's locale."""
    from kaohe import i18n

    monkeypatch.setenv("LANGUAGE", "zh_CN")
    i18n.use("zh_CN")
