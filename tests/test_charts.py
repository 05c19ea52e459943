"""The README's sweep and Monte Carlo charts at A4 width: every label inside, no mark per draw."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.browser import browser, needs_browser
from tests.conftest import COUNTY

from kaohe.cli import main
from kaohe.report.chartkit import A4_WIDTH, text_width

__all__ = ["browser"]

#: The README's examples (kaohe whatif ...), and a sweep along one parameter.
EXAMPLES = {
    "grid": ["--sweep", "supervision.cap=6:12:2", "--sweep", "criticism.cap=4,5,8"],
    "sweep": ["--sweep", "satisfaction.weight.乡镇=0:0.5:0.05"],
    "monte-carlo": [
        "--monte-carlo", "1000", "--vary", "satisfaction.group_weights=dirichlet(50)",
        "--vary", "supervision.cap=uniform(8,12)", "--seed", "7",
    ],
}  # fmt: skip
TEXT = re.compile(
    r'<text x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)" font-size="([\d.]+)"'
    r"[^>]*>([^<]*)</text>"
)


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every chart of the examples: ``"example/file.svg"`` -> SVG text."""
    root = tmp_path_factory.mktemp("charts")
    found = {}
    for name, args in EXAMPLES.items():
        out = root / name
        result = CliRunner().invoke(main, ["whatif", str(COUNTY), *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        for svg in sorted(out.glob("*.svg")):
            found[f"{name}/{svg.name}"] = svg.read_text("utf-8")
    return found


def size(svg: str) -> tuple[float, float]:
    match = re.search(r'<svg [^>]*width="([\d.]+)" height="([\d.]+)"', svg)
    assert match is not None
    return float(match.group(1)), float(match.group(2))


def test_the_examples_draw_the_summary_charts(charts: dict[str, str]) -> None:
    assert sorted(charts) == [
        "grid/grade_probability.svg", "grid/grade_shares.svg", "grid/rank_intervals.svg",
        "monte-carlo/grade_probability.svg", "monte-carlo/rank_intervals.svg",
        "sweep/grade_probability.svg", "sweep/grade_shares.svg", "sweep/rank_intervals.svg",
    ]  # fmt: skip


def test_every_chart_is_a4_wide_and_its_estimated_text_fits(charts: dict[str, str]) -> None:
    for name, svg in charts.items():
        width, height = size(svg)
        assert width == A4_WIDTH, name
        texts = TEXT.findall(svg)
        assert texts, name
        for x, y, anchor, font, words in texts:
            x, y, font = float(x), float(y), float(font)
            wide = text_width(words.replace("&amp;", "&"), font)
            left = {"start": x, "middle": x - wide / 2, "end": x - wide}[anchor]
            assert left >= 0, (name, words)
            assert left + wide <= width, (name, words)
            assert y - font >= 0, (name, words)
            assert y + 0.3 * font <= height, (name, words)


def test_monte_carlo_charts_summarise_never_one_mark_per_draw(charts: dict[str, str]) -> None:
    for name in ("monte-carlo/grade_probability.svg", "monte-carlo/rank_intervals.svg"):
        marks = len(re.findall(r"<(rect|line|circle|polygon|path)\b", charts[name]))
        assert marks < 200, (name, marks)  # 20 units; 1000 draws
        assert "draw " not in charts[name]


def test_the_sweep_marks_the_scheme_as_it_is(charts: dict[str, str]) -> None:
    assert "现行方案 0.15" in charts["sweep/grade_shares.svg"]  # satisfaction.weight.乡镇
    # the grid: supervision.cap 10 and criticism.cap 5 are scenario 8 of 4 x 3
    assert "现行方案 (情景 8)" in charts["grid/grade_shares.svg"]
    assert "XZ08 河坝乡" in charts["sweep/grade_probability.svg"]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


BOXES = """svg => [...svg.querySelectorAll('text')].map(t => {
  const b = t.getBBox(); return [t.textContent, b.x, b.y, b.width, b.height]; })"""


@needs_browser
def test_in_a_browser_every_label_lies_inside_the_picture(
    charts: dict[str, str], browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 px per inch
    try:
        for name, svg in charts.items():
            width, height = size(svg)
            page.set_content(f'<body style="margin:0">{svg}</body>')
            page.evaluate("document.fonts.ready.then(() => true)")
            element = page.query_selector("svg")
            shot = element.screenshot()
            assert png_size(shot) == (int(width), int(height)), name
            (tmp_path / name.replace("/", "-")).with_suffix(".png").write_bytes(shot)
            boxes = element.evaluate(BOXES)
            assert len(boxes) == len(TEXT.findall(svg)), name
            for words, x, y, w, h in boxes:
                assert w > 0, (name, words)  # drawn, with a font that has its glyphs
                assert x >= 0, (name, words, x)
                assert y >= 0, (name, words, y)
                assert x + w <= width + 0.5, (name, words, x + w)
                assert y + h <= height + 0.5, (name, words, y + h)
            labels = [b for b in boxes if b[4] < 20]
            for i, a in enumerate(labels):
                for b in labels[i + 1 :]:
                    overlap_x = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
                    overlap_y = min(a[2] + a[4], b[2] + b[4]) - max(a[2], b[2])
                    assert overlap_x <= 1 or overlap_y <= 1, (name, a[0], b[0])
    finally:
        page.close()


def test_a_long_list_is_cut_and_says_so(tmp_path: Path) -> None:
    import numpy as np

    from kaohe.whatif import charts as whatif_charts

    n = 1000
    ids = np.asarray([f"U{i:04d}" for i in range(n)])
    probability = np.zeros((n, 4))
    probability[:, 1] = 1.0
    probability[:3] = [0.5, 0.5, 0, 0]
    svg = whatif_charts.grade_probability(
        ids, ids, probability, ["优秀", "良好", "一般", "较差"], "t"
    )
    assert "显示 40 个单位(最不确定的在前),共 1000 个" in svg
    assert svg.index("U0000") < svg.index("U0003")  # the uncertain first
    assert size(svg)[0] == A4_WIDTH


@needs_browser
def test_the_reports_charts_keep_their_labels_inside(browser: Any) -> None:
    import kaohe
    from kaohe.plugins import Registry
    from kaohe.report.html import report_html

    scheme = kaohe.load_scheme(COUNTY, Registry.installed(None))
    page_html = report_html(kaohe.evaluate(scheme, kaohe.load_data(COUNTY.with_suffix(""), scheme)))
    svgs = re.findall(r"<svg viewBox=.*?</svg>", page_html, flags=re.S)
    charts = [svg for svg in svgs if 'role="img"' in svg]
    assert len(charts) == 4  # three categories' scores, the cadres' grade shares
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    try:
        for svg in charts:
            width, height = (
                float(v) for v in re.findall(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)[0]
            )
            assert width == A4_WIDTH
            page.set_content(f'<body style="margin:0">{svg}</body>')
            for words, x, y, w, h in page.query_selector("svg").evaluate(BOXES):
                assert x >= 0, words
                assert y >= 0, words
                assert x + w <= width + 0.5, words
                assert y + h <= height + 0.5, words
    finally:
        page.close()
