"""The reference schemes dongli-2018 (seed 003) and bureau-2016 (seed 004) and their example data.

- golden values of the edge rows, worked out by hand from handbook/rules.md
  (the arithmetic is in the comments; the data are in
  ``tools/make_examples_more.py`` and each folder's README.md);
- the derived records (``notice:``, ``dual:``, ``zero:``) that must and must
  not appear;
- bureau-2016's traditional-character data (Chinese headers, GBK and
  GB18030 files) scores byte for byte like its simplified twin;
- the whole result equals the independent pure-Python reference;
- every 「quotation」 in a scheme's ``basis`` is verbatim from its seed, and
  the shipped CSV files are what the generator writes.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from tests.bridge import as_plain, registry, rows
from tests.reference import purepython
from tools import make_examples_more

import kaohe
from kaohe.cli import main
from kaohe.dates import FOREVER
from kaohe.output import result_files

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DONGLI = ROOT / "schemes" / "dongli-2018.toml"
BUREAU = ROOT / "schemes" / "bureau-2016.toml"
BUREAU_SIMPLIFIED = ROOT / "tests" / "fixtures" / "bureau-2016-simplified"
SEEDS = {DONGLI: "003_a8bd250cf4d85bd6.txt", BUREAU: "004_7ca2cfe807a4244f.txt"}

Run = tuple[kaohe.Scheme, kaohe.Dataset, kaohe.Results]
#: In the golden tables below: a score not worked out by hand (drawn votes), so not checked.
UNCHECKED = ...


def run(scheme_path: Path, data: Path | None = None) -> Run:
    scheme = kaohe.load_scheme(scheme_path, registry())
    dataset = kaohe.load_data(data or scheme_path.with_suffix(""), scheme)
    return scheme, dataset, kaohe.evaluate(scheme, dataset)


@pytest.fixture(scope="module")
def dongli() -> Run:
    return run(DONGLI)


@pytest.fixture(scope="module")
def bureau() -> Run:
    return run(BUREAU)


@pytest.fixture(scope="module")
def bureau_simplified() -> Run:
    return run(BUREAU, BUREAU_SIMPLIFIED)


def unit(results: kaohe.Results, unit_id: str) -> dict[str, Any]:
    return as_plain(results)["units"][unit_id]


def cadre(results: kaohe.Results, cadre_id: str) -> dict[str, Any]:
    """A cadre's published values, with grade_reason."""
    found = as_plain(results)["cadres"][cadre_id]
    index = int(np.flatnonzero(results.cadres.ids == cadre_id)[0])
    return {**found, "grade_reason": str(results.cadres.grade_reason(0)[index])}


def derived(results: kaohe.Results, prefix: str) -> set[tuple[str, str]]:
    """``(entity id, source id)`` of the adjustment, effect and freeze rows of derived records."""
    found: set[tuple[str, str]] = set()
    ids = {"unit": results.units.ids, "cadre": results.cadres.ids}
    for block in (*results.adjustments, *results.effects):
        for index, source in zip(
            block.index.tolist(), block.column("source_id").tolist(), strict=True
        ):
            if source.startswith(prefix):
                found.add((str(ids[block.entity][index]), source))
    for window in results.freezes:
        for index, source in zip(
            window.cadre.tolist(), window.column("source_id").tolist(), strict=True
        ):
            if source.startswith(prefix):
                found.add((str(results.cadres.ids[index]), source))
    return found


def windows(results: kaohe.Results, cadre_id: str) -> set[tuple[str, str, str, str]]:
    """``(start, end, rule, source id)`` of a cadre's freeze windows."""
    out = set()
    for block in results.freezes:
        for j in range(len(block)):
            if results.cadres.ids[block.cadre[j]] == cadre_id:
                end = "indefinite" if block.end[j] == FOREVER else str(block.end[j])
                out.add((str(block.start[j]), end, block.rule, str(block.column("source_id")[j])))
    return out


# ---------------------------------------------------------------------------
# the scheme files


def test_dongli_scheme_enables_every_rule_with_its_differences() -> None:
    scheme = kaohe.load_scheme(DONGLI, registry())
    assert (scheme.year, scheme.as_of) == (2018, dt.date(2018, 12, 31))
    assert scheme.categories == ("街道", "区级部门")
    assert set(scheme.enabled) - {"unit_score"} == {
        "targets",
        "satisfaction",
        "supervision",
        "criticism",
        "rectification",
        "awards",
        "veto",
        "serious_units",
        "accountability",
        "dual_investigation",
        "zero_accountability",
        "tolerance",
        "unit_grading",
        "cadre_score",
        "cadre_grading",
        "promotion_freeze",
    }  # R1-R16; cadre score V and U only: no exams, no attendance
    assert scheme.param("satisfaction", "weight") == {"街道": 0.30, "区级部门": 0.30}
    assert scheme.param("targets", "indicators") == {"重点工作": 40, "党的建设": 30, "民生服务": 30}
    assert scheme.param("criticism", "cap") == 8.0
    assert tuple(scheme.param("supervision", "taxonomy")) == make_examples_more.DONGLI_TAXONOMY
    assert len(make_examples_more.DONGLI_TAXONOMY) == 12


