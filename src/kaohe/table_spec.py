"""How an input table is declared: its columns, their kinds and rules, its keys and office.

:class:`ColumnSpec` and :class:`TableSpec` are what the core's tables
(:mod:`kaohe.tables`) and a plugin's (``kaohe_register_tables``) are made
of; :func:`column`, :func:`required` and :func:`ledger` make them, and the
columns every ledger spells alike (``ID``, ``DATE``, ``NOTE``, ``DOC_NO``,
the aliases of ``unit_id``, ``cadre_id`` and ``level``) are defined once
here. A spec checks itself when it is made: a bad kind, default, bound,
date order or condition is a ``ValueError`` naming the table and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

import attrs

from kaohe.i18n import N_
from kaohe.vocab import Vocabulary

from .values import Value

#: Characters that take no room in text: dropped from a header (a byte order mark
#: left mid-file where two exports were joined, a zero-width space pasted in).
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u200e\u200f"))


def header_text(header: str) -> str:
    """A header as it is matched: without characters that take no room, and stripped
    of white space at either end."""
    return header.translate(_INVISIBLE).strip()


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


@attrs.frozen(repr=False, eq=False)
class ColumnSpec(Value):
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


@attrs.frozen(repr=False, eq=False)
class TableSpec(Value):
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
        """The canonical column a header (as :func:`header_text`) stands for, or None
        if unknown."""
        return self._headers.get(header_text(header))

    @property
    def shown_name(self) -> str:
        """The table's name in reports: its ``label``, else its first Chinese name, else its
        name."""
        return self.label or (self.aliases or (self.name,))[0]

    @property
    def ledger(self) -> bool:
        """Whether this is a dated ledger (台账) table."""
        return self.date_column is not None


def _table_spec(cls: type[TableSpec], fields: dict[str, Any]) -> TableSpec:
    return cls(**fields)


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
