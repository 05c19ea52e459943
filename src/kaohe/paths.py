"""The parameter paths of a scheme: what ``--set PATH=VALUE`` can name, and what each holds.

:func:`parameter_paths` lists every path of a scheme's rules
(``satisfaction.weight.乡镇``, ``supervision.cap``, ``criticism.enabled``)
with its effective value, its kind, the values it accepts and the legal
basis (文件依据) of its rule: ``kaohe params SCHEME`` prints them.
:func:`value_at` reads one path (what an override replaces),
:func:`differences` lists the paths whose values two schemes do not share,
and :func:`suggestion` finds the path a mistyped one probably meant.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .params import (
    LARGEST_INTEGER,
    Choice,
    DateParam,
    Integer,
    Name,
    Number,
    NumberMap,
    OneOf,
    Param,
    RecordMap,
    Text,
    TextList,
)
from .rule import ALWAYS
from .values import Value

if TYPE_CHECKING:
    from .scheme import Scheme

#: The kind of a parameter, as ``kaohe params`` names it.
SWITCH = "开关"


@attrs.frozen(repr=False, eq=False)
class ParameterPath(Value):
    """One settable path: its rule's title and basis, its value, kind and accepted values."""

    path: str
    rule: str
    title: str
    basis: str
    value: object
    kind: str
    allowed: str
    doc: str = ""

    @property
    def shown(self) -> str:
        """The value as it is written on the command line."""
        return show(self.value)


def show(value: object) -> str:
    """A parameter value as text: ``0.15``, ``true``, ``县``, ``2019-12-31``, ``a、b``."""
    if value is None:
        return "未设"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return "、".join(show(item) for item in value) or "(空)"
    return str(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _bounds(spec: Number | Integer) -> str:
    low: float | None = spec.low
    high: float | None = spec.high
    if isinstance(spec, Integer):
        high = min(spec.high, LARGEST_INTEGER)
    open_low = isinstance(spec, Number) and spec.low_open
    if low is not None and high is not None:
        return f"{'>' if open_low else ''}{_number(low)} – {_number(high)}"
    if low is not None:
        return f"{'>' if open_low else '≥'} {_number(low)}"
    if high is not None:
        return f"≤ {_number(high)}"
    return "任意数"


def describe(spec: Param) -> tuple[str, str]:
    """The kind of ``spec`` and the values it accepts, in words."""
    if isinstance(spec, Number):
        return "数值", _bounds(spec)
    if isinstance(spec, Integer):
        return "整数", _bounds(spec)
    if isinstance(spec, Choice):
        return "选项", " / ".join(spec.choices)
    if isinstance(spec, TextList):
        return "列表", "取自 " + " / ".join(spec.choices) if spec.choices else "文字列表"
    if isinstance(spec, DateParam):
        return "日期", "1900-01-01 – 2100-12-31"
    if isinstance(spec, (Text, Name)):
        return "文本", "非空文字"
    if isinstance(spec, OneOf):
        parts = [describe(option) for option in spec.options]
        return " 或 ".join(kind for kind, _ in parts), " 或 ".join(what for _, what in parts)
    return "表", "见文件依据"


def _leaves(prefix: str, spec: Param, value: Any) -> Iterator[tuple[str, Param, Any]]:
    """Every settable leaf below ``prefix``: tables of numbers and of records are opened."""
    if isinstance(spec, NumberMap) and isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield f"{prefix}.{key}", spec.value, item
    elif isinstance(spec, RecordMap) and isinstance(value, Mapping):
        for key, record in value.items():
            for field, field_spec in spec.fields.items():
                yield f"{prefix}.{key}.{field}", field_spec, record.get(field)
    else:
        yield prefix, spec, value


def parameter_paths(scheme: Scheme) -> list[ParameterPath]:
    """Every path of the scheme's rule tables, rule by rule in the registry's order.

    Each rule table gives ``RULE.enabled`` and one path per parameter; a
    table of numbers (``weight``) and of records (``types``) one per entry.
    Rules that are part of the kernel take no parameters and are left out.
    """
    found = []
    for name, config in scheme.rules.items():
        rule = scheme.registry.rule(name)
        if rule.activation == ALWAYS:
            continue
        found.append(
            ParameterPath(
                f"{name}.enabled", name, rule.title, config.basis, config.enabled, SWITCH,
                "true / false",
            )
        )  # fmt: skip
        for key, spec in rule.params.items():
            for path, leaf, value in _leaves(f"{name}.{key}", spec, config.params.get(key)):
                kind, allowed = describe(leaf)
                found.append(
                    ParameterPath(
                        path,
                        name,
                        rule.title,
                        config.basis,
                        value,
                        kind,
                        allowed,
                        rule.text(spec.doc),
                    )
                )
    return found


def value_at(scheme: Scheme, path: str) -> object:
    """The effective value at ``path`` (``None`` if the scheme has none there).

    ``RULE.enabled`` of a rule without a table is ``False``.
    """
    keys = path.split(".")
    config = scheme.rules.get(keys[0])
    if len(keys) == 2 and keys[1] == "enabled":
        return config.enabled if config is not None else False
    if config is None or len(keys) < 2:
        return None
    current: Any = config.params
    for key in keys[1:]:
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def differences(old: Scheme, new: Scheme) -> list[tuple[str, object, object]]:
    """``(path, old value, new value)`` for every path whose value differs, in path order
    of ``old`` then of the paths only ``new`` has."""
    before = {p.path: p.value for p in parameter_paths(old)}
    after = {p.path: p.value for p in parameter_paths(new)}
    changed = []
    for path in [*before, *(p for p in after if p not in before)]:
        a = before.get(path, False if path.endswith(".enabled") else None)
        b = after.get(path, False if path.endswith(".enabled") else None)
        if a != b:
            changed.append((path, a, b))
    return changed


def suggestion(scheme: Scheme, path: str) -> str | None:
    """The path of the scheme closest to ``path`` (a typing mistake), if one is close."""
    paths = [p.path for p in parameter_paths(scheme)]
    installed = [f"{name}.enabled" for name in scheme.registry.names()]
    close = difflib.get_close_matches(path, [*paths, *installed], n=1, cutoff=0.6)
    return close[0] if close else None