def test_bureau_scheme_enables_its_rules_with_doubled_attendance() -> None:
    scheme = kaohe.load_scheme(BUREAU, registry())
    assert (scheme.year, scheme.as_of) == (2016, dt.date(2016, 12, 31))
    assert scheme.categories == ("科室",)
    assert set(scheme.enabled) - {"unit_score"} == {
        "targets",
        "supervision",
        "criticism",
        "rectification",
        "accountability",
        "tolerance",
        "cadre_score",
        "attendance",
        "cadre_grading",
        "promotion_freeze",
    }  # R1, R3, R4, R5, R9, R12, R14 (V, U, attendance), R15, R16
    assert scheme.param("targets", "indicators") == {"业务工作": 60, "作风建设": 40}
    assert scheme.param("attendance", "late_points") == 0.4
    assert scheme.param("attendance", "absent_day_points") == 2.0
    assert scheme.param("attendance", "cap") == 10.0
    assert scheme.param("cadre_grading", "excellent_quota") == 0.20
    assert tuple(scheme.param("supervision", "taxonomy")) == make_examples_more.BUREAU_TAXONOMY
    assert len(make_examples_more.BUREAU_TAXONOMY) == 14


@pytest.mark.parametrize("scheme_path", [DONGLI, BUREAU], ids=["dongli-2018", "bureau-2016"])
def test_every_quotation_in_a_basis_is_verbatim_from_the_seed(scheme_path: Path) -> None:
    seed = next(
        (
            folder / SEEDS[scheme_path]
            for folder in (ROOT.parent / "shared" / "seeds",)
            if (folder / SEEDS[scheme_path]).is_file()
        ),
        None,
    )
    if seed is None:
        pytest.skip("the seed documents (shared/seeds) are not beside the repository")
    text = seed.read_text(encoding="utf-8")
    document = tomllib.loads(scheme_path.read_text(encoding="utf-8"))
    quoted = 0
    for rule, table in document.items():
        if rule == "scheme":
            continue
        basis = table["basis"]
        assert "种子" in basis or "《" in basis, rule
        for quotation in re.findall(r"「(.+?)」", basis):
            assert quotation in text, (rule, quotation)
            quoted += 1
    assert quoted >= 20


def test_both_schemes_score_from_the_command_line_without_warnings(tmp_path: Path) -> None:
    runner = CliRunner()
    for path in (DONGLI, BUREAU):
        result = runner.invoke(main, ["score", str(path), "--out", str(tmp_path / path.stem)])
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output
        assert "warning" not in (result.stderr or "")
        assert (tmp_path / path.stem / "freezes.csv").is_file()


def test_the_shipped_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    make_examples_more.write_dongli(out=tmp_path / "dongli")
    make_examples_more.write_bureau(out=tmp_path / "bureau", simplified_out=tmp_path / "simple")
    for made, shipped in (
        (tmp_path / "dongli", DONGLI.with_suffix("")),
        (tmp_path / "bureau", BUREAU.with_suffix("")),
        (tmp_path / "simple", BUREAU_SIMPLIFIED),
    ):
        names = sorted(p.name for p in made.glob("*.csv"))
        assert names == sorted(p.name for p in shipped.glob("*.csv"))
        for name in names:
            assert (made / name).read_bytes() == (shipped / name).read_bytes(), (shipped, name)


# ---------------------------------------------------------------------------
# dongli-2018: units (C = 0.7*T + 0.3*100*s; F = round2(max(0, C - D_sup - D_crit + B)))
#
# flat surveys (make_examples_more.flat_survey): s = 0.96 / 0.92 / 0.88 / 0.84 / 0.80
# 街道 and 区级部门 have 8 units each: 优秀 quota(0.30, 8) = floor(2.4) = 2

