"""Build the example data sets of ``schemes/dongli-2018.toml`` and ``schemes/bureau-2016.toml``.

Like :mod:`tools.make_examples` (county-2019), every file is written
deterministically: the routine rows (names, the votes of cadres without a
hand-set row, the attendance of the bureau's other cadres) come from
``random.Random`` seeded by the seed and the row's key, and the ledger,
the targets, the surveys and every edge case are hand-placed in the tables
below, so that a person can check the expected numbers by hand
(``tests/test_scheme_dongli_bureau.py`` does, with the arithmetic in
comments). Each folder's ``README.md`` says which row exercises which rule.

- ``schemes/dongli-2018/``: seed 003 (东丽区不作为不担当问题专项治理三年行动),
  categories 街道 and 区级部门, every rule R1-R16.
- ``schemes/bureau-2016/``: seed 004 (市局不作为慢作为乱作为专项整治), one
  category 科室, written as a bureau in a traditional-character region would
  type it: traditional characters in names and every controlled value,
  Chinese column headers in some tables, ``cadres.csv`` in GBK and
  ``sanctions.csv`` in GB18030, ``units.csv`` in UTF-8 with a BOM.
- ``tests/fixtures/bureau-2016-simplified/``: the same bureau data with every
  value that kaohe interprets (controlled values, indicators, problem
  categories, column headers) in its simplified / canonical spelling, UTF-8.
  Free text that kaohe publishes verbatim (names, notes, 文号, case numbers)
  is kept byte-identical, so that scoring either copy must give
  byte-identical result files.

    python -m tools.make_examples_more [--seed 2018] [--which dongli|bureau|all]

The data are validated against data.md (``benchmarks.generate.validate``)
before anything is written.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from benchmarks.generate import TABLE_COLUMNS, Columns, validate, write_csv

from tools.make_examples import _columns, _layout, _names, _rng, _vote_row

ROOT = Path(__file__).resolve().parent.parent
DONGLI_OUT = ROOT / "schemes" / "dongli-2018"
BUREAU_OUT = ROOT / "schemes" / "bureau-2016"
BUREAU_SIMPLIFIED_OUT = ROOT / "tests" / "fixtures" / "bureau-2016-simplified"
DEFAULT_SEED = 2018

#: Indicators of schemes/dongli-2018.toml (name -> max).
DONGLI_INDICATORS: dict[str, float] = {"重点工作": 40.0, "党的建设": 30.0, "民生服务": 30.0}
#: 十二项治理重点 of seed 003, in the seed's order (一)-(十二).
DONGLI_TAXONOMY: tuple[str, ...] = (
    "党的建设弱化",
    "全面从严治党不力",
    "贯彻落实决策部署不力",
    "形式主义官僚主义",
    "营商环境优化不力",
    "群众意识淡漠",
    "扶贫助困敷衍应付",
    "污染防治和安全生产履职不到位",
    "扫黑除恶不力",
    "巡视巡察整改不力",
    "被上级约谈通报曝光",
    "其他不作为不担当问题",
)

#: Indicators of schemes/bureau-2016.toml (name -> max).
BUREAU_INDICATORS: dict[str, float] = {"业务工作": 60.0, "作风建设": 40.0}
#: The fourteen problems of seed 004, in the seed's order 1-14.
BUREAU_TAXONOMY: tuple[str, ...] = (
    "理论知识不够扎实",
    "理论联系实际不够",
    "创新意识有待提高",
    "推诿扯皮拖延不办",
    "上推下卸不敢抓不愿管",
    "办事不公吃拿卡要",
    "思想僵化服务意识不强",
    "阳奉阴违搞变通",
    "违反廉洁自律规定",
    "慵懒散拖得过且过",
    "主体责任落实不到位",
    "三重一大决策不规范",
    "失职渎职弄虚作假",
    "违反中央八项规定精神",
)

Row = tuple[object, ...]

# ===========================================================================
# dongli-2018
# ===========================================================================

#: A survey row: group, satisfied, basic, unsatisfied.
Survey = tuple[str, int, int, int]


def flat_survey(satisfied_share: float) -> tuple[Survey, ...]:
    """Four groups (100/50/10/10 responses), each ``satisfied_share`` satisfied, the rest basic.

    Every group's rate is ``r = share + 0.6 * (1 - share)``, so ``s = r``:
    0.9 -> 0.96, 0.8 -> 0.92, 0.7 -> 0.88, 0.6 -> 0.84, 0.5 -> 0.80.
    """
    rows = []
    for group, n in (("服务对象", 100), ("企业", 50), ("人大代表", 10), ("政协委员", 10)):
        satisfied = round(n * satisfied_share)
        rows.append((group, satisfied, n - satisfied, 0))
    return tuple(rows)


#: BM08: 服务对象 in two rows (added: 80/20/0, r = 0.92); 企业 32/8/0 (0.92);
#: 人大代表 6/2/2 (r = 0.72); 政协委员 with 0 responses (absent).
BM08_SURVEY: tuple[Survey, ...] = (
    ("服务对象", 40, 10, 0),
    ("服务对象", 40, 10, 0),
    ("企业", 32, 8, 0),
    ("人大代表", 6, 2, 2),
    ("政协委员", 0, 0, 0),
)

# id, name, category, cadres, leaders, has head, targets (重点工作, 党的建设, 民生服务), survey
DONGLI_UNITS: tuple[
    tuple[str, str, str, int, int, bool, tuple[float, float, float], tuple[Survey, ...]], ...
] = (
    ("JD01", "张贵庄街道", "街道", 12, 3, True, (38, 28, 28), flat_survey(0.9)),
    ("JD02", "丰年村街道", "街道", 10, 2, True, (39, 29, 29), flat_survey(0.9)),
    ("JD03", "万新街道", "街道", 10, 2, True, (36, 27, 28), flat_survey(0.8)),
    ("JD04", "无瑕街道", "街道", 10, 2, True, (37, 28, 28), flat_survey(0.8)),
    ("JD05", "新立街道", "街道", 10, 2, True, (30, 22, 22), flat_survey(0.5)),
    ("JD06", "华明街道", "街道", 9, 2, True, (33, 25, 25), flat_survey(0.7)),
    ("JD07", "金钟街道", "街道", 9, 2, True, (39, 29, 29), flat_survey(0.9)),
    ("JD08", "军粮城街道", "街道", 9, 2, True, (28, 21, 20), flat_survey(0.6)),
    ("BM01", "区发展改革委", "区级部门", 10, 2, True, (36, 27, 27), flat_survey(0.8)),
    ("BM02", "区财政局", "区级部门", 10, 2, True, (37, 27, 27), flat_survey(0.8)),
    ("BM03", "区教育局", "区级部门", 9, 2, True, (35, 26, 26), flat_survey(0.7)),
    ("BM04", "区住房建设委", "区级部门", 9, 2, True, (34, 26, 25), flat_survey(0.7)),
    ("BM05", "区城市管理委", "区级部门", 9, 2, True, (38, 28, 28), flat_survey(0.8)),
    ("BM06", "区生态环境局", "区级部门", 8, 2, True, (28, 21, 21), ()),
    ("BM07", "区行政审批局", "区级部门", 8, 2, True, (28, 21, 21), ()),
    ("BM08", "区人力资源社会保障局", "区级部门", 7, 2, False, (33, 25, 24), BM08_SURVEY),
)

# id, date, unit, severity, deadline, rectified_on, category, note
DONGLI_SUPERVISION: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    (
        "SV001",
        "2018-03-20",
        "JD01",
        "一般",
        "2018-04-30",
        "2018-04-20",
        "形式主义官僚主义",
        "按期整改",
    ),
    ("SV002", "2018-05-08", "JD03", "一般", "", "", "群众意识淡漠", "无整改期限"),
    ("SV003", "2018-02-26", "JD05", "严重", "2018-03-31", "", "贯彻落实决策部署不力", "逾期未整改"),
    ("SV004", "2018-04-16", "JD05", "严重", "2018-05-31", "2018-06-20", "群众意识淡漠", "逾期整改"),
    (
        "SV005",
        "2018-06-11",
        "JD05",
        "较重",
        "2018-07-31",
        "2018-07-31",
        "形式主义官僚主义",
        "整改日即期限日",
    ),
    ("SV006", "2018-07-09", "JD05", "较重", "", "", "扶贫助困敷衍应付", "无整改期限"),
    ("SV007", "2018-08-27", "JD05", "一般", "2018-09-30", "", "营商环境优化不力", "逾期未整改"),
    (
        "SV008",
        "2018-09-17",
        "JD05",
        "严重",
        "2018-10-31",
        "",
        "污染防治和安全生产履职不到位",
        "逾期未整改;容错从轻",
    ),
    (
        "SV009",
        "2017-12-15",
        "JD05",
        "严重",
        "2018-01-31",
        "",
        "其他不作为不担当问题",
        "上年度台账,不计分",
    ),
    (
        "SV010",
        "2018-10-22",
        "JD06",
        "较重",
        "2018-12-31",
        "",
        "巡视巡察整改不力",
        "期限日即考核截止日",
    ),
    ("SV011", "2018-11-05", "JD08", "一般", "2019-01-31", "", "扫黑除恶不力", "期限在考核截止日后"),
    (
        "SV012",
        "2018-03-05",
        "JD08",
        "严重",
        "2018-04-30",
        "",
        "全面从严治党不力",
        "逾期未整改;容错免责",
    ),
    (
        "SV013",
        "2018-06-04",
        "BM05",
        "较重",
        "2018-07-15",
        "2018-07-10",
        "党的建设弱化",
        "容错决定在考核截止日后",
    ),
    ("SV014", "2018-04-09", "BM08", "较重", "2018-05-31", "2018-06-15", "群众意识淡漠", "逾期整改"),
    ("SV015", "2019-01-08", "BM08", "一般", "", "", "其他不作为不担当问题", "下年度台账,不计分"),
)

# id, date, unit, level, cadre, note
DONGLI_EXPOSURES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("EX001", "2018-04-16", "JD06", "区", "JD06-05", "区纪委监委通报曝光:拆迁还迁推诿"),
    ("EX002", "2018-09-05", "JD06", "市", "", "市级媒体曝光"),
    ("EX003", "2018-06-20", "JD08", "市", "JD08-07", "市纪委明察暗访查处"),
    ("EX004", "2018-05-10", "BM03", "市", "", "“清风东丽”平台举报查实"),
    ("EX005", "2018-07-12", "BM05", "省", "BM05-06", "中央环保督察反馈;容错从轻"),
    ("EX006", "2018-08-08", "BM08", "区", "", "区委巡察发现"),
    ("EX007", "2017-11-20", "JD03", "市", "", "上年度曝光,不计分"),
)

# id, date, level, unit, cadre, doc_no
DONGLI_CRITICISMS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("CR001", "2018-06-12", "区", "JD02", "", "东丽党办通〔2018〕12号"),
    ("CR002", "2018-03-10", "区", "JD05", "", "东丽党办通〔2018〕4号"),
    ("CR003", "2018-02-27", "区", "JD08", "", "东丽党办通〔2018〕2号"),
    ("CR004", "2018-02-08", "省", "BM04", "", "津政办通〔2018〕9号"),
    ("CR005", "2018-04-15", "市", "BM04", "", "津督通〔2018〕21号"),
    ("CR006", "2018-07-20", "市", "BM04", "", "津督通〔2018〕47号"),
    ("CR007", "2018-10-11", "区", "BM04", "", "东丽党办通〔2018〕30号"),
    ("CR008", "2017-12-20", "区", "JD04", "", "东丽党办通〔2017〕41号"),
    ("CR009", "2018-03-02", "街道", "", "JD04-08", "无瑕街党工委通〔2018〕3号"),
    ("CR010", "2018-08-14", "街道", "", "JD04-08", "无瑕街党工委通〔2018〕11号"),
    ("CR011", "2018-05-22", "区", "", "JD01-08", "东丽党办通〔2018〕9号"),
)

# id, date, unit, note
DONGLI_INTERVIEWS: tuple[tuple[str, str, str, str], ...] = (
    ("IV001", "2018-08-02", "JD05", "区纪委监委约谈"),
    ("IV002", "2018-04-03", "JD08", "区委约谈"),
    ("IV003", "2018-09-26", "JD08", "区纪委监委约谈"),
    ("IV004", "2018-05-03", "BM04", "区政府约谈"),
    ("IV005", "2019-01-05", "BM03", "下年度约谈,不计分"),
)

# id, issued, deadline, rectified_on, level, unit, cadre
DONGLI_NOTICES: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("NT001", "2018-03-15", "2018-04-30", "", "区", "JD05", ""),
    ("NT002", "2018-06-01", "2018-07-15", "2018-07-10", "区", "JD05", ""),
    ("NT003", "2018-10-09", "2019-01-10", "", "区", "JD03", ""),
    ("NT004", "2018-09-03", "2018-10-08", "2018-10-25", "街道", "", "JD04-08"),
    ("NT005", "2018-04-02", "2018-05-31", "", "区", "JD08", ""),
    ("NT006", "2018-05-20", "2018-06-30", "", "区", "BM03", ""),
    ("NT007", "2017-10-10", "2018-01-31", "", "区", "JD06", ""),
    ("NT008", "2018-11-01", "2018-12-31", "", "区", "JD01", ""),
)

# id, date, cadre, type, case_id, issuer, closed_on
DONGLI_SANCTIONS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("SA001", "2018-05-20", "JD06-04", "诫勉", "", "superior", ""),
    ("SA002", "2018-06-15", "JD06-06", "批评教育", "", "superior", ""),
    ("SA003", "2018-07-02", "JD08-05", "批评教育", "", "self", ""),
    ("SA004", "2018-06-01", "BM03-06", "批评教育", "", "self", ""),
    ("SA005", "2018-08-20", "BM05-07", "诫勉", "", "self", ""),
    ("SA006", "2018-03-12", "BM02-04", "记过", "2018-纪-003", "superior", ""),
    ("SA007", "2018-05-08", "BM02-05", "党内警告", "2018-纪-003", "superior", ""),
    ("SA008", "2018-09-15", "BM06-04", "政务警告", "", "superior", ""),
    ("SA009", "2018-10-10", "BM06-01", "党内警告", "", "self", ""),
    ("SA010", "2018-04-25", "BM08-03", "记过", "2018-纪-006", "superior", ""),
    ("SA011", "2017-08-01", "JD03-07", "记大过", "2017-纪-019", "superior", ""),
    ("SA012", "2018-10-08", "JD04-06", "立案审查", "2018-纪-024", "superior", ""),
    ("SA013", "2018-02-01", "JD01-09", "立案审查", "2018-纪-001", "superior", "2018-06-30"),
    ("SA014", "2018-06-18", "JD02-07", "严重警告", "2018-纪-011", "self", ""),
    ("SA015", "2018-09-20", "JD05-08", "撤销党内职务", "2018-纪-015", "superior", ""),
    ("SA016", "2018-04-01", "BM07-05", "诫勉", "", "self", ""),
    ("SA017", "2018-11-12", "JD07-03", "降职", "", "self", ""),
    ("SA018", "2018-03-03", "JD01-10", "批评教育", "", "self", ""),
    ("SA019", "2019-01-20", "JD01-03", "诫勉", "", "self", ""),
)

# id, date, ref_table, ref_id, decision, doc_no
DONGLI_TOLERANCES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("TL001", "2018-11-20", "supervision", "SV008", "从轻", "东丽容〔2018〕5号"),
    ("TL002", "2018-09-01", "supervision", "SV012", "免责", "东丽容〔2018〕3号"),
    ("TL003", "2018-10-01", "supervision", "SV012", "从轻", "东丽容〔2018〕4号"),
    ("TL004", "2018-09-14", "exposures", "EX005", "从轻", "东丽容〔2018〕6号"),
    ("TL005", "2018-07-02", "criticisms", "CR001", "减轻", "东丽容〔2018〕2号"),
    ("TL006", "2018-06-25", "notices", "NT005", "从轻", "东丽容〔2018〕7号"),
    ("TL007", "2018-07-10", "notices", "NT006", "免责", "东丽容〔2018〕8号"),
    ("TL008", "2018-08-01", "sanctions", "SA003", "免责", "东丽容〔2018〕9号"),
    ("TL009", "2018-07-30", "sanctions", "SA014", "免责", "东丽容〔2018〕10号"),
    ("TL010", "2018-03-20", "vetoes", "VT002", "免责", "东丽容〔2018〕1号"),
    ("TL011", "2019-01-10", "supervision", "SV013", "免责", "东丽容〔2019〕1号"),
    ("TL012", "2018-10-15", "sanctions", "SA005", "从轻", "东丽容〔2018〕11号"),
)

# id, date, level, unit, cadre, title
DONGLI_AWARDS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("AW001", "2018-09-10", "省", "BM01", "", "全省发展改革系统先进集体"),
    ("AW002", "2018-06-20", "市", "BM01", "", "全市“双万双服促发展”先进单位"),
    ("AW003", "2018-12-05", "区", "BM01", "", "营造企业家创业发展环境先进单位"),
    ("AW004", "2018-11-15", "市", "JD01", "", "全市创建文明城区先进街道"),
    ("AW005", "2018-10-18", "区", "", "JD01-02", "敢担当有作为好干部"),
    ("AW006", "2018-09-28", "区", "", "JD05-06", "敢担当有作为好干部"),
    ("AW007", "2017-12-12", "区", "", "BM01-05", "敢担当有作为好干部"),
    ("AW008", "2019-01-10", "国家", "BM02", "", "下年度表彰,不计分"),
)

# id, date, unit, item
DONGLI_VETOES: tuple[tuple[str, str, str, str], ...] = (
    ("VT001", "2018-07-25", "JD07", "发生较大安全生产责任事故"),
    ("VT002", "2018-03-01", "BM07", "信访维稳(容错免责)"),
    ("VT003", "2017-12-28", "JD04", "上年度否决事项,不计"),
)

#: Hand-set votes (excellent, competent, basic, incompetent); [] = no votes.
DONGLI_VOTES: dict[str, list[tuple[int, int, int, int]]] = {
    # 张贵庄街道 (优秀 unit, 12 graded cadres: quota(0.25, 12) = 3 places)
    "JD01-01": [(28, 2, 0, 0)],
    "JD01-02": [(29, 1, 0, 0)],
    "JD01-03": [(27, 3, 0, 0)],
    "JD01-05": [(27, 3, 0, 0)],
    "JD01-06": [(26, 4, 0, 0)],
    "JD01-07": [(25, 5, 0, 0)],
    "JD01-08": [(28, 2, 0, 0)],  # one 区 criticism: not 优秀
    # vote rules
    "JD03-08": [(4, 6, 3, 7)],  # 7/20 不称职 > 1/3: forced 不称职
    "JD03-09": [(6, 4, 7, 3)],  # 10/20 基本称职+不称职 = 1/2: at most 基本称职
    "JD04-09": [(10, 4, 0, 7)],  # 7/21 = 1/3 exactly: not forced
    "JD04-08": [(25, 5, 0, 0)],  # three criticisms (one from notice NT004)
    "JD05-01": [(24, 6, 0, 0)],
    "JD06-01": [(20, 8, 2, 0)],
    "JD08-01": [(21, 9, 0, 0)],
    "JD07-09": [],  # no democratic appraisal
    # 区财政局 (优秀 unit; BM02-04 不定等次, so 9 graded: quota(0.25, 9) = 2 places)
    "BM02-01": [(28, 2, 0, 0)],
    "BM02-04": [(27, 3, 0, 0)],
    "BM02-05": [(27, 3, 0, 0)],
    "BM02-06": [(26, 4, 0, 0)],
    "BM02-07": [(25, 5, 0, 0)],
    "BM02-08": [(24, 6, 0, 0)],
    "BM06-01": [(22, 6, 2, 0)],
    # two rows of one cadre are added: (14, 12, 1, 0) in all
    "BM03-07": [(8, 6, 1, 0), (6, 6, 0, 0)],
}

_TRAD_SURNAMES = (
    "王王王李李李張張張劉劉陳陳楊楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘蔣蔡"
    "余杜葉程蘇魏呂丁任沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋付方白鄒孟熊秦邱江尹薛段雷侯龍史陶黎賀顧毛郝龔邵"
)
_TRAD_GIVEN = (
    "偉芳娜敏靜麗強磊軍洋勇艷傑娟濤明超秀霞平剛桂英華建國志紅文輝玲鵬宇浩婷琳斌波林海燕雪梅曉俊峰飛亮成凱"
    "丹穎欣佳思雨晨博天瑞鑫嘉鴻春蘭雲榮慶東新祥福德學振宏光永利清松柏"
)


def _cadre_layout(size: int, leaders: int, has_head: bool) -> list[str]:
    """Roles in id order; a unit without a head starts with its leaders."""
    roles = _layout(size, leaders)
    return roles if has_head else [*roles[1:], "staff"]


def _routine_votes(rnd: random.Random, size: int) -> tuple[int, int, int, int]:
    """An ordinary cadre's votes, kept below 88 points of V so that no quota depends on chance."""
    while True:
        merit = min(0.5, max(0.0, rnd.gauss(0.3, 0.12)))
        row = _vote_row(rnd, merit, size + rnd.randint(10, 20))
        total = sum(row)
        appraisal = (100 * row[0] + 80 * row[1] + 60 * row[2] + 40 * row[3]) / total
        # no vote rule either: 不称职 <= 1/3 and 基本称职 + 不称职 < 1/2
        if appraisal < 88 and 3 * row[3] <= total and 2 * (row[2] + row[3]) < total:
            return row


