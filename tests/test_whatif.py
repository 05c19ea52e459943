"""What-if simulation: a batch equals separate runs; scenarios, studies and the CLI."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from benchmarks.generate import generate
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.bridge import columns, registry
from tests.cases import data, scheme
from tests.conftest import COUNTY
from tests.test_differential import ALL_RULES, scheme_document

import kaohe
from kaohe.cli import main
from kaohe.errors import OverrideError
from kaohe.tables_out import adjustment_rows, cadre_rows, freeze_rows, unit_rows
from kaohe.whatif import (
    Axis,
    Draw,
    Scenario,
    compare,
    decompose,
    distribution,
    monte_carlo,
    parse_assignment,
    simulate,
    sweep,
)
from kaohe.whatif.batch import outcome_of, scenarios_per_chunk

#: Numeric parameters of every reference rule, with ranges to draw from.
NUMBERS = {
    "satisfaction.weight.乡镇": (0.0, 0.6),
    "satisfaction.group_weights.企业": (0.05, 1.0),
    "satisfaction.response_values.basic": (0.0, 1.0),
    "supervision.cap": (0.5, 15.0),
    "supervision.on_time_factor": (0.0, 1.0),
    "supervision.overdue_points": (0.0, 3.0),
    "supervision.severity_points.较重": (0.0, 3.0),
    "supervision.exposure_points.市": (0.0, 4.0),
    "criticism.cap": (0.5, 10.0),
    "criticism.points.县": (0.0, 3.0),
    "criticism.interview_points": (0.0, 2.0),
    "awards.cap": (0.0, 5.0),
    "awards.points.省": (0.0, 4.0),
    "tolerance.mitigation_factor": (0.0, 1.0),
    "unit_grading.excellent_quota": (0.0, 1.0),
    "unit_grading.thresholds.良好": (60.0, 90.0),
    "cadre_score.appraisal_weight.staff": (0.1, 1.0),
    "cadre_score.unit_weight.head": (0.0, 1.0),
    "cadre_score.appraisal_values.competent": (50.0, 100.0),
    "exams.weight.middle": (0.0, 1.0),
    "attendance.absent_day_points": (0.0, 3.0),
    "attendance.cap": (0.0, 10.0),
    "cadre_grading.excellent_quota": (0.0, 1.0),
    "cadre_grading.excellent_quota_excellent_unit": (0.0, 1.0),
    "cadre_grading.thresholds.称职": (60.0, 85.0),  # between 基本称职 (60) and 优秀 (90)
}


def assert_batch_equals_separate(
    scenarios: list[Scenario], dataset: kaohe.Dataset, chunk: int
) -> None:
    outcome = simulate(scenarios, dataset, chunk=chunk)
    for index, scenario in enumerate(scenarios):
        alone = outcome_of(kaohe.evaluate(scenario.scheme, dataset))
        for name, values in alone.items():
            got = getattr(outcome, name)[index]
            assert np.array_equal(got, values[0], equal_nan=True), (scenario.name, name)
        single = kaohe.evaluate(scenario.scheme, dataset)
        for flag, mask in single.units.flags.items():
            assert np.array_equal(outcome.unit_flags[flag][index], mask[0]), (scenario.name, flag)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_=st.data(), seed=st.integers(0, 5000))
def test_a_batch_gives_exactly_what_separate_runs_give(data_: Any, seed: int) -> None:
    base = kaohe.Scheme.from_dict(scheme_document(ALL_RULES), registry())
    dataset = kaohe.data_from_columns(
        generate(n_units=12, n_cadres=90, n_ledger=150, seed=seed), base
    )
    scenarios = [Scenario.baseline(base)]
    for _ in range(data_.draw(st.integers(1, 5), label="scenarios")):
        chosen = data_.draw(
            st.lists(st.sampled_from(sorted(NUMBERS)), min_size=1, max_size=4, unique=True)
        )
        changes: dict[str, object] = {
            path: data_.draw(st.floats(*NUMBERS[path]).map(lambda x: round(x, 4)), label=path)
            for path in chosen
        }
        off = data_.draw(
            st.lists(st.sampled_from(["awards", "veto", "tolerance", "exams"]), max_size=1)
        )
        scenarios.append(Scenario.from_overrides(base, changes, off=off))
    assert_batch_equals_separate(
        scenarios, dataset, chunk=data_.draw(st.integers(1, 4), label="chunk")
    )


def test_a_batch_that_moves_few_cadres_or_their_thresholds_equals_separate_runs() -> None:
    """Unit parameters move only heads and leaders (the merged order and per-column
    grading); moved thresholds change who is eligible in every unit as well."""
    base = kaohe.load_scheme(COUNTY, registry())
    dataset = kaohe.load_data(COUNTY.with_suffix(""), base)
    rng = np.random.default_rng(7)
    scenarios = [Scenario.baseline(base)]
    for weight in rng.uniform(0.05, 0.6, 6):
        scenarios.append(Scenario.from_overrides(base, {"satisfaction.weight.乡镇": weight}))
    for lowest in (80.0, 85.0, 88.5):
        changes = {"satisfaction.weight.乡镇": 0.3, "cadre_grading.thresholds.优秀": lowest}
        scenarios.append(Scenario.from_overrides(base, changes))
    for chunk in (2, 5, len(scenarios)):
        assert_batch_equals_separate(scenarios, dataset, chunk=chunk)


def test_every_reference_scheme_batches_like_separate_runs() -> None:
    for path in sorted(COUNTY.parent.glob("*.toml")):
        base = kaohe.load_scheme(path, registry())
        dataset = kaohe.load_data(path.with_suffix(""), base)
        rule = "criticism" if "criticism" in base.enabled else "supervision"
        scenarios = [Scenario.baseline(base)] + [
            Scenario.from_overrides(base, {f"{rule}.cap": cap}) for cap in (0.5, 2.0, 3.5)
        ]
        assert_batch_equals_separate(scenarios, dataset, chunk=2)


@pytest.mark.parametrize("name", ["dongli-2018", "street-2016", "bureau-2016"])
def test_an_evaluation_leaves_no_reference_cycles(name: str) -> None:
    """A batch's arrays are freed when its results go, without the garbage collector
    (simulate only collects the young generations between chunks)."""
    path = COUNTY.parent / f"{name}.toml"
    base = kaohe.load_scheme(path, registry())
    dataset = kaohe.load_data(path.with_suffix(""), base)
    schemes = [base, base.with_overrides({"supervision.cap": 3.0})]
    warm = kaohe.evaluate_batch(schemes, dataset)  # first calls may fill caches
    kaohe.explain(warm.scenario(1), str(dataset.unit_ids[0]))
    del warm
    gc.collect()
    gc.disable()
    try:
        results = kaohe.evaluate_batch(schemes, dataset)
        kaohe.explain(results.scenario(1), str(dataset.unit_ids[0]))  # text made too
        del results
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_batch_of_outcomes_only_gives_the_same_outcomes_without_the_score_parts() -> None:
    """What a study keeps is the same; only the cadre score's parts are not made."""
    base = kaohe.load_scheme(COUNTY, registry())
    dataset = kaohe.load_data(COUNTY.with_suffix(""), base)
    schemes = [base] + [
        base.with_overrides({"cadre_score.appraisal_weight.staff": weight, "supervision.cap": cap})
        for weight, cap in ((0.3, 4.0), (0.95, 12.0), (0.55, 0.5))
    ]
    full = kaohe.evaluate_batch(schemes, dataset)
    bare = kaohe.evaluate_batch(schemes, dataset, outcomes_only=True)
    for results in (full, bare):
        assert results.cadres.score.shape == (4, dataset.cadre_ids.shape[0])
    for group in ("units", "cadres"):
        for name in ("score", "rank", "grade", "reason"):
            expected = getattr(getattr(full, group), name)
            got = getattr(getattr(bare, group), name)
            assert got.dtype == expected.dtype
            assert np.array_equal(got, expected, equal_nan=True), (group, name)
        expected_flags = getattr(full, group).flags
        assert getattr(bare, group).flags.keys() == expected_flags.keys()
        for flag, mask in expected_flags.items():
            assert np.array_equal(getattr(bare, group).flags[flag], mask), (group, flag)
    parts = {"民主测评", "单位得分"}
    components = [block for block in full.adjustments if block.kind == "component"]
    assert parts <= {str(block.note) for block in components}
    assert max(block.points.shape[0] for block in components) == 4  # staff cadres move
    assert not [block for block in bare.adjustments if block.kind == "component"]
    others = [block for block in full.adjustments if block.kind != "component"]
    assert len(bare.adjustments) == len(others)
    for got, expected in zip(bare.adjustments, others, strict=True):
        assert (got.rule, got.kind) == (expected.rule, expected.kind)
        assert np.array_equal(got.index, expected.index)
        assert np.array_equal(got.points, expected.points)


