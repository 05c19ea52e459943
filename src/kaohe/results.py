"""The outcome of a run: frozen per-unit and per-cadre arrays, rows and windows.

Every per-entity number has a leading scenario axis ``K`` (1 for an
ordinary run; :meth:`Results.scenario` picks one scenario of a batch).
Missing values: NaN for numbers, -1 for ranks and grade codes, ``NaT``
for dates. ``adjustments`` hold every scored row (deductions, bonuses,
caps, 容错免责 rows and score parts); ``effects`` every grade effect;
``freezes`` every promotion-freeze window.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .blocks import Adjustments, Effects, Freezes, RowText, resolve, resolve_arrow
from .dates import NAT
from .values import Holder

if TYPE_CHECKING:
    from .data import Dataset
    from .kernel import Plan
    from .scheme import Scheme

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Grade reason codes: what decided a grade (``grade_reason`` in the output).
BY_SCORE, BY_QUOTA, BY_EFFECT = 0, 1, 2
REASONS = ("score", "quota", "effect")


def reason_text(codes: NDArray[np.int8], effect: NDArray[np.str_]) -> NDArray[np.str_]:
    """``grade_reason`` strings for one scenario: "score", "quota" or the governing effect."""
    text = np.where(codes == BY_QUOTA, "quota", "score")
    return np.where(codes == BY_EFFECT, effect, text)


@attrs.frozen(repr=False, eq=False)
class UnitResults(Holder):
    """Per unit (columns of ``units.csv``); ``(K, n)`` unless noted."""

    ids: NDArray[np.str_]  # (n,)
    names: NDArray[np.str_]  # (n,)
    categories: NDArray[np.str_]  # (n,)
    target: FloatArray
    satisfaction: FloatArray
    composite: FloatArray
    deductions: FloatArray
    bonus: FloatArray
    score: FloatArray
    rank: IntArray
    grade: IntArray
    reason: NDArray[np.int8]  # REASONS codes
    effect: RowText  # (n,) the governing effect, where the reason is "effect"
    flags: Mapping[str, NDArray[np.bool_]]

    def grade_reason(self, scenario: int = 0) -> NDArray[np.str_]:
        """What decided each unit's grade in one scenario."""
        return reason_text(self.reason[scenario], resolve(self.effect, self.ids.shape[0]))


@attrs.frozen(repr=False, eq=False)
class CadreResults(Holder):
    """Per cadre (columns of ``cadres.csv``); ``(K, n)`` unless noted."""

    ids: NDArray[np.str_]  # (n,)
    names: NDArray[np.str_]  # (n,)
    unit: IntArray  # (n,) unit index
    role: IntArray  # (n,) ROLE code
    score: FloatArray
    appraisal: FloatArray
    rank: IntArray
    grade: IntArray  # 0-3 CADRE_GRADES, 4 不定等次, -1 not graded
    reason: NDArray[np.int8]  # REASONS codes
    effect: RowText  # (n,) the governing effect, where the reason is "effect"
    frozen_until: NDArray[np.datetime64]  # (n,)
    flags: Mapping[str, NDArray[np.bool_]]

    def grade_reason(self, scenario: int = 0) -> NDArray[np.str_]:
        """What decided each cadre's grade in one scenario ("" when not graded)."""
        text = reason_text(self.reason[scenario], resolve(self.effect, self.ids.shape[0]))
        return np.where(self.grade[scenario] < 0, "", text)

    def grade_reason_text(self, scenario: int = 0) -> Any:
        """:meth:`grade_reason` as an Arrow ``large_string`` array (for the writers)."""
        from . import arrowcompute as pc
        from .arrowtext import labels

        codes = np.where(self.grade[scenario] < 0, -1, self.reason[scenario]).astype(np.int64)
        text = labels(np.where(codes == BY_EFFECT, -1, codes), REASONS)
        by_effect = pc.array(codes == BY_EFFECT)
        if not pc.any(by_effect).as_py():
            return text
        return pc.if_else(by_effect, resolve_arrow(self.effect, self.ids.shape[0]), text)


@attrs.frozen(repr=False, eq=False)
class Results(Holder):
    """Everything a run computed, for ``K`` scenarios."""

    schemes: tuple[Scheme, ...]
    data: Dataset
    plan: Plan
    units: UnitResults
    cadres: CadreResults
    adjustments: tuple[Adjustments, ...]
    effects: tuple[Effects, ...]
    freezes: tuple[Freezes, ...]

    @property
    def k(self) -> int:
        """The number of scenarios."""
        return len(self.schemes)

    @property
    def scheme(self) -> Scheme:
        """The (first) scenario's scheme."""
        return self.schemes[0]

    def scenario(self, index: int) -> Results:
        """The results of one scenario of a batch, as an ordinary run (K = 1)."""
        pick = slice(index, index + 1)
        cut = functools.partial(_cut, pick=pick)
        units = UnitResults(
            **{f.name: cut(getattr(self.units, f.name)) for f in attrs.fields(UnitResults)}
        )
        cadres = CadreResults(
            **{f.name: cut(getattr(self.cadres, f.name)) for f in attrs.fields(CadreResults)}
        )
        adjustments = tuple(attrs.evolve(a, points=cut(a.points)) for a in self.adjustments)
        return attrs.evolve(
            self,
            schemes=(self.schemes[index],),
            units=units,
            cadres=cadres,
            adjustments=adjustments,
        )


