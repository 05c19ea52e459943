"""Audit a result folder: are its inputs unchanged, and does every number follow?

:func:`verify` re-reads ``manifest.json`` and the CSV files of a folder that
``kaohe score`` wrote, and lists the problems it finds (empty: the folder
passes):

- the scheme file and every input table file still hash to the sha256 the
  manifest records (tables of one ``.xlsx`` workbook share its hash; a table
  that was absent must still be absent; inputs given in memory cannot be
  verified, which is reported); so must plugin files loaded with
  ``--plugins`` (the manifest records their sha256);
- every unit's ``score`` is ``round2(max(0, composite + its adjustment rows))``
  and every cadre's ``round2(min(100, max(0, its adjustment rows)))``
  (``handbook/data.md``), allowing only for the 4 decimals the files keep:
  a sum that rounds to the published score passes; one that misses by a cent
  passes only if the sum lies within ``5e-5`` per added number of a half cent;
- ``units.csv`` and ``cadres.csv`` have one row per input unit and cadre;
- ``deductions - bonus`` of a unit equals minus the sum of its rows;
- ranks agree with the published scores (``rank = 1 +`` the number of
  higher scores in the unit's category, or the cadre's unit);
- grades agree with scores, thresholds, quotas and the grade-effect rows
  (the scheme file, with the recorded overrides, gives thresholds and
  quotas; not checked when the scheme file is not the run's), and ``通报表扬`` /
  ``一票否决`` flags with grades and rows;
- ``frozen_until`` is the latest end of the windows in ``freezes.csv``
  running at the as-of date.

Relative paths in the manifest are resolved against ``root`` (default: the
current directory, where ``kaohe score`` ran).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import KaoheError
from .vocab import CADRE_GRADES, EFFECT, NO_GRADE, UNIT_GRADES

if TYPE_CHECKING:
    from .plugins import Registry
    from .scheme import Scheme
MEMORY = "<memory>"
_WORKBOOK = re.compile(r"^(?P<path>.*\.xlsx)\[(?P<sheet>[^\]]*)\]$", re.IGNORECASE)
#: Rounding slack per 4-decimal number added (half of the last kept digit).
SLACK = Decimal("0.00005")
CENT = Decimal("0.01")

Row = dict[str, str]


def verify(
    out_dir: str | Path, *, root: str | Path | None = None, registry: Registry | None = None
) -> list[str]:
    """The problems of result folder ``out_dir``, each naming its file and entity; [] = ok.

    ``root`` resolves relative input paths (default: the current
    directory); ``registry`` provides the rules to read the scheme with
    (default: the installed plugins).
    """
    out = Path(out_dir)
    base = Path(root) if root is not None else Path.cwd()
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except OSError as error:
        return [f"{out / 'manifest.json'}: cannot be read ({error.strerror})"]
    except ValueError as error:
        return [f"{out / 'manifest.json'}: not valid JSON ({error})"]
    problems = _inputs(manifest, base)
    scheme_unchanged = not any(problem.startswith("scheme:") for problem in problems)
    tables: dict[str, list[Row]] = {}
    for name in ("units", "cadres", "adjustments", "freezes"):
        try:
            tables[name] = _read_csv(out / f"{name}.csv")
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            problems.append(f"{out / (name + '.csv')}: cannot be read ({error})")
    if len(tables) < 4:
        return problems
    for name in ("units", "cadres"):
        recorded = manifest.get("tables", {}).get(name, {}).get("rows")
        if recorded is not None and recorded != len(tables[name]):
            problems.append(
                f"{name}.csv: {len(tables[name])} rows, but the input table had {recorded}"
            )
    rows = _rows_by_entity(tables["adjustments"], tables["units"], tables["cadres"], problems)
    problems += _unit_scores(tables["units"], rows["unit"])
    problems += _cadre_scores(tables["cadres"], rows["cadre"])
    problems += _ranks(tables["units"], tables["cadres"])
    ran = {str(rule.get("rule")) for rule in manifest.get("rules", [])}
    scheme = None
    if ran & _GRADING:  # grades follow thresholds and quotas of the scheme as it was
        if scheme_unchanged:
            scheme = _scheme(manifest, base, registry, problems)
        else:
            problems.append("grades not checked: the scheme of the run is not available unchanged")
    if scheme is not None and "unit_grading" in ran:
        problems += _unit_grades(tables["units"], rows["unit"], scheme)
    if scheme is not None and "cadre_grading" in ran:
        problems += _cadre_grades(tables["cadres"], tables["units"], rows["cadre"], scheme)
    as_of = manifest.get("as_of")
    if isinstance(as_of, str):
        problems += _frozen_until(tables["cadres"], tables["freezes"], as_of)
    return problems


_GRADING = {"unit_grading", "cadre_grading"}


# -- inputs --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _resolve(base: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else base / path


def _check_file(what: str, path: Path, recorded: str | None) -> list[str]:
    if not path.is_file():
        return [f"{what}: {path} is missing"]
    now = _sha256(path)
    if recorded != now:
        return [f"{what}: {path} has changed since the run (sha256 {recorded} then, {now} now)"]
    return []


def _inputs(manifest: Mapping[str, Any], base: Path) -> list[str]:
    """Problems with the scheme file and the input table files."""
    problems: list[str] = []
    scheme = manifest.get("scheme", {})
    file = str(scheme.get("file", MEMORY))
    if file == MEMORY or not scheme.get("sha256"):
        problems.append("scheme: given in memory; its content cannot be verified")
    else:
        problems += _check_file("scheme", _resolve(base, file), scheme.get("sha256"))
    workbooks: dict[tuple[str, str | None], list[str]] = {}
    for name, info in sorted(manifest.get("tables", {}).items()):
        source = str(info.get("source", MEMORY))
        if source.startswith(MEMORY):
            if info.get("present", True):
                problems.append(f"table {name}: given in memory; its content cannot be verified")
            continue
        book = _WORKBOOK.match(source)
        if book is not None:  # an absent sheet is covered by the workbook's hash
            if info.get("present", True):
                workbooks.setdefault((book["path"], info.get("sha256")), []).append(name)
            continue
        path = _resolve(base, source)
        if info.get("present", True):
            problems += _check_file(f"table {name}", path, info.get("sha256"))
        elif path.exists():
            problems.append(f"table {name}: {path} was absent at the run and exists now")
    for (book_path, digest), names in workbooks.items():
        problems += _check_file(f"tables {', '.join(names)}", _resolve(base, book_path), digest)
    for plugin in manifest.get("plugins", []):
        if plugin.get("file") and plugin.get("sha256"):
            what = f"plugin {plugin.get('plugin')}"
            problems += _check_file(what, _resolve(base, str(plugin["file"])), plugin["sha256"])
    return problems


# -- result files --------------------------------------------------------------------------


def _read_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _number(text: str | None) -> Decimal | None:
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _rows_by_entity(
    adjustments: Sequence[Row], units: Sequence[Row], cadres: Sequence[Row], problems: list[str]
) -> dict[str, dict[str, list[Row]]]:
    known = {"unit": {u["unit_id"] for u in units}, "cadre": {c["cadre_id"] for c in cadres}}
    found: dict[str, dict[str, list[Row]]] = {"unit": defaultdict(list), "cadre": defaultdict(list)}
    for line, row in enumerate(adjustments, start=2):
        entity, ident = row.get("entity", ""), row.get("entity_id", "")
        if entity not in known or ident not in known[entity]:
            problems.append(f"adjustments.csv line {line}: no {entity or 'entity'} '{ident}'")
        elif _number(row.get("points")) is None:
            problems.append(f"adjustments.csv line {line}: points '{row.get('points')}'")
        else:
            found[entity][ident].append(row)
    return found


def round2(x: Decimal) -> Decimal:
    """``floor(x * 100 + 0.5 + 1e-9) / 100`` (rules.md), exactly on decimals."""
    return Decimal(math.floor(x * 100 + Decimal("0.5") + Decimal("1e-9"))) / 100


def _adds_up(total: Decimal, terms: int, published: Decimal, high: Decimal | None) -> bool:
    """Whether ``total`` (a sum of ``terms`` 4-decimal numbers) gives ``published``."""
    clamped = max(Decimal(0), total) if high is None else min(high, max(Decimal(0), total))
    expected = round2(clamped)
    if expected == published:
        return True
    if abs(expected - published) > CENT:
        return False
    scaled = clamped * 100 - Decimal("0.5")
    off_boundary = abs(scaled - scaled.to_integral_value()) / 100
    return off_boundary <= SLACK * terms


def _points(rows: Iterable[Row]) -> Decimal:
    return sum((_number(row["points"]) or Decimal(0) for row in rows), Decimal(0))


def _unit_scores(units: Sequence[Row], rows: Mapping[str, list[Row]]) -> list[str]:
    problems = []
    for unit in units:
        uid = unit["unit_id"]
        mine = rows.get(uid, [])
        score, composite = _number(unit.get("score")), _number(unit.get("composite"))
        if score is None or composite is None:
            problems.append(f"units.csv {uid}: score or composite is missing")
            continue
        added = _points(mine)
        total = composite + added
        if not _adds_up(total, len(mine) + 1, score, None):
            problems.append(
                f"units.csv {uid}: score {score} but round2(max(0, composite {composite} + "
                f"adjustments {added})) = {round2(max(Decimal(0), total))}"
            )
        deductions = _number(unit.get("deductions")) or Decimal(0)
        bonus = _number(unit.get("bonus")) or Decimal(0)
        if abs(bonus - deductions - added) > SLACK * (len(mine) + 2):
            problems.append(
                f"units.csv {uid}: bonus {bonus} - deductions {deductions} does not match "
                f"its adjustment rows ({added})"
            )
    return problems


def _cadre_scores(cadres: Sequence[Row], rows: Mapping[str, list[Row]]) -> list[str]:
    problems = []
    for cadre in cadres:
        cid = cadre["cadre_id"]
        mine = rows.get(cid, [])
        score = _number(cadre.get("score"))
        if score is None:
            if any(row.get("effect") == "得分" for row in mine):
                problems.append(f"cadres.csv {cid}: no score, but score parts in adjustments.csv")
            continue
        total = _points(mine)
        if not _adds_up(total, max(len(mine), 1), score, Decimal(100)):
            problems.append(
                f"cadres.csv {cid}: score {score} but round2(min(100, max(0, adjustments "
                f"{total}))) = {round2(min(Decimal(100), max(Decimal(0), total)))}"
            )
    return problems


# -- ranks ---------------------------------------------------------------------------------


def _rank_problems(
    file: str, entities: Sequence[Row], key: str, group: str, rank_column: str
) -> list[str]:
    problems = []
    scores: dict[str, list[Decimal]] = defaultdict(list)
    for row in entities:
        score = _number(row.get("score"))
        if score is not None:
            scores[row[group]].append(score)
    ranked = any(row.get(rank_column) for row in entities)
    for row in entities:
        score, rank = _number(row.get("score")), row.get(rank_column, "")
        if not ranked or score is None:
            if rank:
                problems.append(f"{file} {row[key]}: {rank_column} {rank} without a score")
            continue
        expected = 1 + sum(other > score for other in scores[row[group]])
        if rank != str(expected):
            problems.append(
                f"{file} {row[key]}: {rank_column} {rank or '(empty)'}, but {expected - 1} "
                f"{'units of its category' if file == 'units.csv' else 'cadres of its unit'} "
                f"score higher (expected {expected})"
            )
    return problems


def _ranks(units: Sequence[Row], cadres: Sequence[Row]) -> list[str]:
    return [
        *_rank_problems("units.csv", units, "unit_id", "category", "rank"),
        *_rank_problems("cadres.csv", cadres, "cadre_id", "unit_id", "rank_in_unit"),
    ]


# -- grades --------------------------------------------------------------------------------


def _scheme(
    manifest: Mapping[str, Any], base: Path, registry: Registry | None, problems: list[str]
) -> Scheme | None:
    """The scheme of the run with its overrides, or None (with a problem) if it cannot be read."""
    from .api import load_scheme

    file = str(manifest.get("scheme", {}).get("file", MEMORY))
    try:
        scheme = load_scheme(_resolve(base, file), registry)
        overrides = manifest.get("overrides") or {}
        return scheme.with_overrides(overrides) if overrides else scheme
    except KaoheError as error:
        problems.append(f"grades not checked: the scheme cannot be read ({error})")
        return None


def _threshold(score: Decimal, thresholds: Mapping[str, float], grades: Sequence[str]) -> int:
    """The best grade (index into ``grades``) whose threshold ``score`` meets."""
    for code, name in enumerate(grades[:-1]):
        if score >= Decimal(str(thresholds[name])):
            return code
    return len(grades) - 1


def _quota(share: float, n: int) -> int:
    return math.floor(share * n + 1e-9)


def _effects(rows: Iterable[Row]) -> set[str]:
    return {row.get("effect", "") for row in rows}


def _flags(row: Row) -> set[str]:
    return set(filter(None, row.get("flags", "").split(";")))


def _unit_order(unit: Row) -> tuple[Decimal, Decimal, Decimal]:
    """R13's order as far as the files tell it: F desc, deductions asc, s desc (empty last)."""
    s = _number(unit.get("satisfaction"))
    return (
        -(_number(unit.get("score")) or Decimal(0)),
        _number(unit.get("deductions")) or Decimal(0),
        Decimal(2) if s is None else -s,
    )