DONGLI_UNITS = {
    # JD07: T = 39+29+29 = 97, s = 0.96: C = 67.9 + 28.8 = 96.7, nothing deducted: F = 96.70,
    # rank 1, but veto VT001: 较差 (takes no 优秀 place); veto makes it serious (R8); 较差: 约谈
    "JD07": (96.70, 1, "较差", ["一票否决", "作风问题严重", "约谈"]),
    # JD02: C = 96.7 as JD07; CR001 区(=县) 1.0 减轻 (TL005) x 0.5 = 0.5: F = 96.20, rank 2;
    # a criticism in period: not 优秀, takes no place -> 良好
    "JD02": (96.20, 2, "良好", []),
    # JD01: T = 38+28+28 = 94, s = 0.96: C = 65.8 + 28.8 = 94.6; SV001 一般 rectified on time
    # 0.5 x 0.5 = 0.25; award AW004 市 +1.0 (NT008: deadline = as_of, not overdue):
    # F = 94.6 - 0.25 + 1 = 95.35, rank 3, first 优秀 place
    "JD01": (95.35, 3, "优秀", ["通报表扬"]),
    # JD04: T = 37+28+28 = 93, s = 0.92: C = 65.1 + 27.6 = 92.7 (CR008, VT003 dated 2017):
    # F = 92.70, rank 4, second 优秀 place
    "JD04": (92.70, 4, "优秀", ["通报表扬"]),
    # JD03: T = 36+27+28 = 91, s = 0.92: C = 63.7 + 27.6 = 91.3; SV002 一般 no deadline 0.5
    # (EX007 dated 2017; NT003 deadline 2019): F = 90.80 >= 90 but the quota is full: 良好
    "JD03": (90.80, 5, "良好", []),
    # JD06: T = 83, s = 0.88: C = 58.1 + 26.4 = 84.5; SV010 较重 deadline = as_of (not overdue)
    # 1.0, EX001 区(=县) 1.0, EX002 市 2.0 (NT007 issued 2017): F = 84.5 - 4 = 80.50;
    # exposed, only superior-issued sanctions (SA001, SA002): 零问责
    "JD06": (80.50, 6, "良好", ["作风问题严重", "零问责"]),
    # JD08: T = 28+21+20 = 69, s = 0.84: C = 48.3 + 25.2 = 73.5;
    # D_sup: SV011 一般, deadline 2019-01-31 not before as_of: 0.5; SV012 免责: 0; EX003 市 2
    #   = 2.5;
    # D_crit: CR003 区 1.0 + notice:NT005 区 1.0 x 0.5 (从轻 TL006) + IV002 0.5 + IV003 0.5
    #   = 2.5;
    # F = 73.5 - 5 = 68.50; its only self-issued sanction SA003 is 免责 (TL008): 零问责
    "JD08": (68.50, 7, "一般", ["作风问题严重", "零问责"]),
    # JD05: T = 30+22+22 = 74, s = 0.80: C = 51.8 + 24 = 75.8;
    # D_sup: SV003 严重 overdue 2+1 = 3; SV004 严重 late 2+1 = 3; SV005 较重 rectified on the
    #   deadline day 1 x 0.5 = 0.5; SV006 较重 no deadline 1; SV007 一般 overdue 0.5+1 = 1.5;
    #   SV008 严重 overdue 从轻 (2+1) x 0.5 = 1.5 (SV009 dated 2017): 10.5 -> cap 10;
    # D_crit: CR002 区 1 + notice:NT001 区 1 + IV001 0.5 = 2.5 (NT002 rectified on time);
    # F = 75.8 - 12.5 = 63.30: 一般, last rank of 8: 约谈; serious by its 2nd 县+ criticism
    "JD05": (63.30, 8, "一般", ["作风问题严重", "约谈"]),
    # BM01: T = 36+27+27 = 90, s = 0.92: C = 63 + 27.6 = 90.6; awards 省 2 + 市 1 + 区 0.5
    # = 3.5 -> cap 3 (AW008 dated 2019): F = 93.60, rank 1, 优秀
    "BM01": (93.60, 1, "优秀", ["通报表扬"]),
    # BM05: T = 38+28+28 = 94, s = 0.92: C = 65.8 + 27.6 = 93.4; SV013 较重 on time 0.5 (its
    # 免责 TL011 is dated 2019, after as_of); EX005 省 3 从轻 x 0.5 = 1.5: F = 91.40, rank 2;
    # exposed: serious, not 优秀, takes no place; self-issued SA005 (从轻): no 零问责
    "BM05": (91.40, 2, "良好", ["作风问题严重"]),
    # BM02: T = 37+27+27 = 91, s = 0.92: C = 63.7 + 27.6 = 91.3: F = 91.30, second place: 优秀
    "BM02": (91.30, 3, "优秀", ["通报表扬"]),
    # BM03: T = 87, s = 0.88: C = 60.9 + 26.4 = 87.3; EX004 市 2 (NT006 免责): F = 85.30;
    # self-issued SA004 批评教育 counts as accountability of its own: no 零问责
    "BM03": (85.30, 4, "良好", ["作风问题严重"]),
    # BM08: T = 33+25+24 = 82; surveys: 服务对象 two rows added 80/20/0 -> 0.92, 企业 0.92,
    # 人大代表 (6 + 0.6*2)/10 = 0.72, 政协委员 0 responses (absent):
    # s = (0.4*0.92 + 0.3*0.92 + 0.15*0.72) / 0.85 = 0.752/0.85 = 0.884706;
    # C = 57.4 + 26.541176 = 83.941176; SV014 较重 late 1+1 = 2, EX006 区 1 (SV015 2019):
    # F = round2(80.941176) = 80.94; exposed, no self-issued sanction, no head: 零问责
    "BM08": (80.94, 5, "良好", ["作风问题严重", "零问责"]),
    # BM04: T = 85, s = 0.88: C = 59.5 + 26.4 = 85.9; D_crit: CR004 省 3 + CR005 市 2 +
    # CR006 市 2 + CR007 区 1 + IV004 0.5 = 8.5 -> cap 8 (this scheme's cap): F = 77.90
    "BM04": (77.90, 6, "一般", ["作风问题严重"]),
    # BM06, BM07: T = 28+21+21 = 70, no survey: C = T = 70; nothing deducted (VT002 of BM07
    # is 免责): F = 70.00 each, both rank 1 + 6 = 7 = the last rank: both 约谈
    "BM06": (70.00, 7, "一般", ["约谈"]),
    "BM07": (70.00, 7, "一般", ["约谈"]),
}


