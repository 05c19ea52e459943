"""report.html: one self-contained page; its tables hold the published numbers; a real browser."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.bridge import registry
from tests.ci import IN_CI
from tests.conftest import COUNTY

import kaohe
from kaohe import manifest
from kaohe.output import result_files, write_folder
from kaohe.report import html as htmlreport
from kaohe.report.html import report_html
from kaohe.report.labels import extra_files
from kaohe.results import Results
from kaohe.tables_out import number

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y chromium fonts-noto-cjk"
SCHEMES = sorted(COUNTY.parent.glob("*.toml"))
EVIL_UNIT = '<script>alert("x")</script>&amp;'
FORMULA_UNIT = '=HYPERLINK("x")'
VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr"})


class Page(HTMLParser):
    """The parts of a page the tests look at: tags, attributes, text and table rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.decl: list[str] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.decl.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self._in.append(tag)
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None and "title" not in self._in:
            self._cell.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def published(results: Results, name: str) -> list[dict[str, str]]:
    info = manifest.build(results, data_path=str(COUNTY.with_suffix("")))
    text = result_files(results, info)[name].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def results(county_scheme: kaohe.Scheme, county_data: kaohe.Dataset) -> Results:
    return kaohe.evaluate(county_scheme, county_data)


@pytest.fixture(scope="module")
def page(results: Results) -> str:
    return report_html(results)


@pytest.fixture(scope="module")
def evil_page(county_scheme: kaohe.Scheme, tmp_path_factory: pytest.TempPathFactory) -> str:
    data = tmp_path_factory.mktemp("evil") / "data"
    shutil.copytree(COUNTY.with_suffix(""), data)
    units = (data / "units.csv").read_text(encoding="utf-8-sig")
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in (EVIL_UNIT, FORMULA_UNIT)}
    units = units.replace("XZ01,城关镇,", f"XZ01,{quoted[EVIL_UNIT]},", 1)
    units = units.replace("XZ02,青龙镇,", f"XZ02,{quoted[FORMULA_UNIT]},", 1)
    (data / "units.csv").write_text(units, encoding="utf-8")
    return report_html(kaohe.evaluate(county_scheme, kaohe.load_data(data, county_scheme)))


def test_a_complete_chinese_utf8_page(page: str, results: Results) -> None:
    parsed = parse(page)
    assert parsed.decl == ["DOCTYPE html"]
    tags = dict(parsed.tags)
    assert tags["html"] == {"lang": "zh-CN"}
    assert ("meta", {"charset": "utf-8"}) in parsed.tags
    assert "<title>2019年度县政府系统综合目标考核</title>" in page
    assert results.scheme.title in "".join(parsed.text)
    for heading in (
        "单位等次统计",
        "各类别排名与得分分布",
        "扣分分析",
        "干部等次与优秀比例",
        "考核依据",
    ):
        assert heading in page


def test_self_contained_nothing_from_the_network(page: str) -> None:
    parsed = parse(page)
    assert "http://" not in page
    assert "https://" not in page
    # fills name patterns of the same page (url(#...)), never anything outside it
    assert re.findall(r"url\((?!#)", page) == []
    assert "@import" not in page
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base"}
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    assert sum(1 for tag, _ in parsed.tags if tag == "svg") >= 5
    assert sum(1 for tag, _ in parsed.tags if tag == "style") == 1


def test_the_ranking_tables_hold_the_published_numbers(page: str, results: Results) -> None:
    rows = parse(page).rows
    ranking = {
        row[2]: row for row in rows if len(row) == 9 and row[2] and row[0].isdigit()
    }  # 排名, 单位, 单位编码, 综合得分, 扣分, 加分, 得分, 等次, 标记
    units = published(results, "units.csv")
    assert len(ranking) == len(units) == 20
    # points as people read them: two decimals of the same numbers
    u = results.units
    shown = {
        name: dict(zip(u.ids.tolist(), number(values[0], 2).tolist(), strict=True))
        for name, values in (
            ("composite", u.composite),
            ("deductions", u.deductions),
            ("bonus", u.bonus),
        )
    }
    for unit in units:
        row = ranking[unit["unit_id"]]
        assert row[0] == unit["rank"]
        assert row[1] == unit["name"]
        expected = [shown[name][unit["unit_id"]] for name in ("composite", "deductions", "bonus")]
        assert row[3:7] == [*expected, unit["score"]]
        for name in ("composite", "deductions", "bonus"):
            assert abs(float(row[3 + list(shown).index(name)]) - float(unit[name])) <= 0.005
        assert row[7] == unit["grade"]
        assert row[8] == unit["flags"].replace(";", "")


def test_each_category_is_ranked_in_order(page: str, results: Results) -> None:
    rows = [row for row in parse(page).rows if len(row) == 9 and row[0].isdigit()]
    categories = {u["unit_id"]: u["category"] for u in published(results, "units.csv")}
    seen = [categories[row[2]] for row in rows]
    assert seen == sorted(seen, key=list(results.scheme.categories).index)
    for category in results.scheme.categories:
        ranks = [int(row[0]) for row in rows if categories[row[2]] == category]
        assert ranks == sorted(ranks)


def test_score_distribution_has_a_dot_per_unit_and_the_thresholds(page: str) -> None:
    parsed = parse(page)
    assert sum(1 for tag, _ in parsed.tags if tag == "circle") == 20
    text = "".join(parsed.text)
    assert "优秀 ≥ 90" in text
    assert "良好 ≥ 80" in text
    assert "一般 ≥ 60" in text  # the 乡镇 chart reaches down to 60


