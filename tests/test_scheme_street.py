"""Golden tests of the street reference schemes on their bundled example data.

``schemes/street-2016.toml`` (seed 000, one category 街道部门, R1-R5, R8-R10,
R12-R16) and ``schemes/street-2012.toml`` (seed 002, 科室 and 社区, R1, R3,
R4, R6, R9, R12-R16), scored on ``schemes/street-2016/`` and
``schemes/street-2012/`` (written by ``tools/make_examples.py``).

Every expected value below was worked out by hand from handbook/rules.md
and the CSV rows; the arithmetic is in the comments. Notation: T target
score, s satisfaction rate, C composite, D = D_sup + D_crit, B bonus,
F = round2(max(0, C - D + B)); V appraisal, U = F of the cadre's unit,
A attendance, S cadre score. Unit targets, surveys and the votes of the
edge cadres are hand-set in make_examples.py; the votes of the other
cadres are drawn, so for those only what does not depend on their score
is asserted. The whole result is also compared with the pure-Python
reference (tests/reference/purepython.py).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from tests.bridge import as_plain, registry, rows
from tests.conftest import ROOT
from tests.reference import purepython
from tools import make_examples

import kaohe

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

STREET_2016 = ROOT / "schemes" / "street-2016.toml"
STREET_2012 = ROOT / "schemes" / "street-2012.toml"
SEEDS = ROOT.parent / "shared" / "seeds"  # the seed documents, beside the repository


class Run(NamedTuple):
    """One scored scheme: the parsed TOML, the scheme, the data and the results."""

    doc: dict[str, Any]
    scheme: kaohe.Scheme
    data: kaohe.Dataset
    results: kaohe.Results
    plain: dict[str, Any]


def _run(path: Path) -> Run:
    scheme = kaohe.load_scheme(path, registry())
    data = kaohe.load_data(path.with_suffix(""), scheme)
    results = kaohe.evaluate(scheme, data)
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return Run(doc, scheme, data, results, as_plain(results))


@pytest.fixture(scope="module")
def s16() -> Run:
    return _run(STREET_2016)


@pytest.fixture(scope="module")
def s12() -> Run:
    return _run(STREET_2012)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def end(text: str | None) -> dt.date | str | None:
    """A ``frozen_until`` / window end as as_plain gives it."""
    return text if text in (None, "indefinite") else day(text)


def unit_reason(run: Run, unit_id: str) -> str:
    index = run.results.units.ids.tolist().index(unit_id)
    return str(run.results.units.grade_reason(0)[index])


def cadre_reason(run: Run, cadre_id: str) -> str:
    index = run.results.cadres.ids.tolist().index(cadre_id)
    return str(run.results.cadres.grade_reason(0)[index])


def adjustment_rows(run: Run) -> Iterator[tuple[str, str, str, str, str, float, str]]:
    """(entity, entity id, rule, source table, source id, points, effect) of every row."""
    for block in run.results.adjustments:
        ids = run.data.unit_ids if block.entity == "unit" else run.data.cadre_ids
        for j in range(len(block)):
            points = float(block.points[0, j])
            if block.column("effect")[j] == "cap" and points == 0.0:
                continue  # a cap that does not bite is dropped from the output
            yield (
                block.entity,
                str(ids[block.index[j]]),
                block.rule,
                str(block.column("source_table")[j]),
                str(block.column("source_id")[j]),
                points,
                str(block.column("effect")[j]),
            )


def effect_rows(run: Run) -> Iterator[tuple[str, str, str, str, str]]:
    """(entity, entity id, rule, source table, source id) of every grade effect."""
    for block in run.results.effects:
        ids = run.data.unit_ids if block.entity == "unit" else run.data.cadre_ids
        for j in range(len(block.index)):
            yield (
                block.entity,
                str(ids[block.index[j]]),
                block.rule,
                str(block.column("source_table")[j]),
                str(block.column("source_id")[j]),
            )


def windows(run: Run, rule: str | None = None) -> set[tuple[str, dt.date, object, str, str]]:
    """Freeze windows that end after period_start: (cadre, start, end, table, id)."""
    return {
        (cadre, start, stop, table, source)
        for cadre, start, stop, rule_name, table, source in run.plain["freezes"]
        if rule is None or rule_name == rule
    }


def assert_matches_reference(run: Run) -> None:
    """Every published value equals the pure-Python reference's (test_differential.compare)."""
    slow = purepython.score(run.doc, rows(run.data))
    fast = run.plain
    assert fast["freezes"] == slow["freezes"]
    for section in ("units", "cadres"):
        assert fast[section].keys() == slow[section].keys()
        for entity, values in slow[section].items():
            for field, want in values.items():
                got = fast[section][entity][field]
                if isinstance(want, float) and field != "score":
                    assert got == pytest.approx(want, abs=1e-9), (section, entity, field)
                else:
                    assert got == want, (section, entity, field, got, want)


NO_VOTES = "无民主测评"
CRITICISED = "受到通报批评,当年不得评为优秀 (criticisms {})"
MANY = "受到多次通报批评,最高基本称职 (criticisms {})"


def check_cadre(run: Run, cadre_id: str, expected: tuple[Any, ...]) -> None:
    """Assert ``(S, rank, grade, reason, frozen_until, flags)`` of a cadre.

    ``...`` skips a value that depends on drawn votes; a set of reasons
    accepts any of tied effects (rules.md does not say which one is named);
    ``NO_VOTES`` is matched as a prefix (the reason of 无民主测评 names no row).
    """
    score, rank, grade, reason, frozen, flags = expected
    got = run.plain["cadres"][cadre_id]
    if score is not ...:
        assert got["score"] == score, cadre_id
    if rank is not ...:
        assert got["rank_in_unit"] == rank, cadre_id
    if grade is not ...:
        assert got["grade"] == grade, cadre_id
    if isinstance(reason, set):
        assert cadre_reason(run, cadre_id) in reason, cadre_id
    elif reason == NO_VOTES:
        assert cadre_reason(run, cadre_id).startswith(NO_VOTES), cadre_id
    elif reason is not ...:
        assert cadre_reason(run, cadre_id) == reason, cadre_id
    assert got["frozen_until"] == end(frozen), cadre_id
    if flags is not ...:
        assert got["flags"] == list(flags), cadre_id