@pytest.mark.parametrize("unit_id", sorted(DONGLI_UNITS))
def test_dongli_unit_scores_ranks_grades_and_flags(dongli: Run, unit_id: str) -> None:
    score, rank, grade, flags = DONGLI_UNITS[unit_id]
    got = unit(dongli[2], unit_id)
    assert (got["score"], got["rank"], got["grade"], got["flags"]) == (score, rank, grade, flags)


def test_dongli_unit_parts(dongli: Run) -> None:
    results = dongli[2]
    jd05, bm01, bm04, bm06, bm08 = (
        unit(results, u) for u in ("JD05", "BM01", "BM04", "BM06", "BM08")
    )
    assert jd05["deductions"] == pytest.approx(12.5)  # D_sup 10 (capped) + D_crit 2.5
    assert bm01["bonus"] == pytest.approx(3.0)  # 3.5 capped at 3
    assert bm04["deductions"] == pytest.approx(8.0)  # D_crit 8.5 capped at 8 (not 5)
    assert bm06["satisfaction"] is None
    assert bm06["composite"] == pytest.approx(70.0)
    assert bm08["satisfaction"] == pytest.approx(0.752 / 0.85)
    assert bm08["composite"] == pytest.approx(0.7 * 82 + 0.3 * 100 * 0.752 / 0.85)


# ---------------------------------------------------------------------------
# dongli-2018: cadres. S = round2((0.5 V + 0.4 U) / 0.9) for head and leader (no exams),
# S = V for middle and staff; V = (100 e + 80 c + 60 b + 40 i) / votes.