def build_dongli(seed: int = DEFAULT_SEED) -> Columns:
    """The dongli-2018 example data set as in-memory columns (generate.py conventions)."""
    rows: dict[str, list[Row]] = {name: [] for name in TABLE_COLUMNS}
    names = iter(_names(_rng(seed, "dongli", "names"), sum(u[3] for u in DONGLI_UNITS)))
    for uid, uname, category, size, leaders, has_head, targets, survey in DONGLI_UNITS:
        rows["units"].append((uid, uname, category))
        for indicator, score in zip(DONGLI_INDICATORS, targets, strict=True):
            rows["targets"].append((uid, indicator, float(score)))
        rows["surveys"].extend((uid, *group) for group in survey)
        for k, role in enumerate(_cadre_layout(size, leaders, has_head), start=1):
            cid = f"{uid}-{k:02d}"
            rows["cadres"].append((cid, next(names), uid, role))
            drawn = [_routine_votes(_rng(seed, "dongli", "votes", cid), size)]
            rows["votes"].extend((cid, *v) for v in DONGLI_VOTES.get(cid, drawn))
    rows["supervision"] = list(DONGLI_SUPERVISION)
    rows["exposures"] = list(DONGLI_EXPOSURES)
    rows["criticisms"] = list(DONGLI_CRITICISMS)
    rows["interviews"] = list(DONGLI_INTERVIEWS)
    rows["notices"] = list(DONGLI_NOTICES)
    rows["sanctions"] = list(DONGLI_SANCTIONS)
    rows["tolerances"] = list(DONGLI_TOLERANCES)
    rows["awards"] = list(DONGLI_AWARDS)
    rows["vetoes"] = list(DONGLI_VETOES)
    # dongli-2018 uses neither exams nor attendance (cadre score = V and U).
    return {name: _columns(name, table) for name, table in rows.items() if table}