# ===========================================================================
# street-2016 (seed 000): year 2016, as_of 2016-12-31, one category 街道部门,
# C = 0.8 T + 0.2 * 100 s. Survey groups 服务对象 100, 企业 40, 人大代表 20,
# 政协委员 20 respondents; every unit but JD13 has the same shares in each
# group, so s = r = satisfied share + 0.6 * basic share.


def test_street_2016_scheme_reads_as_specified(s16: Run) -> None:
    scheme = s16.scheme
    assert scheme.year == 2016
    assert scheme.as_of == dt.date(2016, 12, 31)
    assert scheme.categories == ("街道部门",)
    assert set(scheme.enabled) == {
        "targets",
        "unit_score",
        "satisfaction",
        "supervision",
        "criticism",
        "rectification",
        "serious_units",
        "accountability",
        "dual_investigation",
        "tolerance",
        "unit_grading",
        "cadre_score",
        "attendance",
        "cadre_grading",
        "promotion_freeze",
    }
    assert scheme.param("satisfaction", "weight") == {"街道部门": 0.20}
    assert scheme.param("targets", "indicators") == {"目标任务": 70, "党风廉政建设": 30}
    assert tuple(scheme.param("supervision", "taxonomy")) == (
        "不敢担当",
        "廉而不勤",
        "中梗阻",
        "吃拿卡要",
        "漠视群众",
        "业绩平庸",
        "有令不行",
    )
    assert "实行“一案双查”" in scheme.rules["dual_investigation"].basis


@pytest.mark.parametrize(
    ("path", "seed"),
    [(STREET_2016, "000_ab9c398409037801.txt"), (STREET_2012, "002_4727cc8daa934615.txt")],
)
def test_every_basis_quotes_its_seed_verbatim(path: Path, seed: str) -> None:
    if not (SEEDS / seed).is_file():
        pytest.skip("seed documents not available")
    text = (SEEDS / seed).read_text(encoding="utf-8")
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    quoted = 0
    for table in doc.values():
        basis = table.get("basis", "") if isinstance(table, dict) else ""
        for part in basis.split("「")[1:]:
            assert part.split("」")[0] in text
            quoted += 1
    assert quoted >= 10


# unit: T, s, C, D, F, rank, grade, flags
UNITS_2016 = {
    # C = 76 + 20 * 0.96 = 95.2; no ledger.
    "JD01": (95.0, 0.96, 95.2, 0.0, 95.20, 1, "优秀", ["通报表扬"]),
    # C = 76 + 18.2 = 94.2; SV01 一般 0.5 rectified on the deadline day: * 0.5
    # = 0.25 (NT01, also rectified on its deadline day, derives nothing).
    "JD02": (95.0, 0.91, 94.2, 0.25, 93.95, 2, "优秀", ["通报表扬"]),
    # C = 75.6 + 18.6 = 94.2; SV02 较重 rectified a day late: 1 + 1 = 2;
    # CR01 街道(乡镇) 0.5 -> D 2.5; F 91.70 >= 90 but criticised: 良好.
    "JD03": (94.5, 0.93, 94.2, 2.5, 91.70, 6, "良好", []),
    # SV04 较重, deadline = as_of: not overdue, 1.0; CR02 区(县) 1.0 +
    # notice:NT09 县 1.0 (NT09 unrectified, deadline 2016-07-31) -> D 3.0.
    # Serious (R8): the 2nd criticism >= 县 is notice:NT09, dated 2016-08-01.
    "JD04": (95.0, 0.91, 94.2, 3.0, 91.20, 7, "良好", ["作风问题严重"]),
    # C = 65.6 + 15 = 80.6. D_sup: SV03 2+1, SV07 2+1 (late), SV10 1,
    # SV11 0.25 (on time), SV16 1+1, EX01 县 1 = 10.25 -> cap 10 (SV12 is
    # 2015). D_crit: CR03 市 2 + CR04 县 1 + CR05 县 1 + notice:NT11 0.5 +
    # IV01 0.5 + IV02 0.5 = 5.5 -> cap 5. F = 80.6 - 15 = 65.60: 一般, and
    # the last rank (16 of 16 units) -> 约谈. Serious from CR04 2016-04-20
    # (2nd criticism >= 县), before its exposure EX01 2016-06-15.
    "JD05": (82.0, 0.75, 80.6, 15.0, 65.60, 16, "一般", ["作风问题严重", "约谈"]),
    # C = 75.2 + 17.8 = 93.0; SV05 0.5 (deadline 2017-01-20 after as_of: not
    # overdue) + SV06 0.5 (rectified but no deadline: not "on time") = 1.0.
    # F 92.00 ties JD13; JD13 has fewer deductions, takes the 4th 优秀 place.
    "JD06": (94.0, 0.89, 93.0, 1.0, 92.00, 4, "良好", []),
    # C = 73.6 + 18.2 = 91.8; SV08 严重 overdue (2 + 1) * 0.5 (TL01 从轻) = 1.5.
    "JD07": (92.0, 0.91, 91.8, 1.5, 90.30, 8, "良好", []),
    # C = 74.8 + 18.2 = 93.0; SV09 exempt (TL02 免责): 0.
    "JD08": (93.5, 0.91, 93.0, 0.0, 93.00, 3, "优秀", ["通报表扬"]),
    # C = 72.8 + 17.8 = 90.6; EX02 市 2 * 0.5 (TL03 从轻) = 1.0 (still serious);
    # SV19 免责 (TL11) governs over 从轻 (TL12): 0; CR11 is dated 2017.
    "JD09": (91.0, 0.89, 90.6, 1.0, 89.60, 9, "良好", ["作风问题严重"]),
    # C = 70.4 + 17.2 = 87.6; EX03 exempt (TL04): 0 and not serious;
    # NT04 deadline = as_of: not overdue.
    "JD10": (88.0, 0.86, 87.6, 0.0, 87.60, 10, "良好", []),
    # C = 70.8 + 17.8 = 88.6; SV14 较重 1.0 -> 87.60, the same F and rank as
    # JD10. EX04 (2015) and NT08 (issued 2015) do not count.
    "JD11": (88.5, 0.89, 88.6, 1.0, 87.60, 10, "良好", []),
    # C = 68.4 + 16.8 = 85.2; notice:NT02 (rectified 2016-09-06, a day late)
    # 0.5 + notice:NT10 (deadline 2016-12-30, rectified 2017) 0.5 + IV03 0.5.
    "JD12": (85.5, 0.84, 85.2, 1.5, 83.70, 14, "良好", []),
    # 服务对象 in two rows (45,3,2) + (35,7,8) = (80,10,10): r .86; 企业 (32,4,4)
    # .86; 人大代表 (16,2,2) .86; 政协委员 (0,0,0) absent: s = .86 * .85 / .85.
    # C = 74.8 + 17.2 = 92.0, no deductions.
    "JD13": (93.5, 0.86, 92.0, 0.0, 92.00, 4, "优秀", ["通报表扬"]),
    # C = 68.8 + 17.2 = 86.0; SV17 一般 on time 0.25 * 0.5 (TL13) = 0.125;
    # notice:NT06 县 1.0 * 0.5 (TL07 从轻) = 0.5 -> D 0.625; F = round2(85.375)
    # = 85.38 (half up).
    "JD14": (86.0, 0.86, 86.0, 0.625, 85.38, 12, "良好", []),
    # SV18 较重 overdue 1 + 1 = 2 (TL10 免责 is dated 2017-01-05, after as_of);
    # NT05 overdue but exempt (TL06): nothing.
    "JD15": (85.5, 0.84, 85.2, 2.0, 83.20, 15, "良好", []),
    # no survey: C = T = 85; SV15 0.5 + CR10 县 1 * 0.5 (TL05 减轻) = 1.0;
    # NT03 deadline 2017-01-15 after as_of, IV04 2017: nothing.
    "JD16": (85.0, None, 85.0, 1.0, 84.00, 13, "良好", []),
}


