"""``kaohe explain``: every unit's and cadre's derivation adds up to its published score."""

from __future__ import annotations

import math
import re
import shutil
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from tests.bridge import registry
from tests.conftest import COUNTY, ROOT

import kaohe
from kaohe.audit.explain import Explanation, explain
from kaohe.cli import main
from kaohe.cli.explain import explain as explain_command
from kaohe.results import Results
from kaohe.tables_out import adjustment_rows

SCHEMES = sorted((ROOT / "schemes").glob("*.toml"))
_RESULTS: dict[Path, Results] = {}


def results_of(path: Path) -> Results:
    """The results of a reference scheme on its bundled data (once per session)."""
    if path not in _RESULTS:
        scheme = kaohe.load_scheme(path, registry())
        _RESULTS[path] = kaohe.evaluate(scheme, kaohe.load_data(path.with_suffix(""), scheme))
    return _RESULTS[path]


@pytest.fixture(scope="module")
def county() -> Results:
    return results_of(COUNTY)


def lines(explanation: Explanation) -> list[str]:
    return [line.strip() for line in explanation.render().splitlines()]


def round2(x: Decimal) -> str:
    return f"{math.floor(float(x) * 100 + 0.5 + 1e-9) / 100:.2f}"


def printed_sum(text: str) -> Decimal:
    """The sum line "合计 = a + b - c = total", checked term by term; returns total."""
    line = next(line.strip() for line in text.splitlines() if line.strip().startswith("合计 = "))
    *expression, total = line.removeprefix("合计 = ").split(" = ")
    tokens = (expression[0] if expression else total).split(" ")
    value = Decimal(tokens[0])
    for sign, number in zip(tokens[1::2], tokens[2::2], strict=True):
        assert sign in "+-"
        value += Decimal(number) if sign == "+" else -Decimal(number)
    assert value == Decimal(total), line
    return value


@pytest.mark.parametrize("path", SCHEMES, ids=[p.stem for p in SCHEMES])
def test_every_explanation_adds_up_to_the_published_score(path: Path) -> None:
    results = results_of(path)
    header, columns = adjustment_rows(results)
    adjustments = dict(zip(header, columns, strict=True))
    checked = 0
    for kind, entities in (("unit", results.units), ("cadre", results.cadres)):
        for index, entity_id in enumerate(entities.ids.tolist()):
            e = explain(results, entity_id)
            assert e.entity == kind
            assert e.entity_id == entity_id
            assert e.adds_up, e.render()
            mine = (adjustments["entity"] == kind) & (adjustments["entity_id"] == entity_id)
            assert [r.points for r in e.rows] == adjustments["points"][mine].tolist()
            published = entities.score[0, index]
            if np.isnan(published):  # a cadre without votes: no score, no score parts
                assert e.score == ""
                assert all(r.effect != "得分" for r in e.rows)
                continue
            assert e.score == f"{published:.2f}"
            # the numbers printed add up: base + rows = total, and the audit rule gives F / S
            total = sum((Decimal(r.points) for r in e.rows), Decimal(e.base or "0"))
            assert f"{total:.4f}" == e.total
            clamped = max(Decimal(0), total) if kind == "unit" else min(Decimal(100), max(0, total))
            assert round2(clamped) == e.score
            text = e.render()
            assert printed_sum(text) == Decimal(e.total)
            assert f"= {e.score}  ✓ 与公布得分一致" in text
            assert "✗" not in text
            assert "注意" not in text
            checked += 1
    assert checked > 50


