"""Seeded synthetic data sets for the kaohe workloads (handbook/quality.md).

``generate(n_units, n_cadres, n_ledger, seed)`` builds every input table of
the data contract (handbook/data.md) as in-memory columns::

    {table name: {column name: numpy array}}

Column types follow the ``Dataset`` conventions of ARCHITECTURE.md, except
that controlled values stay canonical strings (the loader codes them):

- ids, names, free text and controlled values: numpy ``str`` arrays, the
  empty string where a cell is missing;
- dates: ``datetime64[D]``, ``NaT`` where missing;
- counts: ``int64``; scores: ``float64``.

Contract of the generated data (checked by :func:`validate`):

- ids are unique within their table; every ``unit_id`` / ``cadre_id``
  exists; every unit has 0 or 1 ``head`` (about 97% have one);
- ``targets`` has exactly one row per unit and indicator, with
  ``0 <= score <= max``; ``exams`` at most one row per cadre;
- ``criticisms``, ``notices`` and ``awards`` have exactly one of
  ``unit_id`` / ``cadre_id``; ``closed_on`` is only set on ``立案审查``;
  every tolerance names an existing row of an allowed table;
- about 97% of ledger rows are dated in ``year`` (sanctions reach back two
  years, as influence periods do);
- the same arguments give the same arrays (numpy ``PCG64`` from ``seed``).

Ledger rows are spread over the tables in the order supervision >
criticisms > exposures > notices > interviews > awards > sanctions, with
few tolerances (1%) and vetoes (at most one unit in fifty).

:func:`write_csv` writes the columns as the CSV folder of data.md, fast:
cells are formatted by vectorised numpy arithmetic on code points, never one
Python call per cell.

CLI::

    python -m benchmarks.generate --preset W1 --seed 1 --out DIR [--check]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

Columns = dict[str, dict[str, np.ndarray]]

#: Workload presets (handbook/quality.md); keyword arguments of generate().
W1: dict[str, int] = {"n_units": 150, "n_cadres": 5000, "n_ledger": 30000}
W2: dict[str, int] = {"n_units": 20000, "n_cadres": 1000000, "n_ledger": 10000000}
SMOKE: dict[str, int] = {"n_units": 12, "n_cadres": 200, "n_ledger": 1000}
PRESETS: dict[str, dict[str, int]] = {"W1": W1, "W2": W2, "smoke": SMOKE}

#: Unit categories and indicators of schemes/county-2019.toml.
COUNTY_2019_CATEGORIES: tuple[str, ...] = ("乡镇", "县级部门", "条管单位")
COUNTY_2019_INDICATORS: dict[str, float] = {
    "经济发展": 40.0,
    "重点项目": 30.0,
    "党的建设": 30.0,
}
#: 十大问题 of seed 001: the problem taxonomy of county-2019.
COUNTY_2019_TAXONOMY: tuple[str, ...] = (
    "不担当",
    "不亲民",
    "不认真",
    "不深入",
    "不学习",
    "不碰硬",
    "不习惯",
    "不思考",
    "不留痕",
    "不开明",
)

#: Every table of data.md with its columns in contract order.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id", "name", "category"),
    "cadres": ("cadre_id", "name", "unit_id", "role"),
    "targets": ("unit_id", "indicator", "score"),
    "surveys": ("unit_id", "group", "satisfied", "basic", "unsatisfied"),
    "votes": ("cadre_id", "excellent", "competent", "basic", "incompetent"),
    "exams": ("cadre_id", "score"),
    "attendance": ("cadre_id", "late", "absent_days"),
    "supervision": (
        "id",
        "date",
        "unit_id",
        "severity",
        "deadline",
        "rectified_on",
        "category",
        "note",
    ),
    "exposures": ("id", "date", "unit_id", "level", "cadre_id", "note"),
    "criticisms": ("id", "date", "level", "unit_id", "cadre_id", "doc_no"),
    "interviews": ("id", "date", "unit_id", "note"),
    "notices": (
        "id",
        "issued",
        "deadline",
        "rectified_on",
        "level",
        "unit_id",
        "cadre_id",
    ),
    "sanctions": ("id", "date", "cadre_id", "type", "case_id", "issuer", "closed_on"),
    "tolerances": ("id", "date", "ref_table", "ref_id", "decision", "doc_no"),
    "awards": ("id", "date", "level", "unit_id", "cadre_id", "title"),
    "vetoes": ("id", "date", "unit_id", "item"),
}
DATE_COLUMNS = frozenset({"date", "deadline", "rectified_on", "issued", "closed_on"})
COUNT_COLUMNS = frozenset(
    {
        "satisfied",
        "basic",
        "unsatisfied",
        "excellent",
        "competent",
        "incompetent",
        "late",
        "absent_days",
    }
)
SCORE_COLUMNS = frozenset({"score"})
#: Required columns (data.md ``*``); a required cell may not be empty.
REQUIRED: dict[str, tuple[str, ...]] = {
    "units": ("unit_id", "name", "category"),
    "cadres": ("cadre_id", "name", "unit_id", "role"),
    "targets": ("unit_id", "indicator", "score"),
    "surveys": ("unit_id", "group", "satisfied", "basic", "unsatisfied"),
    "votes": ("cadre_id", "excellent", "competent", "basic", "incompetent"),
    "exams": ("cadre_id", "score"),
    "attendance": ("cadre_id", "late", "absent_days"),
    "supervision": ("id", "date", "unit_id", "severity"),
    "exposures": ("id", "date", "unit_id", "level"),
    "criticisms": ("id", "date", "level"),
    "interviews": ("id", "date", "unit_id"),
    "notices": ("id", "issued", "deadline"),
    "sanctions": ("id", "date", "cadre_id", "type"),
    "tolerances": ("id", "date", "ref_table", "ref_id", "decision"),
    "awards": ("id", "date", "level"),
    "vetoes": ("id", "date", "unit_id", "item"),
}
LEDGER_TABLES: tuple[str, ...] = (
    "supervision",
    "exposures",
    "criticisms",
    "interviews",
    "notices",
    "sanctions",
    "tolerances",
    "awards",
    "vetoes",
)
#: Tables with exactly one of unit_id / cadre_id.
EITHER_TARGET = frozenset({"criticisms", "notices", "awards"})
TOLERANCE_TARGETS: tuple[str, ...] = (
    "supervision",
    "exposures",
    "criticisms",
    "interviews",
    "notices",
    "sanctions",
    "vetoes",
)

# Controlled vocabularies (canonical spellings of kaohe.vocab).
ROLES = ("head", "leader", "middle", "staff")
SEVERITIES = ("一般", "较重", "严重")
EXPOSURE_LEVELS = ("县", "市", "省")
ADMIN_LEVELS = ("乡镇", "县", "市", "省")
AWARD_LEVELS = ("县", "市", "省", "国家")
SURVEY_GROUPS = ("服务对象", "企业", "人大代表", "政协委员")
ISSUERS = ("self", "superior")
DECISIONS = ("免责", "从轻", "减轻")
#: (type, share) in the order of kaohe.vocab.SANCTION_TYPE.
SANCTION_SHARES: tuple[tuple[str, float], ...] = (
    ("批评教育", 0.24),
    ("诫勉", 0.24),
    ("调离岗位", 0.05),
    ("责令辞职", 0.01),
    ("免职", 0.02),
    ("降职", 0.01),
    ("政务警告", 0.08),
    ("记过", 0.06),
    ("记大过", 0.03),
    ("降级", 0.01),
    ("撤职", 0.01),
    ("党内警告", 0.10),
    ("严重警告", 0.05),
    ("撤销党内职务", 0.01),
    ("留党察看", 0.01),
    ("开除党籍", 0.005),
    ("立案审查", 0.045),
)
#: Ledger shares, largest first (vetoes and tolerances are sized apart).
LEDGER_SHARES: tuple[tuple[str, float], ...] = (
    ("supervision", 0.42),
    ("criticisms", 0.15),
    ("exposures", 0.12),
    ("notices", 0.10),
    ("interviews", 0.08),
    ("awards", 0.07),
    ("sanctions", 0.06),
)
TOLERANCE_SHARE = 0.01

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉玲鹏宇浩婷琳斌波林海燕雪梅晓俊峰飞亮成凯"
    "丹颖欣佳思雨子晨博天瑞鑫嘉鸿春兰云荣庆东新祥福德学振宏光永利清松柏"
)
_PLACE_A = "青白石清龙河新金安永兴太平长桃柳花云马凤黄双高龙大小东西南北"
_PLACE_B = "溪山桥坝泉水岭坪场沟湾口江林湖源川田园"
_DEPARTMENTS = (
    "发展和改革局",
    "财政局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广播电视和旅游局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "行政审批局",
    "信访局",
    "城市管理局",
    "投资促进局",
    "机关事务服务中心",
    "融媒体中心",
)
_VERTICALS = (
    "税务局",
    "气象局",
    "烟草专卖局",
    "供电公司",
    "邮政分公司",
    "消防救援大队",
    "公路分局",
    "统计调查队",
    "人民银行支行",
    "电信分公司",
)
_SUPERVISION_NOTES = (
    "",
    "",
    "",
    "督查件办理超时",
    "现场督查发现",
    "群众投诉核实",
    "明察暗访发现",
    "交办事项未落实",
)
_EXPOSURE_NOTES = (
    "",
    "电视台曝光",
    "网络问政曝光",
    "明察暗访通报",
    "市纪委通报",
    "省督查组查处",
)
_INTERVIEW_NOTES = ("", "县政府约谈", "县纪委约谈", "县委组织部约谈")
_UNIT_AWARDS = ("先进集体", "目标考核先进单位", "文明单位", "优化营商环境先进单位")
_CADRE_AWARDS = ("业务能手", "工作高手", "优秀共产党员", "先进个人")
_VETO_ITEMS = (
    "安全生产责任事故",
    "信访维稳",
    "党风廉政建设",
    "生态环境保护",
    "意识形态工作",
)
_LEVEL_DOC = {"乡镇": "镇委通", "县": "县委办通", "市": "市委办通", "省": "省委办通"}


# ---------------------------------------------------------------------------
# small vectorised builders


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Code points ``(n, width)`` of non-negative ints, zero-padded on the left."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10 + 48).astype(np.uint32)


def _from_codepoints(points: np.ndarray) -> np.ndarray:
    """A ``str`` array from a ``(n, width)`` code-point matrix (0 = end padding)."""
    points = np.ascontiguousarray(points, dtype=np.uint32)
    n, width = points.shape
    return points.view(f"<U{max(width, 1)}").reshape(n) if width else np.full(n, "", dtype="<U1")


def make_ids(prefix: str, n: int, width: int = 6) -> np.ndarray:
    """Ids ``prefix + zero-padded 1..n``, at least ``width`` digits; sorted and unique."""
    width = max(width, len(str(n)))
    head = np.broadcast_to(np.array([ord(c) for c in prefix], dtype=np.uint32), (n, len(prefix)))
    return _from_codepoints(np.hstack([head, _digits(np.arange(1, n + 1, dtype=np.int64), width)]))


def _take(values: Sequence[str], index: np.ndarray) -> np.ndarray:
    """``values[index]`` as a ``str`` array."""
    out: np.ndarray = np.asarray(values, dtype=str)[index]
    return out


def _choose(
    rng: np.random.Generator, values: Sequence[str], shares: Sequence[float], n: int
) -> np.ndarray:
    """``n`` draws from ``values`` with the given (unnormalised) shares."""
    p = np.asarray(shares, dtype=np.float64)
    return _take(
        values,
        np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right").clip(0, len(p) - 1),
    )


def _weighted_index(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices into ``weights`` drawn proportionally to them."""
    cum = np.cumsum(weights, dtype=np.float64)
    index: np.ndarray = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
    return index.clip(0, len(weights) - 1)


