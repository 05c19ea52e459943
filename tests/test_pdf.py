"""report.pdf: A4 pages printed by a headless Chromium, read back by rendering them (pypdfium2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.browser import IN_CI, needs_browser
from tests.conftest import COUNTY

import kaohe
from kaohe.cli import main
from kaohe.plugins import Registry
from kaohe.report import pdf
from kaohe.report.html import report, report_html
from kaohe.report.parts import Report, text_of

#: A4 in PDF points (1/72 inch): 210 x 297 mm.
A4 = (595.28, 841.89)
pdfium = pytest.importorskip("pypdfium2") if not IN_CI else __import__("pypdfium2")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "out"
    result = CliRunner().invoke(
        main, ["score", str(COUNTY), "--format", "pdf", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pages(folder: Path) -> list[str]:
    """The text of every page."""
    document = pdfium.PdfDocument(str(folder / "report.pdf"))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def units(folder: Path) -> list[dict[str, str]]:
    text = (folder / "units.csv").read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@needs_browser
def test_every_page_is_a4_and_renders_with_ink(folder: Path, tmp_path: Path) -> None:
    document = pdfium.PdfDocument(str(folder / "report.pdf"))
    try:
        assert len(document) >= 21  # the report, then a notice per unit
        for index in range(len(document)):
            width, height = document[index].get_size()
            assert abs(width - A4[0]) < 1.5
            assert abs(height - A4[1]) < 1.5
        for index in (0, len(document) - 1):
            bitmap = document[index].render(scale=1).to_numpy()
            assert bitmap.shape[:2] == (842, 595) or bitmap.shape[:2] == (841, 595)
            ink = (bitmap[:, :, :3] < 200).any(axis=2).mean()
            assert 0.01 < ink < 0.5, (index, ink)  # text and charts, not a blank page
    finally:
        document.close()


@needs_browser
def test_pages_are_numbered_and_name_the_issuer(pages: list[str]) -> None:
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {total} 页" in text
        assert "县委县政府目标管理考核委员会办公室" in text
    first = pages[0]
    assert "2019年度县政府系统综合目标考核" in first
    assert "公示期:2020年1月15日至2020年1月21日" in first.replace("\r\n", "").replace("\n", "")


@needs_browser
def test_one_notice_per_unit_with_percentages_and_two_decimals(
    folder: Path, pages: list[str]
) -> None:
    notices = [p for p in pages if "考 核 结 果 通 知 书" in p or "考核结果通知书" in p]
    rows = units(folder)
    assert len(notices) == len(rows) == 20
    for unit in rows:
        mine = [p for p in notices if f"{unit['name']}:" in p]
        assert len(mine) == 1, unit["name"]
        page = mine[0]
        assert f"考核得分 {unit['score']}" in page
        assert f"扣分 {float(unit['deductions']):.2f}" in page
        if unit["satisfaction"]:
            assert f"满意度 {100 * float(unit['satisfaction']):.2f}%" in page
        if unit["grade"]:
            assert f"考核等次 {unit['grade']}" in page
    xz08 = next(p for p in notices if "河坝乡:" in p)
    assert "2020年1月15日" in xz08


@needs_browser
def test_no_english_rule_codes_reach_the_public(pages: list[str]) -> None:
    registry = Registry.installed(None)
    text = "\n".join(pages)
    for name in registry.names():
        assert re.search(rf"\b{name}\b", text) is None, name


def test_the_html_names_no_rule_codes_either() -> None:
    scheme = kaohe.load_scheme(COUNTY, Registry.installed(None))
    page = report_html(kaohe.evaluate(scheme, kaohe.load_data(COUNTY.with_suffix(""), scheme)))
    visible = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)
    for name in scheme.registry.names():
        assert re.search(rf"\b{name}\b", visible) is None, name
    assert "0.9708" not in visible  # 满意度 as a percentage
    assert "97.08%" in visible


def test_no_browser_is_a_clear_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAOHE_CHROMIUM", str(tmp_path / "no-browser"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(COUNTY), "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 1
    assert f"KAOHE_CHROMIUM={tmp_path / 'no-browser'}: no such browser" in result.output
    assert not out.exists()
    monkeypatch.delenv("KAOHE_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["score", str(COUNTY), "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 1
    assert "report.pdf is printed by a Chromium browser and none was found" in result.output
    assert not out.exists()


@needs_browser
def test_the_same_results_print_the_same_bytes(folder: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = CliRunner().invoke(
        main, ["score", str(COUNTY), "--format", "pdf", "--out", str(again)]
    )
    assert result.exit_code == 0, result.output
    assert (again / "report.pdf").read_bytes() == (folder / "report.pdf").read_bytes()
    assert b"/CreationDate (D:20191231000000" in (folder / "report.pdf").read_bytes()


# ------------------------------------------------------------- printed in parts


@pytest.fixture(scope="module")
def county_report() -> Report:
    scheme = kaohe.load_scheme(COUNTY, Registry.installed(None))
    return report(kaohe.evaluate(scheme, kaohe.load_data(COUNTY.with_suffix(""), scheme)))


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def in_parts(monkeypatch: pytest.MonkeyPatch, report: Report, size: int, notices: int) -> bytes:
    """``report`` printed in parts: its summary in parts of ``size`` characters,
    ``notices`` notices a part."""
    monkeypatch.setattr(pdf, "PART_SIZE", size)
    monkeypatch.setattr(pdf, "NOTICES_PER_PART", notices)
    return pdf.report_pdf(report, dt.date(2019, 12, 31))


def test_the_report_is_the_page_in_pieces(county_report: Report) -> None:
    summary = sum(len(text_of(p)) for p in county_report.summary)
    assert len(county_report.html()) == county_report.size()
    parts = county_report.parts(summary // 5, 6)
    assert [p.notices for p in parts] == [False] * len(parts[:-4]) + [True] * 4
    assert len(parts) - 4 > 5  # the ranking tables cut between parts
    assert [len(p.atoms) for p in parts[-4:]] == [6, 6, 6, 2]
    documents = [county_report.document(p) for p in parts]
    for document in documents:
        assert document.startswith(county_report.head + "<body><main>")
        assert document.endswith("</main></body></html>\n")
        assert document.count("<table") == document.count("</table>")
        assert document.count("<tbody>") == document.count("</tbody>")
    # every piece once, in order: the cut tables' headers and ends are the only additions
    joined = "".join("".join(a.text for a in p.atoms) for p in parts if not p.notices) + "".join(
        "".join(a.text for a in p.atoms) for p in parts if p.notices
    )
    assert joined == "".join(map(text_of, county_report.summary)) + "".join(county_report.notices)


@needs_browser
def test_a_report_printed_in_parts_is_the_one_printed_at_once(
    folder: Path, county_report: Report, pages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = sum(len(text_of(p)) for p in county_report.summary)
    assert summary < county_report.size() - 2000
    merged = in_parts(monkeypatch, county_report, summary, 7)  # notices in 3 parts
    again = in_parts(monkeypatch, county_report, summary, 7)
    assert merged == again  # deterministic
    assert b"/CreationDate(D:20191231000000" in merged
    assert b"/ModDate(D:20191231000000" in merged
    texts = page_texts(merged)
    # the same pages, each with the same text: page numbers, each notice's unit on its page
    assert len(texts) == len(pages)
    for number, (text, whole) in enumerate(zip(texts, pages, strict=True), start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert text == whole, number
    notices = [i for i, p in enumerate(texts) if "考 核 结 果 通 知 书" in p]
    assert len(notices) == 20
    for unit in units(folder):
        page = next(i for i in notices if f"\n{unit['name']}:" in texts[i])
        assert f"\n{unit['name']}:" in pages[page]


@needs_browser
def test_a_summary_cut_between_parts_is_numbered_across_them(
    county_report: Report, pages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = sum(len(text_of(p)) for p in county_report.summary)
    merged = in_parts(monkeypatch, county_report, summary // 3, 20)
    texts = page_texts(merged)
    # each summary part begins a page: more pages, numbered across the parts
    assert len(texts) > len(pages)
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {len(texts)} 页" in text
    # the notices as printed at once, on the pages after the summary's
    first = next(i for i, p in enumerate(pages) if "考 核 结 果 通 知 书" in p)
    shift = len(texts) - len(pages)
    for index in range(first, len(pages)):
        footer = f"第 {index + 1} 页 共 {len(pages)} 页"
        moved = f"第 {index + 1 + shift} 页 共 {len(texts)} 页"
        assert texts[index + shift] == pages[index].replace(footer, moved)


@needs_browser
def test_a_part_that_fails_is_a_clear_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import Error

    printed = pdf._Printer.print
    calls = []

    def failing(self: pdf._Printer, html: str, **options: object) -> bytes:
        calls.append(options)
        if len(calls) == 5:  # a part's print, after the parts were counted
            raise Error("Printing failed")
        return printed(self, html, **options)

    monkeypatch.setattr(pdf._Printer, "print", failing)
    monkeypatch.setattr(pdf, "PART_SIZE", 40_000)
    monkeypatch.setattr(pdf, "NOTICES_PER_PART", 10)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(COUNTY), "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 1
    assert "report.pdf: the browser" in result.output
    assert "failed (Printing failed)" in result.output
    assert not out.exists()
    assert [bool(c) for c in calls] == [True] * 4 + [False]  # 4 counted, then the failure


@needs_browser
def test_a_browser_that_does_not_number_the_parts_is_an_error(
    county_report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbered = pdf.numbered
    monkeypatch.setattr(pdf, "numbered", lambda html, first, total: numbered(html, 1, total))
    wrong = r"its first page should show \d+ and its page count, not 1 "
    with pytest.raises(kaohe.errors.OutputError, match=wrong):
        in_parts(monkeypatch, county_report, 40_000, 20)


def test_a_report_in_parts_without_a_browser_is_the_same_error(
    county_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAOHE_CHROMIUM", str(tmp_path / "no-browser"))
    with pytest.raises(kaohe.errors.OutputError, match="no-browser: no such browser"):
        in_parts(monkeypatch, county_report, 40_000, 20)