def test_unit_derivation_of_xz08_hand_checked(county: Results) -> None:
    # T = 29.3 + 21.1 + 21.9 = 72.3; s = .4*59.2/75 + .3*23.6/29 + .15*13.8/15 + .15*11.8/15
    # = 0.815871; C = .85*72.3 + 15*0.815871 = 73.693065; supervision 11.75 capped at 10,
    # criticism 5.5 capped at 5: F = round2(73.693065 - 15) = 58.69
    e = explain(county, "XZ08")
    got = lines(e)
    assert got[0] == "单位 XZ08 河坝乡(考核类别:乡镇)"
    assert "T = 100 × 72.3000 / 100 = 72.3000" in got
    assert any(line.startswith("服务对象  满意 43、基本满意 27、不满意 5:") for line in got)
    assert any(line.startswith("s = Σ(权重×r) / Σ权重 = 0.8158712644") for line in got)
    assert any(line.startswith("C = (1 - 0.15) × T + 0.15 × 100 × s") for line in got)
    assert any("= 73.6931(w 为「乡镇」类的满意度权重)" in line for line in got)
    assert "supervision SV011  2019-02-26  -3.0000  扣分  严重; 逾期未整改" in got
    assert "supervision SV015  2019-09-23  -0.2500  扣分  一般; 按期整改" in got
    assert "exposures EX001  2019-05-12  -1.0000  扣分  县级曝光" in got
    assert "封顶返还 +1.7500  督查督办扣分封顶,上限 10 分" in got
    assert "封顶返还 +0.5000  通报批评扣分封顶,上限 5 分" in got
    assert any(
        line.startswith("督查督办扣分〔supervision〕 依据:种子001:「逗硬执行") for line in got
    )
    assert (
        "合计 = 73.6931 - 3.0000 - 3.0000 - 2.0000 - 1.0000 - 0.2500 - 1.5000 - 1.0000 "
        "+ 1.7500 - 1.0000 - 2.0000 - 2.0000 - 0.5000 + 0.5000 = 58.6931"
    ) in got
    assert "公布得分 = round2(max(0, 合计)) = 58.69  ✓ 与公布得分一致" in got
    assert "类别「乡镇」共 8 个单位,排名第 8(得分高于本单位的 7 个)" in got
    assert "等次:较差 —— 由得分决定:F = 58.69 < 一般线 60" in got
    assert "约谈:单位评为较差,或在类别中排名末位" in got
    assert (e.base, e.total, e.score) == ("73.6931", "58.6931", "58.69")


def test_grade_decided_by_quota_or_effect_says_so(county: Results) -> None:
    assert (
        "等次:良好 —— F = 92.81 ≥ 优秀线 90,但类别优秀名额 quota(0.3, 4) = 1 已由 TG01 占用"
        "(按得分、扣分、满意度、编码排序在前)"
    ) in lines(explain(county, "TG02"))
    veto = lines(explain(county, "BM03"))
    assert any(
        line.startswith("等次:较差 —— 由等次影响决定:一票否决: 发生校园安全责任事故 (vetoes VT001)")
        and "无论得分均评为较差" in line
        for line in veto
    )
    assert "vetoes VT001  2019-09-01  一票否决  一票否决: 发生校园安全责任事故" in veto
    exempt = lines(explain(county, "BM07"))
    assert "supervision SV019  2019-03-20  +0.0000  容错免责  容错纠错免责 TL001" in exempt


def test_cadre_derivation_hand_checked(county: Results) -> None:
    # V = (100*23 + 80*6 + 60*1) / 30 = 94.6667; S = .5V + .4*96.82 + .1*76.8 = 93.7413
    got = lines(explain(county, "BM01-01"))
    assert got[0] == "干部 BM01-01 韩琳波(县发展和改革局 BM01,主要负责人)"
    assert (
        "民主测评 V = (100×优秀票 23 + 80×称职票 6 + 60×基本称职票 1 + 40×不称职票 0) / 30 票"
        " = 94.6667"
    ) in got
    assert "单位得分 U = 所在单位公布得分 F = 96.82" in got
    assert "权重 0.4 / 各项权重之和 1:96.82 × 0.4 / 1 = 38.7280" in got
    assert "合计 = 47.3333 + 38.7280 + 7.6800 = 93.7413" in got
    assert "公布得分 = round2(min(100, max(0, 合计))) = 93.74  ✓ 与公布得分一致" in got
    assert (
        "等次:优秀 —— 由得分决定:S = 93.74 ≥ 优秀线 90;本单位(单位评为优秀)优秀名额"
        " quota(0.25, 12 名定等次干部) = 3,在名额内"
    ) in got
    assert "frozen_until 为空:截至 2019-12-31 无正在执行的影响期" in got


def test_cadre_effects_and_freeze_windows(county: Results) -> None:
    got = lines(explain(county, "XZ06-10"))
    assert "无民主测评票,不计得分(不定等次,理由:无民主测评);扣分行不产生得分" in got
    assert any(
        line.startswith("等次:不称职 —— 由等次影响决定:留党察看 (sanctions SA019)") for line in got
    )
    assert "等次影响(0 分行;最重者「不称职」):" in got
    assert "sanctions SA019  2019-12-05  不称职  留党察看" in got
    assert "votes XZ06-10  不定等次  无民主测评" in got
    assert (
        "2019-12-05 至 2022-12-05(不含)  留党察看影响期内不得提拔  来源 sanctions SA019,"
        "2019-12-05  问责处理〔accountability〕  ← 截至 2019-12-31 正在执行"
    ) in got
    assert "frozen_until = 2022-12-05:截至 2019-12-31 正在执行的影响期中结束最晚者" in got
    quota = lines(explain(county, "BM01-11"))
    assert any(
        line.startswith("等次:称职 —— S = 91.61 ≥ 优秀线 90,但本单位(单位评为优秀)优秀名额")
        and "已由 BM01-01、BM01-02、BM01-04 占用" in line
        for line in quota
    )
    open_case = lines(explain(county, "XZ08-05"))
    assert any("frozen_until = 无限期" in line for line in open_case)


