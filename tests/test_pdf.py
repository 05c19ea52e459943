"""report.pdf: A4 pages printed by a headless Chromium, read back by rendering them (pypdfium2)."""

from __future__ import annotations

import csv
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
from kaohe.report.html import report_html

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