def test_one_scenario_of_a_batch_writes_what_its_own_run_writes() -> None:
    base = kaohe.load_scheme(COUNTY, registry())
    dataset = kaohe.load_data(COUNTY.with_suffix(""), base)
    schemes = [base, base.with_overrides({"satisfaction.weight.乡镇": 0.35})]
    batch = kaohe.evaluate_batch(schemes, dataset)
    for index, one in enumerate(schemes):
        alone = kaohe.evaluate(one, dataset)
        for rows in (unit_rows, cadre_rows, adjustment_rows, freeze_rows):
            header, got = rows(batch.scenario(index))
            assert (header, [c.tolist() for c in got]) == (
                rows(alone)[0],
                [c.tolist() for c in rows(alone)[1]],
            ), (index, rows.__name__)


def test_chunks_keep_small_data_in_cache_and_large_data_in_memory() -> None:
    # W1: 5,150 units and cadres: 16 MiB / (8 * 5,150) = 407 scenarios per chunk
    assert scenarios_per_chunk(5_150, 60_000) == 407
    # W2: too many entities to cache; 2 GiB / (8 * (24 * 1,020,000 + 4 * 12,000,000)) = 3
    assert scenarios_per_chunk(1_020_000, 12_000_000) == 3
    # a budget smaller than one scenario still evaluates one at a time
    assert scenarios_per_chunk(5_150, 60_000, budget=1) == 1
    # a tiny county: the memory budget is far away, the cache bound holds
    assert scenarios_per_chunk(40, 300) == 16 * 1024**2 // (8 * 40)


