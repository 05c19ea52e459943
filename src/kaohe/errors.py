"""Every exception kaohe raises on purpose.

All of them derive from :class:`KaoheError`; the CLI turns any of them into
a one-paragraph message and exit code 1. Each message names where the
problem is (file, row or key) and what was expected, so that an official can
fix the input without reading code.
"""

from __future__ import annotations

from collections.abc import Sequence


class KaoheError(Exception):
    """Base class: a problem with the user's input, scheme or plugins."""


class SchemeError(KaoheError):
    """A scheme file is malformed, or a key, type or value in it is wrong.

    ``source`` is the scheme file, ``key`` the dotted key path
    (``supervision.cap``), ``expected`` what would have been accepted.
    """

    def __init__(self, source: str, key: str, expected: str, got: object = None) -> None:
        self.source = source
        self.key = key
        self.expected = expected
        self.got = got
        where = f"{source}: key '{key}'" if key else source
        message = f"{where}: expected {expected}"
        if got is not None:
            message += f", got {got!r}"
        super().__init__(message)


class OverrideError(SchemeError):
    """A what-if override names a path that does not exist or has a wrong type."""


class DataError(KaoheError):
    """An input table is missing, malformed or inconsistent.

    ``source`` is the file (or sheet, or ``<memory>:table``), ``row`` the
    line or sheet row of the offending record when there is one, ``column``
    the column (its header as the user wrote it) when there is one.

    A load reports every problem it finds in one pass: ``problems`` holds
    them all (at most :data:`kaohe.data.problems.LIMIT`, in file and row
    order; ``more`` counts those left out), and ``source``, ``row`` and
    ``column`` are those of the first. The message lists every problem, one
    per line, each naming its file, row and column.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.source = source
        self.row = row
        self.column = column
        self.reason = message
        self.problems: tuple[DataError, ...] = (self,)
        self.more = 0
        super().__init__(self.where + ": " + message)

    @property
    def where(self) -> str:
        """``source, row N, column 'C'``: where the problem is."""
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return where

    @classmethod
    def of(cls, problems: Sequence[DataError], more: int = 0) -> DataError:
        """One error for several ``problems`` (at least one), ``more`` others not listed."""
        first = problems[0]
        if len(problems) == 1 and not more:
            return first
        error = cls(first.source, first.reason, row=first.row, column=first.column)
        error.problems = tuple(problems)
        error.more = more
        lines = [str(problem) for problem in problems]
        if more:
            lines.append(f"... and {more} more problem{'s' if more > 1 else ''} not listed")
        error.args = ("\n".join(lines),)
        return error


class RuleGraphError(KaoheError):
    """The enabled rules cannot be ordered: a conflict, a cycle or a missing input."""


class PluginError(KaoheError):
    """A plugin failed: it raised, or returned values of the wrong shape, type or with NaN.

    ``distribution`` is the installed distribution that provides ``rule``.
    """

    def __init__(self, distribution: str, rule: str, message: str) -> None:
        self.distribution = distribution
        self.rule = rule
        super().__init__(f"plugin {distribution} (rule '{rule}'): {message}")


class UnknownRuleError(SchemeError):
    """A scheme enables a rule that no installed plugin provides."""


class OutputError(KaoheError):
    """The result folder cannot be written."""