@pytest.mark.parametrize("unit_id", sorted(UNITS_2016))
def test_street_2016_unit_scores_ranks_grades_and_flags(s16: Run, unit_id: str) -> None:
    target, rate, composite, deductions, score, rank, grade, flags = UNITS_2016[unit_id]
    got = s16.plain["units"][unit_id]
    assert got["target_score"] == pytest.approx(target, abs=1e-9)
    if rate is None:
        assert got["satisfaction"] is None
    else:
        assert got["satisfaction"] == pytest.approx(rate, abs=1e-9)
    assert got["composite"] == pytest.approx(composite, abs=1e-9)
    assert got["deductions"] == pytest.approx(deductions, abs=1e-9)
    assert got["bonus"] == 0.0
    assert got["score"] == score
    assert got["rank"] == rank
    assert got["grade"] == grade
    assert got["flags"] == flags


def test_street_2016_unit_grade_reasons(s16: Run) -> None:
    # quota(0.30, 16) = floor(4.8) = 4 places. Eligible (F >= 90, no effect)
    # in order F desc, D asc: JD01 95.20, JD02 93.95, JD08 93.00, JD13 92.00
    # (D 0), JD06 92.00 (D 1.0), JD07 90.30: the first four are 优秀.
    assert unit_reason(s16, "JD06") == "quota"
    assert unit_reason(s16, "JD07") == "quota"
    assert unit_reason(s16, "JD03") == "受到通报批评,当年不得评为优秀 (criticisms CR01)"
    # JD04 has three effects of one weight (CR02, notice:NT09, and R8 from
    # notice:NT09); rules.md does not say which one the reason names.
    assert unit_reason(s16, "JD04") in {
        "受到通报批评,当年不得评为优秀 (criticisms CR02)",
        "受到通报批评,当年不得评为优秀 (criticisms notice:NT09)",
        "作风问题严重的单位不得评为优秀 (criticisms notice:NT09)",
    }
    for unit_id in ("JD01", "JD02", "JD08", "JD13", "JD05", "JD16"):
        assert unit_reason(s16, unit_id) == "score"


def test_street_2016_overdue_notices_become_criticisms(s16: Run) -> None:
    derived = {
        (entity, entity_id, source_id, points)
        for entity, entity_id, rule, table, source_id, points, effect in adjustment_rows(s16)
        if source_id.startswith("notice:")
    }
    # Points: 乡镇 (the default level when the notice names none) 0.5, 县 1.0;
    # NT06 is mitigated (从轻): 1.0 * 0.5.
    assert derived == {
        ("unit", "JD04", "notice:NT09", -1.0),
        ("unit", "JD05", "notice:NT11", -0.5),
        ("unit", "JD12", "notice:NT02", -0.5),
        ("unit", "JD12", "notice:NT10", -0.5),
        ("unit", "JD14", "notice:NT06", -0.5),
    }
    # Not derived: NT01 (rectified on the deadline day), NT03 (deadline after
    # as_of), NT04 (deadline = as_of), NT05 (exempt), NT08 (issued in 2015).
    # NT07, to a cadre, is a cadre criticism of JD02-06 (no points, an effect).
    effects = set(effect_rows(s16))
    assert ("cadre", "JD02-06", "criticism", "criticisms", "notice:NT07") in effects
    assert ("unit", "JD04", "serious_units", "criticisms", "notice:NT09") in effects
    noticed = {source for *_, source in effects if source.startswith("notice:")}
    assert noticed == {
        "notice:NT02",
        "notice:NT06",
        "notice:NT07",
        "notice:NT09",
        "notice:NT10",
        "notice:NT11",
    }
    # the exempt notice is shown with 0 points
    assert ("unit", "JD15", "tolerance", "notices", "NT05", 0.0, "容错免责") in set(
        adjustment_rows(s16)
    )