# ===========================================================================
# bureau-2016 (rows are spelled canonically here; _traditional() respells them)
# ===========================================================================

# id, name (traditional), cadres, leaders, targets (业务工作, 作风建设)
BUREAU_UNITS: tuple[tuple[str, str, int, int, tuple[float, float]], ...] = (
    ("KS01", "辦公室", 7, 1, (56, 37)),
    ("KS02", "人事教育科", 6, 1, (50, 33)),
    ("KS03", "計劃財務科", 6, 1, (52, 34)),
    ("KS04", "政策法規科", 6, 1, (54, 35)),
    ("KS05", "行政審批科", 7, 1, (53, 36)),
    ("KS06", "市場監管科", 7, 1, (51, 33)),
    ("KS07", "稽查執法科", 6, 1, (49, 31)),
    ("KS08", "信訪科", 4, 1, (52.5, 34.5)),
)

# id, date, unit, severity, deadline, rectified_on, category, note (traditional free text)
BUREAU_SUPERVISION: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    (
        "SV001",
        "2016-03-14",
        "KS01",
        "一般",
        "2016-04-30",
        "2016-04-22",
        "理论联系实际不够",
        "按期整改",
    ),
    ("SV002", "2016-02-15", "KS02", "严重", "2016-03-31", "", "推诿扯皮拖延不办", "逾期未整改"),
    (
        "SV003",
        "2016-05-09",
        "KS02",
        "严重",
        "2016-06-30",
        "2016-07-18",
        "办事不公吃拿卡要",
        "逾期整改",
    ),
    ("SV004", "2016-07-04", "KS02", "较重", "2016-08-31", "", "慵懒散拖得过且过", "逾期未整改"),
    ("SV005", "2016-08-22", "KS02", "较重", "", "", "上推下卸不敢抓不愿管", "無整改期限"),
    ("SV006", "2016-09-12", "KS02", "一般", "2016-10-31", "", "创新意识有待提高", "逾期未整改"),
    (
        "SV007",
        "2016-05-16",
        "KS04",
        "较重",
        "2016-06-30",
        "",
        "三重一大决策不规范",
        "逾期未整改;容錯從輕",
    ),
    ("SV008", "2016-04-06", "KS05", "严重", "2016-05-31", "", "思想僵化服务意识不强", "容錯免責"),
    (
        "SV009",
        "2016-11-21",
        "KS05",
        "一般",
        "2017-01-31",
        "",
        "理论知识不够扎实",
        "期限在考核截止日後",
    ),
    (
        "SV010",
        "2016-10-24",
        "KS06",
        "较重",
        "2016-12-31",
        "",
        "阳奉阴违搞变通",
        "期限日即考核截止日",
    ),
    ("SV011", "2016-05-03", "KS07", "一般", "", "2016-05-20", "违反廉洁自律规定", "有整改日無期限"),
    (
        "SV012",
        "2015-12-10",
        "KS07",
        "一般",
        "2016-01-31",
        "",
        "失职渎职弄虚作假",
        "上年度台賬,不計分",
    ),
    ("SV013", "2017-01-05", "KS03", "一般", "", "", "违反中央八项规定精神", "下年度台賬,不計分"),
)

