"""A straightforward pure-Python implementation of the reference rules.

This module reads ``handbook/rules.md`` literally, with plain loops, dicts and
:class:`datetime.date`, and no numpy. It has two jobs:

- the slow baseline of the benchmarks ("a straightforward pure-Python
  implementation of the same rules", quality.md), so it is linear in the
  ledger and never quadratic in the number of units or cadres;
- a differential oracle: tests compare the vectorised engine with it on
  random data, so every rule is written for clarity, in the order of
  evaluation of rules.md, and every genuine ambiguity is marked with a
  ``# READING:`` comment saying which reading was chosen.

It shares no code with ``kaohe``: the vocabularies it needs are repeated here.

Input
    ``scheme`` is a TOML scheme as :func:`tomllib.load` returns it (keys as in
    ARCHITECTURE.md, "Scheme files (TOML)"). ``tables`` maps the table names
    of data.md to lists of row dicts keyed by the English column names, with
    canonical values: ``str`` ids and vocabulary, ``datetime.date`` dates,
    ``int`` counts, ``float`` scores, ``None`` for an empty cell. The data is
    assumed valid: this is not a validator.

Output
    see :func:`score`.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

Row = Mapping[str, Any]
Tables = Mapping[str, Sequence[Row]]
#: The end of a freeze window: a date, or :data:`INDEFINITE`.
End = dt.date | str
#: ``(cadre_id, start, end, rule, source_table, source_id)``.
Freeze = tuple[str, dt.date, End, str, str, str]

INDEFINITE: Final = "indefinite"
UNTIL_CLOSED: Final = "until_closed"

#: Grade effects, lightest first (rules.md R9: "heavier last"); an effect is
#: handled as its index in this tuple.
EFFECTS: Final = ("无", "不得评优", "最高基本称职", "不定等次", "不称职")
NO_EFFECT: Final = 0
NOT_EXCELLENT: Final = 1
AT_MOST_BASIC: Final = 2
UNDETERMINED: Final = 3
INCOMPETENT: Final = 4

UNIT_GRADES: Final = ("优秀", "良好", "一般", "较差")
CADRE_GRADES: Final = ("优秀", "称职", "基本称职", "不称职")
NO_GRADE: Final = "不定等次"
#: Issuer levels of criticisms and notices, lowest first.
ADMIN_LEVELS: Final = ("乡镇", "县", "市", "省")
CASE_REVIEW: Final = "立案审查"

#: Reference parameter values of rules.md, per rule (scheme table). A key the
#: scheme does not state takes the value here (see :func:`_merge`).
DEFAULTS: Final[dict[str, dict[str, Any]]] = {
    "targets": {"missing": "error", "indicators": {}},
    "satisfaction": {
        # READING: rules.md gives no reference unit weight `w`: a category
        # with neither `weight` nor `default_weight` is an error.
        "weight": {},
        "default_weight": None,
        "group_weights": {
            "服务对象": 0.4,
            "企业": 0.3,
            "人大代表": 0.15,
            "政协委员": 0.15,
        },
        "response_values": {"satisfied": 1.0, "basic": 0.6, "unsatisfied": 0.0},
        "no_survey": "target_only",
    },
    "supervision": {
        "severity_points": {"一般": 0.5, "较重": 1.0, "严重": 2.0},
        "on_time_factor": 0.5,
        "overdue_points": 1.0,
        "exposure_points": {"县": 1.0, "市": 2.0, "省": 3.0},
        "cap": 10.0,
        "taxonomy": [],
    },
    "criticism": {
        "points": {"乡镇": 0.5, "县": 1.0, "市": 2.0, "省": 3.0},
        "interview_points": 0.5,
        "cap": 5.0,
        "cadre_basic_from": 3,
    },
    "rectification": {},
    "awards": {"points": {"县": 0.5, "市": 1.0, "省": 2.0, "国家": 3.0}, "cap": 3.0},
    "veto": {},
    "serious_units": {
        "criticisms": 2,
        "criticism_min_level": "县",
        "freeze_months": 12,
    },
    "accountability": {
        # type: grade effect in the year of the decision, later years with
        # 不定等次, freeze months (int, "indefinite" or "until_closed").
        "types": {
            "批评教育": {"grade": "无", "later_years": 0, "freeze_months": 0},
            "诫勉": {"grade": "不得评优", "later_years": 0, "freeze_months": 6},
            "调离岗位": {"grade": "不得评优", "later_years": 0, "freeze_months": 12},
            "责令辞职": {"grade": "不定等次", "later_years": 0, "freeze_months": 24},
            "免职": {"grade": "不定等次", "later_years": 0, "freeze_months": 24},
            "降职": {"grade": "不定等次", "later_years": 0, "freeze_months": 24},
            "政务警告": {"grade": "不得评优", "later_years": 0, "freeze_months": 6},
            "记过": {"grade": "不定等次", "later_years": 0, "freeze_months": 12},
            "记大过": {"grade": "不定等次", "later_years": 1, "freeze_months": 18},
            "降级": {"grade": "不定等次", "later_years": 1, "freeze_months": 24},
            "撤职": {"grade": "不定等次", "later_years": 1, "freeze_months": 24},
            "党内警告": {"grade": "不得评优", "later_years": 0, "freeze_months": 12},
            "严重警告": {"grade": "不定等次", "later_years": 0, "freeze_months": 18},
            "撤销党内职务": {"grade": "不称职", "later_years": 0, "freeze_months": 24},
            "留党察看": {"grade": "不称职", "later_years": 1, "freeze_months": 36},
            "开除党籍": {
                "grade": "不称职",
                "later_years": 2,
                "freeze_months": INDEFINITE,
            },
            CASE_REVIEW: {
                "grade": "不定等次",
                "later_years": 0,
                "freeze_months": UNTIL_CLOSED,
            },
        },
    },
    "dual_investigation": {
        "derived_type": "诫勉",
        "qualifying": [
            "政务警告",
            "记过",
            "记大过",
            "降级",
            "撤职",
            "党内警告",
            "严重警告",
            "撤销党内职务",
            "留党察看",
            "开除党籍",
            "免职",
            "降职",
            "责令辞职",
        ],
    },
    "zero_accountability": {"derived_type": "调离岗位"},
    "tolerance": {"mitigation_factor": 0.5},
    "unit_grading": {
        "thresholds": {"优秀": 90.0, "良好": 80.0, "一般": 60.0},
        "excellent_quota": 0.30,
        "interview_min_units": 3,
    },
    "cadre_score": {
        "appraisal_values": {
            "excellent": 100.0,
            "competent": 80.0,
            "basic": 60.0,
            "incompetent": 40.0,
        },
        "appraisal_weight": {"head": 0.5, "leader": 0.5, "middle": 0.8, "staff": 0.8},
        "unit_weight": {"head": 0.4, "leader": 0.4, "middle": 0.0, "staff": 0.0},
    },
    "exams": {"weight": {"head": 0.1, "leader": 0.1, "middle": 0.2, "staff": 0.2}},
    "attendance": {"late_points": 0.2, "absent_day_points": 1.0, "cap": 5.0},
    "cadre_grading": {
        "thresholds": {"优秀": 90.0, "称职": 70.0, "基本称职": 60.0},
        "excellent_quota": 0.20,
        "excellent_quota_excellent_unit": 0.25,
    },
    "promotion_freeze": {},
}


# ---------------------------------------------------------------------------
# Time and rounding (rules.md, "Time and rounding")
# ---------------------------------------------------------------------------


def round2(x: float) -> float:
    """``floor(x * 100 + 0.5 + 1e-9) / 100``: half up, as people round by hand."""
    return math.floor(x * 100 + 0.5 + 1e-9) / 100


def quota(share: float, n: int) -> int:
    """``floor(share * n + 1e-9)``: a small group may get 0 places."""
    return math.floor(share * n + 1e-9)


def rate9(x: float) -> float:
    """A rate rounded to 9 decimal places, for tie-breaks.

    Rounds half to even on ``x * 1e9`` (what ``numpy.round(x, 9)`` does), so
    that the summation order of ``x`` cannot flip an order.
    """
    # READING: "rounding to 9 decimal places" is numpy's rint(x * 1e9) / 1e9.
    return round(x * 1e9) / 1e9


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` months, the day clamped to the month's end."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def end_key(end: End) -> tuple[int, dt.date]:
    """Order of window ends: every date before ``indefinite``."""
    if isinstance(end, dt.date):
        return (0, end)
    return (1, dt.date.max)


def freeze_sort_key(window: Freeze) -> tuple[Any, ...]:
    """Sort key of :func:`score`'s ``freezes``.

    The tuple's own order, with ``indefinite`` after every date.
    """
    # READING: "sorted list of tuples" cannot compare a date with the string
    # "indefinite"; a window that never ends sorts after every date.
    cadre_id, start, end, rule, table, source_id = window
    return (cadre_id, start, end_key(end), rule, table, source_id)


# ---------------------------------------------------------------------------
# Scheme
# ---------------------------------------------------------------------------


def _merge(default: object, given: object) -> object:
    """``given`` over ``default``: mappings merge key by key, recursively.

    READING: "missing parameters take the reference values" is read per leaf
    (a what-if path such as ``satisfaction.weight.乡镇`` names a leaf), so a
    scheme that states some keys of a mapping parameter keeps the reference
    value of the others; and ``[accountability] types`` overrides a row of
    the handbook's table field by field. Lists and scalars replace.
    """
    if isinstance(default, Mapping) and isinstance(given, Mapping):
        merged = {key: copy.deepcopy(value) for key, value in default.items()}
        for key, value in given.items():
            merged[key] = _merge(default[key], value) if key in default else copy.deepcopy(value)
        return merged
    return copy.deepcopy(given)


class _Scheme:
    """The period, the enabled rules and their effective parameters."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        meta = doc["scheme"]
        self.doc = doc
        self.year: int = int(meta["year"])
        self.period_start = dt.date(self.year, 1, 1)
        self.period_end = dt.date(self.year, 12, 31)
        as_of = meta.get("as_of")
        self.as_of: dt.date = self.period_end if as_of is None else as_of
        self.categories: list[str] = list(meta["categories"])
        self._params: dict[str, dict[str, Any]] = {}
        for rule, default in DEFAULTS.items():
            given = doc.get(rule, {})
            given = {key: value for key, value in given.items() if key not in ("basis", "enabled")}
            merged = _merge(default, given)
            assert isinstance(merged, dict)
            self._params[rule] = merged
        if self.on("dual_investigation") and not self.on("accountability"):
            raise ValueError("dual_investigation needs accountability (R10 needs R9)")
        if self.on("zero_accountability") and not self.on("accountability"):
            raise ValueError("zero_accountability needs accountability (R11 needs R9)")
        if self.on("cadre_grading") and not self.on("cadre_score"):
            # READING: R15 grades the scores of R14; grading without scores
            # is refused rather than guessed.
            raise ValueError("cadre_grading needs cadre_score (R15 needs R14)")

    def on(self, rule: str) -> bool:
        """A rule is enabled when its table is present and not ``enabled = false``."""
        if rule == "targets":
            return True
        table = self.doc.get(rule)
        return isinstance(table, Mapping) and table.get("enabled", True) is not False

    def params(self, rule: str) -> dict[str, Any]:
        return self._params[rule]

    def in_period(self, day: dt.date) -> bool:
        """The only test of whether a ledger row counts for the year."""
        return self.period_start <= day <= self.period_end