def tiny() -> tuple[kaohe.Scheme, kaohe.Dataset]:
    doc = scheme(satisfaction={"weight": {"乡镇": 0.2, "县级部门": 0.2}}, unit_grading={})
    tables = data(
        [("u1", "乡镇", 92.0), ("u2", "乡镇", 85.0), ("u3", "乡镇", 70.0), ("u4", "乡镇", 95.0)],
        surveys=[
            {"unit_id": "u1", "group": "服务对象", "satisfied": 5, "basic": 5, "unsatisfied": 0},
            {"unit_id": "u2", "group": "服务对象", "satisfied": 10, "basic": 0, "unsatisfied": 0},
        ],
    )
    the_scheme = kaohe.Scheme.from_dict(doc, registry())
    return the_scheme, kaohe.data_from_columns(columns(tables), the_scheme)


def test_compare_says_who_moves_and_who_changes_grade() -> None:
    base, dataset = tiny()
    # w = 0.2: u1 C = 0.8*92 + 0.2*80 = 89.6 (良好); u2 C = 0.8*85 + 20 = 88 (良好)
    # w = 0.4: u1 C = 0.6*92 + 0.4*80 = 87.2; u2 C = 0.6*85 + 40 = 91 -> 优秀 (quota 0.3*4 = 1:
    # u4 95 takes the one place first, so u2 stays 良好 by quota)
    raised = Scenario.from_overrides(base, {"satisfaction.weight.乡镇": 0.4})
    outcome = simulate([Scenario.baseline(base), raised], dataset)
    result = compare(outcome, 1)
    assert result.units["score_before"].tolist() == [89.6, 88.0, 70.0, 95.0]
    assert result.units["score_after"].tolist() == [87.2, 91.0, 70.0, 95.0]
    assert result.units["rank_after"].tolist() == [3, 2, 4, 1]
    assert result.summary["units"] == {
        "score_up": 1,
        "score_down": 1,
        "rank_up": 1,
        "rank_down": 1,
        "grade_changed": 0,
        "flags_changed": 0,
    }
    quota_up = Scenario.from_overrides(
        base, {"satisfaction.weight.乡镇": 0.4, "unit_grading.excellent_quota": 0.5}
    )
    second = compare(simulate([Scenario.baseline(base), quota_up], dataset), 1)
    assert second.grade_changes() == ["单位 u2 单位u2: 良好 -> 优秀 (得分 88.00 -> 91.00)"]
    assert second.units["flags_gained"].tolist() == ["", "通报表扬", "", ""]


