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
from typing import Any, Literal

import attrs

from kaohe import vocab
from kaohe.i18n import N_
from kaohe.vocab import Vocabulary

Kind = Literal["id", "text", "date", "count", "score", "bool", "vocab"]

KINDS: tuple[Kind, ...] = ("id", "text", "date", "count", "score", "bool", "vocab")

#: Kinds that have no missing value and so must be required.
_ALWAYS_REQUIRED: frozenset[str] = frozenset({"count", "score", "bool"})


def _check_column(instance: ColumnSpec, attribute: object, value: object) -> None:
    del attribute, value
    if instance.kind not in KINDS:
        raise ValueError(f"column {instance.name}: unknown kind {instance.kind!r}")
    if (instance.kind == "vocab") != (instance.vocab is not None):
        raise ValueError(f"column {instance.name}: a vocabulary goes with kind 'vocab' only")
    if instance.kind in _ALWAYS_REQUIRED and not instance.required:
        raise ValueError(f"column {instance.name}: kind {instance.kind} must be required")
    if instance.default is not None and (
        instance.vocab is None or instance.vocab.code(instance.default) < 0
    ):
        raise ValueError(f"column {instance.name}: default must be a vocabulary value")
    if instance.simplified and instance.kind != "text":
        raise ValueError(f"column {instance.name}: only text columns are simplified")
    if instance.bounds is not None and (
        instance.kind != "score" or not instance.bounds[0] <= instance.bounds[1]
    ):
        raise ValueError(f"column {instance.name}: bounds (low, high) go with kind 'score' only")
    if instance.choices is not None and (
        instance.kind != "text" or instance.choices.count(".") != 1
    ):
        raise ValueError(f"column {instance.name}: choices 'rule.parameter' go with kind 'text'")
    if instance.not_before is not None and instance.kind != "date":
        raise ValueError(f"column {instance.name}: not_before goes with kind 'date' only")
    if instance.only_for is not None and (
        len(instance.only_for) != 2 or not instance.only_for[1] or instance.required
    ):
        raise ValueError(
            f"column {instance.name}: only_for is (vocabulary column, its values), "
            "for a column that may be empty"
        )


@attrs.frozen
class ColumnSpec:
    """One column of an input table.

    ``name`` is the canonical (English) name used in :class:`kaohe.data.Table`;
    ``aliases`` are the other accepted header spellings (Chinese, simplified
    first, then traditional). ``required`` columns must be present and every
    cell filled. ``vocab`` is the vocabulary of a ``vocab`` column and
    ``default`` the value an empty cell takes. ``simplified`` text columns
    store the simplified-character spelling of their values. ``bounds``
    ``(low, high)``: the values a ``score`` column allows (an exam score
    0-100); a value outside is a data error naming the row. ``not_before``:
    the table's date column that a ``date`` column may not precede (a
    rectification is not dated before the finding it rectifies).
    ``only_for`` ``(column, values)``: the column may be filled only in rows
    whose vocabulary column ``column`` holds one of ``values`` (a sanction's
    结案日期 only for 立案审查). Both are checked on load, a breach named by
    row and column. ``choices``: ``"rule.parameter"``, the scheme parameter
    whose values (a list) or keys (a table) are the column's values when the
    rule is enabled (问题类别 from ``supervision.taxonomy``): the drop-down of
    the column in a data-entry template.
    """

    name: str
    kind: Kind = attrs.field(validator=_check_column)
    aliases: tuple[str, ...] = ()
    required: bool = False
    vocab: Vocabulary | None = None
    default: str | None = None
    simplified: bool = False
    bounds: tuple[float, float] | None = None
    not_before: str | None = None
    only_for: tuple[str, tuple[str, ...]] | None = None
    choices: str | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        """Every accepted header: the canonical name, then the aliases."""
        return (self.name, *self.aliases)