# id, date, unit, level, cadre, note
BUREAU_EXPOSURES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("EX001", "2016-06-08", "KS04", "省", "KS04-04", "省督查組暗訪查處;容錯從輕"),
    ("EX002", "2016-03-17", "KS06", "县", "", "監督電話舉報查實"),
    ("EX003", "2016-10-20", "KS07", "市", "", "市電視台曝光"),
)

# id, date, level, unit, cadre, doc_no
BUREAU_CRITICISMS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("CR001", "2016-03-01", "县", "KS03", "", "局黨委通〔2016〕3號"),
    ("CR002", "2016-05-16", "市", "KS03", "", "市政府辦通〔2016〕22號"),
    ("CR003", "2016-09-05", "市", "KS03", "", "市政府辦通〔2016〕41號"),
    ("CR004", "2016-11-02", "县", "KS06", "", "局黨委通〔2016〕17號"),
    ("CR005", "2016-04-11", "县", "", "KS05-04", "局黨委通〔2016〕6號"),
    ("CR006", "2016-07-19", "县", "", "KS05-04", "局黨委通〔2016〕12號"),
    ("CR007", "2016-06-06", "县", "", "KS01-02", "局黨委通〔2016〕9號"),
    ("CR008", "2015-12-28", "县", "KS07", "", "局黨委通〔2015〕30號"),
)