# ---------------------------------------------------------------------------
# Records produced by steps 1 and 2
# ---------------------------------------------------------------------------


class _Tolerance:
    """R12: which ledger rows are exempt (免责) or mitigated (从轻/减轻)."""

    def __init__(self, scheme: _Scheme, rows: Sequence[Row]) -> None:
        self.decisions: dict[tuple[str, str], str] = {}
        self.mitigation = float(scheme.params("tolerance")["mitigation_factor"])
        if not scheme.on("tolerance"):
            return
        for row in rows:
            if row["date"] > scheme.as_of:
                continue  # applies only when dated on or before as_of
            key = (row["ref_table"], row["ref_id"])
            decision = "exempt" if row["decision"] == "免责" else "mitigated"
            # Strongest governs: 免责 over 从轻 = 减轻; the factor applies once.
            if self.decisions.get(key) != "exempt":
                self.decisions[key] = decision

    def exempt(self, table: str, row_id: str) -> bool:
        return self.decisions.get((table, row_id)) == "exempt"

    def mitigated(self, table: str, row_id: str) -> bool:
        return self.decisions.get((table, row_id)) == "mitigated"

    def factor(self, table: str, row_id: str) -> float:
        """The factor on a row's points: the mitigation factor or 1."""
        return self.mitigation if self.mitigated(table, row_id) else 1.0


