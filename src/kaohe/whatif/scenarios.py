"""Scenarios: the baseline scheme plus overrides, sweeps over parameters, Monte Carlo draws.

A scenario is a scheme: the baseline with parameters set by dotted path,
rules switched off or on, or a whole second scheme file. Overrides are
checked like values in the file (:meth:`kaohe.Scheme.with_overrides`), so a
wrong path or type is an error naming the path.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import numpy as np

from ..errors import OverrideError
from ..i18n import _
from ..scheme import Scheme
from ..values import Holder, Value

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib


@attrs.frozen(repr=False, eq=False)
class Scenario(Holder):
    """One variant of the baseline: its name, its scheme and the overrides that made it.

    ``name`` is its id in the machine-read files (``scenarios.csv``: ``draw 7``
    for the seventh draw of a Monte Carlo study, ``draw`` = 7); :meth:`label`
    is what the documents for people show.
    """

    name: str
    scheme: Scheme
    overrides: Mapping[str, object] = attrs.field(factory=dict)
    draw: int = 0

    def label(self) -> str:
        """The name in the what-if workbook and page, written in Chinese (第 7 次抽样)."""
        return f"第 {self.draw} 次抽样" if self.draw else self.name

    @classmethod
    def baseline(cls, scheme: Scheme) -> Scenario:
        """The scheme as it is."""
        return cls("baseline", scheme)

    @classmethod
    def from_overrides(
        cls,
        base: Scheme,
        overrides: Mapping[str, object],
        *,
        off: Sequence[str] = (),
        on: Sequence[str] = (),
        name: str | None = None,
    ) -> Scenario:
        """The baseline with parameters set and rules switched off or on."""
        changes: dict[str, object] = dict(overrides)
        changes.update({f"{rule}.enabled": False for rule in off})
        changes.update({f"{rule}.enabled": True for rule in on})
        label = name or "; ".join(f"{path}={_show(value)}" for path, value in changes.items())
        return cls(label or "baseline", base.with_overrides(changes), changes)

    @classmethod
    def from_file(cls, base: Scheme, path: str | Path) -> Scenario:
        """A whole second scheme file, read with the baseline's plugins."""
        other = Scheme.from_toml(path, base.registry)
        return cls(f"{other.name} ({Path(path).name})", other, {"scheme": str(path)})


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def parse_value(text: str) -> object:
    """A command-line value read as a TOML value (``0.25``, ``true``, ``"县"``); else the text."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):  # too deep, too many digits
        return text


def parse_assignment(text: str) -> tuple[str, object]:
    """``PATH=VALUE`` as ``(path, value)``."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip() or not value.strip():
        raise OverrideError(text, text, _("PATH=VALUE, e.g. satisfaction.weight.乡镇=0.25"))
    return path.strip(), parse_value(value.strip())


@attrs.frozen(repr=False, eq=False)
class Axis(Value):
    """One swept parameter and its values."""

    path: str
    values: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> Axis:
        """``PATH=START:STOP:STEP`` (inclusive) or ``PATH=V1,V2,...``.

        :meth:`count` tells how many values that is without making them.
        """
        path, _eq, spec = text.partition("=")
        count = cls.count(text)
        if ":" in spec:
            start, _stop, step = (float(part) for part in spec.split(":"))
            values = tuple(float(np.round(start + i * step, 12)) for i in range(count))
        else:
            values = tuple(float(part) for part in spec.split(","))
        return cls(path.strip(), values)

    @staticmethod
    def count(text: str) -> int:
        """How many values the axis ``text`` has (OverrideError if it is not one)."""
        path, sep, spec = text.partition("=")
        expected = _("PATH=START:STOP:STEP or PATH=V1,V2,..., e.g. supervision.cap=6:12:2")
        if not sep or not path.strip():
            raise OverrideError(text, text, expected)
        try:
            parts = [float(part) for part in spec.split(":" if ":" in spec else ",")]
            if not all(math.isfinite(part) for part in parts):
                raise ValueError
            if ":" not in spec:
                return len(parts)
            start, stop, step = parts
            if step <= 0 or stop < start:
                raise ValueError
            return int(np.floor((stop - start) / step + 1e-9)) + 1
        except (ValueError, OverflowError):
            raise OverrideError(text, path.strip(), expected) from None


def sweep(base: Scheme, axes: Sequence[Axis]) -> list[Scenario]:
    """Every combination of the axes' values (a grid), in order."""
    scenarios = []
    for values in itertools.product(*(axis.values for axis in axes)):
        changes = {axis.path: value for axis, value in zip(axes, values, strict=True)}
        scenarios.append(Scenario.from_overrides(base, changes))
    return scenarios


@attrs.frozen(repr=False, eq=False)
class Draw(Value):
    """A stated distribution of one parameter.

    ``uniform(LOW,HIGH)`` for a number; ``dirichlet(CONCENTRATION)`` for a
    table of weights: the weights are redrawn around their current shares
    and keep their sum.
    """

    path: str
    kind: str
    args: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> Draw:
        """``PATH=uniform(LOW,HIGH)`` or ``PATH=dirichlet(CONCENTRATION)``."""
        path, sep, spec = text.partition("=")
        expected = _("PATH=uniform(LOW,HIGH) or PATH=dirichlet(CONCENTRATION)")
        spec = spec.strip()
        kind, _paren, rest = spec.partition("(")
        try:
            if not sep or not rest.endswith(")") or kind not in ("uniform", "dirichlet"):
                raise ValueError
            args = tuple(float(part) for part in rest[:-1].split(","))
            if not all(math.isfinite(arg) for arg in args):
                raise ValueError
            if kind == "uniform" and (len(args) != 2 or args[1] < args[0]):
                raise ValueError
            if kind == "dirichlet" and (len(args) != 1 or args[0] <= 0):
                raise ValueError
        except ValueError:
            raise OverrideError(text, path.strip(), expected) from None
        return cls(path.strip(), kind, args)


def monte_carlo(base: Scheme, draws: Sequence[Draw], n: int, seed: int) -> list[Scenario]:
    """``n`` scenarios with parameters drawn from ``draws``; the same seed gives the same draws."""
    rng = np.random.default_rng(seed)
    tables = {}
    for draw in draws:
        if draw.kind == "dirichlet":
            rule, _dot, key = draw.path.partition(".")
            current = base.rules.get(rule)
            table = current.params.get(key) if current is not None else None
            if not isinstance(table, dict) or not table:
                raise OverrideError(
                    draw.path, draw.path, _("a table of weights of an enabled rule")
                )
            tables[draw.path] = table
    scenarios = []
    for index in range(n):
        changes: dict[str, object] = {}
        for draw in draws:
            if draw.kind == "uniform":
                changes[draw.path] = float(rng.uniform(draw.args[0], draw.args[1]))
            else:
                table = tables[draw.path]
                weights = np.asarray(list(table.values()), dtype=np.float64)
                shares = rng.dirichlet(draw.args[0] * weights / weights.sum())
                for key, value in zip(table, weights.sum() * shares, strict=True):
                    changes[f"{draw.path}.{key}"] = float(value)
        drawn = Scenario.from_overrides(base, changes, name=f"draw {index + 1}")
        scenarios.append(attrs.evolve(drawn, draw=index + 1))
    return scenarios