# id, date, unit, note
BUREAU_INTERVIEWS: tuple[tuple[str, str, str, str], ...] = (
    ("IV001", "2016-06-15", "KS03", "局黨委約談"),
    ("IV002", "2016-08-09", "KS07", "局紀檢組約談"),
    ("IV003", "2017-01-06", "KS02", "下年度約談,不計分"),
)

# id, issued, deadline, rectified_on, level, unit, cadre
BUREAU_NOTICES: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("NT001", "2016-04-05", "2016-05-31", "", "县", "KS03", ""),
    ("NT002", "2016-08-01", "2016-09-15", "2016-09-30", "", "", "KS05-04"),
    ("NT003", "2016-05-03", "2016-06-30", "", "县", "KS06", ""),
    ("NT004", "2016-07-01", "2016-08-15", "", "县", "KS05", ""),
    ("NT005", "2016-10-10", "2016-11-30", "2016-11-28", "县", "KS01", ""),
    ("NT006", "2016-11-15", "2017-01-15", "", "县", "KS08", ""),
)

# id, date, cadre, type, case_id, issuer, closed_on
BUREAU_SANCTIONS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("SA001", "2016-05-18", "KS02-03", "严重警告", "2016-紀-004", "superior", ""),
    ("SA002", "2016-09-07", "KS06-04", "记过", "2016-紀-011", "self", ""),
    ("SA003", "2016-03-22", "KS01-03", "诫勉", "", "self", ""),
    ("SA004", "2016-11-11", "KS07-01", "党内警告", "2016-紀-015", "superior", ""),
    ("SA005", "2016-10-17", "KS04-05", "立案审查", "2016-紀-013", "superior", ""),
    ("SA006", "2015-07-01", "KS03-05", "记大过", "2015-紀-008", "superior", ""),
    ("SA007", "2016-02-02", "KS05-06", "政务警告", "", "self", ""),
    ("SA008", "2016-01-20", "KS02-04", "立案审查", "2016-紀-001", "superior", "2016-09-30"),
    ("SA009", "2016-04-14", "KS06-02", "批评教育", "", "self", ""),
    ("SA010", "2016-08-25", "KS07-05", "撤销党内职务", "2016-紀-010", "superior", ""),
    ("SA011", "2017-01-09", "KS08-03", "诫勉", "", "self", ""),
)