@dataclass(frozen=True)
class _Criticism:
    """A criticism that counts for the year: a ledger row or one derived by R5."""

    id: str
    date: dt.date
    level: str
    unit_id: str | None
    cadre_id: str | None
    factor: float  # 1.0, or the mitigation factor of R12


@dataclass(frozen=True)
class _Sanction:
    """A sanction that is not exempt: a ledger row (any year) or derived."""

    id: str
    date: dt.date
    cadre_id: str
    type: str
    case_id: str | None
    issuer: str
    closed_on: dt.date | None
    derived: bool


class _Data:
    """The input tables, with lookups of units and cadres."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.units: dict[str, Row] = {row["unit_id"]: row for row in self.rows("units")}
        self.cadres: dict[str, Row] = {row["cadre_id"]: row for row in self.rows("cadres")}
        self.cadres_of: dict[str, list[str]] = defaultdict(list)
        self.head_of: dict[str, str] = {}
        for cadre_id in sorted(self.cadres):
            row = self.cadres[cadre_id]
            self.cadres_of[row["unit_id"]].append(cadre_id)
            if row["role"] == "head":
                self.head_of[row["unit_id"]] = cadre_id

    def rows(self, table: str) -> Sequence[Row]:
        return self.tables.get(table) or []

    def unit_of(self, cadre_id: str) -> str:
        return str(self.cadres[cadre_id]["unit_id"])

    def role(self, cadre_id: str) -> str:
        return str(self.cadres[cadre_id]["role"])


# ---------------------------------------------------------------------------
# Step 2: derived records
# ---------------------------------------------------------------------------


def _counted_criticisms(scheme: _Scheme, data: _Data, tol: _Tolerance) -> list[_Criticism]:
    """Criticisms that count for the year.

    Ledger rows in period that are not exempt, plus R5's criticisms derived
    from overdue notices.
    """
    found: list[_Criticism] = []
    for row in data.rows("criticisms"):
        if not scheme.in_period(row["date"]) or tol.exempt("criticisms", row["id"]):
            continue
        found.append(
            _Criticism(
                id=row["id"],
                date=row["date"],
                level=row["level"],
                unit_id=row.get("unit_id"),
                cadre_id=row.get("cadre_id"),
                factor=tol.factor("criticisms", row["id"]),
            )
        )
    if scheme.on("rectification"):
        for row in data.rows("notices"):
            if not scheme.in_period(row["issued"]) or tol.exempt("notices", row["id"]):
                continue
            deadline: dt.date = row["deadline"]
            rectified: dt.date | None = row.get("rectified_on")
            rectified_in_time = rectified is not None and rectified <= deadline
            if deadline < scheme.as_of and not rectified_in_time:
                # Counted in the notice's assessment year, whatever the date
                # deadline + 1 day (the notice was issued in period).
                found.append(
                    _Criticism(
                        id=f"notice:{row['id']}",
                        date=deadline + dt.timedelta(days=1),
                        level=row.get("level") or "乡镇",
                        unit_id=row.get("unit_id"),
                        cadre_id=row.get("cadre_id"),
                        factor=tol.factor("notices", row["id"]),
                    )
                )
    return found


def _ledger_sanctions(data: _Data, tol: _Tolerance) -> list[_Sanction]:
    """Every sanction row of any year that is not exempt.

    A mitigated sanction is unchanged: the decision already reflects it.
    """
    found: list[_Sanction] = []
    for row in data.rows("sanctions"):
        if tol.exempt("sanctions", row["id"]):
            continue
        found.append(
            _Sanction(
                id=row["id"],
                date=row["date"],
                cadre_id=row["cadre_id"],
                type=row["type"],
                case_id=row.get("case_id"),
                issuer=row.get("issuer") or "self",
                closed_on=row.get("closed_on"),
                derived=False,
            )
        )
    return found


def _dual_sanctions(scheme: _Scheme, data: _Data, ledger: list[_Sanction]) -> list[_Sanction]:
    """R10 一案双查: sanctions derived for heads from their cadres' sanctions."""
    params = scheme.params("dual_investigation")
    qualifying = set(params["qualifying"])
    # (head, kind, key) -> (earliest date, derived id); kind separates a
    # case_id from a sanction id that happen to be spelled alike.
    groups: dict[tuple[str, str, str], tuple[dt.date, str]] = {}
    for sanction in ledger:
        if not scheme.in_period(sanction.date) or sanction.type not in qualifying:
            continue
        if data.role(sanction.cadre_id) == "head":
            continue  # the head's own sanction derives nothing
        head = data.head_of.get(data.unit_of(sanction.cadre_id))
        if head is None:
            continue  # a unit without a head derives nothing
        if sanction.case_id:
            key = (head, "case", sanction.case_id)
            derived_id = f"dual:{sanction.case_id}"
        else:
            key = (head, "sanction", sanction.id)
            derived_id = f"dual:{sanction.id}"
        if key not in groups or sanction.date < groups[key][0]:
            groups[key] = (sanction.date, derived_id)
    return [
        _Sanction(
            id=derived_id,
            date=date,
            cadre_id=head,
            type=params["derived_type"],
            case_id=None,
            issuer="self",
            closed_on=None,
            derived=True,
        )
        for (head, _kind, _key), (date, derived_id) in sorted(groups.items())
    ]