def test_street_2016_dual_investigation_derives_one_sanction_per_head_and_case(s16: Run) -> None:
    dual = {w for w in windows(s16, "accountability") if w[4].startswith("dual:")}
    assert dual == {
        # SA02 党内警告 2016-07-20 and SA01 记过 2016-08-10 share case
        # 2016-东纪-003: one 诫勉 for the head JD07-01, dated at the earlier;
        # 6 months: 2017-01-20.
        ("JD07-01", day("2016-07-20"), day("2017-01-20"), "sanctions", "dual:2016-东纪-003"),
        # case 2016-东纪-009 spans two units: SA05 降职 (JD10-04) and SA06 免职
        # (JD12-05) each give their own head a 诫勉 with the same id.
        ("JD10-01", day("2016-06-28"), day("2016-12-28"), "sanctions", "dual:2016-东纪-009"),
        ("JD12-01", day("2016-07-05"), day("2017-01-05"), "sanctions", "dual:2016-东纪-009"),
        # SA03 政务警告 and SA04 严重警告 (从轻: unchanged) have no case_id: one each.
        ("JD11-01", day("2016-09-09"), day("2017-03-09"), "sanctions", "dual:SA04"),
        ("JD11-01", day("2016-10-12"), day("2017-04-12"), "sanctions", "dual:SA03"),
    }
    # Nothing from SA07 (the head JD15-01's own 党内警告), SA08 (JD14 has no
    # head), SA09 (exempt), SA10 (2015), SA11/SA12 (立案审查), SA13/SA14 (诫勉),
    # SA15 (批评教育), SA16 (2017).
    dual_effects = {
        (cadre, source)
        for entity, cadre, rule, table, source in effect_rows(s16)
        if source.startswith("dual:")
    }
    assert dual_effects == {
        ("JD07-01", "dual:2016-东纪-003"),
        ("JD10-01", "dual:2016-东纪-009"),
        ("JD12-01", "dual:2016-东纪-009"),
        ("JD11-01", "dual:SA03"),
        ("JD11-01", "dual:SA04"),
    }


def test_street_2016_sanction_windows(s16: Run) -> None:
    recorded = {w for w in windows(s16, "accountability") if not w[4].startswith("dual:")}
    assert recorded == {
        ("JD03-05", day("2016-11-02"), "indefinite", "sanctions", "SA11"),  # 立案审查 open
        ("JD05-03", day("2016-02-01"), day("2016-08-01"), "sanctions", "SA14"),  # 诫勉 6
        ("JD06-05", day("2016-03-15"), day("2016-09-15"), "sanctions", "SA13"),  # 诫勉 6
        ("JD07-05", day("2016-08-10"), day("2017-08-10"), "sanctions", "SA01"),  # 记过 12
        ("JD07-06", day("2016-07-20"), day("2017-07-20"), "sanctions", "SA02"),  # 党内警告 12
        ("JD08-04", day("2015-10-20"), day("2017-04-20"), "sanctions", "SA10"),  # 记大过 18
        ("JD09-06", day("2016-03-01"), day("2016-06-30"), "sanctions", "SA12"),  # closed
        ("JD10-04", day("2016-06-28"), day("2018-06-28"), "sanctions", "SA05"),  # 降职 24
        ("JD11-06", day("2016-09-09"), day("2018-03-09"), "sanctions", "SA04"),  # 严重警告 18
        ("JD11-07", day("2016-10-12"), day("2017-04-12"), "sanctions", "SA03"),  # 政务警告 6
        ("JD12-05", day("2016-07-05"), day("2018-07-05"), "sanctions", "SA06"),  # 免职 24
        ("JD13-06", day("2017-01-10"), day("2017-07-10"), "sanctions", "SA16"),  # starts 2017
        ("JD14-03", day("2016-06-06"), day("2018-06-06"), "sanctions", "SA08"),  # 降职 24
        ("JD15-01", day("2016-04-18"), day("2017-04-18"), "sanctions", "SA07"),  # 党内警告 12
    }  # no window for SA09 (exempt) or SA15 (批评教育: 0 months)


def test_street_2016_serious_units_freeze_every_cadre_and_again_the_leaders(s16: Run) -> None:
    serious = windows(s16, "serious_units")
    # Every cadre gets 该部门一年内不新提拔干部, head and leaders also 领导班子成员
    # 一年内不提拔, both 12 months from the trigger: JD04 10 + 4 windows, JD05
    # 12 + 4, JD09 10 + 3 (``windows`` drops the reason, so the set has one
    # tuple per cadre; the count is taken from the blocks).
    by_unit = {
        unit: {w for w in serious if w[0].startswith(unit)} for unit in ("JD04", "JD05", "JD09")
    }
    assert {w[1:] for w in by_unit["JD04"]} == {
        (day("2016-08-01"), day("2017-08-01"), "criticisms", "notice:NT09")
    }
    assert {w[1:] for w in by_unit["JD05"]} == {
        (day("2016-04-20"), day("2017-04-20"), "criticisms", "CR04")
    }
    assert {w[1:] for w in by_unit["JD09"]} == {
        (day("2016-08-20"), day("2017-08-20"), "exposures", "EX02")
    }
    assert sum(len(b) for b in s16.results.freezes if b.rule == "serious_units") == 14 + 16 + 13
    assert {w[0][:4] for w in serious} == {"JD04", "JD05", "JD09"}  # not JD10 (exempt exposure)


def test_street_2016_attendance_rows_and_cap(s16: Run) -> None:
    rows_ = [
        r for r in adjustment_rows(s16) if r[2] == "attendance" and r[1] in ("JD01-07", "JD01-08")
    ]
    # JD01-07: 0.2 * 12 + 1.0 * 3 = 5.4, capped at 5 (0.4 given back);
    # JD01-08: two rows (3, 0) + (2, 1) added: 0.2 * 5 + 1.0 * 1 = 2.0.
    assert sorted((r[1], round(r[5], 9), r[6]) for r in rows_) == [
        ("JD01-07", -5.4, "扣分"),
        ("JD01-07", 0.4, "cap"),
        ("JD01-08", -2.0, "扣分"),
    ]


