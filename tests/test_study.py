"""Studies summarised chunk by chunk: the same, value for value, as the outcome held in memory.

The rank intervals come from per-unit rank histograms (:class:`Tally`); they
must equal numpy's ``nanmedian`` / ``nanpercentile`` of all the ranks, and a
study's summary and Parquet parts must not depend on the chunk size.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tests.conftest import COUNTY, ROOT

import kaohe
from kaohe.cli import main
from kaohe.whatif import Draw, Scenario, Tally, distribution, monte_carlo, simulate, study
from kaohe.whatif.tally import rank_statistics

pq = pytest.importorskip("pyarrow.parquet")


def _numpy_statistics(rank: np.ndarray) -> tuple[np.ndarray, ...]:
    """What the in-memory summary computed before tallies: numpy over all ranks."""
    ranks = np.where(rank > 0, rank, np.nan).astype(np.float64)
    ranked = ~np.isnan(ranks).all(axis=0)
    safe = np.where(ranked[None, :], ranks, 0.0)
    return (
        np.where(ranked, np.nanmedian(safe, axis=0), np.nan),
        np.where(ranked, np.nanpercentile(safe, 5, axis=0), np.nan),
        np.where(ranked, np.nanpercentile(safe, 95, axis=0), np.nan),
    )


ranks = st.integers(1, 8).flatmap(
    lambda n: hnp.arrays(
        np.int64, st.tuples(st.integers(1, 70), st.just(n)), elements=st.integers(-1, n)
    )
)


@settings(max_examples=300, deadline=None)
@given(rank=ranks, cut=st.integers(0, 70))
def test_rank_intervals_from_histograms_are_numpys_exactly(rank: np.ndarray, cut: int) -> None:
    rank = np.where(rank == 0, -1, rank)
    grade = np.where(rank > 0, rank % 4, -1)
    whole = Tally.count(np.arange(rank.shape[0]), rank, grade, grade, {})
    cut = min(cut, rank.shape[0])
    halves = [
        Tally.count(np.arange(cut, rank.shape[0]), rank[cut:], grade[cut:], grade[cut:], {}),
        Tally.count(np.arange(cut), rank[:cut], grade[:cut], grade[:cut], {}),
    ]
    expected = _numpy_statistics(rank)
    for tally in (whole, Tally.merge_all(halves)):
        found = tally.distribution()
        for got, want in zip(
            (found.median_rank, found.rank_p5, found.rank_p95), expected, strict=True
        ):
            assert np.array_equal(got, want, equal_nan=True)
        assert np.array_equal(found.unit_grade_counts, whole.distribution().unit_grade_counts)
        # per cadre (here the grades of the ranks again): the share of scenarios in each grade
        counted = np.stack([(grade == g).mean(axis=0) for g in range(5)], axis=1)
        assert np.array_equal(found.cadre_grade_probability, counted)


def test_a_chunks_counts_are_narrow_and_their_sums_exact_past_the_narrow_type() -> None:
    k = 200  # a chunk of 200 scenarios: counts up to 200 fit in uint8
    grade = np.zeros((k, 3), dtype=np.int64)  # every cadre graded 0 in every scenario
    rank = np.ones((k, 3), dtype=np.int64)
    flags = {"约谈": np.ones((k, 3), dtype=bool)}
    chunk = Tally.count(np.arange(k), rank, grade, grade, flags)
    assert chunk.cadre_grades.dtype == np.uint8
    assert chunk.grades.dtype == np.uint8
    assert chunk.flags["约谈"].dtype == np.uint8
    parts = [
        Tally.count(np.arange(i * k, (i + 1) * k), rank, grade, grade, flags) for i in range(3)
    ]
    merged = Tally.merge_all([Tally.empty(3, 3), *parts])
    assert merged.cadre_grades[:, 0].tolist() == [600, 600, 600]  # beyond uint8, exact
    assert merged.grades[:, 0].tolist() == [600, 600, 600]
    assert merged.flags["约谈"].tolist() == [600, 600, 600]
    assert merged.flags["约谈"].dtype == merged.cadre_grades.dtype == np.int64
    assert Tally.count([0], rank[:1] * 0 - 1, grade[:1], grade[:1], {}).grades.dtype == np.uint8


def test_rank_statistics_worked_by_hand() -> None:
    # unit 0 ranks 1, 1, 2, 4 (m = 4): median (1 + 2) / 2 = 1.5; p5 at index 3 * 0.05 =
    # 0.15, between 1 and 1: 1; p95 at index 2.85, between 2 and 4: 4 - 0.15 * 2 = 3.7
    # (computed from the upper rank, as numpy does); unit 1 never ranked: NaN
    keys = np.array([0, 1, 3])  # unit * 4 + rank - 1
    counts = np.array([2, 1, 1])
    median, low, high = rank_statistics(keys, counts, 4)
    assert median[0] == 1.5
    assert low[0] == 1.0
    assert high[0] == pytest.approx(3.7, abs=1e-12)
    assert high[0] == np.percentile([1.0, 1.0, 2.0, 4.0], 95)
    assert np.isnan([median[1], low[1], high[1]]).all()


def _draws(scheme: kaohe.Scheme, n: int) -> list[Scenario]:
    varied = [
        Draw.parse("supervision.cap=uniform(2,8)"),
        Draw.parse("satisfaction.weight.乡镇=uniform(0.05,0.5)"),
    ]
    return monte_carlo(scheme, varied, n, seed=11)


@pytest.mark.parametrize("chunk", [1, 4, 7, None])
def test_a_study_summary_counted_by_chunks_equals_the_outcome_in_memory(
    county_scheme: kaohe.Scheme, county_data: kaohe.Dataset, chunk: int | None, tmp_path: Path
) -> None:
    scenarios = _draws(county_scheme, 25)
    outcome = simulate(scenarios, county_data)
    expected = distribution(outcome)
    found = study(scenarios, county_data, chunk=chunk, parts=tmp_path).found
    for name in (
        "unit_grade_counts",
        "cadre_grade_counts",
        "median_rank",
        "rank_p5",
        "rank_p95",
        "grade_probability",
    ):
        assert np.array_equal(getattr(found, name), getattr(expected, name), equal_nan=True), name
    assert found.flag_frequency.keys() == expected.flag_frequency.keys()
    for flag, frequency in expected.flag_frequency.items():
        assert np.array_equal(found.flag_frequency[flag], frequency), flag
    _assert_parts_hold(outcome, sorted(tmp_path.iterdir()))


def _assert_parts_hold(outcome: Any, parts: list[Path]) -> None:
    """The Parquet parts hold every scenario's published results, exactly."""
    for kind, ids in (("unit", outcome.unit_ids), ("cadre", outcome.cadre_ids)):
        files = [p for p in parts if p.name.startswith(f"{kind}s-")]
        table = pa.concat_tables([pq.read_table(p) for p in files]).to_pydict()
        n = ids.shape[0]
        assert len(table["scenario"]) == outcome.n * n
        order = np.lexsort((np.asarray(table[f"{kind}_id"]), np.asarray(table["scenario"])))
        assert (
            np.asarray(table["scenario"])[order].tolist()
            == np.repeat(np.arange(1, outcome.n + 1), n).tolist()
        )
        assert np.asarray(table[f"{kind}_id"])[order].tolist() == np.tile(ids, outcome.n).tolist()
        score = np.asarray([np.nan if v is None else v for v in table["score"]])[order]
        assert np.array_equal(score, getattr(outcome, f"{kind}_score").ravel(), equal_nan=True)
        rank = np.asarray([-1 if v is None else v for v in table["rank"]])[order]
        assert np.array_equal(rank, getattr(outcome, f"{kind}_rank").ravel())
        for flag, mask in getattr(outcome, f"{kind}_flags").items():
            assert np.array_equal(np.asarray(table[f"flag_{flag}"])[order], mask.ravel()), flag