def _counted_exposures(scheme: _Scheme, data: _Data, tol: _Tolerance) -> list[Row]:
    """Exposure rows in period that are not exempt."""
    return [
        row
        for row in data.rows("exposures")
        if scheme.in_period(row["date"]) and not tol.exempt("exposures", row["id"])
    ]


def _zero_accountability(
    scheme: _Scheme, data: _Data, tol: _Tolerance, ledger: list[_Sanction]
) -> tuple[set[str], list[_Sanction]]:
    """R11 零问责: the flagged units and the sanctions derived for their heads."""
    first_exposure: dict[str, dt.date] = {}
    for row in _counted_exposures(scheme, data, tol):
        unit = row["unit_id"]
        if unit not in first_exposure or row["date"] < first_exposure[unit]:
            first_exposure[unit] = row["date"]
    # Units that sanctioned one of their own cadres in period (ledger rows
    # only: exempt ones were dropped already and derived ones never count).
    self_sanctioning = {
        data.unit_of(s.cadre_id)
        for s in ledger
        if scheme.in_period(s.date) and s.issuer == "self" and s.type != CASE_REVIEW
    }
    flagged: set[str] = set()
    derived: list[_Sanction] = []
    for unit in sorted(first_exposure):
        if unit in self_sanctioning:
            continue
        flagged.add(unit)
        head = data.head_of.get(unit)
        if head is not None:
            derived.append(
                _Sanction(
                    id=f"zero:{unit}",
                    date=first_exposure[unit],
                    cadre_id=head,
                    type=scheme.params("zero_accountability")["derived_type"],
                    case_id=None,
                    issuer="superior",
                    closed_on=None,
                    derived=True,
                )
            )
    return flagged, derived


@dataclass(frozen=True)
class _Trigger:
    """The row that made a unit serious (R8), and its date."""

    date: dt.date
    table: str
    id: str


def _serious_units(
    scheme: _Scheme, data: _Data, tol: _Tolerance, criticisms: list[_Criticism]
) -> dict[str, _Trigger]:
    """R8: serious-problem units and their trigger rows.

    R8 reads the tables itself whether or not R3, R4 or R7 are enabled;
    exempt rows do not count; derived criticisms (R5) do.
    """
    params = scheme.params("serious_units")
    needed = int(params["criticisms"])
    min_level = ADMIN_LEVELS.index(params["criticism_min_level"])
    # Events per unit, sortable as (date, exposures < criticisms < vetoes, id).
    events: dict[str, list[tuple[dt.date, int, str, str]]] = defaultdict(list)
    for row in _counted_exposures(scheme, data, tol):
        events[row["unit_id"]].append((row["date"], 0, row["id"], "exposures"))
    for criticism in criticisms:
        if criticism.unit_id is None or ADMIN_LEVELS.index(criticism.level) < min_level:
            continue
        events[criticism.unit_id].append((criticism.date, 1, criticism.id, "criticisms"))
    for row in data.rows("vetoes"):
        if scheme.in_period(row["date"]) and not tol.exempt("vetoes", row["id"]):
            events[row["unit_id"]].append((row["date"], 2, row["id"], "vetoes"))
    serious: dict[str, _Trigger] = {}
    for unit, unit_events in events.items():
        criticisms_so_far = 0
        for date, kind, row_id, table in sorted(unit_events):
            if kind == 1:
                criticisms_so_far += 1
                if criticisms_so_far < needed:
                    continue
            serious[unit] = _Trigger(date, table, row_id)
            break
    return serious


# ---------------------------------------------------------------------------
# Step 3: unit scores
# ---------------------------------------------------------------------------


def _target_scores(scheme: _Scheme, data: _Data) -> dict[str, float]:
    """R1: ``T = 100 * sum(score_i) / sum(max_i)`` over the scheme's indicators."""
    params = scheme.params("targets")
    indicators: dict[str, float] = params["indicators"]
    given: dict[tuple[str, str], float] = {}
    for row in data.rows("targets"):
        given[(row["unit_id"], row["indicator"])] = float(row["score"])
    result: dict[str, float] = {}
    for unit in data.units:
        total = 0.0
        for indicator in indicators:
            if (unit, indicator) in given:
                total += given[(unit, indicator)]
            elif params["missing"] != "zero":
                raise ValueError(f"targets: no row for unit {unit!r}, indicator {indicator!r}")
        result[unit] = 100.0 * total / sum(float(m) for m in indicators.values())
    return result


def _satisfaction(scheme: _Scheme, data: _Data) -> dict[str, float]:
    """R2: the unit rate ``s`` of every unit with survey responses."""
    params = scheme.params("satisfaction")
    values = params["response_values"]
    weights: dict[str, float] = params["group_weights"]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in data.rows("surveys"):
        count = counts[(row["unit_id"], row["group"])]
        count[0] += row["satisfied"]
        count[1] += row["basic"]
        count[2] += row["unsatisfied"]
    rates: dict[str, dict[str, float]] = defaultdict(dict)
    for (unit, group), (satisfied, basic, unsatisfied) in counts.items():
        responses = satisfied + basic + unsatisfied
        if responses == 0:
            continue  # a group with 0 responses is absent
        if group not in weights:
            raise ValueError(f"surveys: group {group!r} has no weight")
        rate = (
            values["satisfied"] * satisfied
            + values["basic"] * basic
            + values["unsatisfied"] * unsatisfied
        )
        rates[unit][group] = rate / responses
    result: dict[str, float] = {}
    for unit, by_group in rates.items():
        numerator = 0.0
        denominator = 0.0
        for group, weight in weights.items():  # the scheme's group order
            if group in by_group:
                numerator += weight * by_group[group]
                denominator += weight
        result[unit] = numerator / denominator
    return result