def _person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Chinese personal names: one-character surname and one or two given characters."""
    sur = np.array([ord(c) for c in _SURNAMES], dtype=np.uint32)
    given = np.array([ord(c) for c in _GIVEN], dtype=np.uint32)
    # Common surnames first: a Zipf-like share.
    points = np.zeros((n, 3), dtype=np.uint32)
    points[:, 0] = sur[_weighted_index(rng, 1.0 / np.arange(1, len(sur) + 1) ** 0.8, n)]
    points[:, 1] = given[rng.integers(0, len(given), n)]
    points[:, 2] = np.where(rng.random(n) < 0.7, given[rng.integers(0, len(given), n)], 0)
    return _from_codepoints(points)


def _dates(
    rng: np.random.Generator,
    n: int,
    year: int,
    outside: Mapping[int, float] | None = None,
) -> np.ndarray:
    """Uniform dates; ``outside`` maps a year offset (-1, +1, ...) to its share of rows.

    The default puts 1.5% of rows in the previous year, 1.5% in the next and
    the rest in ``year``.
    """
    shares = {-1: 0.015, 1: 0.015} if outside is None else dict(outside)
    offsets = np.array([0, *shares], dtype=np.int64)
    p = np.array([1.0 - sum(shares.values()), *shares.values()])
    years = (year + offsets[_weighted_index(rng, p, n)] - 1970).astype("datetime64[Y]")
    start = years.astype("datetime64[D]")
    length = ((years + 1).astype("datetime64[D]") - start).astype(np.int64)
    out: np.ndarray = start + (rng.random(n) * length).astype(np.int64).astype("timedelta64[D]")
    return out


def _maybe(
    rng: np.random.Generator, share: float, values: np.ndarray, empty: str | np.datetime64
) -> np.ndarray:
    """``values`` where a draw is below ``share``, else ``empty``."""
    return np.asarray(np.where(rng.random(len(values)) < share, values, empty))


def _doc_numbers(prefix: np.ndarray, dates: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Document numbers like ``县委办通〔2019〕12号`` (prefix per row)."""
    years = (dates.astype("datetime64[Y]").astype(np.int64) + 1970).astype(str)
    out = np.strings.add(np.strings.add(prefix, "〔"), years)
    return np.strings.add(np.strings.add(np.strings.add(out, "〕"), numbers.astype(str)), "号")