DONGLI_CADRES: dict[str, tuple[Any, str, str | tuple[str, ...], str | None, list[str]]] = {
    # JD01 is 优秀 with 12 graded cadres: quota(0.25, 12) = 3 places.
    # JD01-08 (middle) V = (28*100 + 2*80)/30 = 98.67, but criticism CR011: no place.
    "JD01-08": (98.67, "称职", "受到通报批评,当年不得评为优秀 (criticisms CR011)", None, []),
    # JD01-05 (middle) V = (2700 + 240)/30 = 98.00: place 1
    "JD01-05": (98.00, "优秀", "score", None, []),
    # JD01-02 (leader) V = (2900 + 80)/30 = 99.333; (0.5*99.333 + 0.4*95.35)/0.9
    # = (49.6667 + 38.14)/0.9 = 97.563 -> 97.56: place 2; award AW005, not frozen: 优先提拔
    "JD01-02": (97.56, "优秀", "score", None, ["优先提拔"]),
    # JD01-06 (middle) V = (2600 + 320)/30 = 97.33: place 3
    "JD01-06": (97.33, "优秀", "score", None, []),
    # JD01-01 (head) V = 98.667: (49.3333 + 38.14)/0.9 = 97.193 -> 97.19: quota full
    "JD01-01": (97.19, "称职", "quota", None, []),
    # JD01-03 (leader) V = 98: (49 + 38.14)/0.9 = 96.822 -> 96.82: quota (its 诫勉 SA019 is
    # dated 2019: no effect in 2018, and its window starts after as_of)
    "JD01-03": (96.82, "称职", "quota", None, []),
    # JD01-09: 立案审查 SA013 closed 2018-06-30 <= as_of: no grade effect, window over
    # JD04-08 (staff) V = (2500 + 400)/30 = 96.67; criticisms CR009, CR010 and notice:NT004
    # (NT004 rectified 2018-10-25 after its deadline 2018-10-08): 3 -> at most 基本称职
    # (the three rows are equally heavy: any of them may be named; the engine names CR009)
    "JD04-08": (
        96.67,
        "基本称职",
        tuple(
            f"受到多次通报批评,最高基本称职 (criticisms {c})"
            for c in ("CR009", "CR010", "notice:NT004")
        ),
        None,
        [],
    ),
    # JD03-07: 记大过 SA011 dated 2017-08-01, later_years 1: 不定等次 in 2018;
    # frozen 18 months: 2019-02-01
    "JD03-07": (
        UNCHECKED,
        "不定等次",
        "记大过影响期内,不定等次 (sanctions SA011)",
        "2019-02-01",
        [],
    ),
    # JD03-08 (4, 6, 3, 7): V = (400+480+180+280)/20 = 67.00; 7/20 不称职 > 1/3: 不称职
    "JD03-08": (67.00, "不称职", "不称职票超过三分之一 (votes JD03-08)", None, []),
    # JD03-09 (6, 4, 7, 3): V = (600+320+420+120)/20 = 73.00; (7+3)/20 = 1/2: at most 基本称职
    "JD03-09": (73.00, "基本称职", "基本称职和不称职票合计过半 (votes JD03-09)", None, []),
    # JD04-09 (10, 4, 0, 7): V = 1600/21 = 76.19; 7/21 is exactly 1/3, not over: 称职
    "JD04-09": (76.19, "称职", "score", None, []),
    # JD04-06: 立案审查 SA012 open at as_of: 不定等次, frozen indefinitely
    "JD04-06": (UNCHECKED, "不定等次", "立案审查尚未结案 (sanctions SA012)", "indefinite", []),
    # JD05-01 (head of serious JD05) V = (2400+480)/30 = 96; U = 63.3:
    # (48 + 25.32)/0.9 = 81.467 -> 81.47 称职 by score; R8 windows 2018-05-01 (trigger
    # notice:NT001) + 12 = 2019-05-01; dual:2018-纪-015 诫勉 2018-09-20 + 6 = 2019-03-20
    "JD05-01": (81.47, "称职", "score", "2019-05-01", []),
    # JD05-08: 撤销党内职务 SA015: 不称职, frozen 24 months from 2018-09-20
    "JD05-08": (UNCHECKED, "不称职", "撤销党内职务 (sanctions SA015)", "2020-09-20", []),
    # JD05-06: award AW006 but frozen (R8 member window to 2019-05-01): no 优先提拔
    "JD05-06": (UNCHECKED, "称职", "score", "2019-05-01", []),
    # JD06-01 (head) V = (2000+640+120)/30 = 92; U = 80.5: (46 + 32.2)/0.9 = 86.889 -> 86.89;
    # zero:JD06 调离岗位 from EX001 2018-04-16 + 12 = 2019-04-16 (= the R8 windows)
    "JD06-01": (86.89, "称职", "score", "2019-04-16", []),
    # JD08-01 (head) V = (2100+720)/30 = 94; U = 68.5: (47 + 27.4)/0.9 = 82.667 -> 82.67;
    # R8 trigger notice:NT005 2018-06-01 (2nd 县+ criticism, before EX003 2018-06-20): windows to
    # 2019-06-01; zero:JD08 from the first exposure EX003: 2018-06-20 + 12 = 2019-06-20 governs
    "JD08-01": (82.67, "称职", "score", "2019-06-20", []),
    "JD08-02": (UNCHECKED, "称职", "score", "2019-06-01", []),  # a leader: R8 windows only
    # JD07-09: no votes: no score, 不定等次; a member of vetoed JD07: frozen to 2019-07-25
    "JD07-09": (None, "不定等次", "无民主测评 (votes JD07-09)", "2019-07-25", []),
    # JD07-03: 降职 SA017 2018-11-12: 不定等次, 24 months
    "JD07-03": (UNCHECKED, "不定等次", "降职 (sanctions SA017)", "2020-11-12", []),
    # BM02 is 优秀; BM02-04 (记过, 不定等次) is not graded: 9 graded, quota(0.25, 9) = 2.
    # BM02-01 (head) V = 98.667; U = 91.3: (49.3333 + 36.52)/0.9 = 95.393 -> 95.39, but
    # dual:2018-纪-003 (SA006 记过 + SA007 党内警告 of one case): 诫勉 dated 2018-03-12, window
    # to 2018-09-12, over at as_of
    "BM02-01": (95.39, "称职", "诫勉 (sanctions dual:2018-纪-003)", None, []),
    "BM02-04": (98.00, "不定等次", "记过 (sanctions SA006)", "2019-03-12", []),
    "BM02-05": (98.00, "称职", "党内警告 (sanctions SA007)", "2019-05-08", []),
    "BM02-06": (97.33, "优秀", "score", None, []),  # V = (2600+320)/30
    "BM02-07": (96.67, "优秀", "score", None, []),  # V = (2500+400)/30
    "BM02-08": (96.00, "称职", "quota", None, []),  # V = (2400+480)/30, places taken
    # BM06-01 (head) V = (2200+480+120)/30 = 93.333; U = 70: (46.6667 + 28)/0.9 = 82.963
    # -> 82.96; dual:SA008 诫勉 2018-09-15 + 6 = 2019-03-15; its own 党内警告 SA009
    # 2018-10-10 + 12 = 2019-10-10 (no dual: it is the head): the latest end governs
    "BM06-01": (82.96, "称职", "score", "2019-10-10", []),
    # BM08 has no head: SA010 记过 of BM08-03 derives nothing; R8 window to 2019-08-08
    "BM08-03": (UNCHECKED, "不定等次", "记过 (sanctions SA010)", "2019-08-08", []),
    # JD02-07: 严重警告 SA014 is 免责: no effect, no window, no dual
    "JD02-07": (UNCHECKED, "称职", "score", None, []),
}


@pytest.mark.parametrize("cadre_id", sorted(DONGLI_CADRES))
def test_dongli_cadre_scores_grades_reasons_and_freezes(dongli: Run, cadre_id: str) -> None:
    score, grade, reason, frozen, flags = DONGLI_CADRES[cadre_id]
    got = cadre(dongli[2], cadre_id)
    if score is not UNCHECKED:
        assert got["score"] == score
    assert got["grade"] == grade
    assert got["grade_reason"] in ((reason,) if isinstance(reason, str) else reason)
    frozen_until = got["frozen_until"]
    assert (None if frozen_until is None else str(frozen_until)) == frozen
    assert got["flags"] == flags