def test_derived_records_carry_the_date_the_rules_give_them() -> None:
    dongli = results_of(ROOT / "schemes" / "dongli-2018.toml")
    dual = lines(explain(dongli, "BM02-01"))
    assert (
        "sanctions dual:2018-纪-003  2018-03-12(一案双查,由 2018-纪-003 派生)  不得评优  诫勉"
        in dual
    )
    zero = lines(explain(dongli, "JD06-01"))
    assert (
        "sanctions zero:JD06  2018-04-16(零问责,单位 JD06 首次被曝光)  不得评优  调离岗位" in zero
    )
    notice = lines(explain(dongli, "JD05"))
    assert any(
        line.startswith("criticisms notice:NT001  2018-05-01(整改通知 NT001 逾期未整改,期限次日)")
        for line in notice
    )


def test_an_unknown_id_names_it_and_suggests_close_ids(county: Results) -> None:
    with pytest.raises(kaohe.KaoheError, match=r"'XZ09' is neither .*did you mean XZ08"):
        explain(county, "XZ09")
    with pytest.raises(kaohe.KaoheError, match="'nobody'"):
        explain(county, "nobody")
    assert explain(county, "unit:XZ08").entity == "unit"
    with pytest.raises(kaohe.KaoheError, match="'XZ08'"):
        explain(county, "cadre:XZ08")


def formula_ids(folder: Path) -> Path:
    """A copy of county-2019's data in which unit BM01 and its cadres have ids starting with =."""
    out = folder / "data"
    shutil.copytree(COUNTY.with_suffix(""), out)
    for file in out.glob("*.csv"):
        text = file.read_text(encoding="utf-8-sig")
        file.write_text(re.sub(r"(?<![\w=])BM01", "=BM01", text), encoding="utf-8")
    return out


def test_ids_that_look_like_formulas_are_explained(tmp_path: Path) -> None:
    scheme = kaohe.load_scheme(COUNTY, registry())
    results = kaohe.evaluate(scheme, kaohe.load_data(formula_ids(tmp_path), scheme))
    for entity_id in ("=BM01", "=BM01-01", "=BM01-11"):
        e = explain(results, entity_id)
        assert e.entity_id == entity_id
        assert e.adds_up
        assert e.rows
    assert "合计 = 47.3333 + 38.7280 + 7.6800 = 93.7413" in lines(explain(results, "=BM01-01"))


def test_a_scheme_without_grading_or_surveys_says_so() -> None:
    bureau = results_of(ROOT / "schemes" / "bureau-2016.toml")
    unit_id = str(bureau.units.ids[0])
    got = lines(explain(bureau, unit_id))
    assert any(line.startswith("无规则计算综合得分:C = T = ") for line in got)
    assert "方案未启用单位等次评定(无排名、等次)" in got


@pytest.fixture
def cli() -> CliRunner:
    if "explain" not in main.commands:
        main.add_command(explain_command)
    return CliRunner()


def test_explain_command_prints_the_derivation(cli: CliRunner) -> None:
    result = cli.invoke(main, ["explain", str(COUNTY), "XZ08"])
    assert result.exit_code == 0, result.output
    assert "合计 = 73.6931 - 3.0000" in result.output
    assert "公布得分 = round2(max(0, 合计)) = 58.69  ✓ 与公布得分一致" in result.output
    cadre = cli.invoke(main, ["explain", str(COUNTY), "BM01-01", "--as-of", "2019-12-31"])
    assert cadre.exit_code == 0, cadre.output
    assert "93.74  ✓" in cadre.output


def test_explain_command_exits_1_on_an_unknown_id(cli: CliRunner) -> None:
    result = cli.invoke(main, ["explain", str(COUNTY), "XZ09"])
    assert result.exit_code == 1
    assert "'XZ09' is neither a unit_id nor a cadre_id" in result.output
    assert "XZ08" in result.output