def test_parquet_grades_are_labels_and_missing_values_are_null(tmp_path: Path) -> None:
    from tests.test_whatif import tiny

    base, dataset = tiny()
    scenarios = [
        Scenario.baseline(base),
        Scenario.from_overrides(base, {"satisfaction.weight.乡镇": 0.4}),
    ]
    study(scenarios, dataset, parts=tmp_path)
    units = pq.read_table(tmp_path / "units-00000.parquet").to_pydict()
    # scores as test_whatif works them out by hand: 89.6, 88, 70, 95, then 87.2, 91, 70, 95
    assert units["scenario"] == [1, 1, 1, 1, 2, 2, 2, 2]
    assert units["unit_id"] == ["u1", "u2", "u3", "u4"] * 2
    assert units["score"] == [89.6, 88.0, 70.0, 95.0, 87.2, 91.0, 70.0, 95.0]
    assert units["rank"] == [2, 3, 4, 1, 3, 2, 4, 1]
    assert units["grade"] == ["良好", "良好", "一般", "优秀", "良好", "良好", "一般", "优秀"]
    cadres = pq.read_table(tmp_path / "cadres-00000.parquet")
    assert cadres.num_rows == 2 * dataset.cadre_ids.shape[0]


def test_cli_study_writes_parquet_parts_and_the_same_summary(tmp_path: Path) -> None:
    common = ["whatif", str(COUNTY), "--monte-carlo", "9", "--vary", "supervision.cap=uniform(2,8)"]
    plain = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "csv")])
    parts = CliRunner().invoke(
        main, [*common, "--chunk", "4", "--format", "parquet", "--out", str(tmp_path / "pq")]
    )
    assert plain.exit_code == 0, plain.output
    assert parts.exit_code == 0, parts.output
    names = sorted(p.name for p in (tmp_path / "pq").iterdir())
    assert [n for n in names if n.endswith(".parquet")] == [
        "cadres-00000.parquet",
        "cadres-00001.parquet",
        "cadres-00002.parquet",
        "units-00000.parquet",
        "units-00001.parquet",
        "units-00002.parquet",
    ]
    for name in ("units.csv", "scenarios.csv", "summary.json", "rank_intervals.svg"):
        assert (tmp_path / "pq" / name).read_bytes() == (tmp_path / "csv" / name).read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no spool left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--set", "supervision.cap=3", "--format", "parquet"), "--format parquet writes a study"),
        (
            ("--sweep", "supervision.cap=3,4", "--workers", "2", "--scheduler", "tcp://x:1"),
            "not both",
        ),
    ],
)
def test_cli_refuses_cluster_and_format_misuse(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = CliRunner().invoke(main, ["whatif", str(COUNTY), *args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "o").exists()


def test_cli_workers_without_dask_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    result = CliRunner().invoke(
        main,
        [
            "whatif",
            str(COUNTY),
            "--sweep",
            "supervision.cap=3,4",
            "--workers",
            "2",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "pip install 'kaohe[dask]'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_kaohe_and_a_study_never_import_dask(tmp_path: Path) -> None:
    program = f"""
import sys
import kaohe
from kaohe.cli import main
from kaohe.whatif import Draw, monte_carlo, study
scheme = kaohe.load_scheme({str(COUNTY)!r})
data = kaohe.load_data({str(COUNTY.with_suffix(""))!r}, scheme)
study(monte_carlo(scheme, [Draw.parse("supervision.cap=uniform(2,8)")], 5, seed=1), data)
try:
    main(["whatif", {str(COUNTY)!r}, "--sweep", "supervision.cap=3,4",
          "--out", {str(tmp_path / "o")!r}])
except SystemExit as done:
    assert done.code == 0, done.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
print("loaded:", loaded)
"""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "loaded: []"
    assert (tmp_path / "o" / "units.csv").is_file()
