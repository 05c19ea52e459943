"""The progress bar: drawn on a terminal, silent anywhere else, counting either way."""

from __future__ import annotations

import io
import sys

import click
import pytest
from click.testing import CliRunner

from kaohe.progress import progress


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