# id, date, ref_table, ref_id, decision, doc_no
BUREAU_TOLERANCES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("TL001", "2016-08-10", "supervision", "SV007", "从轻", "局紀檢組容〔2016〕2號"),
    ("TL002", "2016-07-20", "exposures", "EX001", "从轻", "局紀檢組容〔2016〕1號"),
    ("TL003", "2016-06-28", "supervision", "SV008", "免责", "局紀檢組容〔2016〕3號"),
    ("TL004", "2016-07-25", "notices", "NT003", "从轻", "局紀檢組容〔2016〕4號"),
    ("TL005", "2016-09-01", "notices", "NT004", "免责", "局紀檢組容〔2016〕5號"),
    ("TL006", "2016-06-20", "criticisms", "CR007", "减轻", "局紀檢組容〔2016〕6號"),
    ("TL007", "2016-03-10", "sanctions", "SA007", "从轻", "局紀檢組容〔2016〕7號"),
    ("TL008", "2017-01-05", "supervision", "SV010", "免责", "局紀檢組容〔2017〕1號"),
)

BUREAU_VOTES: dict[str, list[tuple[int, int, int, int]]] = {
    # 辦公室: 7 graded cadres, quota(0.20, 7) = 1 place
    "KS01-01": [(27, 3, 0, 0)],
    "KS01-02": [(28, 2, 0, 0)],  # criticism CR007 (減輕): not 优秀
    "KS01-03": [(26, 4, 0, 0)],  # 誡勉 SA003: not 优秀
    "KS01-04": [(25, 5, 0, 0)],  # attendance in two rows: A = 4.0
    "KS01-05": [(24, 6, 0, 0)],
    "KS02-05": [(20, 8, 2, 0)],  # attendance capped at 10
    "KS05-04": [(25, 5, 0, 0)],  # three criticisms (one from notice NT002)
    "KS06-05": [(3, 5, 4, 8)],  # 8/20 不称职 > 1/3: forced 不称职
    "KS06-06": [(5, 5, 6, 4)],  # 10/20 = 1/2: at most 基本称职
    "KS07-04": [(0, 15, 5, 0)],  # V 75, attendance 6: 基本称职 by score
    "KS07-06": [],  # no democratic appraisal
    # 信訪科: 4 graded cadres, quota(0.20, 4) = 0 places
    "KS08-02": [(27, 3, 0, 0)],
}
#: Hand-set attendance rows (late, absent_days); other cadres get a drawn row or none.
BUREAU_ATTENDANCE: dict[str, list[tuple[int, int]]] = {
    "KS01-04": [(3, 0), (2, 1)],
    "KS02-05": [(12, 4)],
    "KS07-04": [(10, 1)],
}
#: Cadres whose score the tests work out by hand: no drawn attendance.
_BUREAU_NO_DRAWN_ATTENDANCE = frozenset(
    {"KS01-01", "KS01-02", "KS01-03", "KS01-05", "KS05-04", "KS06-05", "KS06-06", "KS07-06"}
    | {"KS08-01", "KS08-02", "KS08-03", "KS08-04"}
)