def _unit_grades(units: Sequence[Row], rows: Mapping[str, list[Row]], scheme: Scheme) -> list[str]:
    problems: list[str] = []
    thresholds = scheme.param("unit_grading", "thresholds")
    share = float(scheme.param("unit_grading", "excellent_quota"))
    by_category: dict[str, list[Row]] = defaultdict(list)
    for unit in units:
        by_category[unit["category"]].append(unit)
    best, worst = UNIT_GRADES[0], UNIT_GRADES[-1]
    for category, members in by_category.items():
        places = _quota(share, len(members))
        excellent = [u for u in members if u.get("grade") == best]
        if len(excellent) > places:
            problems.append(
                f"units.csv category {category}: {len(excellent)} units graded {best}, "
                f"quota({share:g}, {len(members)}) = {places}"
            )
        for unit in members:
            uid, grade = unit["unit_id"], unit.get("grade", "")
            score = _number(unit.get("score")) or Decimal(0)
            effects = _effects(rows.get(uid, []))
            vetoed, held = "一票否决" in effects, "不得评优" in effects
            code = _threshold(score, thresholds, UNIT_GRADES)
            lower = UNIT_GRADES[1 + _threshold(score, thresholds, UNIT_GRADES[1:])]
            if vetoed:
                allowed = {worst}
            elif code == 0:
                allowed = {lower} if held else {best, lower}
            else:
                allowed = {UNIT_GRADES[code]}
            if grade not in allowed:
                problems.append(
                    f"units.csv {uid}: grade {grade or '(empty)'} does not follow from score "
                    f"{score} and its effects (expected {' or '.join(sorted(allowed))})"
                )
            elif code == 0 and not held and not vetoed and grade != best:
                if len(excellent) < places:
                    problems.append(
                        f"units.csv {uid}: not {best} although the quota of {category} "
                        f"({places}) is not full"
                    )
                after = [u["unit_id"] for u in excellent if _unit_order(u) > _unit_order(unit)]
                if after:
                    problems.append(
                        f"units.csv {uid}: kept from {best} by the quota, but {', '.join(after)} "
                        "ranked after it got the grade"
                    )
            flags = _flags(unit)
            if (grade == best) != ("通报表扬" in flags):
                problems.append(f"units.csv {uid}: flag 通报表扬 does not match grade {grade}")
            if vetoed != ("一票否决" in flags):
                problems.append(f"units.csv {uid}: flag 一票否决 does not match its veto rows")
    return problems