def test_decomposition_splits_a_change_alone_and_cumulatively() -> None:
    base, dataset = tiny()
    overrides = {"satisfaction.weight.乡镇": 0.4, "unit_grading.excellent_quota": 0.5}
    parts = decompose(base, overrides, dataset)
    assert parts.overrides == ("satisfaction.weight.乡镇=0.4", "unit_grading.excellent_quota=0.5")
    np.testing.assert_allclose(parts.alone[0], [-2.4, 3.0, 0.0, 0.0])
    np.testing.assert_allclose(parts.alone[1], [0.0, 0.0, 0.0, 0.0])  # a quota moves no score
    np.testing.assert_allclose(parts.cumulative[1], [-2.4, 3.0, 0.0, 0.0])


def test_sweep_is_a_grid_and_distribution_counts_grades() -> None:
    base, dataset = tiny()
    axes = [
        Axis.parse("satisfaction.weight.乡镇=0:0.4:0.2"),
        Axis.parse("unit_grading.excellent_quota=0.3,0.5"),
    ]
    assert axes[0].values == (0.0, 0.2, 0.4)
    scenarios = sweep(base, axes)
    assert len(scenarios) == 6
    assert scenarios[5].name == "satisfaction.weight.乡镇=0.4; unit_grading.excellent_quota=0.5"
    found = distribution(simulate(scenarios, dataset))
    assert found.unit_grade_counts.sum(axis=1).tolist() == [4] * 6
    # u4 (95, no survey) is 优秀 with rank 1 in every scenario
    assert found.grade_probability[3].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert (found.median_rank[3], found.rank_p5[3], found.rank_p95[3]) == (1.0, 1.0, 1.0)


def test_monte_carlo_repeats_exactly_from_its_seed_and_dirichlet_keeps_the_sum() -> None:
    base, _ = tiny()
    draws = [
        Draw.parse("satisfaction.group_weights=dirichlet(50)"),
        Draw.parse("supervision.cap=uniform(5,10)"),
    ]
    with pytest.raises(OverrideError, match=r"supervision\.cap"):
        monte_carlo(base, draws, 3, seed=7)  # supervision is not enabled in this scheme
    draws = draws[:1]
    first = monte_carlo(base, draws, 5, seed=7)
    again = monte_carlo(base, draws, 5, seed=7)
    other = monte_carlo(base, draws, 5, seed=8)
    assert [(s.name, s.draw, s.label()) for s in first[:2]] == [
        ("draw 1", 1, "第 1 次抽样"),
        ("draw 2", 2, "第 2 次抽样"),
    ]
    weights = [s.scheme.param("satisfaction", "group_weights") for s in first]
    assert weights == [s.scheme.param("satisfaction", "group_weights") for s in again]
    assert weights != [s.scheme.param("satisfaction", "group_weights") for s in other]
    for drawn in weights:
        assert sum(drawn.values()) == pytest.approx(1.0)
        assert set(drawn) == {"服务对象", "企业", "人大代表", "政协委员"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("satisfaction.weight.乡镇", "PATH=VALUE"),
        ("=0.2", "PATH=VALUE"),
    ],
)
def test_bad_assignments_are_refused(text: str, expected: str) -> None:
    with pytest.raises(OverrideError, match=expected):
        parse_assignment(text)


