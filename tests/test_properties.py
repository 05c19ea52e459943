"""Invariants that hold for any data (hypothesis).

Adding a deduction never raises a score; shuffling input rows changes no
output byte; quotas are never exceeded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from benchmarks.generate import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.bridge import registry
from tests.test_differential import ALL_RULES, scheme_document

import kaohe
from kaohe.output import result_files

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def county(seed: int, n_units: int = 12) -> tuple[kaohe.Scheme, dict[str, Any]]:
    scheme = kaohe.Scheme.from_dict(scheme_document(ALL_RULES), registry())
    return scheme, generate(n_units=n_units, n_cadres=n_units * 8, n_ledger=n_units * 10, seed=seed)


def files(scheme: kaohe.Scheme, columns: dict[str, Any]) -> dict[str, bytes]:
    results = kaohe.evaluate(scheme, kaohe.data_from_columns(columns, scheme))
    out = result_files(results, {"run": "test"})
    return out


@SETTINGS
@given(seed=st.integers(0, 1000), shuffle=st.integers(0, 2**32 - 1))
def test_shuffling_input_rows_changes_no_output_byte(seed: int, shuffle: int) -> None:
    scheme, columns = county(seed)
    rng = np.random.default_rng(shuffle)
    shuffled = {}
    for table, cols in columns.items():
        n = len(next(iter(cols.values())))
        order = rng.permutation(n)
        shuffled[table] = {name: np.asarray(values)[order] for name, values in cols.items()}
    assert files(scheme, shuffled) == files(scheme, columns)


@SETTINGS
@given(
    seed=st.integers(0, 1000),
    unit=st.integers(0, 11),
    severity=st.sampled_from(["一般", "较重", "严重"]),
    month=st.integers(1, 12),
)
def test_adding_a_supervision_finding_never_raises_a_score(
    seed: int, unit: int, severity: str, month: int
) -> None:
    scheme, columns = county(seed)
    before = kaohe.evaluate(scheme, kaohe.data_from_columns(columns, scheme))
    sup = dict(columns["supervision"])
    extra = {
        "id": "ZZ-NEW",
        "date": np.datetime64(f"2019-{month:02d}-15"),
        "unit_id": before.units.ids[unit],
        "severity": severity,
    }
    n = len(sup["id"])
    for name, values in sup.items():
        values = np.asarray(values)
        fill = extra.get(name, np.datetime64("NaT") if values.dtype.kind == "M" else "")
        sup[name] = np.concatenate([values, np.asarray([fill], dtype=values.dtype)])
    assert len(sup["id"]) == n + 1
    after = kaohe.evaluate(scheme, kaohe.data_from_columns({**columns, "supervision": sup}, scheme))
    assert (after.units.score <= before.units.score).all()
    others = np.arange(len(before.units.ids)) != unit
    assert (after.units.score[:, others] == before.units.score[:, others]).all()


@SETTINGS
@given(seed=st.integers(0, 1000), n_units=st.integers(3, 30))
def test_quotas_are_never_exceeded(seed: int, n_units: int) -> None:
    scheme, columns = county(seed, n_units)
    results = kaohe.evaluate(scheme, kaohe.data_from_columns(columns, scheme))
    units, cadres = results.units, results.cadres
    for category in scheme.categories:
        mine = units.categories == category
        places = int(np.floor(0.30 * mine.sum() + 1e-9))
        assert ((units.grade[0] == 0) & mine).sum() <= places
    for unit in range(len(units.ids)):
        mine = cadres.unit == unit
        graded = mine & (cadres.grade[0] >= 0) & (cadres.grade[0] <= 3)
        share = 0.25 if units.grade[0, unit] == 0 else 0.20
        assert ((cadres.grade[0] == 0) & mine).sum() <= int(np.floor(share * graded.sum() + 1e-9))
