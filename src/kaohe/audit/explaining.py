"""How a rule explains its part of a result (``kaohe explain``), supplied by the rule's plugin.

A rule may carry an :class:`Explainer`: a titled section of a unit's
derivation (how the rule computed the unit's target or composite score, in
Chinese) and the dates of the records it derives (a derived criticism is
dated the day after its notice's deadline). :mod:`kaohe.audit.explain` lays
out the derivation and asks the enabled rules, in run order, for their
parts; it holds no knowledge of any one rule. A function gets an
:class:`ExplainView` of the result it explains (scenario 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from ..values import Holder, Value

if TYPE_CHECKING:
    from ..data import Dataset
    from ..results import Results
    from ..scheme import Scheme


@attrs.frozen(repr=False, eq=False)
class ExplainView(Holder):
    """The result being explained, as a rule's explainer sees it.

    ``index`` is the unit's (or cadre's) position in ``results.units`` (or
    ``results.cadres``); ``rule`` the rule whose explainer is asked.
    """

    results: Results
    entity: str
    index: int
    rule: str

    @property
    def scheme(self) -> Scheme:
        """The scheme of the result."""
        return self.results.scheme

    @property
    def data(self) -> Dataset:
        """The input data of the result."""
        return self.results.data

    def param(self, key: str, rule: str | None = None) -> Any:
        """Parameter ``key`` of this rule (or of ``rule``) as the scheme states it."""
        return self.scheme.param(rule or self.rule, key)

    def ran(self, rule: str) -> bool:
        """Whether ``rule`` was enabled (and so ran) in this result."""
        return rule in self.results.plan.rules

    def check(self, what: str, mine: float, engine: float) -> list[str]:
        """A line saying so when a value recomputed from the inputs differs from the engine's."""
        if math.isclose(mine, engine, rel_tol=0, abs_tol=1e-9):
            return []
        return [f"注意:按输入重算的 {what} = {mine:.10f},引擎结果为 {engine:.10f}"]


def f4(x: float | Decimal) -> str:
    """A value with 4 decimals, as the result files print points: 94.6667."""
    return f"{x:.4f}"


def num(x: float) -> str:
    """A parameter as written: 0.15, 90, 0.3."""
    return f"{x:g}"


def day(value: Any) -> str:
    """A ``datetime64`` day as ``YYYY-MM-DD`` (empty for NaT or None)."""
    if value is None or np.isnat(value):
        return ""
    return str(np.datetime_as_string(value, unit="D"))


#: What an explainer says of a cadre's score part: value, how it was computed, weight.
Part = tuple[float | None, str, float | None]


@attrs.frozen(repr=False, eq=False)
class Explainer(Value):
    """A rule's part of ``kaohe explain``.

    - ``title`` and ``unit``: a section of a unit's derivation, titled
      ``title`` (numbered by kaohe), whose lines ``unit(view)`` returns.
    - ``derived_date(view, source_id)``: the date (with a short reason) of a
      record the rule derives, for a row whose ``source_id`` it made
      (``notice:N1``); empty when the id is not one of the rule's.
    - ``part(view, source_table, role)``: for a cadre's score part (an
      ``得分`` row of the rule, from ``source_table``), ``(value, how,
      weight)``: the part's unweighted value, a line saying how it was
      computed, and the weight of the cadre's role; ``None`` for what is
      not known.
    - ``record(view, table, cells)``: for an input record the entity's
      result cites (``cells``: the record's non-empty cells as text), how
      the rule turned it into points, as one line (``""`` for nothing to
      say); shown by ``kaohe explain`` under the record.
    """

    title: str = ""
    unit: Callable[[ExplainView], Sequence[str]] | None = None
    derived_date: Callable[[ExplainView, str], str] | None = None
    part: Callable[[ExplainView, str, str], Part] | None = None
    record: Callable[[ExplainView, str, Mapping[str, str]], str] | None = None
