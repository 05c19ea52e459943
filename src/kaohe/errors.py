"""Every exception kaohe raises on purpose.

All of them derive from :class:`KaoheError`; the CLI turns any of them into
a one-paragraph message and exit code 1. Each message names where the
problem is (file, row or key) and what was expected, so that an official can
fix the input without reading code.
"""

from __future__ import annotations


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
    the column when there is one.
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
        where = source
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


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


class MissingExtraError(KaoheError):
    """An optional part of kaohe is used without its dependencies installed.

    ``extra`` is what to install: ``pip install kaohe[<extra>]``.
    """

    def __init__(self, what: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{what} needs the optional package '{module}', which is not installed; "
            f"install it with: pip install 'kaohe[{extra}]'"
        )


class ClusterError(KaoheError):
    """A what-if study cannot run on the cluster asked for (scheduler unreachable, workers lost)."""