#: Traditional spellings of the canonical values used in the bureau's rows.
TRADITIONAL: dict[str, str] = {
    # roles
    "head": "主要負責人",
    "leader": "班子成員",
    "middle": "中層幹部",
    "staff": "一般幹部",
    # severities, levels
    "一般": "一般",
    "较重": "較重",
    "严重": "嚴重",
    "县": "縣",
    "市": "市",
    "省": "省",
    "": "",
    # sanction types, issuers
    "严重警告": "嚴重警告",
    "记过": "記過",
    "诫勉": "誡勉",
    "党内警告": "黨內警告",
    "立案审查": "立案審查",
    "记大过": "記大過",
    "政务警告": "政務警告",
    "批评教育": "批評教育",
    "撤销党内职务": "撤銷黨內職務",
    "self": "本單位",
    "superior": "上級",
    # tolerance decisions
    "从轻": "從輕",
    "减轻": "減輕",
    "免责": "免責",
    # indicators, category
    "业务工作": "業務工作",
    "作风建设": "作風建設",
    "科室": "科室",
    # the fourteen problems
    "理论知识不够扎实": "理論知識不夠扎實",
    "理论联系实际不够": "理論聯繫實際不夠",
    "创新意识有待提高": "創新意識有待提高",
    "推诿扯皮拖延不办": "推諉扯皮拖延不辦",
    "上推下卸不敢抓不愿管": "上推下卸不敢抓不願管",
    "办事不公吃拿卡要": "辦事不公吃拿卡要",
    "思想僵化服务意识不强": "思想僵化服務意識不強",
    "阳奉阴违搞变通": "陽奉陰違搞變通",
    "违反廉洁自律规定": "違反廉潔自律規定",
    "慵懒散拖得过且过": "慵懶散拖得過且過",
    "主体责任落实不到位": "主體責任落實不到位",
    "三重一大决策不规范": "三重一大決策不規範",
    "失职渎职弄虚作假": "失職瀆職弄虛作假",
    "违反中央八项规定精神": "違反中央八項規定精神",
}
#: Columns whose values are respelled in traditional characters.
RESPELLED: dict[str, tuple[str, ...]] = {
    "units": ("category",),
    "cadres": ("role",),
    "targets": ("indicator",),
    "supervision": ("severity", "category"),
    "exposures": ("level",),
    "criticisms": ("level",),
    "notices": ("level",),
    "sanctions": ("type", "issuer"),
    "tolerances": ("decision",),
}
#: Tables written with Chinese (traditional) headers, by canonical column.
CHINESE_HEADERS: dict[str, dict[str, str]] = {
    "units": {"unit_id": "單位編碼", "name": "單位名稱", "category": "考核類別"},
    "cadres": {"cadre_id": "幹部編碼", "name": "姓名", "unit_id": "單位編碼", "role": "職務類別"},
    "targets": {"unit_id": "單位編碼", "indicator": "指標", "score": "得分"},
    "supervision": {
        "id": "編號",
        "date": "日期",
        "unit_id": "單位編碼",
        "severity": "嚴重程度",
        "deadline": "整改期限",
        "rectified_on": "整改完成日期",
        "category": "問題類別",
        "note": "備註",
    },
    "sanctions": {
        "id": "編號",
        "date": "日期",
        "cadre_id": "幹部編碼",
        "type": "處分類型",
        "case_id": "案件編號",
        "issuer": "處理機關",
        "closed_on": "結案日期",
    },
    "tolerances": {
        "id": "編號",
        "date": "日期",
        "ref_table": "關聯表",
        "ref_id": "關聯編號",
        "decision": "認定結果",
        "doc_no": "文號",
    },
}
#: File encodings of the traditional copy (others: UTF-8 without BOM).
ENCODINGS: dict[str, str] = {"units": "utf-8-sig", "cadres": "gbk", "sanctions": "gb18030"}