# cadre: S, rank in unit, grade, grade_reason, frozen_until, flags
CADRES_2016: dict[str, tuple[Any, ...]] = {
    # 党政办公室 JD01 (every vote hand-set): U = 95.20; head and leaders
    # S = (0.5 V + 0.4 U) / 0.9, middle and staff S = V - A. JD01-12 has no
    # votes (不定等次), so 11 are graded: quota(0.25, 11) = 2 (12 would give 3).
    # V = (24*100 + 1*80) / 25 = 99.2; S = (49.6 + 38.08) / 0.9 = 97.4222
    "JD01-01": (97.42, 2, "优秀", "score", None, ()),
    # V = (20*100 + 5*80) / 25 = 96; S = (48 + 38.08) / 0.9 = 95.6444: 4th in order
    "JD01-02": (95.64, 4, "称职", "quota", None, ()),
    # V = (22*100 + 3*80) / 25 = 97.6; S = (48.8 + 38.08) / 0.9 = 96.5333
    "JD01-03": (96.53, 3, "优秀", "score", None, ()),
    # V = 100; S = (50 + 38.08) / 0.9 = 97.8667, the highest, but CR12 (a
    # cadre criticism) forbids 优秀 and the cadre takes no quota place.
    "JD01-04": (97.87, 1, "称职", CRITICISED.format("CR12"), None, ()),
    # V = (12*100 + 11*80 + 2*60) / 25 = 88
    "JD01-05": (88.00, 7, "称职", "score", None, ()),
    # V = 100; A = min(5, 0.2 * 12 + 3) = 5 -> 95.00
    "JD01-07": (95.00, 5, "称职", "quota", None, ()),
    # V = (15*100 + 10*80) / 25 = 92; A = 0.2 * (3 + 2) + 1 = 2 -> 90.00 (>= 90)
    "JD01-08": (90.00, 6, "称职", "quota", None, ()),
    # V = (6*100 + 16*80 + 3*60) / 25 = 82.4
    "JD01-11": (82.40, 11, "称职", "score", None, ()),
    "JD01-12": (None, None, "不定等次", NO_VOTES, None, ()),
    # JD02-06 middle: V = 97.6 = S; three criticisms in 2016 (CR06, CR07 and
    # notice:NT07 dated 2016-09-01) -> at most 基本称职 (three tied effects).
    "JD02-06": (
        97.60,
        ...,
        "基本称职",
        {MANY.format(c) for c in ("CR06", "CR07", "notice:NT07")},
        None,
        (),
    ),
    # JD02-07 staff: V = (21*100 + 4*80) / 25 = 96.8; one criticism in 2016
    # (CR09; CR08 is dated 2015) -> not 优秀 only.
    "JD02-07": (96.80, ..., "称职", CRITICISED.format("CR09"), None, ()),
    # JD04-02 leader of a serious unit: V = 100, U = 91.20;
    # S = (50 + 36.48) / 0.9 = 96.0889; frozen 12 months from 2016-08-01.
    "JD04-02": (
        96.09,
        ...,
        "称职",
        "领导班子成员当年不评优 (criticisms notice:NT09)",
        "2017-08-01",
        (),
    ),
    # JD05: serious from CR04 2016-04-20: every cadre frozen until 2017-04-20.
    # JD05-10: V = (3*100 + 6*80 + 4*60 + 7*40) / 20 = 65; 7/20 不称职 > 1/3.
    "JD05-10": (65.00, ..., "不称职", "不称职票超过三分之一 (votes JD05-10)", "2017-04-20", ()),
    # JD05-11: V = (6*100 + 4*80 + 7*60 + 3*40) / 20 = 73; (7 + 3) / 20 = 1/2.
    "JD05-11": (
        73.00,
        ...,
        "基本称职",
        "基本称职和不称职票合计过半 (votes JD05-11)",
        "2017-04-20",
        (),
    ),
    # JD05-03's own 诫勉 (SA14) ended 2016-08-01; the R8 window runs on.
    "JD05-03": (..., ..., ..., ..., "2017-04-20", ...),
    # JD07-01 head: V = 100, U = 90.30; S = (50 + 36.12) / 0.9 = 95.6889;
    # 一案双查 诫勉 from case 2016-东纪-003, 2016-07-20 + 6 months.
    "JD07-01": (95.69, ..., "称职", "诫勉 (sanctions dual:2016-东纪-003)", "2017-01-20", ()),
    # JD10-01 head: V = (23*100 + 2*80) / 25 = 98.4, U = 87.60;
    # S = (49.2 + 35.04) / 0.9 = 93.60; its 诫勉 window ended 2016-12-28.
    "JD10-01": (93.60, ..., "称职", "诫勉 (sanctions dual:2016-东纪-009)", None, ()),
    # JD11-01 head: V = (10*100 + 12*80 + 3*60) / 25 = 85.6, U = 87.60;
    # S = (42.8 + 35.04) / 0.9 = 86.4889; two derived 诫勉: the later end governs.
    "JD11-01": (86.49, ..., "称职", "score", "2017-04-12", ()),
    "JD12-01": (..., ..., ..., ..., "2017-01-05", ...),
    # JD15-01 head: V = 99.2, U = 83.20; S = (49.6 + 33.28) / 0.9 = 92.0889;
    # its own 党内警告 (12 months) derives nothing for anybody.
    "JD15-01": (92.09, ..., "称职", "党内警告 (sanctions SA07)", "2017-04-18", ()),
    # 不定等次 whatever the score (drawn votes):
    "JD03-05": (..., ..., "不定等次", "立案审查尚未结案 (sanctions SA11)", "indefinite", ()),
    "JD07-05": (..., ..., "不定等次", "记过 (sanctions SA01)", "2017-08-10", ()),
    # 记大过 of 2015-10-20: later_years 1 -> 不定等次 in 2016; 18 months.
    "JD08-04": (..., ..., "不定等次", "记大过影响期内,不定等次 (sanctions SA10)", "2017-04-20", ()),
    "JD10-04": (..., ..., "不定等次", "降职 (sanctions SA05)", "2018-06-28", ()),
    # 严重警告 mitigated (TL09 从轻): a sanction is unchanged.
    "JD11-06": (..., ..., "不定等次", "严重警告 (sanctions SA04)", "2018-03-09", ()),
    "JD12-05": (..., ..., "不定等次", "免职 (sanctions SA06)", "2018-07-05", ()),
    "JD14-03": (..., ..., "不定等次", "降职 (sanctions SA08)", "2018-06-06", ()),
    # no running window: 诫勉 ended 2016-09-15; exempt 记过; window from 2017;
    # 立案审查 closed 2016-06-30 (only JD09's R8 window runs)
    "JD06-05": (..., ..., ..., ..., None, ...),
    "JD06-07": (..., ..., ..., ..., None, ...),
    "JD13-06": (..., ..., ..., ..., None, ...),
    "JD09-06": (..., ..., ..., ..., "2017-08-20", ...),
}


