"""What-if studies are counted and sized before they start; too large ones are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

import kaohe
from kaohe.cli import main
from kaohe.errors import OverrideError, StudyError
from kaohe.whatif import Axis, Draw
from kaohe.whatif.batch import CHUNK_BUDGET
from kaohe.whatif.limits import (
    ENTITY_BYTES,
    SCHEME_BYTES,
    check_chunk,
    default_max_scenarios,
    scenario_bytes,
    study_bytes,
)


def whatif(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["whatif", str(COUNTY), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_billion_monte_carlo_draws_are_refused_at_once() -> None:
    code, output = whatif("--monte-carlo", "1000000000", "--vary", "supervision.cap=uniform(8,12)")
    assert code == 1
    assert output.startswith("Error: a study of 1,000,000,000 scenarios would keep about ")
    assert "Split the study: run --monte-carlo " in output
    assert "several times with different --seed values, and combine the parts" in output


def test_a_sweep_is_counted_before_its_values_are_made() -> None:
    code, output = whatif(
        "--sweep", "supervision.cap=0:10:0.00000001", "--sweep", "criticism.cap=1,2"
    )
    assert code == 1
    assert "a study of 2,000,000,002 scenarios" in output
    assert "sweep fewer values per --sweep axis" in output


def test_max_scenarios_is_the_stated_limit(tmp_path: Path) -> None:
    code, output = whatif("--sweep", "supervision.cap=6:12:2", "--max-scenarios", "3")
    assert code == 1
    assert "a study of 4 scenarios" in output
    assert "the limit is 3 scenarios (--max-scenarios" in output
    args = ["--sweep", "supervision.cap=6:12:2", "--max-scenarios", "4", "--out"]
    code, output = whatif(*args, str(tmp_path / "o"))
    assert code == 0, output


@pytest.mark.parametrize(
    "spec", ["supervision.cap=0:inf:1", "supervision.cap=nan,1", "supervision.cap=0:1:0"]
)
def test_axes_that_are_not_finite_are_refused(spec: str) -> None:
    with pytest.raises(OverrideError, match="expected PATH=START:STOP:STEP or PATH=V1,V2"):
        Axis.count(spec)
    code, output = whatif("--sweep", spec)
    assert code == 1
    assert "expected PATH=START:STOP:STEP" in output


@pytest.mark.parametrize("spec", ["uniform(0,inf)", "uniform(nan,1)", "dirichlet(inf)"])
def test_draws_that_are_not_finite_are_refused(spec: str) -> None:
    with pytest.raises(OverrideError, match="PATH=uniform"):
        Draw.parse(f"supervision.cap={spec}")


def test_axis_count_matches_its_values() -> None:
    for spec in ("x=6:12:2", "x=0:1:0.1", "x=1,2,5", "x=3:3:1"):
        assert Axis.count(spec) == len(Axis.parse(spec).values)


def test_the_default_limit_is_half_the_memory_less_a_chunk(
    county_data: kaohe.Dataset,
) -> None:
    entities = len(county_data.unit_ids) + len(county_data.cadre_ids)
    each = SCHEME_BYTES + ENTITY_BYTES * entities
    assert scenario_bytes(county_data) == each == 24 * 1024 + 32 * 220
    assert study_bytes(10, county_data) == 10 * each
    memory = 24 * 1024**3
    assert default_max_scenarios(county_data, memory) == (memory // 2 - CHUNK_BUDGET) // each
    assert default_max_scenarios(county_data, 1024) == 1


def test_a_set_value_nested_too_deep_is_text_not_a_traceback() -> None:
    code, output = whatif("--set", "supervision.cap=" + "[" * 2000)
    assert code == 1
    assert "key 'supervision.cap': expected a number" in output


def test_a_chunk_too_large_for_the_memory_is_refused(county_data: kaohe.Dataset) -> None:
    code, output = whatif("--set", "supervision.cap=8", "--chunk", "1000000000")
    assert code == 1
    assert output.startswith("Error: --chunk 1000000000: scoring that many scenarios at once")
    check_chunk(1000, county_data, memory=8 * 1024**3)  # a county fits
    with pytest.raises(StudyError, match="give --chunk 3 or less"):
        check_chunk(4, county_data, memory=2 * 8 * (24 * 220 + 4 * 824) * 3)
