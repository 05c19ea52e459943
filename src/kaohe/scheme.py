"""Assessment schemes: a TOML file as frozen attrs values.

A scheme file has a ``[scheme]`` table (name, title, year, optional
``as_of``, categories, source document, the distributions that provide its
rules) and one table per rule, named as
the rule. A rule table enables its rule (unless ``enabled = false``) and
holds its ``basis`` (文件依据) and parameters. Everything is checked against
the parameters that the installed rules declare: a misspelt key, a wrong
type, a value out of range or a rule that no installed plugin provides is a
:class:`~kaohe.errors.SchemeError` naming the file and the key path.
Nothing in a scheme is evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .data.simplify import to_simplified
from .errors import OverrideError, SchemeError, UnknownRuleError
from .i18n import _
from .nesting import MAX_DEPTH, deep_key, too_deep
from .params import (
    LATEST_DATE,
    CheckContext,
    DateParam,
    Integer,
    Name,
    Number,
    NumberMap,
    Text,
    TextList,
    check_table,
)
from .rule import ALWAYS, REQUIRED
from .values import Holder, Value

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    from .plugins import Registry

SCHEME_TABLE = "scheme"
_RESERVED_RULE_KEYS = ("basis", "enabled")

_SCHEME_KEYS = {
    "name": Name(None, "short name, e.g. county-2019: the result folder's name"),
    "title": Text(None, "title shown in reports"),
    "year": Integer(0, "the assessment year", low=1949, high=LATEST_DATE.year),
    "as_of": DateParam(None, "the as-of date (default: the period's last day)"),
    "categories": TextList((), doc="unit categories (考核类别)"),
    "source": Text(None, "the source document (seed)"),
    "requires": TextList(
        (), doc="the distributions that provide the scheme's rules (pip install them)"
    ),
}
_REQUIRED_SCHEME_KEYS = ("name", "title", "year", "categories")
#: The optional table of what a published report (公示) says of its issuer.
PUBLISH_TABLE = "publish"
_PUBLISH_KEYS = {
    "office": Text(None, "the issuing office (发布单位), e.g. 县考核委员会办公室"),
    "date": DateParam(None, "the date of issue (发布日期)"),
    "notice_start": DateParam(None, "the first day of the 公示 period"),
    "notice_end": DateParam(None, "the last day of the 公示 period"),
    "contact": Text(None, "where objections go during the 公示 period (监督电话, address)"),
}


@attrs.frozen(repr=False, eq=False)
class Publish(Value):
    """What a published report says of its issuer: the ``[publish]`` table of a scheme.

    ``office`` is required; the date, the 公示 period (both days or
    neither, the end not before the start) and the contact are optional.
    """

    office: str
    date: dt.date | None = None
    notice_start: dt.date | None = None
    notice_end: dt.date | None = None
    contact: str | None = None

    @classmethod
    def check(cls, table: object, ctx: CheckContext) -> Publish:
        """The ``[publish]`` table checked like every other key of a scheme."""
        if not isinstance(table, dict):
            raise ctx.fail(PUBLISH_TABLE, "a [publish] table with office", table)
        if "office" not in table:
            raise ctx.fail(f"{PUBLISH_TABLE}.office", _PUBLISH_KEYS["office"].describe())
        values = check_table(_PUBLISH_KEYS, table, PUBLISH_TABLE, ctx)
        start, end = values["notice_start"], values["notice_end"]
        if (start is None) != (end is None):
            missing = "notice_end" if end is None else "notice_start"
            raise ctx.fail(f"{PUBLISH_TABLE}.{missing}", "both days of the 公示 period, or neither")
        if start is not None and end < start:
            raise ctx.fail(f"{PUBLISH_TABLE}.notice_end", f"a date on or after {start}", end)
        return cls(**values)


@attrs.frozen(repr=False, eq=False)
class RuleConfig(Value):
    """One rule table of a scheme: whether it is on, its legal basis, its parameters."""

    name: str
    enabled: bool
    basis: str
    params: Mapping[str, Any]


@attrs.frozen(repr=False, eq=False)
class Scheme(Holder):
    """A validated assessment scheme.

    ``rules`` holds the configuration of every rule the kernel will run:
    rule tables of the file (enabled or not) and the kernel's own rules,
    with every parameter given or defaulted. ``document`` is the parsed
    TOML, kept so that overrides can be applied and checked again.
    """

    name: str
    title: str
    year: int
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    categories: tuple[str, ...]
    rules: Mapping[str, RuleConfig]
    registry: Registry = attrs.field(repr=False)
    document: Mapping[str, Any] = attrs.field(repr=False)
    source: str | None = None
    path: str = "<memory>"
    sha256: str | None = None
    #: :meth:`structure_key`, when known in advance (variants that differ in numbers only).
    structure: tuple[Any, ...] | None = attrs.field(default=None, repr=False)
    #: The issuer of a published report (the optional ``[publish]`` table).
    publish: Publish | None = None

    # -- construction -----------------------------------------------------

    @classmethod
    def from_toml(cls, path: str | Path, registry: Registry | None = None) -> Scheme:
        """Read and check a scheme file; errors name the file and key path."""
        return cls.from_bytes(cls.read(path), registry, source=str(Path(path)))

    @staticmethod
    def read(path: str | Path) -> bytes:
        """A scheme file's bytes; a SchemeError naming it when it cannot be read."""
        try:
            return Path(path).read_bytes()
        except OSError as error:
            raise SchemeError(str(path), "", _("a readable scheme file"), error.strerror) from None

    @classmethod
    def from_bytes(
        cls, raw: bytes, registry: Registry | None = None, *, source: str = "<memory>"
    ) -> Scheme:
        """Check a scheme file's content ``raw`` as if read from ``source`` (its path, which
        errors and the scheme's ``path`` name; a result's manifest keeps the content of the
        scheme it was scored with)."""
        path = Path(source)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SchemeError(str(path), "", _("a UTF-8 text file")) from None
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise SchemeError(
                str(path), "", _("valid TOML ({error})").format(error=error)
            ) from None
        except RecursionError:  # the parser recurses: a value nested hundreds deep
            key, line = deep_key(text, MAX_DEPTH) or ("", 0)
            expected = _("a value nested at most {depth} deep (line {line})")
            raise SchemeError(str(path), key, expected.format(depth=MAX_DEPTH, line=line)) from None
        except ValueError as error:  # e.g. a whole number of more than 4,300 digits
            raise SchemeError(
                str(path), "", _("valid TOML ({error})").format(error=error)
            ) from None
        scheme = cls.from_dict(document, registry, source=str(path))
        return attrs.evolve(scheme, sha256=hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_dict(
        cls,
        document: Mapping[str, Any],
        registry: Registry | None = None,
        *,
        source: str = "<memory>",
    ) -> Scheme:
        """Check a scheme given as a parsed TOML document (nested dicts)."""
        if registry is None:
            from .plugins import Registry

            registry = Registry.from_plugin_manager()
        ctx = CheckContext(source, normalise=to_simplified)
        deep = too_deep(document)
        if deep is not None:
            expected = _("a value nested at most {depth} deep (tables and arrays)")
            raise ctx.fail(deep, expected.format(depth=MAX_DEPTH))
        head = document.get(SCHEME_TABLE)
        if not isinstance(head, dict):
            keys = ", ".join(_REQUIRED_SCHEME_KEYS)
            raise ctx.fail(SCHEME_TABLE, _("a [scheme] table with {keys}").format(keys=keys))
        for key in _REQUIRED_SCHEME_KEYS:
            if key not in head:
                raise ctx.fail(f"{SCHEME_TABLE}.{key}", _SCHEME_KEYS[key].describe())
        meta = check_table(_SCHEME_KEYS, head, SCHEME_TABLE, ctx)
        if not meta["categories"]:
            raise ctx.fail(f"{SCHEME_TABLE}.categories", _("at least one category"))
        year = meta["year"]
        period_start, period_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        as_of = meta["as_of"] or period_end
        if as_of < period_start:
            expected = _("a date on or after {start}").format(start=period_start)
            raise ctx.fail(f"{SCHEME_TABLE}.as_of", expected, as_of)
        ctx = attrs.evolve(ctx, categories=meta["categories"])
        rules = _check_rules(document, registry, ctx, meta["requires"])
        publish = Publish.check(document[PUBLISH_TABLE], ctx) if PUBLISH_TABLE in document else None
        return cls(
            name=meta["name"],
            title=meta["title"],
            year=year,
            period_start=period_start,
            period_end=period_end,
            as_of=as_of,
            categories=meta["categories"],
            rules=rules,
            registry=registry,
            document=document,
            source=meta["source"],
            path=source,
            publish=publish,
        )

    # -- queries ----------------------------------------------------------

    @property
    def enabled(self) -> tuple[str, ...]:
        """Names of the rules that run, in the order the registry lists them."""
        return tuple(name for name, config in self.rules.items() if config.enabled)

    def param(self, rule: str, key: str) -> Any:
        """The effective value of parameter ``key`` of ``rule``."""
        return self.rules[rule].params[key]

    def structure_key(self) -> tuple[Any, ...]:
        """Everything but the numbers that may vary by scenario.

        Schemes with equal keys can be evaluated together in one batch.
        """
        if self.structure is not None:
            return self.structure
        parts: list[Any] = [self.year, self.as_of, self.categories]
        for name, config in self.rules.items():
            if not config.enabled:
                continue
            specs = self.registry.rule(name).params
            for key, value in config.params.items():
                spec = specs[key]
                if isinstance(spec, Number):
                    continue
                if isinstance(spec, NumberMap):
                    parts.append((name, key, tuple(value)))
                else:
                    parts.append((name, key, repr(value)))
            parts.append(name)
        return tuple(parts)

    # -- variants ---------------------------------------------------------

    def with_as_of(self, as_of: dt.date) -> Scheme:
        """The same scheme assessed at another date (from the period's start to 2100)."""
        if not self.period_start <= as_of <= LATEST_DATE:
            raise SchemeError(
                self.path,
                "scheme.as_of",
                _("a date from {start} to {end}").format(start=self.period_start, end=LATEST_DATE),
                as_of,
            )
        return attrs.evolve(self, as_of=as_of, structure=None)

    def with_overrides(self, overrides: Mapping[str, object]) -> Scheme:
        """A variant with parameters set by dotted path (``satisfaction.weight.乡镇``).

        A path must name an existing parameter of an installed rule (a
        rule's ``enabled`` switch included); the new value is checked like
        a value in the file. Returns a new scheme; this one is unchanged.
        """
        document = _copy(self.document)
        numbers: dict[tuple[str, ...], float] = {}
        for path, value in overrides.items():
            keys = [to_simplified(part) for part in path.split(".")]
            _set_path(self, document, keys, value, path)
            number = self._number_leaf(keys, value, path)
            if number is not None:
                numbers[tuple(keys)] = number
        if len(numbers) == len(overrides):  # numbers only: no need to check the whole file again
            rules = dict(self.rules)
            for leaf, number in numbers.items():
                config = rules[leaf[0]]
                params = dict(config.params)
                if len(leaf) == 2:
                    params[leaf[1]] = number
                else:
                    params[leaf[1]] = {**params[leaf[1]], leaf[2]: number}
                rules[leaf[0]] = attrs.evolve(config, params=params)
                self._check_order(leaf, params[leaf[1]])
            # numbers only: the variant has this scheme's structure
            return attrs.evolve(
                self, rules=rules, document=document, structure=self.structure_key()
            )
        try:
            variant = Scheme.from_dict(document, self.registry, source=self.path)
        except SchemeError as error:
            raise OverrideError(error.source, error.key, error.expected, error.got) from None
        return attrs.evolve(variant, sha256=self.sha256, as_of=self.as_of)

    def _check_order(self, leaf: tuple[str, ...], values: object) -> None:
        """A changed entry of a table whose values must fall in order (thresholds) keeps it."""
        spec = self.registry.rule(leaf[0]).params.get(leaf[1])
        if len(leaf) == 3 and isinstance(spec, NumberMap) and isinstance(values, dict):
            try:
                spec.check_order(
                    values, f"{leaf[0]}.{leaf[1]}", CheckContext(self.path), changed=leaf[2]
                )
            except SchemeError as error:
                raise OverrideError(error.source, error.key, error.expected, error.got) from None

    def _number_leaf(self, keys: list[str], value: object, path: str) -> float | None:
        """The checked number if ``keys`` name a number of an enabled rule, else None."""
        config = self.rules.get(keys[0])
        if config is None or not config.enabled or len(keys) not in (2, 3):
            return None
        spec = self.registry.rule(keys[0]).params.get(keys[1])
        if len(keys) == 2 and isinstance(spec, Number):
            number_spec = spec
        elif len(keys) == 3 and isinstance(spec, NumberMap) and keys[2] in config.params[keys[1]]:
            number_spec = spec.value
        else:
            return None
        ctx = CheckContext(self.path)
        try:
            checked: float = number_spec.check(value, path, ctx)
        except SchemeError as error:
            raise OverrideError(error.source, error.key, error.expected, error.got) from None
        return checked


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _set_path(
    scheme: Scheme, document: dict[str, Any], keys: list[str], value: object, path: str
) -> None:
    registry = scheme.registry
    if len(keys) < 2 or keys[0] not in registry.names():
        raise OverrideError(
            path,
            path,
            _expected_path(scheme, path, _("a path RULE.PARAMETER[.KEY] naming an installed rule")),
        )
    rule = registry.rule(keys[0])
    if keys[1] == "enabled" and len(keys) == 2:
        if not isinstance(value, bool):
            raise OverrideError(path, path, _("true or false"), value)
        table = document.setdefault(keys[0], {})
        if value and "basis" not in table:
            table["basis"] = f"what-if: {keys[0]} switched on"
        table["enabled"] = value
        return
    config = scheme.rules.get(keys[0])
    spec = rule.params.get(keys[1])
    if config is None or spec is None:
        raise OverrideError(path, path, _expected_path(scheme, path))
    current: Any = config.params[keys[1]]
    for key in keys[2:]:
        if not isinstance(current, dict) or key not in current:
            raise OverrideError(path, path, _expected_path(scheme, path))
        current = current[key]
    table = document.setdefault(keys[0], {})
    effective: Any = config.params
    for key in keys[1:-1]:
        effective = effective[key]
        inner = table.get(key)
        if not isinstance(inner, dict):  # spell out what was in force, then change one entry
            inner = table[key] = _copy(effective)
        table = inner
    table[keys[-1]] = value


def _expected_path(scheme: Scheme, path: str, expected: str | None = None) -> str:
    """What a wrong override path should have been: the closest path, and where to find them."""
    from .paths import suggestion

    expected = _("an existing parameter of an enabled rule") if expected is None else expected
    hint = suggestion(scheme, path)
    if hint is not None:
        expected += _(" (did you mean '{path}'?)").format(path=hint)
    return expected + _("; kaohe params SCHEME lists every path")


def _check_rules(
    document: Mapping[str, Any],
    registry: Registry,
    ctx: CheckContext,
    requires: tuple[str, ...] = (),
) -> dict[str, RuleConfig]:
    known = registry.names()
    for key, table in document.items():
        if key in (SCHEME_TABLE, PUBLISH_TABLE):
            continue
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            expected = _("a rule provided by an installed plugin")
            if hint:
                expected += _(" (did you mean '{key}'?)").format(key=hint[0])
            loaded = {provider.distribution for provider in registry.providers.values()}
            missing = [name for name in requires if name not in loaded]
            if missing:
                expected += _(
                    "; the scheme requires {distributions} ([scheme] requires), which "
                    "provide no installed plugin: install them"
                ).format(distributions=", ".join(missing))
            raise UnknownRuleError(ctx.source, key, expected)
        if registry.rule(key).activation == ALWAYS:
            expected = _("no table: this rule is part of the kernel and takes no parameters")
            raise ctx.fail(key, expected)
        if not isinstance(table, dict):
            raise ctx.fail(key, _("a table [{name}]").format(name=key), table)
    rules: dict[str, RuleConfig] = {}
    for name in known:
        rule = registry.rule(name)
        table = document.get(name)
        if rule.activation == ALWAYS:
            rules[name] = RuleConfig(name, True, "", {})
            continue
        if table is None:
            if rule.activation == REQUIRED:
                expected = _("a [{name}] table: {title} is part of every scheme")
                raise ctx.fail(name, expected.format(name=name, title=rule.title))
            continue
        enabled = table.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ctx.fail(f"{name}.enabled", _("true or false"), enabled)
        if rule.activation == REQUIRED and not enabled:
            expected = _("true: {title} cannot be switched off").format(title=rule.title)
            raise ctx.fail(f"{name}.enabled", expected)
        basis = table.get("basis")
        if not isinstance(basis, str) or not basis.strip():
            raise ctx.fail(
                f"{name}.basis", _("the legal basis (文件依据) of the rule as a string"), basis
            )
        params = check_table(rule.params, table, name, ctx, reserved=_RESERVED_RULE_KEYS)
        rules[name] = RuleConfig(name, enabled, basis.strip(), params)
    return rules