def test_deductions_by_rule_and_by_problem_category(page: str, results: Results) -> None:
    rows = parse(page).rows
    findings = published(results, "findings.csv")
    table = {row[0]: row for row in rows if len(row) == 4}
    for finding in findings:
        assert table[finding["category"]][1:3] == [finding["findings"], finding["points"]]
    supervision = next(row for row in rows if len(row) == 7 and row[0].startswith("督查督办扣分"))
    adjustments = published(results, "adjustments.csv")
    net = sum(
        float(a["points"])
        for a in adjustments
        if a["entity"] == "unit" and a["rule"] == "supervision"
    )
    assert supervision[5] == f"{net:+.2f}"


def test_cadre_grade_shares_against_the_quota(page: str, results: Results) -> None:
    rows = parse(page).rows
    cadres = published(results, "cadres.csv")
    units = {u["unit_id"]: u["category"] for u in published(results, "units.csv")}
    for category in results.scheme.categories:
        mine = [c for c in cadres if units[c["unit_id"]] == category]
        graded = [c for c in mine if c["grade"] in ("优秀", "称职", "基本称职", "不称职")]
        excellent = sum(c["grade"] == "优秀" for c in mine)
        row = next(r for r in rows if r[0] == category and r[-1] == "20%")
        assert row[-2] == f"{100 * excellent / len(graded):.1f}%"
        assert int(row[-3]) == len(graded)
    assert "优秀比例上限 20%" in page


def test_flagged_units_and_cadres_are_listed(page: str, results: Results) -> None:
    text = "".join(parse(page).text)
    for unit in published(results, "units.csv"):
        if unit["flags"]:
            assert unit["name"] in text
    listed = set()
    for row in parse(page).rows:
        if len(row) == 8 and row[0] != "干部":
            listed.add(row[0].split()[-1])
    for cadre in published(results, "cadres.csv"):
        wanted = cadre["grade"] in ("不称职", "不定等次") or cadre["frozen_until"] or cadre["flags"]
        assert (cadre["cadre_id"] in listed) == bool(wanted), cadre["cadre_id"]
    assert "一票否决: 发生校园安全责任事故" in text  # why BM03 is 较差


def test_a_long_list_of_cadres_is_cut_worst_first(
    results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(htmlreport, "MAX_LISTED", 5)
    page = report_html(results)
    rows = [row for row in parse(page).rows if len(row) == 8 and row[0] != "干部"]
    assert [row[4] for row in rows] == ["不称职"] * 3 + ["不定等次"] * 2
    assert "另有 58 人未列出" in page
    assert "干部(63 人)" in page


def test_every_text_is_escaped(evil_page: str) -> None:
    parsed = parse(evil_page)
    assert not any(tag == "script" for tag, _ in parsed.tags)
    text = "".join(parsed.text)
    assert EVIL_UNIT in text  # shown literally, as the user typed it
    assert "'" + FORMULA_UNIT in text  # the neutralised text of the result files
    assert "<script>" not in evil_page


@pytest.mark.parametrize("scheme_path", SCHEMES, ids=[p.stem for p in SCHEMES])
def test_every_reference_scheme_renders(scheme_path: Path) -> None:
    scheme = kaohe.load_scheme(scheme_path, registry())
    results = kaohe.evaluate(scheme, kaohe.load_data(scheme_path.with_suffix(""), scheme))
    page = report_html(results)
    parsed = parse(page)
    assert page == report_html(results)  # deterministic
    assert parsed.decl == ["DOCTYPE html"]
    scores = {row[6] for row in parsed.rows if len(row) == 9}
    for unit in published(results, "units.csv"):
        assert unit["score"] in scores
    if "unit_grading" not in scheme.enabled:
        assert "≥" not in "".join(parsed.text)


def test_extra_files_hold_the_report(results: Results, page: str) -> None:
    assert extra_files(results, ("html",))["report.html"] == page.encode("utf-8")


def chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        timeout=180,
        check=True,
    )


@pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI,
    reason=f"no {CHROMIUM} (outside CI only; CI installs it: {INSTALL})",
)
def test_the_report_in_a_headless_browser(results: Results, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; in CI this test must run: {INSTALL}")
    info = manifest.build(results, data_path=str(COUNTY.with_suffix("")))
    out = write_folder(
        tmp_path / "out", {**result_files(results, info), **extra_files(results, ("xlsx", "html"))}
    )
    report = (out / "report.html").resolve()
    dom = chromium(
        f"--user-data-dir={tmp_path / 'profile-dom'}", "--dump-dom", report.as_uri(), cwd=tmp_path
    ).stdout.decode("utf-8")
    parsed = parse(dom)
    assert "2019年度县政府系统综合目标考核" in dom
    scores = {row[2]: row[6] for row in parsed.rows if len(row) == 9 and row[0].isdigit()}
    units = published(results, "units.csv")
    assert scores == {unit["unit_id"]: unit["score"] for unit in units}
    assert "96.82" in scores.values()  # 县发展和改革局, first of the 县级部门
    assert sum(1 for tag, _ in parsed.tags if tag == "circle") == len(units)
    shot = tmp_path / "shot.png"
    chromium(
        f"--user-data-dir={tmp_path / 'profile-shot'}",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        report.as_uri(),
        cwd=tmp_path,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