@dataclass
class _UnitScore:
    target: float
    satisfaction: float | None
    composite: float
    d_sup: float
    d_crit: float
    bonus: float
    score: float

    @property
    def deductions(self) -> float:
        return self.d_sup + self.d_crit


def _supervision_points(scheme: _Scheme, data: _Data, tol: _Tolerance) -> dict[str, float]:
    """R3: the sum of ``p`` per unit, before the cap."""
    params = scheme.params("supervision")
    total: dict[str, float] = defaultdict(float)
    for row in data.rows("supervision"):
        if not scheme.in_period(row["date"]) or tol.exempt("supervision", row["id"]):
            continue
        points = float(params["severity_points"][row["severity"]])
        deadline: dt.date | None = row.get("deadline")
        rectified: dt.date | None = row.get("rectified_on")
        rectified_in_time = deadline is not None and rectified is not None and rectified <= deadline
        if rectified_in_time:
            # READING: on-time rectification is judged on the two dates alone,
            # even when rectified_on is after as_of.
            points *= params["on_time_factor"]
        if deadline is not None and deadline < scheme.as_of and not rectified_in_time:
            points += params["overdue_points"]
        # The mitigation factor applies to the whole p, overdue point included.
        points *= tol.factor("supervision", row["id"])
        total[row["unit_id"]] += points
    for row in _counted_exposures(scheme, data, tol):
        points = float(params["exposure_points"][row["level"]])
        points *= tol.factor("exposures", row["id"])
        total[row["unit_id"]] += points
    return total


def _criticism_points(
    scheme: _Scheme, data: _Data, tol: _Tolerance, criticisms: list[_Criticism]
) -> dict[str, float]:
    """R4: the sum of ``p`` per unit, before the cap."""
    params = scheme.params("criticism")
    total: dict[str, float] = defaultdict(float)
    for criticism in criticisms:
        if criticism.unit_id is not None:
            total[criticism.unit_id] += params["points"][criticism.level] * criticism.factor
    for row in data.rows("interviews"):
        if not scheme.in_period(row["date"]) or tol.exempt("interviews", row["id"]):
            continue
        total[row["unit_id"]] += params["interview_points"] * tol.factor("interviews", row["id"])
    return total


def _award_points(scheme: _Scheme, data: _Data) -> dict[str, float]:
    """R6: the sum of unit award points, before the cap."""
    params = scheme.params("awards")
    total: dict[str, float] = defaultdict(float)
    for row in data.rows("awards"):
        if scheme.in_period(row["date"]) and row.get("unit_id") is not None:
            total[row["unit_id"]] += params["points"][row["level"]]
    return total


def _unit_scores(
    scheme: _Scheme, data: _Data, tol: _Tolerance, criticisms: list[_Criticism]
) -> dict[str, _UnitScore]:
    targets = _target_scores(scheme, data)
    rates = _satisfaction(scheme, data) if scheme.on("satisfaction") else {}
    supervision = _supervision_points(scheme, data, tol) if scheme.on("supervision") else {}
    criticism = _criticism_points(scheme, data, tol, criticisms) if scheme.on("criticism") else {}
    awards = _award_points(scheme, data) if scheme.on("awards") else {}
    result: dict[str, _UnitScore] = {}
    for unit, row in data.units.items():
        target = targets[unit]
        rate = rates.get(unit)
        if scheme.on("satisfaction") and rate is not None:
            params = scheme.params("satisfaction")
            category = row["category"]
            if category in params["weight"]:
                weight = float(params["weight"][category])
            elif params["default_weight"] is not None:
                weight = float(params["default_weight"])
            else:
                raise ValueError(f"satisfaction: no weight for category {category!r}")
            composite = (1 - weight) * target + weight * 100 * rate
        else:
            if scheme.on("satisfaction") and scheme.params("satisfaction")["no_survey"] == "error":
                raise ValueError(f"satisfaction: unit {unit!r} has no survey responses")
            composite = target
        d_sup = min(float(scheme.params("supervision")["cap"]), supervision.get(unit, 0.0))
        d_crit = min(float(scheme.params("criticism")["cap"]), criticism.get(unit, 0.0))
        bonus = min(float(scheme.params("awards")["cap"]), awards.get(unit, 0.0))
        result[unit] = _UnitScore(
            target=target,
            satisfaction=rate,
            composite=composite,
            d_sup=d_sup,
            d_crit=d_crit,
            bonus=bonus,
            score=round2(max(0.0, composite - d_sup - d_crit + bonus)),
        )
    return result


# ---------------------------------------------------------------------------
# Step 4: unit grades and flags (R13, with R4, R7, R8)
# ---------------------------------------------------------------------------


def _rank_by_higher(values: dict[str, float]) -> dict[str, int]:
    """``rank = 1 + (number of others with a strictly higher value)``."""
    descending = sorted(values.values(), reverse=True)
    first_position: dict[float, int] = {}
    for position, value in enumerate(descending):
        first_position.setdefault(value, position)
    return {key: 1 + first_position[value] for key, value in values.items()}


