"""What-if studies on a local Dask cluster of 2 worker processes give what one process gives.

Sweeps and Monte Carlo studies, several chunk sizes, the result folders of
the command line byte for byte, and a worker killed in the middle of a
study: Dask runs its chunks again and nothing changes.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

import kaohe
from kaohe.cli import main
from kaohe.errors import ClusterError, KaoheError
from kaohe.plugins import Registry
from kaohe.whatif import Axis, Draw, Scenario, monte_carlo, simulate, study, sweep
from kaohe.whatif.batch import Outcome

distributed = pytest.importorskip("distributed")  # installed by tox (the dask extra)
cluster = pytest.importorskip("kaohe.whatif.cluster")

OUTCOME_ARRAYS = (
    "unit_score",
    "unit_rank",
    "unit_grade",
    "cadre_score",
    "cadre_rank",
    "cadre_grade",
)


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """A local cluster of 2 worker processes, one thread each, for this module."""
    with cluster.connect(workers=2) as connected:
        yield connected


def assert_same_outcome(got: Outcome, expected: Outcome) -> None:
    for name in OUTCOME_ARRAYS:
        assert np.array_equal(getattr(got, name), getattr(expected, name), equal_nan=True), name
    for kind in ("unit_flags", "cadre_flags"):
        assert getattr(got, kind).keys() == getattr(expected, kind).keys()
        for flag, mask in getattr(expected, kind).items():
            assert np.array_equal(getattr(got, kind)[flag], mask), flag


def _studies(scheme: kaohe.Scheme) -> dict[str, list[Scenario]]:
    grid = [Axis.parse("supervision.cap=2:8:2"), Axis.parse("unit_grading.excellent_quota=0.2,0.4")]
    varied = [
        Draw.parse("satisfaction.group_weights=dirichlet(30)"),
        Draw.parse("criticism.cap=uniform(1,6)"),
    ]
    # a study whose scenarios differ in structure too: two structure groups
    off = [Scenario.from_overrides(scheme, {"awards.cap": 1.0}, off=["awards"])]
    return {
        "sweep": sweep(scheme, grid) + off,
        "monte-carlo": monte_carlo(scheme, varied, 13, seed=5),
    }


@pytest.mark.parametrize("chunk", [1, 3, None])
@pytest.mark.parametrize("kind", ["sweep", "monte-carlo"])
@pytest.mark.parametrize("sent", ["mapped", "scattered"])
def test_simulate_on_a_cluster_equals_one_process(
    client: object,
    county_scheme: kaohe.Scheme,
    county_data: kaohe.Dataset,
    kind: str,
    chunk: int | None,
    sent: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # local workers map the data from a file; workers elsewhere get it scattered
    monkeypatch.setattr(cluster, "_all_local", lambda _: sent == "mapped")
    scenarios = _studies(county_scheme)[kind]
    expected = simulate(scenarios, county_data, chunk=chunk)
    seen: list[int] = []
    got = simulate(scenarios, county_data, chunk=chunk, client=client, progress=seen.append)
    assert sum(seen) == len(scenarios)
    assert_same_outcome(got, expected)


@pytest.mark.parametrize("chunk", [2, 5])
def test_a_study_on_a_cluster_writes_the_same_parts(
    client: object,
    county_scheme: kaohe.Scheme,
    county_data: kaohe.Dataset,
    tmp_path: Path,
    chunk: int,
) -> None:
    scenarios = _studies(county_scheme)["monte-carlo"]
    alone = study(scenarios, county_data, chunk=chunk, parts=tmp_path / "alone")
    spread = study(scenarios, county_data, chunk=chunk, parts=tmp_path / "spread", client=client)
    assert [p.name for p in spread.parts] == [p.name for p in alone.parts]
    for mine, theirs in zip(alone.parts, spread.parts, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name
    assert np.array_equal(spread.found.rank_p95, alone.found.rank_p95, equal_nan=True)
    assert np.array_equal(spread.found.cadre_grade_counts, alone.found.cadre_grade_counts)


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


@pytest.mark.parametrize(
    "study_args",
    [
        ("--sweep", "supervision.cap=2:8:3", "--sweep", "criticism.cap=2,5"),
        ("--monte-carlo", "11", "--vary", "supervision.cap=uniform(2,8)", "--seed", "4"),
    ],
)
def test_cli_on_local_workers_writes_the_same_files(
    tmp_path: Path, study_args: tuple[str, ...]
) -> None:
    common = ["whatif", str(COUNTY), *study_args, "--chunk", "3", "--format", "parquet"]
    alone = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "alone")])
    spread = CliRunner().invoke(
        main, [*common, "--workers", "2", "--out", str(tmp_path / "spread")]
    )
    assert alone.exit_code == 0, alone.output
    assert spread.exit_code == 0, spread.output
    assert spread.output.replace("spread", "alone") == alone.output
    assert _folder(tmp_path / "spread") == _folder(tmp_path / "alone")


def test_a_worker_killed_in_the_middle_changes_nothing(
    county_scheme: kaohe.Scheme, county_data: kaohe.Dataset
) -> None:
    scenarios = _studies(county_scheme)["monte-carlo"] * 4  # 52 scenarios, one task each
    expected = simulate(scenarios, county_data, chunk=1)
    killed: list[int] = []
    lost: list[int] = []
    done: list[int] = []

    with cluster.connect(workers=2) as own:
        pids = own.run(os.getpid)

        def kill_a_busy_worker(k: int) -> None:
            done.append(k)
            if killed:
                return
            # after the first chunk comes back: kill the worker with the most chunks
            # running or computed and not yet gathered; they are lost with it and
            # Dask must run them again elsewhere
            running = own.processing()
            stored = own.has_what()
            busy = {
                address: sum(
                    str(key).startswith("kaohe-chunk-")
                    for key in (*running.get(address, ()), *stored.get(address, ()))
                )
                for address in pids
            }
            victim = max(busy, key=lambda address: busy[address])
            lost.append(busy[victim])
            os.kill(pids[victim], signal.SIGKILL)
            killed.append(pids[victim])

        got = simulate(scenarios, county_data, chunk=1, client=own, progress=kill_a_busy_worker)
        after = own.run(os.getpid)
    assert killed
    assert killed[0] not in after.values()  # the worker did die mid-study
    assert lost[0] > 0  # holding work that had to be done again,
    assert sum(done) == len(scenarios)  # every chunk came back once
    assert_same_outcome(got, expected)  # with the same values


def test_an_unreachable_scheduler_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    result = CliRunner().invoke(
        main,
        [
            "whatif",
            str(COUNTY),
            "--sweep",
            "supervision.cap=3,4",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert not (tmp_path / "o").exists()
    with (
        pytest.raises(ClusterError, match="either a scheduler address or a number"),
        cluster.connect(),
    ):
        pass


def test_workers_map_one_copy_of_the_data_read_only(
    county_data: kaohe.Dataset, tmp_path: Path
) -> None:
    spooled = cluster.Spooled.write(county_data, tmp_path)
    mapped = spooled.load()
    assert spooled.load() is mapped  # once per process
    for name, table in county_data.tables.items():
        for column, values in table.columns.items():
            got = mapped.tables[name].columns[column]
            assert np.array_equal(got, values) or np.array_equal(got, values, equal_nan=True)
            if not got.flags.owndata:  # mapped from the file (dates travel in the pickle)
                assert not got.flags.writeable, (name, column)
    assert not mapped.cadre_ids.flags.owndata  # the file's pages, shared
    assert kaohe.evaluate(kaohe.load_scheme(COUNTY), mapped).units.score.tolist() == (
        kaohe.evaluate(kaohe.load_scheme(COUNTY), county_data).units.score.tolist()
    )


def test_an_installed_registry_travels_and_a_programs_does_not() -> None:
    installed = Registry.installed()
    again = pickle.loads(pickle.dumps(installed))
    assert again.names() == installed.names()
    assert pickle.loads(pickle.dumps(installed)) is again  # built once per process
    programs = Registry.from_plugin_manager(kaohe.get_plugin_manager())
    with pytest.raises(KaoheError, match="cannot be sent to other processes"):
        pickle.dumps(programs)
