"""Every exception kaohe raises on purpose.

All of them derive from :class:`KaoheError`; the CLI turns any of them into
a one-paragraph message and exit code 1. Each message names where the
problem is (file, row or key) and what was expected, so that an official can
fix the input without reading code.

Messages are in the reader's language (:mod:`kaohe.i18n`), made when the
error is raised; the attributes (``key``, ``expected``, ``row``, ...) hold
the parts.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Sequence

from .i18n import _, ngettext

#: How much of a wrong value an error message shows: enough to find it in
#: the file, never so much that the message is unreadable or cannot be made
#: (a value nested thousands deep, a number of thousands of digits).
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel = 3
_SHOWN.maxdict = _SHOWN.maxlist = _SHOWN.maxtuple = _SHOWN.maxset = 6
_SHOWN.maxstring = _SHOWN.maxother = 80
_SHOWN.maxlong = 40
#: Longer whole numbers are described, not written (Python refuses to write
#: an int of more than 4,300 digits as text).
_LONGEST_INT_BITS = 512


def shown(value: object) -> str:
    """A short, always printable ``repr`` of ``value`` for an error message."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and value.bit_length() > _LONGEST_INT_BITS:
        digits = int(value.bit_length() * 0.30103) + 1
        return _("a whole number of about {digits} digits").format(digits=digits)
    try:
        return _SHOWN.repr(value)
    except (RecursionError, ValueError):  # pragma: no cover - reprlib limits the depth
        return _("a {kind} that cannot be shown").format(kind=type(value).__name__)


def bug_message(error: str) -> str:
    """What a user is told of an unexpected error (a bug of kaohe or a plugin) ``error``."""
    return _(
        "kaohe stopped on an unexpected error ({error}). This is a bug; please "
        "report it with the command you ran (KAOHE_DEBUG=1 shows where it happened)"
    ).format(error=error)


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
        where = _("{source}: key '{key}'").format(source=source, key=key) if key else source
        if got is None:
            message = _("{where}: expected {expected}").format(where=where, expected=expected)
        else:
            message = _("{where}: expected {expected}, got {got}").format(
                where=where, expected=expected, got=shown(got)
            )
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
    ``column`` are those of the first. The message of several problems
    counts them, then lists them grouped by file: the file on a line of its
    own, each of its problems under it (indented) with its row, column, the
    value and what was expected; then how many more were not listed.
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
            where += _(", row {row}").format(row=self.row)
        if self.column is not None:
            where += _(", column '{column}'").format(column=self.column)
        return where

    @property
    def place(self) -> str:
        """``row N, column 'C'``: where the problem is in its source ("" for the whole)."""
        if self.row is not None and self.column is not None:
            return _("row {row}, column '{column}'").format(row=self.row, column=self.column)
        if self.row is not None:
            return _("row {row}").format(row=self.row)
        if self.column is not None:
            return _("column '{column}'").format(column=self.column)
        return ""

    @classmethod
    def of(cls, problems: Sequence[DataError], more: int = 0) -> DataError:
        """One error for several ``problems`` (at least one, in file and row order),
        ``more`` others not listed."""
        first = problems[0]
        if len(problems) == 1 and not more:
            return first
        error = cls(first.source, first.reason, row=first.row, column=first.column)
        error.problems = tuple(problems)
        error.more = more
        total = len(problems) + more
        lines = [
            ngettext(
                "{n} problem in the data, by file:", "{n} problems in the data, by file:", total
            ).format(n=total)
        ]
        files: dict[str, int] = {}
        grouped = sorted(problems, key=lambda p: files.setdefault(p.source, len(files)))
        source = None
        for problem in grouped:
            if problem.source != source:
                source = problem.source
                lines.append(source)
            place = problem.place
            lines.append("  " + (f"{place}: {problem.reason}" if place else problem.reason))
        if more:
            lines.append(
                ngettext(
                    "... and {n} more problem not listed",
                    "... and {n} more problems not listed",
                    more,
                ).format(n=more)
            )
        error.args = ("\n".join(lines),)
        return error


class RuleGraphError(KaoheError):
    """The enabled rules cannot be ordered: a conflict, a cycle or a missing input."""


class PluginError(KaoheError):
    """A plugin failed: it raised, or returned values of the wrong shape, type or with NaN.

    ``distribution`` is the installed distribution that provides ``rule``
    (for a plugin file loaded with ``--plugins``, the file); ``rule`` is
    empty when the failure is not one rule's (the plugin could not be
    imported, or a hook of the plugin raised); ``stage`` says when it
    failed (``import``, ``kaohe_check_inputs``, ...), empty for a rule's step.
    """

    def __init__(self, distribution: str, rule: str, message: str, *, stage: str = "") -> None:
        self.distribution = distribution
        self.rule = rule
        self.stage = stage
        named = _("rule '{rule}'").format(rule=rule) if rule else ""
        where = ", ".join(part for part in (named, stage) if part)
        super().__init__(
            _("plugin {distribution} ({where}): {message}").format(
                distribution=distribution, where=where, message=message
            )
        )


class UnknownRuleError(SchemeError):
    """A scheme enables a rule that no installed plugin provides."""


class OutputError(KaoheError):
    """The result folder cannot be written."""


class SigningError(KaoheError):
    """A key file is missing, malformed or of the wrong kind, or cannot be written."""


class StudyError(KaoheError):
    """A what-if study is too large to run on this machine (split it), or ill-formed."""


class MissingExtraError(KaoheError):
    """An optional part of kaohe is used without its dependencies installed.

    ``extra`` is what to install: ``pip install kaohe[<extra>]``.
    """

    def __init__(self, what: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            _(
                "{what} needs the optional package '{module}', which is not installed; "
                "install it with: pip install 'kaohe[{extra}]'"
            ).format(what=what, module=module, extra=extra)
        )


class ClusterError(KaoheError):
    """A what-if study cannot run on the cluster asked for (scheduler unreachable, workers lost)."""