def _grade_units(
    scheme: _Scheme,
    data: _Data,
    scores: dict[str, _UnitScore],
    no_excellent: set[str],
    vetoed: set[str],
) -> tuple[dict[str, int], dict[str, str], dict[str, set[str]]]:
    """R13: ranks, grades and the flags 通报表扬 and 约谈."""
    params = scheme.params("unit_grading")
    thresholds = params["thresholds"]
    ranks: dict[str, int] = {}
    grades: dict[str, str] = {}
    flags: dict[str, set[str]] = defaultdict(set)
    for category in scheme.categories:
        members = [unit for unit, row in data.units.items() if row["category"] == category]
        if not members:
            continue

        def order(unit: str) -> tuple[Any, ...]:
            s = scores[unit]
            # READING: the total deductions are compared as computed (only the
            # rates s and V are rounded to 9 decimals for tie-breaks).
            rate_key = (1, 0.0) if s.satisfaction is None else (0, -rate9(s.satisfaction))
            return (-s.score, s.deductions, rate_key, unit)

        category_ranks = _rank_by_higher({unit: scores[unit].score for unit in members})
        ranks.update(category_ranks)
        places = quota(float(params["excellent_quota"]), len(members))  # vetoed units count
        for unit in sorted(members, key=order):
            score = scores[unit].score
            grade = UNIT_GRADES[-1]
            if unit not in vetoed:  # a veto forces 较差
                for candidate in UNIT_GRADES[:-1]:
                    if candidate == "优秀" and (places == 0 or unit in no_excellent):
                        continue  # kept from 优秀: falls to the next grade it meets
                    if score >= thresholds[candidate]:
                        grade = candidate
                        break
            if grade == "优秀":
                places -= 1
            grades[unit] = grade
            if grade == "优秀":
                flags[unit].add("通报表扬")
            if grade == "较差":
                flags[unit].add("约谈")
        if len(members) >= int(params["interview_min_units"]):
            last = max(category_ranks.values())
            if last > 1:
                # READING: every unit sharing the last rank is interviewed,
                # whatever its grade.
                for unit in members:
                    if category_ranks[unit] == last:
                        flags[unit].add("约谈")
    return ranks, grades, flags


# ---------------------------------------------------------------------------
# Step 5: cadre scores (R14)
# ---------------------------------------------------------------------------


@dataclass
class _CadreScore:
    votes: tuple[int, int, int, int]  # excellent, competent, basic, incompetent
    appraisal: float | None  # V
    score: float | None  # S

    @property
    def total_votes(self) -> int:
        return sum(self.votes)


def _cadre_scores(
    scheme: _Scheme, data: _Data, unit_scores: dict[str, _UnitScore]
) -> dict[str, _CadreScore]:
    params = scheme.params("cadre_score")
    values = params["appraisal_values"]
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in data.rows("votes"):
        count = votes[row["cadre_id"]]
        count[0] += row["excellent"]
        count[1] += row["competent"]
        count[2] += row["basic"]
        count[3] += row["incompetent"]
    exams: dict[str, float] = {}
    if scheme.on("exams"):
        exams = {row["cadre_id"]: float(row["score"]) for row in data.rows("exams")}
    lateness: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if scheme.on("attendance"):
        for row in data.rows("attendance"):
            lateness[row["cadre_id"]][0] += row["late"]
            lateness[row["cadre_id"]][1] += row["absent_days"]
    result: dict[str, _CadreScore] = {}
    for cadre in data.cadres:
        excellent, competent, basic, incompetent = votes.get(cadre, [0, 0, 0, 0])
        total = excellent + competent + basic + incompetent
        counts = (excellent, competent, basic, incompetent)
        if total == 0:
            # READING: no vote rows and rows that are all zeros are both "no
            # votes" (V would be 0/0).
            result[cadre] = _CadreScore(counts, None, None)  # 无民主测评: no score
            continue
        appraisal = (
            values["excellent"] * excellent
            + values["competent"] * competent
            + values["basic"] * basic
            + values["incompetent"] * incompetent
        ) / total
        role = data.role(cadre)
        # Weighted mean of V, U, E; a missing component's weight is dropped.
        weight = float(params["appraisal_weight"][role])
        numerator = weight * appraisal
        denominator = weight
        unit_weight = float(params["unit_weight"][role])
        # READING: "U for head and leader only" is the parameter unit_weight
        # (0 for middle and staff by reference); a zero weight adds nothing.
        if unit_weight > 0:
            # U is the unit's published (rounded) score F.
            numerator += unit_weight * unit_scores[data.unit_of(cadre)].score
            denominator += unit_weight
        if cadre in exams:
            exam_weight = float(scheme.params("exams")["weight"][role])
            numerator += exam_weight * exams[cadre]
            denominator += exam_weight
        deduction = 0.0
        if scheme.on("attendance"):
            att = scheme.params("attendance")
            late, absent = lateness.get(cadre, [0, 0])
            deduction = min(
                float(att["cap"]),
                att["late_points"] * late + att["absent_day_points"] * absent,
            )
        mean = numerator / denominator
        result[cadre] = _CadreScore(
            counts, appraisal, round2(min(100.0, max(0.0, mean - deduction)))
        )
    return result


# ---------------------------------------------------------------------------
# Step 6: cadre grades (R15, with the effects of R4, R8, R9-R11, R14)
# ---------------------------------------------------------------------------


def _sanction_effect(scheme: _Scheme, sanction: _Sanction) -> int:
    """R9: the grade effect of one sanction in the assessment year."""
    kind = scheme.params("accountability")["types"][sanction.type]
    if sanction.type == CASE_REVIEW:
        # READING: "open at as_of" means opened on or before as_of and not
        # closed on or before it; a case opened after as_of has no effect yet.
        # The rule is keyed on the type 立案审查 (its configured grade applies,
        # its later_years are ignored), not on freeze_months = "until_closed".
        opened = sanction.date <= scheme.as_of
        still_open = sanction.closed_on is None or sanction.closed_on > scheme.as_of
        return EFFECTS.index(kind["grade"]) if opened and still_open else NO_EFFECT
    if scheme.in_period(sanction.date):
        return EFFECTS.index(kind["grade"])
    years_before = scheme.year - sanction.date.year
    if 1 <= years_before <= int(kind["later_years"]):
        return UNDETERMINED
    return NO_EFFECT