def _cadre_expected(score: Decimal | None, heaviest: int, thresholds: Mapping[str, float]) -> str:
    """The grade that score and effects give, the quota aside."""
    if heaviest >= EFFECT.code("不称职"):
        return CADRE_GRADES[3]
    if heaviest >= EFFECT.code("不定等次") or score is None:
        return NO_GRADE
    code = _threshold(score, thresholds, CADRE_GRADES)
    if heaviest >= EFFECT.code("最高基本称职"):
        code = max(code, 2)
    elif heaviest >= EFFECT.code("不得评优"):
        code = max(code, 1)
    return CADRE_GRADES[code]


def _cadre_grades(
    cadres: Sequence[Row], units: Sequence[Row], rows: Mapping[str, list[Row]], scheme: Scheme
) -> list[str]:
    problems: list[str] = []
    thresholds = scheme.param("cadre_grading", "thresholds")
    unit_grade = {u["unit_id"]: u.get("grade", "") for u in units}
    by_unit: dict[str, list[Row]] = defaultdict(list)
    for cadre in cadres:
        by_unit[cadre["unit_id"]].append(cadre)
    best = CADRE_GRADES[0]
    for uid, members in by_unit.items():
        key = "excellent_quota_excellent_unit" if unit_grade.get(uid) == UNIT_GRADES[0] else None
        share = float(scheme.param("cadre_grading", key or "excellent_quota"))
        graded = [c for c in members if c.get("grade") in CADRE_GRADES]
        places = _quota(share, len(graded))
        excellent = [c for c in members if c.get("grade") == best]
        if len(excellent) > places:
            problems.append(
                f"cadres.csv unit {uid}: {len(excellent)} cadres graded {best}, "
                f"quota({share:g}, {len(graded)}) = {places}"
            )
        for cadre in members:
            cid, grade = cadre["cadre_id"], cadre.get("grade", "")
            score = _number(cadre.get("score"))
            levels = [EFFECT.code(e) for e in _effects(rows.get(cid, []))]
            heaviest = max([level for level in levels if level > 0], default=0)
            expected = _cadre_expected(score, heaviest, thresholds)
            quota_held = expected == best and grade == CADRE_GRADES[1]
            if grade != expected and not quota_held:
                problems.append(
                    f"cadres.csv {cid}: grade {grade or '(empty)'} does not follow from score "
                    f"{score if score is not None else '(none)'} and its effects "
                    f"(expected {expected})"
                )
            elif quota_held:
                if cadre.get("grade_reason") != "quota":
                    problems.append(
                        f"cadres.csv {cid}: kept from {best} but grade_reason is not quota"
                    )
                if len(excellent) < places:
                    problems.append(
                        f"cadres.csv {cid}: not {best} although the quota of unit {uid} "
                        f"({places}) is not full"
                    )
                lower = [
                    c["cadre_id"] for c in excellent if (_number(c["score"]) or 0) < (score or 0)
                ]
                if lower:
                    problems.append(
                        f"cadres.csv {cid}: kept from {best} by the quota, but {', '.join(lower)} "
                        "with a lower score got the grade"
                    )
    return problems


# -- freezes -------------------------------------------------------------------------------


def _frozen_until(cadres: Sequence[Row], freezes: Sequence[Row], as_of: str) -> list[str]:
    """``frozen_until``: the latest end of the windows running at ``as_of``."""
    try:
        dt.date.fromisoformat(as_of)
    except ValueError:
        return [f"manifest.json: as_of '{as_of}' is not a date"]
    latest: dict[str, str] = {}
    forever = "indefinite"
    for window in freezes:
        start, end = window.get("start", ""), window.get("end", "")
        if not start <= as_of or not (end == forever or as_of < end):
            continue
        cid = window.get("cadre_id", "")
        current = latest.get(cid, "")
        if current != forever and (end == forever or end > current):
            latest[cid] = end
    problems = []
    for cadre in cadres:
        cid = cadre["cadre_id"]
        if cadre.get("frozen_until", "") != latest.get(cid, ""):
            problems.append(
                f"cadres.csv {cid}: frozen_until '{cadre.get('frozen_until', '')}', but the "
                f"windows in freezes.csv running at {as_of} end at "
                f"'{latest.get(cid, '') or '(none)'}'"
            )
    return problems
