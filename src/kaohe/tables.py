"""The data contract of handbook ``data.md`` as code: every input table and its columns.

This module is the single place that names the input tables, their columns,
column types, Chinese header aliases and the structural rules (required
tables, sort keys, unique keys, "exactly one of ``unit_id``/``cadre_id``").
Readers (:mod:`kaohe.data`) and documentation are driven by :data:`TABLES`
and the tables plugins register (``kaohe_register_tables``), merged by
:func:`contract`.

Column kinds and how they are stored in a :class:`kaohe.data.Table`:

=========  =================================================  ===============
kind       accepted cells                                     stored as
=========  =================================================  ===============
``id``     any text without ``:`` (reserved for derived ids)  ``str`` (``""``)
``text``   any text                                           ``str`` (``""``)
``date``   ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY-M-D``, Excel  ``datetime64[D]``
           dates                                              (``NaT``)
``count``  a non-negative integer                             ``int64``
``score``  a finite number                                    ``float64``
``bool``   ``true/false/1/0/是/否``                            ``bool``
``vocab``  a value or alias of the column's vocabulary        ``int8`` (``-1``)
=========  =================================================  ===============

``count``, ``score`` and ``bool`` columns have no missing value and are
always required. Columns whose values are defined by the scheme (indicator,
survey group, unit category, problem category) are ``text`` with
``simplified=True``: traditional spellings are stored in their simplified
form.

Header aliases (surrounding spaces are ignored; traditional spellings too):

==============  ==================================  =========================
table           column                              Chinese header(s)
==============  ==================================  =========================
(any)           ``unit_id``                         单位编码
(any)           ``cadre_id``                        干部编码
(ledger)        ``id``                              编号
(ledger)        ``date``                            日期
(ledger)        ``note``                            备注
(ledger)        ``level``                           级别
(ledger)        ``doc_no``                          文号
``units``       ``name`` / ``category``             单位名称 / 考核类别
``cadres``      ``name`` / ``role``                 姓名 / 职务类别, 职务
``targets``     ``indicator`` / ``score``           指标 / 得分
``surveys``     ``group``                           测评群体
``surveys``     ``satisfied/basic/unsatisfied``     满意 / 基本满意 / 不满意
``votes``       ``excellent/competent``             优秀票 / 称职票
``votes``       ``basic/incompetent``               基本称职票 / 不称职票
``exams``       ``score``                           得分, 考试成绩
``attendance``  ``late`` / ``absent_days``          迟到早退次数 / 旷工天数
``supervision`` ``severity`` / ``category``         严重程度 / 问题类别
``supervision`` ``deadline`` / ``rectified_on``     整改期限 / 整改完成日期
``notices``     ``issued`` / ``deadline``           下发日期 / 整改期限
``notices``     ``rectified_on``                    整改完成日期
``sanctions``   ``type`` / ``case_id``              处分类型 / 案件编号
``sanctions``   ``issuer`` / ``closed_on``          处理机关 / 结案日期
``tolerances``  ``ref_table`` / ``ref_id``          关联表 / 关联编号
``tolerances``  ``decision``                        认定结果
``awards``      ``title``                           称号
``vetoes``      ``item``                            否决事项
==============  ==================================  =========================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from kaohe import vocab
from kaohe.i18n import N_
from kaohe.table_spec import (
    CADRE_ID,
    DATE,
    DOC_NO,
    ID,
    LEVEL,
    NOTE,
    UNIT_ID,
    TableSpec,
    column,
    ledger,
    required,
)

_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "units",
        (
            required("unit_id", "id", *UNIT_ID),
            required("name", "text", "单位名称", "單位名稱"),
            required("category", "text", "考核类别", "考核類別", "考覈類別", simplified=True),
        ),
        aliases=("单位", "單位"),
        key=("unit_id",),
        unique=True,
        unique_rule=N_("every unit_id is unique"),
        id_column="unit_id",
        required=True,
    ),
    TableSpec(
        "cadres",
        (
            required("cadre_id", "id", *CADRE_ID),
            required("name", "text", "姓名"),
            required("unit_id", "id", *UNIT_ID),
            required("role", "vocab", "职务类别", "職務類別", "职务", "職務", vocab=vocab.ROLE),
        ),
        aliases=("干部", "幹部"),
        key=("cadre_id",),
        unique=True,
        unique_rule=N_("every cadre_id is unique"),
        id_column="cadre_id",
        required=True,
    ),
    TableSpec(
        "votes",
        (
            required("cadre_id", "id", *CADRE_ID),
            required("excellent", "count", "优秀票", "優秀票"),
            required("competent", "count", "称职票", "稱職票"),
            required("basic", "count", "基本称职票", "基本稱職票"),
            required("incompetent", "count", "不称职票", "不稱職票"),
        ),
        aliases=("民主测评", "民主測評"),
        key=("cadre_id",),
        unique=False,
        summed=True,
        office="组织部",
    ),
    ledger(
        "supervision",
        ("督查问题", "督查問題"),
        ID,
        DATE,
        required("unit_id", "id", *UNIT_ID),
        required("severity", "vocab", "严重程度", "嚴重程度", vocab=vocab.SEVERITY),
        column("deadline", "date", "整改期限"),
        column("rectified_on", "date", "整改完成日期", not_before="date"),
        column(
            "category",
            "text",
            "问题类别",
            "問題類別",
            simplified=True,
            choices="supervision.taxonomy",
        ),
        NOTE,
        office="督查室",
        label="督查督办",
        finding_category="category",
    ),
    ledger(
        "exposures",
        ("曝光问题", "曝光問題"),
        ID,
        DATE,
        required("unit_id", "id", *UNIT_ID),
        required("level", "vocab", *LEVEL, vocab=vocab.EXPOSURE_LEVEL),
        column("cadre_id", "id", *CADRE_ID),
        NOTE,
        office="督查室",
        label="曝光查处",
    ),
    ledger(
        "criticisms",
        ("通报批评", "通報批評"),
        ID,
        DATE,
        required("level", "vocab", *LEVEL, vocab=vocab.ADMIN_LEVEL),
        column("unit_id", "id", *UNIT_ID),
        column("cadre_id", "id", *CADRE_ID),
        DOC_NO,
        one_target=True,
        office="纪委监委",
    ),
    ledger(
        "interviews",
        ("约谈", "約談"),
        ID,
        DATE,
        required("unit_id", "id", *UNIT_ID),
        NOTE,
        office="督查室",
    ),
    ledger(
        "notices",
        ("整改通知",),
        ID,
        required("issued", "date", "下发日期", "下發日期"),
        required("deadline", "date", "整改期限"),
        column("rectified_on", "date", "整改完成日期", not_before="issued"),
        column("level", "vocab", *LEVEL, vocab=vocab.ADMIN_LEVEL, default="乡镇"),
        column("unit_id", "id", *UNIT_ID),
        column("cadre_id", "id", *CADRE_ID),
        one_target=True,
        date="issued",
        office="督查室",
    ),
    ledger(
        "sanctions",
        ("处分", "處分"),
        ID,
        DATE,
        required("cadre_id", "id", *CADRE_ID),
        required("type", "vocab", "处分类型", "處分類型", vocab=vocab.SANCTION_TYPE),
        column("case_id", "text", "案件编号", "案件編號"),
        column("issuer", "vocab", "处理机关", "處理機關", vocab=vocab.ISSUER, default="self"),
        column("closed_on", "date", "结案日期", "結案日期", only_for=("type", ("立案审查",))),
        period_scored=False,
        office="纪委监委",
        label="问责处分",
    ),
    ledger(
        "tolerances",
        ("容错纠错", "容錯糾錯"),
        ID,
        DATE,
        required("ref_table", "vocab", "关联表", "關聯表", vocab=vocab.TOLERANCE_TARGET),
        required("ref_id", "text", "关联编号", "關聯編號"),
        required("decision", "vocab", "认定结果", "認定結果", vocab=vocab.TOLERANCE_DECISION),
        DOC_NO,
        period_scored=False,
        office="纪委监委",
    ),
    ledger(
        "vetoes",
        ("一票否决", "一票否決"),
        ID,
        DATE,
        required("unit_id", "id", *UNIT_ID),
        required("item", "text", "否决事项", "否決事項"),
    ),
)

#: The core's input tables, by name, in contract order: units and cadres, the votes
#: that cadre scoring (a rule of the kernel) reads, and the ledgers that several rules
#: and 容错纠错 share. Plugins register their own tables (kaohe_register_tables).
TABLES: Mapping[str, TableSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})


def contract(
    registered: Iterable[tuple[str, TableSpec]], core: Mapping[str, TableSpec] = TABLES
) -> Mapping[str, TableSpec]:
    """The core tables and those the plugins register, as ``(plugin, spec)`` pairs.

    A name or a Chinese name already taken (by the core or by another plugin)
    is a :class:`~kaohe.errors.PluginError` naming both.
    """
    from kaohe.errors import PluginError

    tables = dict(core)
    owners = dict.fromkeys(core, "kaohe")
    for owner, spec in registered:
        if not isinstance(spec, TableSpec):
            raise PluginError(
                owner,
                "",
                f"registered {type(spec).__name__}, expected kaohe.sdk.TableSpec",
                stage="kaohe_register_tables",
            )
        for name in (spec.name, *spec.aliases):
            taken = find_table(name, tables)
            if taken is not None:
                raise PluginError(
                    owner,
                    "",
                    f"registers table '{spec.name}', but the name '{name}' is table "
                    f"'{taken}' of {owners[taken]} already; choose another name",
                    stage="kaohe_register_tables",
                )
        tables[spec.name] = spec
        owners[spec.name] = owner
    return MappingProxyType(tables)


def installed_tables() -> Mapping[str, TableSpec]:
    """The tables of the core and of the installed plugins (what a load reads by default)."""
    from kaohe.plugins import installed_tables as installed

    return installed()


def find_table(name: str, tables: Mapping[str, TableSpec] | None = None) -> str | None:
    """The table a file, sheet or database table called ``name`` holds, or None.

    ``name`` may be the table's name (any case) or one of its Chinese names;
    ``tables`` default to the installed ones.
    """
    wanted = name.strip()
    for spec in (installed_tables() if tables is None else tables).values():
        if wanted.lower() == spec.name or wanted in spec.aliases:
            return spec.name
    return None


def required_tables(tables: Mapping[str, TableSpec]) -> tuple[str, ...]:
    """The tables of ``tables`` that must always be given."""
    return tuple(name for name, spec in tables.items() if spec.required)


#: The core tables that must always be given.
REQUIRED_TABLES: tuple[str, ...] = required_tables(TABLES)