def _cadre_effects(
    scheme: _Scheme,
    data: _Data,
    cadre_scores: dict[str, _CadreScore],
    criticisms: list[_Criticism],
    serious: dict[str, _Trigger],
    sanctions: list[_Sanction],
) -> dict[str, int]:
    """The heaviest grade effect of each cadre."""
    effects: dict[str, int] = dict.fromkeys(data.cadres, NO_EFFECT)

    def apply(cadre: str, effect: int) -> None:
        effects[cadre] = max(effects[cadre], effect)

    if scheme.on("criticism"):  # R4
        count: dict[str, int] = defaultdict(int)
        for criticism in criticisms:
            if criticism.cadre_id is not None:
                count[criticism.cadre_id] += 1
        basic_from = int(scheme.params("criticism")["cadre_basic_from"])
        for cadre, n in count.items():
            apply(cadre, AT_MOST_BASIC if n >= basic_from else NOT_EXCELLENT)
    if scheme.on("serious_units"):  # R8: 领导班子成员当年不评优
        for unit in serious:
            for cadre in data.cadres_of.get(unit, []):
                if data.role(cadre) in ("head", "leader"):
                    apply(cadre, NOT_EXCELLENT)
    if scheme.on("accountability"):  # R9, with R10 and R11's derived sanctions
        for sanction in sanctions:
            apply(sanction.cadre_id, _sanction_effect(scheme, sanction))
    for cadre, score in cadre_scores.items():  # R14 and the vote rules of R15
        if score.total_votes == 0:
            apply(cadre, UNDETERMINED)  # 无民主测评
            continue
        _excellent, _competent, basic, incompetent = score.votes
        total = score.total_votes
        if 3 * incompetent > total:  # over one third, in integers
            apply(cadre, INCOMPETENT)
        if 2 * (basic + incompetent) >= total:  # at least half, in integers
            apply(cadre, AT_MOST_BASIC)
    return effects


def _grade_cadres(
    scheme: _Scheme,
    data: _Data,
    cadre_scores: dict[str, _CadreScore],
    effects: dict[str, int],
    unit_grades: dict[str, str],
) -> tuple[dict[str, str], dict[str, int | None]]:
    """R15: grades and ranks in unit."""
    params = scheme.params("cadre_grading")
    thresholds = params["thresholds"]
    grades: dict[str, str] = {}
    ranks: dict[str, int | None] = {}
    for unit in data.units:
        members = data.cadres_of.get(unit, [])
        scored = {cadre: cadre_scores[cadre].score for cadre in members}
        unit_ranks = _rank_by_higher({c: s for c, s in scored.items() if s is not None})
        for cadre in members:
            ranks[cadre] = unit_ranks.get(cadre)
        graded = [cadre for cadre in members if effects[cadre] != UNDETERMINED]
        share = (
            params["excellent_quota_excellent_unit"]
            if unit_grades.get(unit) == "优秀"
            else params["excellent_quota"]
        )
        places = quota(float(share), len(graded))

        def order(cadre: str) -> tuple[Any, ...]:
            s = cadre_scores[cadre]
            if s.score is None or s.appraisal is None:
                return (1, 0.0, 0.0, cadre)  # no score: never competes for a place
            return (0, -s.score, -rate9(s.appraisal), cadre)

        for cadre in sorted(members, key=order):
            effect = effects[cadre]
            score = cadre_scores[cadre].score
            if effect == INCOMPETENT:
                grade = "不称职"
            elif effect == UNDETERMINED or score is None:
                grade = NO_GRADE
            else:
                grade = CADRE_GRADES[-1]
                # The best grade that the score, the quota and the effect
                # allow: NOT_EXCELLENT starts at 称职, AT_MOST_BASIC at 基本称职.
                for candidate in CADRE_GRADES[effect:-1]:
                    if candidate == "优秀" and places == 0:
                        continue
                    if score >= thresholds[candidate]:
                        grade = candidate
                        break
                if grade == "优秀":
                    places -= 1
            grades[cadre] = grade
    return grades, ranks


# ---------------------------------------------------------------------------
# Step 7: promotion freezes (R16) and cadre flags
# ---------------------------------------------------------------------------


def _freeze_windows(
    scheme: _Scheme,
    data: _Data,
    serious: dict[str, _Trigger],
    sanctions: list[_Sanction],
) -> list[Freeze]:
    """Every window of R8 and R9 (R10 and R11's sanctions included)."""
    windows: list[Freeze] = []
    if scheme.on("serious_units"):
        months = int(scheme.params("serious_units")["freeze_months"])
        for unit, trigger in serious.items():
            end = add_months(trigger.date, months)
            for cadre in data.cadres_of.get(unit, []):
                source = (
                    cadre,
                    trigger.date,
                    end,
                    "serious_units",
                    trigger.table,
                    trigger.id,
                )
                if data.role(cadre) in ("head", "leader"):
                    windows.append(source)  # 领导班子成员一年内不提拔
                windows.append(source)  # 该部门一年内不新提拔干部
    if scheme.on("accountability"):
        types = scheme.params("accountability")["types"]
        for sanction in sanctions:
            months = types[sanction.type]["freeze_months"]
            sanction_end: End
            if months == INDEFINITE:
                sanction_end = INDEFINITE
            elif months == UNTIL_CLOSED:
                sanction_end = INDEFINITE if sanction.closed_on is None else sanction.closed_on
            else:
                sanction_end = add_months(sanction.date, int(months))
            windows.append(
                (
                    sanction.cadre_id,
                    sanction.date,
                    sanction_end,
                    "accountability",
                    "sanctions",
                    sanction.id,
                )
            )
    # READING: a window [start, end) with end <= start is empty (freeze 0
    # months, e.g. 批评教育, or a case closed the day it opened): no window.
    return [w for w in windows if w[2] == INDEFINITE or (isinstance(w[2], dt.date) and w[2] > w[1])]


def _frozen_until(scheme: _Scheme, windows: list[Freeze]) -> dict[str, End]:
    """The latest end among the windows running at as_of (start <= as_of < end)."""
    result: dict[str, End] = {}
    for cadre, start, end, _rule, _table, _id in windows:
        running = start <= scheme.as_of and (
            end == INDEFINITE or (isinstance(end, dt.date) and scheme.as_of < end)
        )
        if not running:
            continue
        if cadre not in result or end_key(end) > end_key(result[cadre]):
            result[cadre] = end
    return result