@pytest.mark.parametrize("cadre_id", sorted(CADRES_2016))
def test_street_2016_cadres(s16: Run, cadre_id: str) -> None:
    check_cadre(s16, cadre_id, CADRES_2016[cadre_id])


def test_street_2016_party_office_gives_two_excellent_places(s16: Run) -> None:
    grades = {c: v["grade"] for c, v in s16.plain["cadres"].items() if c.startswith("JD01-")}
    assert sorted(c for c, g in grades.items() if g == "优秀") == ["JD01-01", "JD01-03"]


def test_street_2016_effects_that_forbid_excellent(s16: Run) -> None:
    # not 优秀 whatever the drawn votes: R8 head and leaders, sanctions
    for cadre in ("JD05-01", "JD05-02", "JD09-01", "JD09-02", "JD06-05", "JD07-06", "JD11-07"):
        assert s16.plain["cadres"][cadre]["grade"] != "优秀", cadre
    # exempt 记过 (TL08): no effect, no window, no 一案双查; shown with 0 points
    assert not [e for e in effect_rows(s16) if e[4] == "SA09"]
    assert ("cadre", "JD06-07", "tolerance", "sanctions", "SA09", 0.0, "容错免责") in set(
        adjustment_rows(s16)
    )


def test_street_2016_equals_the_pure_python_reference(s16: Run) -> None:
    assert_matches_reference(s16)


# ===========================================================================
# street-2012 (seed 002): year 2012 (leap year), as_of 2012-12-31, 科室 and
# 社区, no satisfaction: C = T = 听取汇报 + 民主测评 + 查看资料. Unit 优秀 quota
# 0.20: 科室 floor(0.2 * 10) = 2, 社区 floor(0.2 * 8) = 1.


def test_street_2012_scheme_reads_as_specified(s12: Run) -> None:
    scheme = s12.scheme
    assert scheme.year == 2012
    assert scheme.as_of == dt.date(2012, 12, 31)
    assert scheme.categories == ("科室", "社区")
    assert set(scheme.enabled) == {
        "targets",
        "unit_score",
        "supervision",
        "criticism",
        "awards",
        "accountability",
        "tolerance",
        "unit_grading",
        "cadre_score",
        "attendance",
        "cadre_grading",
        "promotion_freeze",
    }
    assert scheme.param("targets", "indicators") == {"听取汇报": 30, "民主测评": 40, "查看资料": 30}
    assert scheme.param("unit_grading", "excellent_quota") == 0.20
    assert tuple(scheme.param("supervision", "taxonomy")) == ("庸", "懒", "散", "慢", "拖", "瞒")


# unit: T (= C), D, B, F, rank, grade, flags
UNITS_2012 = {
    # 科室
    "KS01": (96.0, 0.0, 0.0, 96.00, 1, "优秀", ["通报表扬"]),
    # B = min(3, AW01 省 2 + AW02 市 1 + AW03 区(县) 0.5) = 3 (AW04 is 2013).
    "KS02": (89.0, 0.0, 3.0, 92.00, 2, "优秀", ["通报表扬"]),
    # SV01 一般 rectified on the deadline day: 0.25; 3rd eligible: quota.
    "KS03": (92.0, 0.25, 0.0, 91.75, 3, "良好", []),
    # SV02 较重 a day late 1 + 1; CR01 区(县) 1 -> 3.0; criticised: not 优秀.
    "KS04": (94.0, 3.0, 0.0, 91.00, 4, "良好", []),
    # D_sup: SV03 (2012-02-29) 2+1, SV04 2+1 (late), SV05 1, SV06 1+1,
    # SV07 0.25, SV08 0.5+1, EX01 1 = 11.75 -> 10; D_crit: CR02 1 + CR03 2 +
    # CR04 0.5 + CR05 1 + IV01 0.5 + IV02 0.5 = 5.5 -> 5. F = 72 - 15 = 57.
    "KS05": (72.0, 15.0, 0.0, 57.00, 10, "较差", ["约谈"]),
    # SV09 较重, deadline = as_of: 1.0.
    "KS06": (88.0, 1.0, 0.0, 87.00, 5, "良好", []),
    # SV10 严重, deadline 2013-01-15: 2.0 (TL09 免责 is dated 2013).
    "KS07": (85.5, 2.0, 0.0, 83.50, 7, "良好", []),
    # SV11 rectified, no deadline: 0.5.
    "KS08": (87.0, 0.5, 0.0, 86.50, 6, "良好", []),
    # SV12 严重 overdue (2 + 1) * 0.5 (TL01 从轻) = 1.5.
    "KS09": (84.0, 1.5, 0.0, 82.50, 8, "良好", []),
    # SV13 exempt (TL02).
    "KS10": (79.0, 0.0, 0.0, 79.00, 9, "一般", []),
    # 社区
    "SQ01": (95.0, 0.0, 0.0, 95.00, 1, "优秀", ["通报表扬"]),  # AW06 is 2011
    # AW05 区(县) 0.5: 93.50 >= 90, but the one place is SQ01's: quota.
    "SQ02": (93.0, 0.0, 0.5, 93.50, 2, "良好", []),
    # SV14 0.5 + IV05 0.5 * 0.5 (TL06 从轻) = 0.75.
    "SQ03": (88.0, 0.75, 0.0, 87.25, 5, "良好", []),
    # EX02 市 2 + SV15 较重 on time 0.5 * 0.5 (TL03 减轻) = 2.25.
    "SQ04": (90.5, 2.25, 0.0, 88.25, 4, "良好", []),
    # CR06 街道(乡镇) 0.5 * 0.5 (TL05 减轻) = 0.25; still criticised: not 优秀.
    "SQ05": (91.0, 0.25, 0.0, 90.75, 3, "良好", []),
    # EX03 exempt (TL04); SV17 is 2013.
    "SQ06": (86.0, 0.0, 0.0, 86.00, 6, "良好", []),
    # SV19 0.5 + CR13 0.5 = 1.0 -> 79.50; IV04 is 2013.
    "SQ07": (80.5, 1.0, 0.0, 79.50, 7, "一般", ["约谈"]),
    # SV18 1.0 + IV03 0.5 = 1.5 -> 79.50: shares the last rank 7 -> 约谈.
    "SQ08": (81.0, 1.5, 0.0, 79.50, 7, "一般", ["约谈"]),
}


