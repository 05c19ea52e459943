"""The vectorised engine against the straightforward pure-Python reference.

Both read the handbook independently; on random data and random parameters
they must agree on every published value: scores to the cent, ranks,
grades, flags, freeze windows and frozen_until.
"""

from __future__ import annotations

from typing import Any

import pytest
from benchmarks.generate import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.bridge import as_plain, registry, rows
from tests.reference import purepython

import kaohe

ALL_RULES = (
    "satisfaction",
    "supervision",
    "criticism",
    "rectification",
    "awards",
    "veto",
    "serious_units",
    "accountability",
    "dual_investigation",
    "zero_accountability",
    "tolerance",
    "unit_grading",
    "cadre_score",
    "exams",
    "attendance",
    "cadre_grading",
    "promotion_freeze",
)


def scheme_document(rules: tuple[str, ...], draw: Any = None) -> dict[str, Any]:
    """A county-like scheme with ``rules`` enabled and (optionally) drawn numbers."""
    pick = draw or (lambda strategy: None)

    def number(default: float, low: float, high: float) -> float:
        value = pick(st.one_of(st.just(default), st.floats(low, high).map(lambda x: round(x, 3))))
        return default if value is None else value

    doc: dict[str, Any] = {
        "scheme": {
            "name": "diff",
            "title": "differential",
            "year": 2019,
            "categories": ["乡镇", "县级部门", "条管单位"],
        },
        "targets": {"basis": "t", "indicators": {"经济发展": 40, "重点项目": 30, "党的建设": 30}},
    }
    params: dict[str, dict[str, Any]] = {
        "satisfaction": {
            "weight": {"乡镇": number(0.15, 0, 0.5), "县级部门": 0.2, "条管单位": 0.3}
        },
        "supervision": {
            "cap": number(10.0, 1, 20),
            "on_time_factor": number(0.5, 0, 1),
            "severity_points": {"严重": number(2.0, 0, 4)},
        },
        "criticism": {"cap": number(5.0, 1, 10), "interview_points": number(0.5, 0, 2)},
        "awards": {"cap": number(3.0, 0, 5)},
        "tolerance": {"mitigation_factor": number(0.5, 0, 1)},
        "unit_grading": {
            "excellent_quota": number(0.3, 0, 1),
            "thresholds": {"优秀": number(90.0, 80, 95)},
        },
        "cadre_grading": {
            "excellent_quota": number(0.2, 0, 1),
            "thresholds": {"优秀": number(90.0, 80, 95)},
        },
        "attendance": {"late_points": number(0.2, 0, 1)},
    }
    for rule in rules:
        doc[rule] = {"basis": "b", **params.get(rule, {})}
    return doc


def compare(doc: dict[str, Any], columns: dict[str, Any]) -> None:
    scheme = kaohe.Scheme.from_dict(doc, registry())
    data = kaohe.data_from_columns(columns, scheme)
    fast = as_plain(kaohe.evaluate(scheme, data))
    slow = purepython.score(doc, rows(data))
    assert fast["freezes"] == slow["freezes"]
    for section in ("units", "cadres"):
        assert fast[section].keys() == slow[section].keys()
        for entity, values in slow[section].items():
            for field, want in values.items():
                got = fast[section][entity][field]
                if isinstance(want, float) and field != "score":
                    assert got == pytest.approx(want, abs=1e-9), (section, entity, field)
                else:
                    assert got == want, (section, entity, field, got, want)


@pytest.mark.parametrize("seed", range(6))
def test_engine_equals_reference_on_generated_county_data(seed: int) -> None:
    columns = generate(n_units=30, n_cadres=300, n_ledger=600, seed=seed)
    compare(scheme_document(ALL_RULES), columns)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 10_000))
def test_engine_equals_reference_on_random_parameters_and_rule_subsets(
    data: Any, seed: int
) -> None:
    chosen = tuple(rule for rule in ALL_RULES if data.draw(st.booleans(), label=rule))
    needs = {
        "dual_investigation": "accountability",
        "zero_accountability": "accountability",
        "exams": "cadre_score",
        "attendance": "cadre_score",
        "cadre_grading": "cadre_score",
    }
    chosen = tuple(r for r in chosen if needs.get(r, r) in chosen or r not in needs)
    n_units = data.draw(st.integers(3, 25), label="units")
    columns = generate(n_units=n_units, n_cadres=n_units * 6, n_ledger=n_units * 12, seed=seed)
    compare(scheme_document(chosen, data.draw), columns)