# ---------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------


def score(scheme: Mapping[str, Any], tables: Tables) -> dict[str, Any]:
    """Score one scheme on one data set.

    Returns ``{"units": {unit_id: {...}}, "cadres": {cadre_id: {...}},
    "freezes": [...]}``: per unit ``target_score``, ``satisfaction`` (None
    without survey or without R2), ``composite``, ``deductions``, ``bonus``,
    ``score``, ``rank`` and ``grade`` (None without R13) and ``flags`` (sorted
    list); per cadre ``score`` (None without R14 or without votes),
    ``rank_in_unit`` and ``grade`` (None without R15), ``frozen_until`` (a
    date, ``"indefinite"``, or None; None without R16) and ``flags``;
    ``freezes`` the windows that end after period start or never end, as
    ``(cadre_id, start, end, rule, source_table, source_id)`` sorted by
    :func:`freeze_sort_key`.
    """
    sch = _Scheme(scheme)
    data = _Data(tables)

    # 1. tolerance (容错纠错) marks ledger rows exempt or mitigated.
    tol = _Tolerance(sch, data.rows("tolerances"))

    # 2. derived records: overdue notices become criticisms; 一案双查 and
    #    零问责 derive sanctions; serious-problem units are found.
    criticisms = _counted_criticisms(sch, data, tol)
    ledger_sanctions = _ledger_sanctions(data, tol) if sch.on("accountability") else []
    sanctions = list(ledger_sanctions)
    if sch.on("dual_investigation"):
        sanctions += _dual_sanctions(sch, data, ledger_sanctions)
    zero_units: set[str] = set()
    if sch.on("zero_accountability"):
        zero_units, zero_sanctions = _zero_accountability(sch, data, tol, ledger_sanctions)
        sanctions += zero_sanctions
    serious = _serious_units(sch, data, tol, criticisms) if sch.on("serious_units") else {}

    # 3. unit scores.
    unit_scores = _unit_scores(sch, data, tol, criticisms)

    # 4. unit grades and flags.
    vetoed: set[str] = set()
    if sch.on("veto"):
        vetoed = {
            row["unit_id"]
            for row in data.rows("vetoes")
            if sch.in_period(row["date"]) and not tol.exempt("vetoes", row["id"])
        }
    no_excellent: set[str] = set()
    if sch.on("criticism"):  # R4: a criticized unit cannot be 优秀
        no_excellent |= {c.unit_id for c in criticisms if c.unit_id is not None}
    no_excellent |= set(serious)  # R8
    unit_ranks: dict[str, int] = {}
    unit_grades: dict[str, str] = {}
    unit_flags: dict[str, set[str]] = defaultdict(set)
    if sch.on("unit_grading"):
        unit_ranks, unit_grades, grading_flags = _grade_units(
            sch, data, unit_scores, no_excellent, vetoed
        )
        for unit, names in grading_flags.items():
            unit_flags[unit] |= names
    for unit in vetoed:
        unit_flags[unit].add("一票否决")
    for unit in serious:
        unit_flags[unit].add("作风问题严重")
    for unit in zero_units:
        unit_flags[unit].add("零问责")

    # 5. cadre scores.
    cadre_scores = _cadre_scores(sch, data, unit_scores) if sch.on("cadre_score") else {}

    # 6. cadre grades.
    cadre_grades: dict[str, str] = {}
    cadre_ranks: dict[str, int | None] = {}
    if sch.on("cadre_grading"):
        effects = _cadre_effects(sch, data, cadre_scores, criticisms, serious, sanctions)
        # READING: rank_in_unit is part of R15 (like the unit rank of R13): None
        # when cadre grading is off.
        cadre_grades, cadre_ranks = _grade_cadres(sch, data, cadre_scores, effects, unit_grades)

    # 7. promotion freezes and cadre flags.
    windows = _freeze_windows(sch, data, serious, sanctions)
    listed = [
        w
        for w in windows
        if w[2] == INDEFINITE or (isinstance(w[2], dt.date) and w[2] > sch.period_start)
    ]
    frozen = _frozen_until(sch, windows) if sch.on("promotion_freeze") else {}
    cadre_flags: dict[str, set[str]] = defaultdict(set)
    if sch.on("awards"):
        awarded = {
            row["cadre_id"]
            for row in data.rows("awards")
            if sch.in_period(row["date"]) and row.get("cadre_id") is not None
        }
        for cadre in awarded:
            # READING: "not frozen at as_of" reads frozen_until, so without
            # R16 nobody is frozen; without R15 nobody is graded, so no flag.
            if cadre_grades.get(cadre) in ("优秀", "称职") and cadre not in frozen:
                cadre_flags[cadre].add("优先提拔")

    units_out: dict[str, dict[str, Any]] = {}
    for unit in sorted(data.units):
        s = unit_scores[unit]
        units_out[unit] = {
            "target_score": s.target,
            "satisfaction": s.satisfaction,
            "composite": s.composite,
            "deductions": s.deductions,
            "bonus": s.bonus,
            "score": s.score,
            "rank": unit_ranks.get(unit),
            "grade": unit_grades.get(unit),
            "flags": sorted(unit_flags.get(unit, set())),
        }
    cadres_out: dict[str, dict[str, Any]] = {}
    for cadre in sorted(data.cadres):
        cadre_score = cadre_scores.get(cadre)
        cadres_out[cadre] = {
            "score": None if cadre_score is None else cadre_score.score,
            "rank_in_unit": cadre_ranks.get(cadre),
            "grade": cadre_grades.get(cadre),
            "frozen_until": frozen.get(cadre),
            "flags": sorted(cadre_flags.get(cadre, set())),
        }
    return {
        "units": units_out,
        "cadres": cadres_out,
        "freezes": sorted(listed, key=freeze_sort_key),
    }