@pytest.mark.parametrize("unit_id", sorted(UNITS_2012))
def test_street_2012_unit_scores_ranks_grades_and_flags(s12: Run, unit_id: str) -> None:
    target, deductions, bonus, score, rank, grade, flags = UNITS_2012[unit_id]
    got = s12.plain["units"][unit_id]
    assert got["target_score"] == pytest.approx(target, abs=1e-9)
    assert got["satisfaction"] is None
    assert got["composite"] == pytest.approx(target, abs=1e-9)
    assert got["deductions"] == pytest.approx(deductions, abs=1e-9)
    assert got["bonus"] == pytest.approx(bonus, abs=1e-9)
    assert got["score"] == score
    assert got["rank"] == rank
    assert got["grade"] == grade
    assert got["flags"] == flags


def test_street_2012_unit_grade_reasons_and_caps(s12: Run) -> None:
    assert unit_reason(s12, "KS03") == "quota"
    assert unit_reason(s12, "SQ02") == "quota"
    assert unit_reason(s12, "KS04") == CRITICISED.format("CR01")
    assert unit_reason(s12, "SQ05") == CRITICISED.format("CR06")
    caps = {
        (r[1], r[2], round(r[5], 9))
        for r in adjustment_rows(s12)
        if r[6] == "cap" and r[0] == "unit"
    }
    # KS02 bonus 3.5 -> 3 (0.5 taken back); KS05 11.75 -> 10 and 5.5 -> 5.
    assert caps == {
        ("KS02", "awards", -0.5),
        ("KS05", "supervision", 1.75),
        ("KS05", "criticism", 0.5),
    }


# cadre: S, rank in unit, grade, grade_reason, frozen_until, flags
CADRES_2012: dict[str, tuple[Any, ...]] = {
    # 党政办公室 KS01 (every vote hand-set; 优秀 unit): U = 96.00, 8 graded,
    # quota(0.25, 8) = 2 (quota(0.20, 8) would be 1).
    # V = (12*100 + 12*80) / 24 = 90; S = (45 + 38.4) / 0.9 = 92.6667
    "KS01-01": (92.67, 5, "称职", "quota", None, ()),
    # V = 100; S = (50 + 38.4) / 0.9 = 98.2222; AW07 and 优秀 -> 优先提拔
    "KS01-02": (98.22, 1, "优秀", "score", None, ("优先提拔",)),
    # V = (23*100 + 1*80) / 24 = 99.1667; S = (49.5833 + 38.4) / 0.9 = 97.7593;
    # CR10 in 2012 (CR11 is 2011): not 优秀, no quota place.
    "KS01-03": (97.76, 2, "称职", CRITICISED.format("CR10"), None, ()),
    # V = (10*100 + 12*80 + 2*60) / 24 = 86.6667; AW12 is 2011: no flag
    "KS01-04": (86.67, 7, "称职", "score", None, ()),
    # V = (20*100 + 4*80) / 24 = 96.6667; A = min(5, 0.2*8 + 4) = 5 -> 91.67
    "KS01-05": (91.67, 6, "称职", "quota", None, ()),
    # V = (8*100 + 14*80 + 2*60) / 24 = 85; SA17 诫勉 dated 2013: no effect
    "KS01-06": (85.00, 8, "称职", "score", None, ()),
    # V = (20*100 + 5*80) / 25 = 96; A = 0.2 * 5 + 1 = 2 (two rows) -> 94.00
    "KS01-07": (94.00, 3, "优秀", "score", None, ()),
    # V = (14*100 + 6*80) / 20 = 94 -> 94.00: the same S, lower V: after KS01-07
    "KS01-08": (94.00, 3, "称职", "quota", None, ()),
    # 财政所 KS08: KS08-03 不定等次 -> 4 graded, quota(0.20, 4) = 0.
    # V = 100, U = 86.50: S = (50 + 34.6) / 0.9 = 94.00
    "KS08-01": (94.00, ..., "称职", "quota", None, ()),
    # 立案审查 opened 2011-12-01, closed 2013-01-18: open at as_of.
    "KS08-03": (..., ..., "不定等次", "立案审查尚未结案 (sanctions SA09)", "2013-01-18", ()),
    # SQ01-05: V = 97.6 = S; CR07, CR08, CR09 -> at most 基本称职; AW10: no flag
    "SQ01-05": (
        97.60,
        ...,
        "基本称职",
        {MANY.format(c) for c in ("CR07", "CR08", "CR09")},
        None,
        (),
    ),
    # SQ01-07: V = (9*100 + 14*80 + 2*60) / 25 = 85.6; 称职 + AW08 -> 优先提拔
    "SQ01-07": (85.60, ..., "称职", "score", None, ("优先提拔",)),
    # SQ02-04: V = 99.2; 诫勉 of 2012-02-29: not 优秀, window ended 2012-08-29,
    # so not frozen at as_of: AW14 -> 优先提拔.
    "SQ02-04": (99.20, ..., "称职", "诫勉 (sanctions SA02)", None, ("优先提拔",)),
    "SQ02-08": (None, None, "不定等次", NO_VOTES, None, ()),
    # no votes, and 撤销党内职务: 不称职 is heavier than 不定等次.
    "SQ08-07": (None, None, "不称职", "撤销党内职务 (sanctions SA18)", "2014-06-15", ()),
    # V = (4*100 + 6*80 + 3*60 + 7*40) / 20 = 67; 7/20 > 1/3: forced 不称职
    "SQ03-06": (67.00, ..., "不称职", "不称职票超过三分之一 (votes SQ03-06)", None, ()),
    # V = (10*100 + 4*80 + 7*40) / 21 = 76.1905; 7/21 = 1/3 is not over a third
    "SQ03-08": (76.19, ..., "称职", "score", None, ()),
    # V = (6*100 + 4*80 + 7*60 + 3*40) / 20 = 73; 10/20 = half
    "KS10-05": (73.00, ..., "基本称职", "基本称职和不称职票合计过半 (votes KS10-05)", None, ()),
    # V = (7*100 + 4*80 + 7*60 + 3*40) / 21 = 74.2857; 10/21 < half
    "KS10-06": (74.29, ..., "称职", "score", None, ()),
    # 不定等次 / 不称职 whatever the drawn votes, and award flags withheld:
    "KS02-05": (..., ..., "不定等次", "严重警告 (sanctions SA15)", "2014-03-10", ()),
    "KS04-05": (..., ..., "不定等次", "立案审查尚未结案 (sanctions SA07)", "indefinite", ()),
    # 记大过 of 2011-09-15: 不定等次 in 2012, 18 months; AW11: no flag
    "KS09-04": (..., ..., "不定等次", "记大过影响期内,不定等次 (sanctions SA04)", "2013-03-15", ()),
    # 留党察看 of 2011-05-20: later_years 1 -> 不定等次 (not 不称职) in 2012
    "SQ04-06": (
        ...,
        ...,
        "不定等次",
        "留党察看影响期内,不定等次 (sanctions SA05)",
        "2014-05-20",
        (),
    ),
    "SQ05-03": (..., ..., "不称职", "撤销党内职务 (sanctions SA06)", "2014-08-27", ()),
    "SQ07-05": (..., ..., "不定等次", "记过 (sanctions SA11)", "2013-07-09", ()),
}