def test_dongli_freeze_windows_of_the_edge_cadres(dongli: Run) -> None:
    results = dongli[2]
    assert windows(results, "JD08-01") == {
        ("2018-06-01", "2019-06-01", "serious_units", "notice:NT005"),
        ("2018-06-20", "2019-06-20", "accountability", "zero:JD08"),
    }
    assert windows(results, "BM06-01") == {
        ("2018-09-15", "2019-03-15", "accountability", "dual:SA008"),
        ("2018-10-10", "2019-10-10", "accountability", "SA009"),
    }
    # a closed 立案审查 keeps its (ended) window; a 2019 sanction's window is listed too
    assert windows(results, "JD01-09") == {
        ("2018-02-01", "2018-06-30", "accountability", "SA013"),
    }
    assert windows(results, "JD01-03") == {
        ("2019-01-20", "2019-07-20", "accountability", "SA019"),
    }
    assert windows(results, "JD02-07") == set()  # SA014 免责


def test_dongli_derived_records(dongli: Run) -> None:
    results = dongli[2]
    # R11: JD06 (superior-issued sanctions only) and JD08 (its self-issued SA003 is 免责) derive
    # 调离岗位 for their heads; BM08 (no head) is flagged but derives nothing; BM03 and BM05
    # sanctioned a cadre themselves.
    assert derived(results, "zero:") == {("JD06-01", "zero:JD06"), ("JD08-01", "zero:JD08")}
    # R10: one per case (SA006 + SA007 share 2018-纪-003) or per sanction without case_id;
    # none for SA009 (on a head), SA010 (no head), SA011 (2017), SA014 (免责), nor for
    # 诫勉 / 批评教育 / 立案审查, and none from the derived zero: sanctions.
    assert derived(results, "dual:") == {
        ("BM02-01", "dual:2018-纪-003"),
        ("BM06-01", "dual:SA008"),
        ("JD05-01", "dual:2018-纪-015"),
        ("JD07-01", "dual:SA017"),
    }
    # R5: NT001 (unrectified), NT004 (rectified late, a cadre), NT005 (从轻: half); not NT002
    # (on time), NT003 (deadline 2019), NT006 (免责), NT007 (issued 2017), NT008 (deadline =
    # as_of). notice:NT001 and notice:NT005 are also the R8 triggers of JD05 and JD08.
    notices = derived(results, "notice:")
    assert {source for _, source in notices} == {"notice:NT001", "notice:NT004", "notice:NT005"}
    assert ("JD04-08", "notice:NT004") in notices
    assert {("JD05", "notice:NT001"), ("JD05-02", "notice:NT001")} <= notices
    assert {("JD08", "notice:NT005"), ("JD08-09", "notice:NT005")} <= notices


def test_dongli_zero_accountability_flag_needs_no_head(dongli: Run) -> None:
    results = dongli[2]
    flagged = sorted(u for u, v in as_plain(results)["units"].items() if "零问责" in v["flags"])
    assert flagged == ["BM08", "JD06", "JD08"]
    cadres = as_plain(results)["cadres"]
    ids, roles = results.cadres.ids.tolist(), results.cadres.role.tolist()
    role = dict(zip(ids, roles, strict=True))
    bm08 = [c for c in cadres if c.startswith("BM08-")]
    assert len(bm08) == 7
    assert all(role[c] != 0 for c in bm08)  # role code 0 = head


# ---------------------------------------------------------------------------
# bureau-2016 (no surveys, no awards: F = round2(max(0, T - D_sup - D_crit)); no unit grades)

BUREAU_UNITS = {
    # T = 56+37 = 93; SV001 一般 on time 0.25: 92.75 (NT005 rectified on time)
    "KS01": 92.75,
    # T = 83; SV002 嚴重 overdue 3 + SV003 嚴重 late 3 + SV004 較重 overdue 2 + SV005 較重 1
    # + SV006 一般 overdue 1.5 = 10.5 -> cap 10: 73.00 (IV003 dated 2017)
    "KS02": 73.00,
    # T = 86; CR001 縣 1 + CR002 市 2 + CR003 市 2 + IV001 0.5 + notice:NT001 縣 1 = 6.5
    # -> cap 5: 81.00 (SV013 dated 2017)
    "KS03": 81.00,
    # T = 89; SV007 較重 overdue 從輕 (1+1) x 0.5 = 1; EX001 省 3 從輕 x 0.5 = 1.5: 86.50
    "KS04": 86.50,
    # T = 89; SV008 免責 0; SV009 一般 deadline 2017: 0.5; NT004 免責: nothing: 88.50
    "KS05": 88.50,
    # T = 84; SV010 較重 deadline = as_of 1 (免責 TL008 dated 2017: not applied); EX002 縣 1;
    # CR004 縣 1; notice:NT003 縣 1 從輕 x 0.5 = 0.5: 84 - 3.5 = 80.50
    "KS06": 80.50,
    # T = 80; SV011 一般 rectified without deadline 0.5; EX003 市 2; IV002 0.5 (SV012, CR008
    # dated 2015): 77.00
    "KS07": 77.00,
    # T = 52.5+34.5 = 87; NT006 deadline 2017: nothing: 87.00
    "KS08": 87.00,
}


