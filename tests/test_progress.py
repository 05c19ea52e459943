"""The progress bar: drawn on a terminal, silent anywhere else, counting either way."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.progress import Progress, progress
from kaohe.tables import installed_tables


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@click.command()
@click.option("--steps", type=int, default=7)
def long_run(steps: int) -> None:
    """A command that reports its progress step by step."""
    with progress(steps, "评分") as bar:
        for _ in range(steps):
            bar.update(1)
    click.echo(f"done {bar.done}/{bar.total} shown={bar.shown}")


def test_silent_under_clirunner_and_counts() -> None:
    result = CliRunner().invoke(long_run, ["--steps", "7"])
    assert result.exit_code == 0, result.output
    assert result.output == "done 7/7 shown=False\n"
    assert result.stderr == ""


def test_silent_when_stderr_is_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    with progress(100, "what-if") as bar:
        bar.update(40)
        bar.update(60)
    assert bar.done == 100
    assert stream.getvalue() == ""


def test_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    with progress(4, "方案") as bar:
        assert bar.shown
        bar.update(3)
        bar.update()
    assert bar.done == 4
    drawn = stream.getvalue()
    assert "方案" in drawn
    assert "100%" in drawn


def test_negative_steps_are_refused() -> None:
    with progress(3, "x") as bar, pytest.raises(ValueError, match="negative"):
        bar.update(-1)


class Recorded:
    """Every progress bar a command opens: its label, total and the steps it was told."""

    def __init__(self) -> None:
        self.bars: list[tuple[str, int, list[int]]] = []

    @contextlib.contextmanager
    def __call__(self, total: int, label: str) -> Iterator[Progress]:
        steps: list[int] = []
        self.bars.append((label, total, steps))
        bar = Progress(total)
        original = bar.update

        def update(n: int = 1) -> None:
            steps.append(n)
            original(n)

        bar.update = update  # type: ignore[method-assign]
        yield bar


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    import kaohe.cli.whatif
    import kaohe.progress

    bars = Recorded()
    monkeypatch.setattr(kaohe.progress, "progress", bars)
    monkeypatch.setattr(kaohe.cli.whatif, "progress", bars)
    return bars


def test_score_reports_loading_per_table_scoring_per_rule_writing_per_file(
    recorded: Recorded, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(COUNTY), "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    labels = [label for label, _, _ in recorded.bars]
    assert labels == ["loading", "scoring", "writing"]
    for label, total, steps in recorded.bars:
        assert sum(steps) == total, label
    loading = recorded.bars[0][2]
    files = len(list(COUNTY.with_suffix("").glob("*.csv")))
    assert loading[:files] == [1] * files  # one step per table file read
    assert recorded.bars[0][1] == len(installed_tables())
    writing = recorded.bars[2]
    assert writing[1] == len(list(out.iterdir())) == len(writing[2])


def test_a_study_reports_loading_chunks_and_writing(recorded: Recorded, tmp_path: Path) -> None:
    args = ["whatif", str(COUNTY), "--monte-carlo", "10", "--chunk", "4"]
    args += ["--vary", "supervision.cap=uniform(8,12)", "--out", str(tmp_path / "mc")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert [label for label, _, _ in recorded.bars] == ["loading", "scoring scenarios", "writing"]
    assert recorded.bars[1][2] == [4, 4, 2]  # per chunk
    for label, total, steps in recorded.bars:
        assert sum(steps) == total, label