@pytest.mark.parametrize("cadre_id", sorted(CADRES_2012))
def test_street_2012_cadres(s12: Run, cadre_id: str) -> None:
    check_cadre(s12, cadre_id, CADRES_2012[cadre_id])


def test_street_2012_awards_flag_only_well_graded_unfrozen_cadres(s12: Run) -> None:
    flagged = sorted(c for c, v in s12.plain["cadres"].items() if "优先提拔" in v["flags"])
    # KS01-02 优秀, SQ01-07 称职, SQ02-04 称职 with a freeze that ended.
    # Not: KS06-03 (frozen until 2013-04-16), SQ01-05 (基本称职), KS09-04
    # (不定等次), KS01-04 (award of 2011), SQ03-02 (award of 2013).
    assert flagged == ["KS01-02", "SQ01-07", "SQ02-04"]
    assert s12.plain["cadres"]["KS06-03"]["frozen_until"] == day("2013-04-16")


def test_street_2012_freeze_windows_and_the_leap_day(s12: Run) -> None:
    assert windows(s12) == {
        ("KS01-06", day("2013-01-20"), day("2013-07-20"), "sanctions", "SA17"),  # starts 2013
        ("KS02-05", day("2012-09-10"), day("2014-03-10"), "sanctions", "SA15"),
        ("KS04-05", day("2012-11-12"), "indefinite", "sanctions", "SA07"),
        ("KS06-03", day("2012-10-16"), day("2013-04-16"), "sanctions", "SA01"),
        # 2012-02-29 + 12 months = 2013-02-28 (clamped to the month's end)
        ("KS07-04", day("2012-02-29"), day("2013-02-28"), "sanctions", "SA03"),
        ("KS08-03", day("2011-12-01"), day("2013-01-18"), "sanctions", "SA09"),
        ("KS09-04", day("2011-09-15"), day("2013-03-15"), "sanctions", "SA04"),
        ("KS10-04", day("2012-05-18"), day("2013-05-18"), "sanctions", "SA10"),
        # 2012-02-29 + 6 months = 2012-08-29
        ("SQ02-04", day("2012-02-29"), day("2012-08-29"), "sanctions", "SA02"),
        ("SQ04-06", day("2011-05-20"), day("2014-05-20"), "sanctions", "SA05"),
        ("SQ05-03", day("2012-08-27"), day("2014-08-27"), "sanctions", "SA06"),
        ("SQ06-04", day("2012-03-05"), day("2012-07-31"), "sanctions", "SA08"),  # closed
        ("SQ07-05", day("2012-07-09"), day("2013-07-09"), "sanctions", "SA11"),
        ("SQ08-03", day("2012-04-11"), day("2012-10-11"), "sanctions", "SA12"),
        ("SQ08-07", day("2012-06-15"), day("2014-06-15"), "sanctions", "SA18"),
    }  # not SA13 (批评教育), SA14 (ended 2011-06-01), SA16 (exempt)
    assert s12.plain["cadres"]["KS07-04"]["frozen_until"] == day("2013-02-28")
    assert s12.plain["cadres"]["SQ02-04"]["frozen_until"] is None
    assert s12.plain["cadres"]["SQ06-04"]["frozen_until"] is None


def test_street_2012_equals_the_pure_python_reference(s12: Run) -> None:
    assert_matches_reference(s12)


@pytest.mark.parametrize("name", ["street-2016", "street-2012"])
def test_bundled_data_is_what_make_examples_writes(name: str, tmp_path: Path) -> None:
    out = make_examples.write_example(name, out=tmp_path / name)
    bundled = ROOT / "schemes" / name
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(
        p.name for p in bundled.glob("*.csv")
    )
    for path in out.glob("*.csv"):
        assert path.read_bytes() == (bundled / path.name).read_bytes(), path.name