@attrs.frozen
class TableSpec:
    """One input table of the data contract.

    - ``key``: the columns that order rows canonically (code-point order);
      when ``unique`` the key identifies a row (a repeated key is an error,
      explained by ``unique_rule``), otherwise ties are broken by every other
      column in order, so the same rows in any order sort identically.
    - ``id_column``: the column other rows refer to (``id`` for ledger
      tables, ``unit_id`` / ``cadre_id`` for ``units`` / ``cadres``), or None.
    - ``one_target``: each row names exactly one of ``unit_id`` and ``cadre_id``.
    - ``summed``: several rows of one cadre are added by the rules.
    - ``required``: the table must always be given (``votes`` is required
      only when the scheme scores cadres, so it is not marked here).
    - ``aliases``: the table's Chinese names (simplified, then traditional),
      accepted as file, sheet and database table names beside ``name``.
    - ``date_column``: the date that places a ledger row in a period, or None;
      ``period_scored``: rows dated outside the period are not scored and are
      counted by :meth:`kaohe.data.Dataset.out_of_period`.
    - ``office``: the office that keeps the table (督查室, 纪委监委, 组织部, or
      a bureau's own); ``kaohe template --by-bureau`` makes its workbook.
      Empty: 考核办, which keeps the registers and what no other office keeps.
    - ``label``: the table's name in reports and explanations (督查督办);
      empty: its first Chinese name, else its name.
    - ``finding_category``: the text column by which ``findings.csv`` counts
      the table's scored rows (问题类别), or None: the table has no findings.
    """

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    unique: bool
    unique_rule: str = ""
    aliases: tuple[str, ...] = ()
    id_column: str | None = None
    one_target: bool = False
    summed: bool = False
    required: bool = False
    date_column: str | None = None
    period_scored: bool = False
    office: str = ""
    label: str = ""
    finding_category: str | None = None
    _headers: Mapping[str, str] = attrs.field(init=False, eq=False, repr=False)

    @_headers.default
    def _header_map(self) -> Mapping[str, str]:
        table: dict[str, str] = {}
        for column in self.columns:
            for header in column.headers:
                if table.setdefault(header, column.name) != column.name:
                    raise ValueError(f"table {self.name}: header {header!r} is ambiguous")
        for name in self.key:
            if name not in table:
                raise ValueError(f"table {self.name}: key column {name!r} is not a column")
        kinds = {column.name: column for column in self.columns}
        for column in self.columns:
            before = kinds.get(column.not_before or "")
            if column.not_before is not None and (before is None or before.kind != "date"):
                raise ValueError(
                    f"table {self.name}: column {column.name} is not_before "
                    f"{column.not_before!r}, which is not a date column of the table"
                )
            if column.only_for is not None:
                gate = kinds.get(column.only_for[0])
                if gate is None or gate.vocab is None:
                    raise ValueError(
                        f"table {self.name}: column {column.name} is only_for "
                        f"{column.only_for[0]!r}, which is not a vocabulary column of the table"
                    )
                unknown = [v for v in column.only_for[1] if gate.vocab.code(v) < 0]
                if unknown:
                    raise ValueError(
                        f"table {self.name}: column {column.name} is only_for values "
                        f"{unknown} that {gate.name}'s vocabulary does not have"
                    )
        return MappingProxyType(table)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the fields it was made with; its header map is made again."""
        fields = {a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if a.init}
        return (_table_spec, (type(self), fields))

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical column names, in contract order."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> ColumnSpec:
        """The column called ``name`` (canonical); KeyError if there is none."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def canonical(self, header: str) -> str | None:
        """The canonical column a header (stripped) stands for, or None if unknown."""
        return self._headers.get(header.strip())

    @property
    def shown_name(self) -> str:
        """The table's name in reports: its ``label``, else its first Chinese name, else its
        name."""
        return self.label or (self.aliases or (self.name,))[0]

    @property
    def ledger(self) -> bool:
        """Whether this is a dated ledger (台账) table."""
        return self.date_column is not None


def column(
    name: str,
    kind: Kind,
    *aliases: str,
    required: bool = False,
    vocab: Vocabulary | None = None,
    default: str | None = None,
    simplified: bool = False,
    not_before: str | None = None,
    only_for: tuple[str, tuple[str, ...]] | None = None,
    choices: str | None = None,
) -> ColumnSpec:
    """A column: canonical ``name``, ``kind``, then its Chinese header aliases."""
    return ColumnSpec(
        name,
        kind,
        aliases,
        required,
        vocab,
        default,
        simplified,
        not_before=not_before,
        only_for=only_for,
        choices=choices,
    )


def required(
    name: str,
    kind: Kind,
    *aliases: str,
    vocab: Vocabulary | None = None,
    simplified: bool = False,
    bounds: tuple[float, float] | None = None,
    choices: str | None = None,
) -> ColumnSpec:
    """A required column (present, and every cell filled)."""
    return attrs.evolve(
        column(
            name,
            kind,
            *aliases,
            required=True,
            vocab=vocab,
            simplified=simplified,
            choices=choices,
        ),
        bounds=bounds,
    )


#: Header aliases of the columns every table spells alike.
UNIT_ID = ("单位编码", "單位編碼")
CADRE_ID = ("干部编码", "幹部編碼")
LEVEL = ("级别", "級別")
#: The columns of ledger tables: ``id``, ``date``, ``note``, ``doc_no``.
ID = required("id", "id", "编号", "編號")
DATE = required("date", "date", "日期")
NOTE = column("note", "text", "备注", "備註", "備注")
DOC_NO = column("doc_no", "text", "文号", "文號")


def ledger(
    name: str,
    aliases: tuple[str, ...],
    *columns: ColumnSpec,
    one_target: bool = False,
    date: str = "date",
    period_scored: bool = True,
    office: str = "",
    label: str = "",
    finding_category: str | None = None,
) -> TableSpec:
    """A ledger (台账) table: unique ``id`` key, rows placed in the period by ``date``."""
    return TableSpec(
        name,
        columns,
        key=("id",),
        unique=True,
        unique_rule=N_("every id is unique within its table"),
        aliases=aliases,
        id_column="id",
        one_target=one_target,
        date_column=date,
        period_scored=period_scored,
        office=office,
        label=label,
        finding_category=finding_category,
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


def _table_spec(cls: type[TableSpec], fields: dict[str, Any]) -> TableSpec:
    return cls(**fields)


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