@pytest.mark.parametrize("unit_id", sorted(BUREAU_UNITS))
def test_bureau_unit_scores(bureau: Run, unit_id: str) -> None:
    got = unit(bureau[2], unit_id)
    assert got["score"] == BUREAU_UNITS[unit_id]
    assert (got["rank"], got["grade"], got["flags"]) == (None, None, [])  # no R13


BUREAU_CADRES: dict[str, tuple[Any, str, str | tuple[str, ...], str | None]] = {
    # 辦公室: 7 graded cadres, no unit grade: quota(0.20, 7) = 1 place.
    # KS01-03 (middle) V = (2600+320)/30 = 97.33; 誡勉 SA003 (window to 2016-09-22, over)
    "KS01-03": (97.33, "称职", "诫勉 (sanctions SA003)", None),
    # KS01-02 (leader) V = (2800+160)/30 = 98.667; U = 92.75: (49.3333 + 37.1)/0.9 = 96.037
    # -> 96.04; criticism CR007 (減輕 changes no effect): not 优秀
    "KS01-02": (96.04, "称职", "受到通报批评,当年不得评为优秀 (criticisms CR007)", None),
    # KS01-05 (staff) V = (2400+480)/30 = 96.00: the one place
    "KS01-05": (96.00, "优秀", "score", None),
    # KS01-01 (head) V = 98; (49 + 37.1)/0.9 = 95.667 -> 95.67: quota
    "KS01-01": (95.67, "称职", "quota", None),
    # KS01-04 (middle) V = (2500+400)/30 = 96.667; attendance in two rows: late 3+2 = 5,
    # absent 1: A = 0.4*5 + 2.0*1 = 4.0: S = 92.67: quota
    "KS01-04": (92.67, "称职", "quota", None),
    # KS02-05 (staff) V = (2000+640+120)/30 = 92; late 12, absent 4: 4.8 + 8 = 12.8 -> cap 10
    "KS02-05": (82.00, "称职", "score", None),
    # KS02-03: 嚴重警告 SA001 2016-05-18: 不定等次, 18 months
    "KS02-03": (UNCHECKED, "不定等次", "严重警告 (sanctions SA001)", "2017-11-18"),
    # KS02-04: 立案審查 SA008 closed 2016-09-30: nothing
    "KS02-04": (UNCHECKED, "称职", "score", None),
    # KS03-05: 記大過 SA006 dated 2015-07-01: 不定等次 in 2016, frozen 18 months
    "KS03-05": (UNCHECKED, "不定等次", "记大过影响期内,不定等次 (sanctions SA006)", "2017-01-01"),
    # KS04-05: 立案審查 SA005 open: 不定等次, indefinite
    "KS04-05": (UNCHECKED, "不定等次", "立案审查尚未结案 (sanctions SA005)", "indefinite"),
    # KS05-04 (middle) V = 96.67; CR005, CR006 and notice:NT002 (no level: 乡镇; rectified
    # late): 3 criticisms -> at most 基本称职 (equally heavy: any of the three may be named)
    "KS05-04": (
        96.67,
        "基本称职",
        tuple(
            f"受到多次通报批评,最高基本称职 (criticisms {c})"
            for c in ("CR005", "CR006", "notice:NT002")
        ),
        None,
    ),
    # KS05-06: 政務警告 SA007 從輕 (a mitigated sanction is unchanged): window to 2016-08-02
    "KS05-06": (UNCHECKED, "称职", "score", None),
    # KS06-05 (3, 5, 4, 8): V = (300+400+240+320)/20 = 63.00; 8/20 > 1/3: 不称职
    "KS06-05": (63.00, "不称职", "不称职票超过三分之一 (votes KS06-05)", None),
    # KS06-06 (5, 5, 6, 4): V = (500+400+360+160)/20 = 71.00; 10/20 = 1/2: at most 基本称职
    "KS06-06": (71.00, "基本称职", "基本称职和不称职票合计过半 (votes KS06-06)", None),
    "KS06-04": (UNCHECKED, "不定等次", "记过 (sanctions SA002)", "2017-09-07"),  # 記過 2016-09-07
    # KS07-04 (0, 15, 5, 0): V = (1200+300)/20 = 75; late 10, absent 1: A = 4 + 2 = 6: 69.00
    "KS07-04": (69.00, "基本称职", "score", None),
    "KS07-05": (UNCHECKED, "不称职", "撤销党内职务 (sanctions SA010)", "2018-08-25"),  # 24 months
    "KS07-01": (UNCHECKED, "称职", "score", "2017-11-11"),  # 黨內警告 SA004 2016-11-11, 12 months
    "KS07-06": (None, "不定等次", "无民主测评 (votes KS07-06)", None),  # no votes, no score
    # 信訪科: 4 cadres, quota(0.20, 4) = floor(0.8) = 0 places. KS08-02 (leader) V = 98,
    # U = 87: (49 + 34.8)/0.9 = 93.111 -> 93.11 >= 90: 称职 by quota
    "KS08-02": (93.11, "称职", "quota", None),
    # KS08-03: 誡勉 SA011 dated 2017-01-09: no effect in 2016, its window starts after as_of
    "KS08-03": (UNCHECKED, "称职", "score", None),
}


