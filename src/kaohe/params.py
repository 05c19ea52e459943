"""Parameter specifications that rules declare, and validation of TOML against them.

A rule declares its parameters as a mapping of key to :class:`Param`. The
scheme loader checks each rule table against it: unknown keys, wrong types
and out-of-range values are :class:`~kaohe.errors.SchemeError` naming the
file, the dotted key path and what was expected; keys left out take the
declared reference value.

Only :class:`Number` values (and the numbers inside a :class:`NumberMap`)
may differ between the scenarios of one batch; every other kind is
*structural* and must be equal within a batch.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .errors import SchemeError
from .i18n import _
from .values import Value

#: Where a map's keys come from when they are not a fixed list.
KEYS_CATEGORIES = "categories"
KEYS_ANY = "any"

#: No number in a scheme is larger in size than this, whatever a rule
#: declares: points, caps, weights and scores are hundreds at most, and a
#: bound keeps every sum and product of them finite and exact.
LARGEST_NUMBER = 1_000_000.0
#: Nor any whole number (counts, months, years).
LARGEST_INTEGER = 1_000_000
#: Dates a scheme may name (as the data may hold): 1900 to 2100.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


@attrs.frozen(repr=False, eq=False)
class CheckContext(Value):
    """What validation needs besides the value: the file and the scheme's own vocabularies.

    ``normalise`` turns a vocabulary key into its canonical simplified
    spelling (so that 縣 and 县 are one key).
    """

    source: str
    categories: tuple[str, ...] = ()
    normalise: Callable[[str], str] = str

    def fail(self, key: str, expected: str, got: object = None) -> SchemeError:
        """The error for ``key``: raise what this returns."""
        return SchemeError(self.source, key, expected, got)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Param(Value):
    """Base of parameter kinds. ``check`` returns the normalised value or raises."""

    default: Any
    doc: str

    def check(self, value: object, key: str, ctx: CheckContext) -> Any:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover
        raise NotImplementedError


def _bounds_text(low: float | None, high: float | None, low_open: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"<= {high:g}")
    return _(" and ").join(parts)


@attrs.frozen(repr=False, eq=False)
class Number(Param):
    """A real number, optionally bounded; may vary by scenario (``None``: not set)."""

    default: float | None
    doc: str = ""
    low: float | None = 0.0
    high: float | None = None
    low_open: bool = False

    def check(self, value: object, key: str, ctx: CheckContext) -> float:
        if not _is_number(value):
            raise ctx.fail(key, self.describe(), value)
        try:
            number = float(value)  # type: ignore[arg-type]
        except OverflowError:  # a whole number too large for a float
            raise ctx.fail(key, self.describe(limited=True), value) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ctx.fail(key, self.describe(), value)
        too_low = self.low is not None and (
            number <= self.low if self.low_open else number < self.low
        )
        if too_low or (self.high is not None and number > self.high):
            raise ctx.fail(key, self.describe(), value)
        if abs(number) > LARGEST_NUMBER:
            raise ctx.fail(key, self.describe(limited=True), value)
        return number

    def describe(self, *, limited: bool = False) -> str:
        """What is accepted; ``limited`` spells out the bound every number has."""
        low, high = self.low, self.high
        if limited:
            low = -LARGEST_NUMBER if low is None else low
            high = LARGEST_NUMBER if high is None else min(high, LARGEST_NUMBER)
        bounds = _bounds_text(low, high, self.low_open)
        return _("a number {bounds}").format(bounds=bounds) if bounds else _("a number")


@attrs.frozen(repr=False, eq=False)
class Integer(Param):
    """A whole number from ``low`` to ``high`` (at most :data:`LARGEST_INTEGER`; structural)."""

    default: int
    doc: str = ""
    low: int = 0
    high: int = LARGEST_INTEGER

    def check(self, value: object, key: str, ctx: CheckContext) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ctx.fail(key, self.describe(), value)
        if not self.low <= value <= min(self.high, LARGEST_INTEGER):
            raise ctx.fail(key, self.describe(), value)
        return value

    def describe(self) -> str:
        return _("a whole number from {low} to {high}").format(
            low=self.low, high=min(self.high, LARGEST_INTEGER)
        )


@attrs.frozen(repr=False, eq=False)
class Choice(Param):
    """One string of a fixed list (structural)."""

    default: str
    choices: tuple[str, ...]
    doc: str = ""
    aliases: Mapping[str, str] = attrs.field(factory=dict)

    def check(self, value: object, key: str, ctx: CheckContext) -> str:
        name = self.aliases.get(value, value) if isinstance(value, str) else value
        if not isinstance(name, str) or ctx.normalise(name) not in self.choices:
            raise ctx.fail(key, self.describe(), value)
        return ctx.normalise(name)

    def describe(self) -> str:
        return _("one of {choices}").format(choices=", ".join(f'"{c}"' for c in self.choices))


@attrs.frozen(repr=False, eq=False)
class Text(Param):
    """A free string (structural)."""

    default: str | None
    doc: str = ""

    def check(self, value: object, key: str, ctx: CheckContext) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ctx.fail(key, self.describe(), value)
        return value.strip()

    def describe(self) -> str:
        return _("a non-empty string")


#: A name that is safe as a file or folder name: letters (any script),
#: digits, ``-``, ``_`` and inner dots; no separators, no ``..``.
_NAME = re.compile(r"\w(?:[\w.-]*\w)?")
LONGEST_NAME = 64


@attrs.frozen(repr=False, eq=False)
class Name(Param):
    """A short name that becomes a folder name (``out/<name>``): never a path."""

    default: str | None
    doc: str = ""

    def check(self, value: object, key: str, ctx: CheckContext) -> str:
        if (
            not isinstance(value, str)
            or len(value) > LONGEST_NAME
            or _NAME.fullmatch(value) is None
            or ".." in value
        ):
            raise ctx.fail(key, self.describe(), value)
        return value

    def describe(self) -> str:
        return _(
            "a name of at most {n} letters, digits, '-', '_' and inner dots, "
            "without '/', '\\' or '..' (it names the result folder), e.g. county-2019"
        ).format(n=LONGEST_NAME)


@attrs.frozen(repr=False, eq=False)
class TextList(Param):
    """A list of strings, optionally from a fixed list (structural)."""

    default: tuple[str, ...]
    choices: tuple[str, ...] | None = None
    doc: str = ""

    def check(self, value: object, key: str, ctx: CheckContext) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ctx.fail(key, self.describe(), value)
        items = tuple(ctx.normalise(v.strip()) for v in value)
        if self.choices is not None:
            for index, item in enumerate(items):
                if item not in self.choices:
                    choices = ", ".join(self.choices)
                    raise ctx.fail(
                        f"{key}[{index}]", _("one of {choices}").format(choices=choices), item
                    )
        if len(set(items)) != len(items):
            raise ctx.fail(key, _("a list without repeated entries"), value)
        return items

    def describe(self) -> str:
        if self.choices is None:
            return _("a list of non-empty strings")
        return _("a list of strings from {choices}").format(choices=", ".join(self.choices))


def _allowed_keys(keys: tuple[str, ...] | str, ctx: CheckContext) -> tuple[str, ...] | None:
    if keys == KEYS_CATEGORIES:
        return ctx.categories
    if keys == KEYS_ANY:
        return None
    assert isinstance(keys, tuple)
    return keys


def _check_key(
    raw: object,
    allowed: tuple[str, ...] | None,
    key: str,
    ctx: CheckContext,
    aliases: Mapping[str, str] | None = None,
) -> str:
    name = str(raw).strip()
    name = ctx.normalise((aliases or {}).get(name, name))
    if allowed is not None and name not in allowed:
        hint = difflib.get_close_matches(name, allowed, n=1)
        expected = _("a key among {keys}").format(keys=", ".join(allowed))
        if hint:
            expected += _(" (did you mean '{key}'?)").format(key=hint[0])
        raise ctx.fail(f"{key}.{raw}", expected)
    return name


@attrs.frozen(repr=False, eq=False)
class NumberMap(Param):
    """A table of numbers keyed by vocabulary; each number may vary by scenario.

    ``keys`` is a fixed tuple, or :data:`KEYS_CATEGORIES`,
    or :data:`KEYS_ANY`. Keys left out take
    ``default`` (when it has them); ``complete`` requires every allowed key
    after defaults are merged; ``descending`` requires the values not to
    rise in the keys' order (grade thresholds: 优秀 >= 良好 >= 一般).
    """

    default: Mapping[str, float]
    keys: tuple[str, ...] | str
    value: Number = Number(0.0)
    doc: str = ""
    complete: bool = False
    non_empty: bool = False
    aliases: Mapping[str, str] = attrs.field(factory=dict)
    descending: bool = False

    def check(self, value: object, key: str, ctx: CheckContext) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ctx.fail(key, self.describe(), value)
        allowed = _allowed_keys(self.keys, ctx)
        # a table over a fixed vocabulary fills in left-out keys; a free table replaces
        merged = dict(self.default) if isinstance(self.keys, tuple) else {}
        for raw, item in value.items():
            name = _check_key(raw, allowed, key, ctx, self.aliases)
            merged[name] = self.value.check(item, f"{key}.{raw}", ctx)
        if self.complete and allowed is not None:
            missing = [k for k in allowed if k not in merged]
            if missing:
                raise ctx.fail(f"{key}.{missing[0]}", self.value.describe())
        if self.non_empty and not merged:
            raise ctx.fail(key, _("at least one entry"))
        order = allowed if allowed is not None else tuple(merged)
        checked = {k: merged[k] for k in order if k in merged}
        self.check_order(checked, key, ctx)
        return checked

    def check_order(
        self, values: Mapping[str, float], key: str, ctx: CheckContext, changed: str = ""
    ) -> None:
        """With ``descending``: raise unless no value is above the one before it.

        The error names the entry ``changed`` when it is one of the pair out
        of order (an override), else the lower of the two.
        """
        if not self.descending:
            return
        names = list(values)
        for higher, lower in itertools.pairwise(names):
            if values[lower] > values[higher]:
                blame = changed if changed in (higher, lower) else lower
                raise ctx.fail(
                    f"{key}.{blame}",
                    _(
                        "values that do not rise in the order {order} "
                        "({higher} = {high:g} is below {lower} = {low:g})"
                    ).format(
                        order=", ".join(names),
                        higher=higher,
                        high=values[higher],
                        lower=lower,
                        low=values[lower],
                    ),
                    values[blame],
                )

    def describe(self) -> str:
        return _("a table of {values} values").format(values=self.value.describe())


@attrs.frozen(repr=False, eq=False)
class RecordMap(Param):
    """A table of records keyed by a fixed vocabulary (e.g. sanction types).

    Each record is checked field by field against ``fields``; fields left
    out keep the default record's value. Structural.
    """

    default: Mapping[str, Mapping[str, Any]]
    keys: tuple[str, ...]
    fields: Mapping[str, Param]
    doc: str = ""

    def check(self, value: object, key: str, ctx: CheckContext) -> dict[str, dict[str, Any]]:
        if not isinstance(value, dict):
            raise ctx.fail(key, self.describe(), value)
        merged = {name: dict(record) for name, record in self.default.items()}
        for raw, record in value.items():
            name = _check_key(raw, self.keys, key, ctx)
            if not isinstance(record, dict):
                keys = ", ".join(self.fields)
                raise ctx.fail(
                    f"{key}.{raw}", _("a table with keys {keys}").format(keys=keys), record
                )
            current = merged.setdefault(name, {})
            for field, item in record.items():
                spec = self.fields.get(field)
                if spec is None:
                    keys = ", ".join(self.fields)
                    raise ctx.fail(
                        f"{key}.{raw}.{field}", _("one of the keys {keys}").format(keys=keys)
                    )
                current[field] = spec.check(item, f"{key}.{raw}.{field}", ctx)
        return merged

    def describe(self) -> str:
        return _("a table of records")


@attrs.frozen(repr=False, eq=False)
class OneOf(Param):
    """The first of several kinds that accepts the value (e.g. months or "indefinite")."""

    default: Any
    options: tuple[Param, ...]
    doc: str = ""

    def check(self, value: object, key: str, ctx: CheckContext) -> Any:
        for option in self.options:
            try:
                return option.check(value, key, ctx)
            except SchemeError:
                continue
        raise ctx.fail(key, self.describe(), value)

    def describe(self) -> str:
        return _(" or ").join(option.describe() for option in self.options)


@attrs.frozen(repr=False, eq=False)
class DateParam(Param):
    """A TOML date from 1900 to 2100 (structural)."""

    default: dt.date | None
    doc: str = ""

    def check(self, value: object, key: str, ctx: CheckContext) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ctx.fail(key, self.describe(), value)
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ctx.fail(key, self.describe(), value)
        return value

    def describe(self) -> str:
        return _("a TOML date from {earliest} to {latest}, such as 2019-12-31").format(
            earliest=EARLIEST_DATE, latest=LATEST_DATE
        )


def check_table(
    specs: Mapping[str, Param],
    table: Mapping[str, object],
    prefix: str,
    ctx: CheckContext,
    *,
    reserved: Sequence[str] = (),
) -> dict[str, Any]:
    """Check a TOML table against ``specs``; fill declared defaults; reject unknown keys.

    ``reserved`` keys are checked by the caller and skipped here.
    """
    for key in table:
        if key not in specs and key not in reserved:
            choices = sorted(list(specs) + list(reserved))
            hint = difflib.get_close_matches(key, choices, n=1)
            listed = ", ".join(choices)
            expected = _("one of the keys {keys}").format(keys=listed)
            if hint:
                expected = _("'{hint}' (unknown key '{key}'); allowed keys: {keys}").format(
                    hint=hint[0], key=key, keys=listed
                )
            raise ctx.fail(f"{prefix}.{key}", expected)
    values: dict[str, Any] = {}
    for key, spec in specs.items():
        if key in table:
            values[key] = spec.check(table[key], f"{prefix}.{key}", ctx)
        else:
            default = spec.default
            values[key] = dict(default) if isinstance(default, Mapping) else default
    return values


def numeric_leaves(specs: Mapping[str, Param], values: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Paths (tuples of keys) of every value that may vary by scenario."""
    paths: list[tuple[str, ...]] = []
    for key, spec in specs.items():
        if isinstance(spec, Number):
            paths.append((key,))
        elif isinstance(spec, NumberMap):
            paths.extend((key, sub) for sub in values[key])
    return paths
