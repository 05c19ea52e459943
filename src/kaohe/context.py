"""What a rule step sees while it runs: :class:`StepContext`.

A step reads input tables, parameters (with the scenario axis) and the
slots it declared; nothing else. Parameters that may vary by scenario come
as ``(K, 1)`` or ``(K, m)`` float arrays, ready to broadcast against
per-row arrays of shape ``(n,)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .dates import to_day
from .numeric import positions
from .params import Number, NumberMap
from .values import Holder, Value

if TYPE_CHECKING:
    from .data import Dataset, Table
    from .scheme import Scheme


def same_rows(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """``values[:1]`` when every scenario's row is the same (NaN equal to NaN), else ``values``.

    A scenario axis of length 1 broadcasts: what does not vary is computed once.
    """
    first = values[:1]
    equal = (values == first) | (np.isnan(values) & np.isnan(first))
    return first if bool(equal.all()) else values


@attrs.frozen(repr=False, eq=False)
class Tolerance(Value):
    """容错纠错 decisions in force at ``as_of``, per ledger table (R12).

    ``exempt[table]`` and ``mitigated[table]`` are bool arrays over the
    table's rows; ``decision[table]`` says which tolerance row decided which
    row, as ``(rows, tolerance ids)``; ``mitigation`` is the ``(K or 1, 1)``
    factor. Tables without decisions are absent from the mappings.
    """

    exempt: Mapping[str, NDArray[np.bool_]]
    mitigated: Mapping[str, NDArray[np.bool_]]
    decision: Mapping[str, tuple[NDArray[np.int64], NDArray[np.str_]]]
    mitigation: NDArray[np.float64]

    @classmethod
    def none(cls) -> Tolerance:
        """No decisions at all (R12 not enabled)."""
        return cls({}, {}, {}, np.ones((1, 1)))

    def is_exempt(self, table: str, n: int) -> NDArray[np.bool_]:
        """Rows of ``table`` (``n`` of them) exempt by 免责."""
        found = self.exempt.get(table)
        return np.zeros(n, dtype=bool) if found is None else found

    def is_mitigated(self, table: str, n: int) -> NDArray[np.bool_]:
        """Rows of ``table`` mitigated by 从轻/减轻 (and not exempt)."""
        found = self.mitigated.get(table)
        return np.zeros(n, dtype=bool) if found is None else found

    def factor(
        self, table: str, n: int, rows: NDArray[np.int64] | None = None
    ) -> NDArray[np.float64]:
        """Multipliers of row points, ``(K or 1, n)``: 0 exempt, the factor if mitigated,
        else 1; of ``rows`` only (``(K or 1, len(rows))``) when given."""
        size = n if rows is None else int(rows.shape[0])
        if table not in self.mitigated and table not in self.exempt:
            return np.ones((1, size))
        mitigated, exempt = self.is_mitigated(table, n), self.is_exempt(table, n)
        if rows is not None:
            mitigated, exempt = mitigated[rows], exempt[rows]
        k = self.mitigation.shape[0]
        factor = np.where(mitigated[None, :], self.mitigation, 1.0)
        factor = np.broadcast_to(factor, (k, size)).astype(np.float64)
        factor[:, exempt] = 0.0
        return factor

    def decided_by(self, table: str, n: int) -> NDArray[np.str_]:
        """The tolerance id that decided each row of ``table`` ("" where none)."""
        return self.deciding(table, np.arange(n))

    def deciding(self, table: str, rows: NDArray[np.int64]) -> NDArray[np.str_]:
        """The tolerance id that decided each of ``rows`` of ``table`` ("" where none):
        text for those rows alone, however long the table."""
        found = self.decision.get(table)
        if found is None or not found[0].shape[0]:
            return np.full(rows.shape[0], "")
        decided_rows, ids = found
        order = np.argsort(decided_rows, kind="stable")
        ranked = decided_rows[order]
        # a row decided twice: its last decision, as assigning them in turn leaves it
        at = np.searchsorted(ranked, rows, side="right") - 1
        hit = (at >= 0) & (ranked[np.maximum(at, 0)] == rows)
        return np.where(hit, ids[order][np.maximum(at, 0)], "")


@attrs.frozen(repr=False, eq=False)
class StepContext(Holder):
    """The view of one evaluation that a step is given.

    ``schemes`` are the ``K`` scenarios of the batch; they share their
    structure, so structural parameters are read from the first.
    ``outcomes_only`` is True when the caller keeps only the published
    outcome of each scenario (scores, ranks, grades, flags: a what-if
    study's chunk); a step may then leave out what only explanations and
    result files read, as the cadre score leaves out its parts' points.
    """

    schemes: Sequence[Scheme]
    data: Dataset
    rule: str
    slots: Mapping[str, Any]
    allowed: frozenset[str]
    outcomes_only: bool = False

    @property
    def k(self) -> int:
        """The number of scenarios in the batch."""
        return len(self.schemes)

    @property
    def scheme(self) -> Scheme:
        """The first scenario's scheme: read structural values from it."""
        return self.schemes[0]

    @property
    def period_start(self) -> np.datetime64:
        """First day of the assessment period."""
        return to_day(self.scheme.period_start)

    @property
    def period_end(self) -> np.datetime64:
        """Last day of the assessment period."""
        return to_day(self.scheme.period_end)

    @property
    def as_of(self) -> np.datetime64:
        """The as-of date."""
        return to_day(self.scheme.as_of)

    @property
    def n_units(self) -> int:
        """Number of units."""
        return int(self.data.unit_ids.shape[0])

    @property
    def n_cadres(self) -> int:
        """Number of cadres."""
        return int(self.data.cadre_ids.shape[0])

    def unit_categories(self) -> NDArray[np.int64]:
        """Each unit's category as an index into ``scheme.categories``."""
        return positions(self.data.tables["units"]["category"], self.scheme.categories)

    def table(self, name: str) -> Table:
        """Input table ``name`` (declared as ``table.<name>`` in reads or uses)."""
        self._check_declared(f"table.{name}")
        return self.data.tables[name]

    def enabled(self, rule: str) -> bool:
        """Whether ``rule`` is enabled in this scheme."""
        config = self.scheme.rules.get(rule)
        return config is not None and config.enabled

    def param(self, key: str, rule: str | None = None) -> Any:
        """Parameter ``key`` of this step's rule (or of ``rule``).

        A number comes as a ``(K, 1)`` float array, or ``(1, 1)`` when it is
        the same in every scenario; a structural value as it is in the scheme.
        """
        rule = rule or self.rule
        spec = self.scheme.registry.rule(rule).params[key]
        if isinstance(spec, Number):
            values = [s.rules[rule].params[key] for s in self.schemes]
            values = [np.nan if value is None else value for value in values]
            return same_rows(np.asarray(values, dtype=np.float64).reshape(self.k, 1))
        return self.scheme.rules[rule].params[key]

    def param_map(
        self, key: str, keys: Sequence[str], rule: str | None = None
    ) -> NDArray[np.float64]:
        """A number table parameter as a ``(K, len(keys))`` array, columns in ``keys`` order.

        ``(1, len(keys))`` when the table is the same in every scenario.
        Keys the table does not have are NaN.
        """
        rule = rule or self.rule
        spec = self.scheme.registry.rule(rule).params[key]
        assert isinstance(spec, NumberMap), f"{rule}.{key} is not a table of numbers"
        nan = float("nan")
        tables = [s.rules[rule].params[key] for s in self.schemes]
        if all(table is tables[0] for table in tables):  # variants share what they do not change
            tables = tables[:1]
        rows = [[table.get(name, nan) for name in keys] for table in tables]
        return same_rows(np.asarray(rows, dtype=np.float64).reshape(len(tables), len(keys)))

    def get(self, slot: str, default: Any = None) -> Any:
        """The value of ``slot``; ``default`` when no enabled step wrote it.

        Collection slots give a list of blocks (empty when none).
        """
        self._check_declared(slot)
        declared = self.scheme.registry.slot(slot)
        if default is None:
            default = [] if declared.collection else declared.default
        return self.slots.get(slot, default)

    def tolerance(self) -> Tolerance:
        """The 容错纠错 decisions (R12), or none when R12 is not enabled."""
        found = self.get("tolerance")
        return found if found is not None else Tolerance.none()

    def _check_declared(self, slot: str) -> None:
        if slot not in self.allowed:
            raise KeyError(f"rule '{self.rule}' reads '{slot}' without declaring it")