@pytest.mark.parametrize("cadre_id", sorted(BUREAU_CADRES))
def test_bureau_cadre_scores_grades_reasons_and_freezes(bureau: Run, cadre_id: str) -> None:
    score, grade, reason, frozen = BUREAU_CADRES[cadre_id]
    got = cadre(bureau[2], cadre_id)
    if score is not UNCHECKED:
        assert got["score"] == score
    assert got["grade"] == grade
    assert got["grade_reason"] in ((reason,) if isinstance(reason, str) else reason)
    frozen_until = got["frozen_until"]
    assert (None if frozen_until is None else str(frozen_until)) == frozen
    assert got["flags"] == []


def test_bureau_derived_records(bureau: Run) -> None:
    results = bureau[2]
    # NT001 (unit, unrectified), NT002 (cadre, late), NT003 (從輕); not NT004 (免責), NT005
    # (on time), NT006 (deadline 2017). No R10 / R11 in this scheme.
    notices = derived(results, "notice:")
    assert {source for _, source in notices} == {"notice:NT001", "notice:NT002", "notice:NT003"}
    assert ("KS05-04", "notice:NT002") in notices
    assert derived(results, "dual:") == set()
    assert derived(results, "zero:") == set()
    # the cap of attendance is a row of its own that gives 2.8 back
    caps = [
        float(block.points[0][j])
        for block in results.adjustments
        if block.rule == "attendance"
        for j in range(len(block))
        if block.column("effect")[j] == "cap" and results.cadres.ids[block.index[j]] == "KS02-05"
    ]
    assert caps == [pytest.approx(2.8)]


# ---------------------------------------------------------------------------
# bureau-2016: traditional characters, Chinese headers, GBK / GB18030


def test_the_bureau_data_is_typed_in_traditional_characters_and_encodings() -> None:
    folder = BUREAU.with_suffix("")
    cadres = (folder / "cadres.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        cadres.decode("utf-8")
    assert cadres.decode("gbk").startswith("幹部編碼,姓名,單位編碼,職務類別\n")
    assert "主要負責人" in cadres.decode("gbk")
    assert "中層幹部" in cadres.decode("gbk")
    sanctions = (folder / "sanctions.csv").read_bytes().decode("gb18030")
    assert sanctions.startswith("編號,日期,幹部編碼,處分類型,案件編號,處理機關,結案日期\n")
    assert {"嚴重警告", "記過", "上級", "本單位"} <= set(re.split(r"[,\n]", sanctions))
    units = (folder / "units.csv").read_bytes()
    assert units.startswith(b"\xef\xbb\xbf")
    assert "考核類別" in units.decode("utf-8-sig")
    text = {
        p.stem: p.read_bytes().decode("utf-8")
        for p in folder.glob("*.csv")
        if p.stem not in ("cadres", "sanctions", "units")
    }
    assert {"業務工作", "作風建設"} <= set(re.split(r"[,\n]", text["targets"]))
    assert {"較重", "嚴重", "理論聯繫實際不夠"} <= set(re.split(r"[,\n]", text["supervision"]))
    assert "縣" in re.split(r"[,\n]", text["criticisms"])
    assert {"從輕", "免責", "減輕"} <= set(re.split(r"[,\n]", text["tolerances"]))
    simplified = (BUREAU_SIMPLIFIED / "cadres.csv").read_text(encoding="utf-8")
    assert simplified.startswith("cadre_id,name,unit_id,role\nKS01-01,")


def test_the_traditional_data_loads_as_the_simplified_data(
    bureau: Run, bureau_simplified: Run
) -> None:
    traditional, simplified = bureau[1], bureau_simplified[1]
    assert traditional.tables.keys() == simplified.tables.keys()
    for name, table in traditional.tables.items():
        other = simplified.tables[name]
        assert table.present == other.present, name
        for column in table.columns:
            assert table[column].tolist() == other[column].tolist(), (name, column)
        assert table == other, name


def test_the_traditional_data_scores_byte_for_byte_like_the_simplified(
    bureau: Run, bureau_simplified: Run
) -> None:
    manifest = {"scheme": "bureau-2016", "note": "the same manifest for both runs"}
    traditional = result_files(bureau[2], manifest)
    simplified = result_files(bureau_simplified[2], manifest)
    assert traditional.keys() == simplified.keys()
    for name in traditional:
        assert traditional[name] == simplified[name], name
    assert "辦公室" in traditional["units.csv"].decode("utf-8-sig")


# ---------------------------------------------------------------------------
# the independent pure-Python reference


@pytest.mark.parametrize(
    ("scheme_path", "data"),
    [(DONGLI, None), (BUREAU, None), (BUREAU, BUREAU_SIMPLIFIED)],
    ids=["dongli-2018", "bureau-2016", "bureau-2016-simplified"],
)
def test_the_engine_equals_the_pure_python_reference(scheme_path: Path, data: Path | None) -> None:
    document = tomllib.loads(scheme_path.read_text(encoding="utf-8"))
    _, dataset, results = run(scheme_path, data)
    fast = as_plain(results)
    slow = purepython.score(document, rows(dataset))
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