@pytest.mark.parametrize(
    "text", ["supervision.cap=1:0:1", "supervision.cap=a,b", "supervision.cap=1:2"]
)
def test_bad_sweeps_are_refused(text: str) -> None:
    with pytest.raises(OverrideError, match="START:STOP:STEP"):
        Axis.parse(text)


@pytest.mark.parametrize(
    "text", ["x=normal(0,1)", "x=uniform(2,1)", "x=dirichlet(0)", "x=uniform(1"]
)
def test_bad_distributions_are_refused(text: str) -> None:
    with pytest.raises(OverrideError, match="uniform"):
        Draw.parse(text)


def test_parse_assignment_reads_toml_values() -> None:
    assert parse_assignment("supervision.cap=8") == ("supervision.cap", 8)
    assert parse_assignment("awards.enabled=false") == ("awards.enabled", False)
    assert parse_assignment("serious_units.criticism_min_level=市") == (
        "serious_units.criticism_min_level",
        "市",
    )


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["whatif", str(COUNTY), *args])
    return result.exit_code, result.output


@pytest.mark.usefixtures("chinese")
def test_cli_answers_who_changes_grade(tmp_path: Path) -> None:
    code, output = run("--set", "satisfaction.weight.乡镇=0.35", "--out", str(tmp_path / "o"))
    assert code == 0, output
    assert "方案变化: satisfaction.weight.乡镇=0.35" in output
    assert "单位 XZ08 河坝乡: 较差 -> 一般 (得分 58.69 -> 60.55)" in output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text("utf-8"))
    assert summary["units"]["grade_changed"] == 1
    units = (tmp_path / "o" / "units.csv").read_text("utf-8-sig").splitlines()
    assert units[0].startswith("id,name,category,score_before,score_after,rank_before")


def test_cli_prints_the_load_warnings_that_score_prints(tmp_path: Path) -> None:
    scored = CliRunner().invoke(main, ["score", str(COUNTY), "--out", str(tmp_path / "s")])
    tried = CliRunner().invoke(
        main, ["whatif", str(COUNTY), "--set", "supervision.cap=8", "--out", str(tmp_path / "w")]
    )
    assert (scored.exit_code, tried.exit_code) == (0, 0), tried.output
    warnings = [line for line in scored.stderr.splitlines() if line.startswith("warning: ")]
    assert any("supervision.taxonomy" in line for line in warnings)
    assert [line for line in tried.stderr.splitlines() if line.startswith("warning: ")] == warnings
    assert "warning: " not in tried.stdout