def _cut(value: Any, pick: slice) -> Any:
    """``value``'s rows ``pick`` where it is ``(K, n)``; ``(1, n)`` holds for every scenario."""
    if isinstance(value, np.ndarray) and value.ndim == 2:
        return value[pick] if value.shape[0] > 1 else value
    if isinstance(value, Mapping):
        return {key: _cut(item, pick) for key, item in value.items()}
    return value


def _flags(blocks: Sequence[Any], k: int, n: int) -> dict[str, NDArray[np.bool_]]:
    flags: dict[str, NDArray[np.bool_]] = {}
    for block in blocks:
        current = flags.get(block.name)
        flags[block.name] = block.mask if current is None else current | block.mask
    return {name: _full(mask, k) for name, mask in sorted(flags.items())}


def _full(array: Any, k: int) -> Any:
    """A per-entity array with its scenario axis spelled out to ``k`` (a read-only view)."""
    return np.broadcast_to(array, (k, array.shape[-1]))


def assemble(
    schemes: Sequence[Scheme], data: Dataset, plan: Plan, slots: Mapping[str, Any]
) -> Results:
    """Gather the kernel's slots into :class:`Results`."""
    k = len(schemes)
    n_units, n_cadres = int(data.unit_ids.shape[0]), int(data.cadre_ids.shape[0])
    units_table = data.tables["units"]
    cadres_table = data.tables["cadres"]
    target = slots["unit.target"].score
    satisfaction = slots.get("unit.satisfaction")
    unit_score = slots["unit.score"]
    unit_grade = slots.get("unit.grade")
    missing_int = np.full((1, n_units), -1, dtype=np.int64)  # _full spells out the axis
    units = UnitResults(
        ids=data.unit_ids,
        names=units_table["name"],
        categories=units_table["category"],
        target=_full(target, k),
        satisfaction=_full(
            np.full((1, n_units), np.nan) if satisfaction is None else satisfaction, k
        ),
        composite=_full(unit_score.composite, k),
        deductions=_full(unit_score.deductions, k),
        bonus=_full(unit_score.bonus, k),
        score=_full(unit_score.score, k),
        rank=_full(missing_int if unit_grade is None else unit_grade.rank, k),
        grade=_full(missing_int if unit_grade is None else unit_grade.grade, k),
        reason=_full(
            np.zeros((1, n_units), np.int8) if unit_grade is None else unit_grade.reason, k
        ),
        effect="" if unit_grade is None else unit_grade.effect,
        flags=_flags(slots.get("unit.flags", []), k, n_units),
    )
    cadre_score = slots.get("cadre.score")
    cadre_grade = slots.get("cadre.grade")
    nan_c = np.full((1, n_cadres), np.nan)
    missing_c = np.full((1, n_cadres), -1, dtype=np.int64)
    frozen = slots.get("cadre.frozen_until")
    cadres = CadreResults(
        ids=data.cadre_ids,
        names=cadres_table["name"],
        unit=cadres_table["unit"],
        role=cadres_table["role"].astype(np.int64),
        score=_full(nan_c if cadre_score is None else cadre_score.score, k),
        appraisal=_full(nan_c if cadre_score is None else cadre_score.appraisal, k),
        rank=_full(missing_c if cadre_grade is None else cadre_grade.rank, k),
        grade=_full(missing_c if cadre_grade is None else cadre_grade.grade, k),
        reason=_full(
            np.zeros((1, n_cadres), np.int8) if cadre_grade is None else cadre_grade.reason, k
        ),
        effect="" if cadre_grade is None else cadre_grade.effect,
        frozen_until=np.full(n_cadres, NAT) if frozen is None else frozen,
        flags=_flags(slots.get("cadre.flags", []), k, n_cadres),
    )
    adjustments = [*slots.get("unit.adjustments", []), *slots.get("cadre.adjustments", [])]
    if cadre_score is not None:
        adjustments.extend(cadre_score.parts)
    effects = [*slots.get("unit.effects", []), *slots.get("cadre.effects", [])]
    if cadre_grade is not None:
        effects.append(cadre_grade.vote_effects)
    return Results(
        schemes=tuple(schemes),
        data=data,
        plan=plan,
        units=units,
        cadres=cadres,
        adjustments=tuple(adjustments),
        effects=tuple(effects),
        freezes=tuple(slots.get("freezes", [])),
    )
