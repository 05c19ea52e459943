"""A progress bar for long runs (large data, what-if studies) that is silent off a terminal.

:func:`progress` is a context manager yielding a :class:`Progress`; call
:meth:`Progress.update` with the number of steps done since the last call.
On a terminal (``sys.stderr.isatty()``) it draws a :func:`click.progressbar`
on standard error; otherwise (pipes, log files, CI, ``CliRunner``) it
writes nothing at all, not even the label. Either way ``done`` counts the
steps reported.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class Progress:
    """Counts steps and, when drawing, advances the bar."""

    def __init__(self, total: int, bar: ProgressBar[int] | None = None) -> None:
        self.total = total
        self.done = 0
        self._bar = bar

    @property
    def shown(self) -> bool:
        """Whether a bar is drawn (standard error is a terminal)."""
        return self._bar is not None

    def update(self, n: int = 1) -> None:
        """Record ``n`` more steps done (``n >= 0``)."""
        if n < 0:
            raise ValueError(f"progress: steps done must not be negative, got {n}")
        self.done += n
        if self._bar is not None:
            self._bar.update(n)


@contextmanager
def progress(total: int, label: str) -> Iterator[Progress]:
    """A progress bar of ``total`` steps titled ``label`` on standard error, if it is a terminal.

    The bar is drawn only when ``sys.stderr.isatty()``; it is finished and
    its line ended when the block exits, also on an error.
    """
    stream = sys.stderr
    if not stream.isatty():
        yield Progress(total)
        return
    with click.progressbar(length=total, label=label, file=stream, show_eta=True) as bar:
        yield Progress(total, bar)
