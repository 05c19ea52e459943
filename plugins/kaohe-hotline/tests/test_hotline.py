"""kaohe-hotline, tested with kaohe's pytest plugin (kaohe.testing) only.

Hand-worked: overdue 0.2 and unsatisfied 0.1 per order accepted in the
period and not returned, both for an order that is both, capped at 3 per
unit. Then the plugin enabled in a copy of the reference scheme
county-2019, its table read from CSV (Chinese names) and from a workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kaohe
from kaohe.testing import as_plain, assert_catalog_complete, d, data, engine, rule_rows, scheme

#: The messages these tests read are kaohe's English ones, whatever the machine's locale.
pytestmark = pytest.mark.usefixtures("kaohe_english")

BASIS = "种子001:「便利群众和企业办事」;「从群众反映最强烈、行政效能中最突出的问题入手」"


def order(
    id: str,
    accepted: dt.date,
    unit: str,
    deadline: dt.date,
    closed: dt.date | None = None,
    rating: str | None = None,
    returned: bool = False,
) -> dict[str, Any]:
    return {
        "id": id,
        "date": accepted,
        "unit_id": unit,
        "deadline": deadline,
        "closed_on": closed,
        "rating": rating,
        "returned": returned,
    }


def test_overdue_and_unsatisfied_orders_deduct() -> None:
    tables = data(
        [("u1", "乡镇", 80.0), ("u2", "乡镇", 90.0)],
        hotline=[
            order("H1", d(3, 1), "u1", d(3, 10), d(3, 12), "满意"),  # closed late: 0.2
            order("H2", d(3, 5), "u1", d(3, 15), d(3, 14), "不满意"),  # unsatisfied: 0.1
            order("H3", d(4, 1), "u1", d(4, 10), None, "否"),  # open past its limit + 否: 0.3
            order("H4", d(5, 1), "u1", d(5, 2), d(6, 1), returned=True),  # returned: none
            order("H5", d(12, 20, 2018), "u1", d(12, 25, 2018), d(1, 30)),  # 2018: none
            order("H6", d(6, 1), "u2", d(6, 10), d(6, 10), "满意"),  # on time: none
        ],
    )
    results = engine(scheme(hotline={}), tables)
    got = as_plain(results)["units"]
    # u1: 80 - (0.2 + 0.1 + 0.3) = 79.4; u2: 90
    assert got["u1"]["score"] == 79.4
    assert got["u1"]["deductions"] == pytest.approx(0.6)
    assert got["u2"]["score"] == 90.0
    assert rule_rows(results, "hotline") == [
        ("u1", "hotline", "H1", -0.2, "扣分"),
        ("u1", "hotline", "H2", -0.1, "扣分"),
        ("u1", "hotline", "H3", -0.3, "扣分"),
    ]


def test_deductions_are_capped_per_unit() -> None:
    orders = [order(f"H{i:02}", d(3, 1), "u1", d(3, 5), d(3, 6)) for i in range(20)]
    results = engine(scheme(hotline={"cap": 3.0}), data([("u1", "乡镇", 80.0)], hotline=orders))
    # 20 x 0.2 = 4.0, capped at 3: 77
    assert as_plain(results)["units"]["u1"]["score"] == 77.0
    cap = [row for row in rule_rows(results, "hotline") if row[4] == "cap"]
    assert cap == [("u1", "", "", 1.0, "cap")]


def test_points_are_parameters() -> None:
    orders = [order("H1", d(3, 1), "u1", d(3, 5), d(3, 6), "不满意")]
    doc = scheme(hotline={"overdue_points": 1.0, "unsatisfied_points": 0.5})
    results = engine(doc, data([("u1", "乡镇", 80.0)], hotline=orders))
    assert as_plain(results)["units"]["u1"]["score"] == 78.5


HEADERS = ["工单编号", "受理日期", "承办单位编码", "办结时限", "办结日期", "是否满意", "是否退单"]
ROWS = [
    ["RX1", "2019-03-01", "XZ08", "2019-03-10", "2019-03-20", "满意", "否"],
    ["RX2", "2019/4/2", "XZ08", "2019-04-12", "", "不满意", "否"],
    ["RX3", "2019-05-01", "XZ08", "2019-05-10", "2019-06-01", "不满意", "是"],
]


def write_orders(folder: Path) -> None:
    with (folder / "工单.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([*HEADERS[:1], *HEADERS[1:]])
        writer.writerows(ROWS)


@pytest.fixture
def county_with_hotline(kaohe_reference_scheme: Callable[..., Path]) -> Path:
    """A copy of county-2019 that enables the rule, with 工单.csv in its data."""
    path = kaohe_reference_scheme("county-2019", f'[hotline]\nbasis = "{BASIS}"\n')
    write_orders(path.with_suffix(""))
    return path


def test_enabled_in_a_copy_of_county_2019(county_with_hotline: Path) -> None:
    """RX1 late (0.2), RX2 open and unsatisfied (0.3), RX3 returned: XZ08 58.69 -> 58.19."""
    scheme_ = kaohe.load_scheme(county_with_hotline)
    results = kaohe.evaluate(scheme_, kaohe.load_data(county_with_hotline.with_suffix(""), scheme_))
    units = dict(zip(results.units.ids.tolist(), results.units.score[0].tolist(), strict=True))
    assert units["XZ08"] == 58.19
    explanation = kaohe.explain(results, "XZ08")
    assert explanation.adds_up
    text = explanation.render()
    assert "12345热线工单扣分\n  考核期内受理工单 2 件(另有退单 1 件,不计)" in text
    assert "逾期办结或到期未办结 2 件 × 0.2 分" in text
    assert "群众不满意 1 件 × 0.1 分" in text
    assert "12345热线工单〔hotline〕 依据:种子001:「便利群众和企业办事」" in text


def test_the_cli_scores_and_verifies_it(county_with_hotline: Path, tmp_path: Path) -> None:
    from kaohe.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["plugins"])
    assert "rule hotline: 12345热线工单 (B1)" in listed.output
    assert runner.invoke(main, ["validate", str(county_with_hotline)]).exit_code == 0
    out = tmp_path / "out"
    scored = runner.invoke(main, ["score", str(county_with_hotline), "--out", str(out)])
    assert scored.exit_code == 0, scored.output
    rows = (out / "adjustments.csv").read_text(encoding="utf-8-sig")
    assert "hotline,hotline,RX2" in rows.replace('"', "")
    assert runner.invoke(main, ["verify", str(out)]).exit_code == 0


def test_read_from_a_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheets = {
        "单位": [["单位编码", "单位名称", "考核类别"], ["u1", "甲乡", "乡镇"]],
        "干部": [["干部编码", "姓名", "单位编码", "职务类别"]],
        "目标任务": [["单位编码", "指标", "得分"], ["u1", "目标", 80]],
        "工单": [HEADERS, ["W1", dt.date(2019, 3, 1), "u1", dt.date(2019, 3, 5), None, "否", "否"]],
    }
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(tmp_path / "book.xlsx")
    registry = kaohe.Registry.installed()
    the_scheme = kaohe.Scheme.from_dict(scheme(hotline={}), registry)
    data_ = kaohe.load_data(tmp_path / "book.xlsx", the_scheme)
    assert data_.tables["hotline"]["id"].tolist() == ["W1"]
    # open past its limit and unsatisfied: 0.3
    assert kaohe.evaluate(the_scheme, data_).units.score[0].tolist() == [79.7]


def test_a_bad_rating_is_refused_naming_file_row_and_column(county_with_hotline: Path) -> None:
    folder = county_with_hotline.with_suffix("")
    text = (folder / "工单.csv").read_text(encoding="utf-8").replace("不满意,否", "一般,否", 1)
    (folder / "工单.csv").write_text(text, encoding="utf-8")
    with pytest.raises(kaohe.DataError) as caught:
        kaohe.load_data(folder, kaohe.load_scheme(county_with_hotline))
    message = str(caught.value)
    assert "工单.csv" in message
    assert "row 3" in message
    assert "unknown hotline rating '一般'; expected one of: 满意, 不满意, 未评价" in message


def test_every_message_has_its_chinese() -> None:
    assert_catalog_complete("kaohe_hotline")


def test_the_parameters_are_described_in_english(kaohe_registry: kaohe.Registry) -> None:
    rule = kaohe_registry.rule("hotline")
    assert rule.text(rule.params["cap"].doc) == "at most this many points per unit"


def test_the_parameters_and_the_rating_in_chinese(
    kaohe_chinese: None, kaohe_registry: kaohe.Registry, county_with_hotline: Path
) -> None:
    rule = kaohe_registry.rule("hotline")
    assert rule.text(rule.params["cap"].doc) == "每个单位最多扣的分数"
    assert rule.text(rule.params["unsatisfied_points"].doc) == "每件评价为不满意的工单扣分"
    folder = county_with_hotline.with_suffix("")
    text = (folder / "工单.csv").read_text(encoding="utf-8").replace("不满意,否", "一般,否", 1)
    (folder / "工单.csv").write_text(text, encoding="utf-8")
    with pytest.raises(kaohe.DataError) as caught:
        kaohe.load_data(folder, kaohe.load_scheme(county_with_hotline))
    assert "未知的热线工单满意度评价 '一般';应为以下之一:满意, 不满意, 未评价" in str(caught.value)