def test_cli_decomposes_several_overrides(tmp_path: Path) -> None:
    code, output = run(
        "--set",
        "satisfaction.weight.乡镇=0.35",
        "--set",
        "supervision.cap=8",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 0, output
    lines = (tmp_path / "o" / "decomposition.csv").read_text("utf-8-sig").splitlines()
    assert lines[0] == "unit_id,override,alone,cumulative"
    assert len(lines) == 1 + 2 * 20


@pytest.mark.usefixtures("chinese")
def test_cli_sweep_and_monte_carlo_write_tables_and_charts(tmp_path: Path) -> None:
    code, output = run(
        "--sweep", "satisfaction.weight.乡镇=0:0.5:0.25", "--out", str(tmp_path / "s")
    )
    assert code == 0, output
    assert "3 个情景" in output
    for name in (
        "scenarios.csv",
        "units.csv",
        "summary.json",
        "rank_intervals.svg",
        "grade_shares.svg",
    ):
        assert (tmp_path / "s" / name).is_file()
    svg = (tmp_path / "s" / "rank_intervals.svg").read_text("utf-8")
    assert svg.startswith("<svg")
    assert "城关镇" in svg
    first = run(
        "--monte-carlo",
        "4",
        "--vary",
        "supervision.cap=uniform(5,10)",
        "--seed",
        "3",
        "--out",
        str(tmp_path / "m1"),
    )
    second = run(
        "--monte-carlo",
        "4",
        "--vary",
        "supervision.cap=uniform(5,10)",
        "--seed",
        "3",
        "--out",
        str(tmp_path / "m2"),
    )
    assert first[0] == 0, first[1]
    assert second[0] == 0, second[1]
    assert (tmp_path / "m1" / "units.csv").read_bytes() == (
        tmp_path / "m2" / "units.csv"
    ).read_bytes()
    # a draw keeps its id in scenarios.csv; the workbook, for people, names it in Chinese
    csv_rows = (tmp_path / "m1" / "scenarios.csv").read_text("utf-8-sig").splitlines()
    assert [row.split(",")[:2] for row in csv_rows[:3]] == [
        ["scenario", "name"],
        ["1", "draw 1"],
        ["2", "draw 2"],
    ]
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(tmp_path / "m1" / "results.xlsx")["情景"]
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert names[-4:] == ["第 1 次抽样", "第 2 次抽样", "第 3 次抽样", "第 4 次抽样"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 2, "say what to change"),
        (("--monte-carlo", "3"), 2, "--monte-carlo needs at least one --vary"),
        (("--vary", "supervision.cap=uniform(1,2)"), 2, "--vary needs --monte-carlo"),
        (("--set", "supervision.capp=3"), 1, "supervision.capp"),
        (("--set", "supervision.cap=high"), 1, "expected a number >= 0"),
        (("--off", "nosuchrule"), 1, "nosuchrule"),
    ],
)
def test_cli_refuses_bad_requests(
    tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    got, output = run(*args, "--out", str(tmp_path / "o"))
    assert got == code, output
    assert message in output
    assert not (tmp_path / "o").exists()


#: Parameters that move whole roles of cadres (every staff cadre, every head), their
#: unit link, parts and deductions: the cadre score's per-role paths.
CADRE_NUMBERS = {
    "cadre_score.appraisal_weight.staff": (0.0, 1.0),
    "cadre_score.appraisal_weight.head": (0.0, 1.0),
    "cadre_score.unit_weight.head": (0.0, 1.0),
    "cadre_score.unit_weight.middle": (0.0, 0.5),
    "cadre_score.appraisal_values.basic": (30.0, 90.0),
    "exams.weight.middle": (0.0, 1.0),
    "attendance.absent_day_points": (0.0, 3.0),
    "attendance.cap": (0.0, 10.0),
    "satisfaction.group_weights.企业": (0.05, 1.0),
    "supervision.cap": (0.5, 15.0),
}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_=st.data(), seed=st.integers(0, 5000))
def test_a_batch_that_moves_whole_roles_of_cadres_equals_separate_runs(
    data_: Any, seed: int
) -> None:
    """Scenarios that move every cadre of a role (the full per-scenario sort), some
    roles only, or only deductions: each scenario as its own run gives it."""
    base = kaohe.Scheme.from_dict(scheme_document(ALL_RULES), registry())
    dataset = kaohe.data_from_columns(
        generate(n_units=10, n_cadres=120, n_ledger=150, seed=seed), base
    )
    chosen = data_.draw(
        st.lists(st.sampled_from(sorted(CADRE_NUMBERS)), min_size=1, max_size=3, unique=True)
    )
    scenarios = [Scenario.baseline(base)]
    for _ in range(data_.draw(st.integers(2, 5), label="scenarios")):
        changes: dict[str, object] = {
            path: data_.draw(st.floats(*CADRE_NUMBERS[path]).map(lambda x: round(x, 3)), label=path)
            for path in chosen
        }
        scenarios.append(Scenario.from_overrides(base, changes))
    assert_batch_equals_separate(
        scenarios, dataset, chunk=data_.draw(st.integers(2, 6), label="chunk")
    )