def _trad_names(rnd: random.Random, n: int) -> list[str]:
    """``n`` distinct personal names in traditional characters."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        name = (
            rnd.choice(_TRAD_SURNAMES)
            + rnd.choice(_TRAD_GIVEN)
            + (rnd.choice(_TRAD_GIVEN) if rnd.random() < 0.7 else "")
        )
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def build_bureau(seed: int = DEFAULT_SEED) -> Columns:
    """The bureau-2016 data set, values canonical (simplified), free text traditional."""
    rows: dict[str, list[Row]] = {name: [] for name in TABLE_COLUMNS}
    names = iter(_trad_names(_rng(seed, "bureau", "names"), sum(u[2] for u in BUREAU_UNITS)))
    for uid, uname, size, leaders, targets in BUREAU_UNITS:
        rows["units"].append((uid, uname, "科室"))
        for indicator, score in zip(BUREAU_INDICATORS, targets, strict=True):
            rows["targets"].append((uid, indicator, float(score)))
        for k, role in enumerate(_layout(size, leaders), start=1):
            cid = f"{uid}-{k:02d}"
            rows["cadres"].append((cid, next(names), uid, role))
            rnd = _rng(seed, "bureau", "cadre", cid)
            drawn = [_routine_votes(rnd, size + 10)]
            rows["votes"].extend((cid, *v) for v in BUREAU_VOTES.get(cid, drawn))
            attendance = BUREAU_ATTENDANCE.get(cid)
            if attendance is None and cid not in _BUREAU_NO_DRAWN_ATTENDANCE:
                late = rnd.choice((0, 0, 1, 1, 2, 3))
                attendance = [(late, 0)] if late else []
            rows["attendance"].extend((cid, *a) for a in attendance or [])
    rows["supervision"] = list(BUREAU_SUPERVISION)
    rows["exposures"] = list(BUREAU_EXPOSURES)
    rows["criticisms"] = list(BUREAU_CRITICISMS)
    rows["interviews"] = list(BUREAU_INTERVIEWS)
    rows["notices"] = list(BUREAU_NOTICES)
    rows["sanctions"] = list(BUREAU_SANCTIONS)
    rows["tolerances"] = list(BUREAU_TOLERANCES)
    # bureau-2016 has no surveys, awards or vetoes (R2, R6, R7 are off) and no exams.
    return {name: _columns(name, table) for name, table in rows.items() if table}


def traditional(columns: Mapping[str, Mapping[str, np.ndarray]]) -> Columns:
    """``columns`` with every respelled value in its traditional spelling.

    Checks that kaohe's converter reads each respelled scheme-defined value
    (indicators, categories, problem categories) back as the canonical one.
    """
    from kaohe.data.simplify import to_simplified
    from kaohe.tables import installed_tables

    out: Columns = {}
    for table, cols in columns.items():
        out[table] = dict(cols)
        for name in RESPELLED.get(table, ()):
            values = cols[name].tolist()
            spelled = [TRADITIONAL[v] for v in values]
            spec = installed_tables()[table].column(name)
            for canonical, trad in zip(values, spelled, strict=True):
                if spec.vocab is not None:
                    same = spec.vocab.code(trad) == spec.vocab.code(canonical) or trad == ""
                else:
                    same = to_simplified(trad) == canonical
                if not same:
                    raise ValueError(f"{table}.{name}: {trad!r} does not read as {canonical!r}")
            out[table][name] = np.array(spelled, dtype=str)
    return out


def write_traditional(columns: Columns, folder: Path) -> None:
    """Write the traditional copy: Chinese headers and GBK / GB18030 / BOM where chosen."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_csv(columns, tmp)
        for table in columns:
            text = (Path(tmp) / f"{table}.csv").read_text(encoding="utf-8")
            header, _, body = text.partition("\n")
            names = CHINESE_HEADERS.get(table)
            if names is not None:
                header = ",".join(names[c] for c in header.split(","))
            data = f"{header}\n{body}".encode(ENCODINGS.get(table, "utf-8"))
            (folder / f"{table}.csv").write_bytes(data)


# ===========================================================================


def _replace_csvs(columns: Columns, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.csv"):
        if stale.stem not in columns:
            stale.unlink()


def _counts(columns: Columns) -> str:
    return ", ".join(f"{t} {len(next(iter(c.values())))}" for t, c in columns.items())


#: Level aliases of data.md (every ``level`` column): dongli's ledger is typed with them.
LEVEL_ALIASES: dict[str, str] = {"区": "县", "街道": "乡镇"}


def canonical_levels(columns: Mapping[str, Mapping[str, np.ndarray]]) -> Columns:
    """``columns`` with the level aliases 区 and 街道 spelled 县 and 乡镇 (for validation)."""
    out: Columns = {table: dict(cols) for table, cols in columns.items()}
    for cols in out.values():
        if "level" in cols:
            cols["level"] = np.array(
                [LEVEL_ALIASES.get(v, v) for v in cols["level"].tolist()], dtype=str
            )
    return out


def write_dongli(seed: int = DEFAULT_SEED, out: Path = DONGLI_OUT) -> None:
    """Build, validate and write schemes/dongli-2018/."""
    columns = build_dongli(seed)
    validate(canonical_levels(columns), DONGLI_INDICATORS)
    _replace_csvs(columns, out)
    write_csv(columns, out)
    print(f"wrote {out}: {_counts(columns)}")


def write_bureau(
    seed: int = DEFAULT_SEED,
    out: Path = BUREAU_OUT,
    simplified_out: Path = BUREAU_SIMPLIFIED_OUT,
) -> None:
    """Build, validate and write schemes/bureau-2016/ and its simplified twin."""
    columns = build_bureau(seed)
    validate(columns, BUREAU_INDICATORS)
    _replace_csvs(columns, simplified_out)
    write_csv(columns, simplified_out)
    _replace_csvs(columns, out)
    write_traditional(traditional(columns), out)
    print(f"wrote {out} and {simplified_out}: {_counts(columns)}")


def main(argv: list[str] | None = None) -> int:
    """Build, validate and write the example data sets."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.make_examples_more", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--which", choices=("dongli", "bureau", "all"), default="all")
    args = parser.parse_args(argv)
    if args.which in ("dongli", "all"):
        write_dongli(args.seed)
    if args.which in ("bureau", "all"):
        write_bureau(args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