# ---------------------------------------------------------------------------
# the generator


def generate(
    n_units: int,
    n_cadres: int,
    n_ledger: int,
    seed: int,
    year: int = 2019,
    *,
    categories: Sequence[str] = COUNTY_2019_CATEGORIES,
    category_shares: Sequence[float] = (0.45, 0.40, 0.15),
    indicators: Mapping[str, float] = COUNTY_2019_INDICATORS,
    taxonomy: Sequence[str] = COUNTY_2019_TAXONOMY,
) -> Columns:
    """Every data.md table as in-memory columns (see the module docstring).

    ``n_cadres >= n_units`` (every unit gets at least one cadre); ``n_ledger``
    is the total number of rows over the ledger tables. Deterministic in
    ``seed``. The defaults make a data set that schemes/county-2019.toml
    scores.
    """
    if n_units < 1 or n_cadres < n_units or n_ledger < 0:
        raise ValueError("need n_units >= 1, n_cadres >= n_units and n_ledger >= 0")
    rng = np.random.default_rng(seed)
    out: Columns = {}

    # -- units -------------------------------------------------------------
    unit_ids = make_ids("U", n_units, 5)
    cat_index = _weighted_index(rng, np.asarray(category_shares, dtype=np.float64), n_units)
    quality = rng.beta(9.0, 1.6, n_units)  # how well the unit works, 0..1
    out["units"] = {
        "unit_id": unit_ids,
        "name": _unit_names(rng, cat_index, n_units),
        "category": _take(categories, cat_index),
    }

    # -- cadres: blocks per unit, then shuffled ------------------------------
    size_w = rng.lognormal(0.0, 0.6, n_units)
    sizes = 1 + rng.multinomial(n_cadres - n_units, size_w / size_w.sum())
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    block_unit = np.repeat(np.arange(n_units), sizes)
    pos = np.arange(n_cadres) - starts[block_unit]
    has_head = (rng.random(n_units) < 0.97).astype(np.int64)
    n_leaders = rng.integers(1, 5, n_units)
    n_middle = np.round(0.25 * np.maximum(sizes - has_head - n_leaders, 0)).astype(np.int64)
    hu, lu, mu = has_head[block_unit], n_leaders[block_unit], n_middle[block_unit]
    role_code = np.where(
        pos < hu, 0, np.where(pos < hu + lu, 1, np.where(pos < hu + lu + mu, 2, 3))
    )
    perm = rng.permutation(n_cadres)  # row j of the table is block perm[j]
    row_of_block = np.empty(n_cadres, dtype=np.int64)
    row_of_block[perm] = np.arange(n_cadres)
    cadre_ids = make_ids("C", n_cadres, 7)
    cadre_unit = block_unit[perm]
    out["cadres"] = {
        "cadre_id": cadre_ids,
        "name": _person_names(rng, n_cadres),
        "unit_id": unit_ids[cadre_unit],
        "role": _take(ROLES, role_code[perm]),
    }

    def cadre_of_units(units: np.ndarray) -> np.ndarray:
        """A random cadre row of each given unit."""
        block = starts[units] + (rng.random(len(units)) * sizes[units]).astype(np.int64)
        rows: np.ndarray = row_of_block[block]
        return rows

    # -- scores from the assessment office ---------------------------------
    names = np.asarray(list(indicators), dtype=str)
    maxima = np.asarray(list(indicators.values()), dtype=np.float64)
    k = len(names)
    t_unit = np.repeat(np.arange(n_units), k)
    level = np.clip(quality[t_unit] + rng.normal(0.0, 0.04, n_units * k), 0.3, 1.0)
    out["targets"] = {
        "unit_id": unit_ids[t_unit],
        "indicator": np.tile(names, n_units),
        "score": np.floor(np.tile(maxima, n_units) * level * 2.0) / 2.0,
    }
    out["surveys"] = _surveys(rng, unit_ids, quality)
    out["votes"] = _votes(rng, cadre_ids)
    has_exam = rng.random(n_cadres) < 0.85
    out["exams"] = {
        "cadre_id": cadre_ids[has_exam],
        "score": np.round(np.clip(rng.normal(82.0, 8.0, int(has_exam.sum())), 30.0, 100.0), 1),
    }
    has_att = rng.random(n_cadres) < 0.9
    m = int(has_att.sum())
    out["attendance"] = {
        "cadre_id": cadre_ids[has_att],
        "late": rng.poisson(1.0, m).astype(np.int64),
        "absent_days": rng.poisson(0.05, m).astype(np.int64),
    }

    # -- ledger ------------------------------------------------------------
    counts = _ledger_counts(n_ledger, n_units)
    activity = rng.lognormal(0.0, 1.0, n_units) * (1.2 - quality)  # weak units get more findings
    problem = np.where(rng.random(n_units) < 0.3, activity, 0.0)  # units that get exposed / vetoed
    if not problem.any():
        problem = activity

    def units_for(n: int, weights: np.ndarray = activity) -> np.ndarray:
        return _weighted_index(rng, weights, n)

    def unit_or_cadre(n: int, unit_share: float) -> tuple[np.ndarray, np.ndarray]:
        units = units_for(n)
        to_unit = rng.random(n) < unit_share
        cadre = cadre_ids[cadre_of_units(units)]
        return np.where(to_unit, unit_ids[units], ""), np.where(to_unit, "", cadre)

    n = counts["supervision"]
    date = _dates(rng, n, year)
    has_deadline = rng.random(n) < 0.7
    deadline = np.where(
        has_deadline,
        date + rng.integers(7, 91, n).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    rectified = np.where(
        rng.random(n) < np.where(has_deadline, 0.65, 0.1),
        date + rng.integers(1, 121, n).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    category = _choose(rng, (*taxonomy, ""), [0.95 / len(taxonomy)] * len(taxonomy) + [0.05], n)
    out["supervision"] = {
        "id": make_ids("SV", n),
        "date": date,
        "unit_id": unit_ids[units_for(n)],
        "severity": _choose(rng, SEVERITIES, (0.6, 0.3, 0.1), n),
        "deadline": deadline.astype("datetime64[D]"),
        "rectified_on": rectified.astype("datetime64[D]"),
        "category": category,
        "note": _take(_SUPERVISION_NOTES, rng.integers(0, len(_SUPERVISION_NOTES), n)),
    }

    n = counts["exposures"]
    units = units_for(n, problem)
    out["exposures"] = {
        "id": make_ids("EX", n),
        "date": _dates(rng, n, year),
        "unit_id": unit_ids[units],
        "level": _choose(rng, EXPOSURE_LEVELS, (0.6, 0.3, 0.1), n),
        "cadre_id": _maybe(rng, 0.3, cadre_ids[cadre_of_units(units)], ""),
        "note": _take(_EXPOSURE_NOTES, rng.integers(0, len(_EXPOSURE_NOTES), n)),
    }

    n = counts["criticisms"]
    date = _dates(rng, n, year)
    level = _choose(rng, ADMIN_LEVELS, (0.25, 0.5, 0.2, 0.05), n)
    unit_col, cadre_col = unit_or_cadre(n, 0.55)
    doc_prefix = _take(
        tuple(_LEVEL_DOC.values()),
        np.searchsorted(np.asarray(ADMIN_LEVELS), level, sorter=None),
    )
    out["criticisms"] = {
        "id": make_ids("CR", n),
        "date": date,
        "level": level,
        "unit_id": unit_col,
        "cadre_id": cadre_col,
        "doc_no": _doc_numbers(doc_prefix, date, rng.integers(1, 200, n)),
    }

    n = counts["interviews"]
    out["interviews"] = {
        "id": make_ids("IV", n),
        "date": _dates(rng, n, year),
        "unit_id": unit_ids[units_for(n)],
        "note": _take(_INTERVIEW_NOTES, rng.integers(0, len(_INTERVIEW_NOTES), n)),
    }

    n = counts["notices"]
    issued = _dates(rng, n, year)
    unit_col, cadre_col = unit_or_cadre(n, 0.7)
    out["notices"] = {
        "id": make_ids("NT", n),
        "issued": issued,
        "deadline": issued + rng.integers(10, 61, n).astype("timedelta64[D]"),
        "rectified_on": _maybe(
            rng,
            0.7,
            issued + rng.integers(3, 91, n).astype("timedelta64[D]"),
            np.datetime64("NaT"),
        ),
        "level": _choose(rng, (*ADMIN_LEVELS, ""), (0.3, 0.45, 0.15, 0.05, 0.05), n),
        "unit_id": unit_col,
        "cadre_id": cadre_col,
    }

    n = counts["sanctions"]
    # Influence periods reach across years: some sanctions predate the period.
    date = _dates(rng, n, year, {-2: 0.01, -1: 0.04, 1: 0.01})
    types = _choose(rng, [t for t, _ in SANCTION_SHARES], [s for _, s in SANCTION_SHARES], n)
    closed = _maybe(
        rng,
        0.6,
        date + rng.integers(20, 301, n).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    case_pool = max(1, n // 3)
    out["sanctions"] = {
        "id": make_ids("SA", n),
        "date": date,
        "cadre_id": cadre_ids[cadre_of_units(units_for(n))],
        "type": types,
        "case_id": _maybe(rng, 0.4, make_ids("AJ", case_pool)[rng.integers(0, case_pool, n)], ""),
        "issuer": _choose(rng, (*ISSUERS, ""), (0.6, 0.35, 0.05), n),
        "closed_on": np.where(types == "立案审查", closed, np.datetime64("NaT")).astype(
            "datetime64[D]"
        ),
    }

    n = counts["awards"]
    to_unit = rng.random(n) < 0.4
    units = units_for(n, quality**4)
    out["awards"] = {
        "id": make_ids("AW", n),
        "date": _dates(rng, n, year),
        "level": _choose(rng, AWARD_LEVELS, (0.55, 0.3, 0.12, 0.03), n),
        "unit_id": np.where(to_unit, unit_ids[units], ""),
        "cadre_id": np.where(to_unit, "", cadre_ids[cadre_of_units(units)]),
        "title": np.where(
            to_unit,
            _take(_UNIT_AWARDS, rng.integers(0, len(_UNIT_AWARDS), n)),
            _take(_CADRE_AWARDS, rng.integers(0, len(_CADRE_AWARDS), n)),
        ),
    }

    n = counts["vetoes"]
    out["vetoes"] = {
        "id": make_ids("VT", n),
        "date": _dates(rng, n, year),
        "unit_id": unit_ids[units_for(n, problem)],
        "item": _take(_VETO_ITEMS, rng.integers(0, len(_VETO_ITEMS), n)),
    }

    out["tolerances"] = _tolerances(rng, out, counts["tolerances"])
    return {name: out[name] for name in TABLE_COLUMNS}


def _unit_names(rng: np.random.Generator, cat_index: np.ndarray, n: int) -> np.ndarray:
    """Unit names: towns (category 0), county departments (1), vertical units (2, ...)."""
    n_counties = max(1, n // 150)
    a = np.array([ord(c) for c in _PLACE_A], dtype=np.uint32)
    b = np.array([ord(c) for c in _PLACE_B], dtype=np.uint32)
    county = _from_codepoints(
        np.stack(
            [
                a[rng.integers(0, len(a), n_counties)],
                b[rng.integers(0, len(b), n_counties)],
            ],
            1,
        )
    )
    prefix = (
        np.strings.add(county[(np.arange(n) * n_counties) // n], "县")
        if n_counties > 1
        else np.full(n, "", dtype="<U1")
    )
    town = _from_codepoints(
        np.stack(
            [
                a[rng.integers(0, len(a), n)],
                b[rng.integers(0, len(b), n)],
                np.where(rng.random(n) < 0.7, ord("镇"), ord("乡")),
            ],
            1,
        )
    )
    dept = np.strings.add("县", _take(_DEPARTMENTS, rng.integers(0, len(_DEPARTMENTS), n)))
    vertical = np.strings.add("县", _take(_VERTICALS, rng.integers(0, len(_VERTICALS), n)))
    own = np.where(cat_index == 0, town, np.where(cat_index == 1, dept, vertical))
    return np.strings.add(prefix, own)


def _surveys(
    rng: np.random.Generator, unit_ids: np.ndarray, quality: np.ndarray
) -> dict[str, np.ndarray]:
    """Four survey groups for about 95% of units; counts follow the unit's quality."""
    surveyed = np.flatnonzero(rng.random(len(unit_ids)) < 0.95)
    g = len(SURVEY_GROUPS)
    unit = np.repeat(surveyed, g)
    group = np.tile(np.arange(g), len(surveyed))
    lo = np.array([30, 10, 5, 5])[group]
    hi = np.array([200, 80, 30, 30])[group]
    total = rng.integers(lo, hi + 1)
    p_sat = np.clip(0.35 + 0.6 * quality[unit] + rng.normal(0.0, 0.05, len(unit)), 0.05, 0.98)
    satisfied = rng.binomial(total, p_sat)
    basic = rng.binomial(total - satisfied, 0.7)
    return {
        "unit_id": unit_ids[unit],
        "group": _take(SURVEY_GROUPS, group),
        "satisfied": satisfied.astype(np.int64),
        "basic": basic.astype(np.int64),
        "unsatisfied": (total - satisfied - basic).astype(np.int64),
    }


def _votes(rng: np.random.Generator, cadre_ids: np.ndarray) -> dict[str, np.ndarray]:
    """One vote row for 99.5% of cadres, a second row for 0.5% of those."""
    voted = np.flatnonzero(rng.random(len(cadre_ids)) < 0.995)
    again = voted[rng.random(len(voted)) < 0.005]
    rows = np.concatenate([voted, again])
    n = len(rows)
    total = rng.integers(8, 61, n)
    merit = rng.beta(4.0, 2.0, n)
    bad = rng.random(n) < 0.01  # a few cadres their colleagues reject
    p_exc = np.where(bad, 0.05, 0.1 + 0.8 * merit)
    excellent = rng.binomial(total, p_exc)
    competent = rng.binomial(total - excellent, np.where(bad, 0.3, 0.9))
    basic = rng.binomial(total - excellent - competent, np.where(bad, 0.3, 0.7))
    return {
        "cadre_id": cadre_ids[rows],
        "excellent": excellent.astype(np.int64),
        "competent": competent.astype(np.int64),
        "basic": basic.astype(np.int64),
        "incompetent": (total - excellent - competent - basic).astype(np.int64),
    }


def _ledger_counts(n_ledger: int, n_units: int) -> dict[str, int]:
    """Rows per ledger table, summing to ``n_ledger``."""
    n_veto = min(round(0.005 * n_ledger), max(1, n_units // 50))
    n_tol = round(TOLERANCE_SHARE * n_ledger)
    rest = n_ledger - n_veto - n_tol
    counts = {name: int(rest * share) for name, share in LEDGER_SHARES}
    counts["supervision"] += rest - sum(counts.values())
    counts["vetoes"] = n_veto
    counts["tolerances"] = n_tol
    return counts


def _tolerances(rng: np.random.Generator, out: Columns, n: int) -> dict[str, np.ndarray]:
    """Tolerance decisions on existing rows, dated 5-90 days after the row."""
    sizes = np.array([len(out[t]["id"]) for t in TOLERANCE_TARGETS], dtype=np.float64)
    if n == 0 or sizes.sum() == 0:
        empty_date = np.empty(0, dtype="datetime64[D]")
        return {
            "id": np.empty(0, dtype="<U8"),
            "date": empty_date,
            "ref_table": np.empty(0, dtype="<U11"),
            "ref_id": np.empty(0, dtype="<U8"),
            "decision": np.empty(0, dtype="<U2"),
            "doc_no": np.empty(0, dtype="<U8"),
        }
    table = _weighted_index(rng, sizes, n)
    row = (rng.random(n) * sizes[table]).astype(np.int64)
    ref_id = np.empty(
        n, dtype=f"<U{max(out[t]['id'].dtype.itemsize // 4 for t in TOLERANCE_TARGETS)}"
    )
    ref_date = np.empty(n, dtype="datetime64[D]")
    for i, name in enumerate(TOLERANCE_TARGETS):
        sel = table == i
        ref_id[sel] = out[name]["id"][row[sel]]
        ref_date[sel] = out[name]["issued" if name == "notices" else "date"][row[sel]]
    date = ref_date + rng.integers(5, 91, n).astype("timedelta64[D]")
    return {
        "id": make_ids("TL", n),
        "date": date,
        "ref_table": _take(TOLERANCE_TARGETS, table),
        "ref_id": ref_id,
        "decision": _choose(rng, DECISIONS, (0.3, 0.5, 0.2), n),
        "doc_no": _doc_numbers(np.full(n, "容错"), date, rng.integers(1, 100, n)),
    }


# ---------------------------------------------------------------------------
# CSV writing


def _cell_points(column: np.ndarray) -> np.ndarray:
    """Code points ``(n, width)`` of the CSV cells of one column (0 = nothing)."""
    n = len(column)
    kind = column.dtype.kind
    if kind == "M":
        day = column.astype("datetime64[D]")
        missing = np.isnat(day)
        ymd = np.where(missing, np.datetime64("1970-01-01"), day)
        years = ymd.astype("datetime64[Y]")
        months = ymd.astype("datetime64[M]")
        y = years.astype(np.int64) + 1970
        mo = months.astype(np.int64) % 12 + 1
        d = (ymd - months.astype("datetime64[D]")).astype(np.int64) + 1
        if (y < 1000).any() or (y > 9999).any():
            raise ValueError("dates must lie in the years 1000-9999")
        dash = np.full((n, 1), ord("-"), dtype=np.uint32)
        points = np.hstack([_digits(y, 4), dash, _digits(mo, 2), dash, _digits(d, 2)])
        points[missing] = 0
        return points
    if kind in "iu" and (n == 0 or column.min() >= 0):
        values = column.astype(np.int64)
        width = max(1, len(str(int(values.max())))) if n else 1
        points = _digits(values, width)
        # Leading zeros become padding (dropped), except the last digit.
        leading = np.cumprod(points[:, :-1] == ord("0"), axis=1).astype(bool)
        points[:, :-1][leading] = 0
        return points
    if kind == "f":
        text = column.astype(str)
        text = np.where(np.isnan(column), "", text)
    elif kind == "U":
        text = column
    elif kind == "b":
        text = np.where(column, "true", "false")
    else:
        text = column.astype(str)
    points = (
        np.ascontiguousarray(text).view(np.uint32).reshape(n, -1)
        if text.dtype.itemsize
        else np.zeros((n, 0), np.uint32)
    )
    special = np.isin(
        points, np.array([ord(","), ord('"'), ord("\n"), ord("\r")], dtype=np.uint32)
    ).any(axis=1)
    if special.any():  # quote the few cells that need it (RFC 4180)
        quoted = np.strings.add(
            np.strings.add('"', np.strings.replace(text[special], '"', '""')), '"'
        )
        width = max(points.shape[1], quoted.dtype.itemsize // 4)
        wide = np.zeros((n, width), dtype=np.uint32)
        wide[:, : points.shape[1]] = points
        wide[special] = 0
        wide[special, : quoted.dtype.itemsize // 4] = quoted.view(np.uint32).reshape(
            len(quoted), -1
        )
        points = wide
    return points


def _csv_bytes(columns: Mapping[str, np.ndarray], names: Sequence[str], rows: slice) -> bytes:
    """UTF-8 bytes of the CSV lines of ``rows`` (no header)."""
    parts: list[np.ndarray] = []
    for i, name in enumerate(names):
        points = _cell_points(columns[name][rows])
        parts.append(points)
        sep = "," if i < len(names) - 1 else "\n"
        parts.append(np.full((points.shape[0], 1), ord(sep), dtype=np.uint32))
    flat = np.hstack(parts).ravel()
    flat = flat[flat != 0]
    text: str = flat.tobytes().decode("utf-32-le")
    return text.encode("utf-8")


def write_csv(
    columns: Mapping[str, Mapping[str, np.ndarray]],
    folder: str | Path,
    chunk_rows: int = 500_000,
) -> None:
    """Write each table as ``folder/<table>.csv`` (data.md format).

    UTF-8 without BOM, ``\\n`` line ends, a header row of the English column
    names (contract order for known tables), dates ``YYYY-MM-DD``, missing
    cells (``''``, ``NaT``, ``NaN``) empty, floats in their shortest exact
    form, cells with ``,``, ``"`` or line breaks quoted. Byte-identical for
    equal columns. Text may not contain NUL characters.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table, cols in columns.items():
        names = [c for c in TABLE_COLUMNS.get(table, ()) if c in cols] + [
            c for c in cols if c not in TABLE_COLUMNS.get(table, ())
        ]
        n = len(cols[names[0]]) if names else 0
        with open(folder / f"{table}.csv", "wb") as fh:
            fh.write((",".join(names) + "\n").encode("utf-8"))
            fh.writelines(
                _csv_bytes(cols, names, slice(start, min(n, start + chunk_rows)))
                for start in range(0, n, chunk_rows)
            )


# ---------------------------------------------------------------------------
# validation


def validate(
    columns: Mapping[str, Mapping[str, np.ndarray]],
    indicators: Mapping[str, float] | None = None,
) -> None:
    """Check ``columns`` against data.md; raise ``ValueError`` naming the first problem.

    Checks columns and types, required cells, unique ids, references,
    one head per unit at most, the either-unit-or-cadre tables, controlled
    values, ``closed_on`` only on 立案审查, at most one exam per cadre,
    tolerance references and, when ``indicators`` (name -> max) is given,
    one target row per unit and indicator within ``0..max``.
    """

    def fail(table: str, message: str) -> None:
        raise ValueError(f"{table}: {message}")

    for table, cols in columns.items():
        if table not in TABLE_COLUMNS:
            fail(table, "unknown table")
        if tuple(cols) != TABLE_COLUMNS[table]:
            fail(table, f"columns {tuple(cols)} != {TABLE_COLUMNS[table]}")
        lengths = {len(v) for v in cols.values()}
        if len(lengths) > 1:
            fail(table, f"columns of unequal length {sorted(lengths)}")
        for name, col in cols.items():
            want = (
                "M"
                if name in DATE_COLUMNS
                else "i"
                if name in COUNT_COLUMNS
                else "f"
                if name in SCORE_COLUMNS
                else "U"
            )
            if col.dtype.kind != want:
                fail(
                    table,
                    f"column {name} has dtype {col.dtype}, expected kind {want!r}",
                )
            if want == "i" and (col < 0).any():
                fail(table, f"negative count in {name}")
            if want == "f" and not np.isfinite(col).all():
                fail(table, f"non-finite score in {name}")
            if (
                want == "U"
                and len(col)
                and (np.strings.find(col, ":") >= 0).any()
                and name.endswith("id")
            ):
                fail(table, f"':' in {name}")
            if name in REQUIRED[table]:
                empty = (
                    np.isnat(col)
                    if want == "M"
                    else (col == "")
                    if want == "U"
                    else np.zeros(len(col), bool)
                )
                if empty.any():
                    fail(table, f"empty required {name} at row {int(np.argmax(empty))}")

    for table in ("units", "cadres", "targets", "votes"):
        if table not in columns:
            fail(table, "required table missing")
    unit_ids = np.asarray(columns["units"]["unit_id"])
    cadre_ids = np.asarray(columns["cadres"]["cadre_id"])
    for table, key in [
        ("units", "unit_id"),
        ("cadres", "cadre_id"),
        *((t, "id") for t in LEDGER_TABLES),
    ]:
        if table in columns and len(np.unique(columns[table][key])) != len(columns[table][key]):
            fail(table, f"duplicate {key}")
    for table, cols in columns.items():
        for key, known in (("unit_id", unit_ids), ("cadre_id", cadre_ids)):
            if (
                key in cols
                and table not in ("units",)
                and not (table == "cadres" and key == "cadre_id")
            ):
                col = cols[key]
                used = col[col != ""]
                if not np.isin(used, known).all():
                    fail(table, f"{key} not found: {used[~np.isin(used, known)][0]!r}")
        if table in EITHER_TARGET and ((cols["unit_id"] == "") == (cols["cadre_id"] == "")).any():
            fail(table, "need exactly one of unit_id and cadre_id")

    cadres = columns["cadres"]
    heads = cadres["unit_id"][cadres["role"] == "head"]
    if len(np.unique(heads)) != len(heads):
        fail("cadres", "a unit has two heads")
    vocab: dict[tuple[str, str], tuple[str, ...]] = {
        ("cadres", "role"): ROLES,
        ("supervision", "severity"): SEVERITIES,
        ("exposures", "level"): EXPOSURE_LEVELS,
        ("criticisms", "level"): ADMIN_LEVELS,
        ("notices", "level"): ("", *ADMIN_LEVELS),
        ("awards", "level"): AWARD_LEVELS,
        ("surveys", "group"): SURVEY_GROUPS,
        ("sanctions", "type"): tuple(t for t, _ in SANCTION_SHARES),
        ("sanctions", "issuer"): ("", *ISSUERS),
        ("tolerances", "decision"): DECISIONS,
        ("tolerances", "ref_table"): TOLERANCE_TARGETS,
    }
    for (table, name), values in vocab.items():
        if table in columns and not np.isin(columns[table][name], np.asarray(values)).all():
            fail(table, f"unknown {name} value")
    if "sanctions" in columns:
        s = columns["sanctions"]
        if (~np.isnat(s["closed_on"]) & (s["type"] != "立案审查")).any():
            fail("sanctions", "closed_on on a type other than 立案审查")
    if "exams" in columns:
        e = columns["exams"]
        if len(np.unique(e["cadre_id"])) != len(e["cadre_id"]):
            fail("exams", "more than one row for a cadre")
        if ((e["score"] < 0) | (e["score"] > 100)).any():
            fail("exams", "score outside 0..100")
    if "tolerances" in columns:
        t = columns["tolerances"]
        for name in TOLERANCE_TARGETS:
            refs = t["ref_id"][t["ref_table"] == name]
            pool = columns[name]["id"] if name in columns else np.empty(0, dtype=str)
            if not np.isin(refs, pool).all():
                fail("tolerances", f"ref_id not found in {name}")
    if indicators is not None:
        tg = columns["targets"]
        names, inverse = np.unique(tg["indicator"], return_inverse=True)
        maxima = np.array([indicators.get(str(v), np.nan) for v in names])
        if np.isnan(maxima).any():
            fail("targets", "indicator not in the scheme")
        top = maxima[inverse]
        if ((tg["score"] < 0) | (tg["score"] > top)).any():
            fail("targets", "score outside 0..max")
        pairs = np.strings.add(np.strings.add(tg["unit_id"], "\t"), tg["indicator"])
        if len(np.unique(pairs)) != len(pairs) or len(pairs) != len(unit_ids) * len(indicators):
            fail("targets", "need exactly one row per unit and indicator")


# ---------------------------------------------------------------------------
# CLI


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.generate --preset W1 --seed 1 --out DIR``; prints timings."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="smoke")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--out", type=Path, help="folder for the CSV files (omit to only generate)")
    parser.add_argument("--check", action="store_true", help="validate the data against data.md")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    size = PRESETS[args.preset]
    columns = generate(
        size["n_units"], size["n_cadres"], size["n_ledger"], seed=args.seed, year=args.year
    )
    t1 = time.perf_counter()
    rows = {t: len(next(iter(c.values()))) for t, c in columns.items()}
    ledger = sum(rows[t] for t in LEDGER_TABLES)
    print(f"generated {args.preset} (seed {args.seed}): {ledger} ledger rows in {t1 - t0:.2f} s")
    print("  " + ", ".join(f"{t} {n}" for t, n in rows.items()))
    if args.check:
        validate(columns, COUNTY_2019_INDICATORS)
        print(f"valid per data.md ({time.perf_counter() - t1:.2f} s)")
    if args.out is not None:
        t2 = time.perf_counter()
        write_csv(columns, args.out)
        print(f"wrote {args.out} in {time.perf_counter() - t2:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
