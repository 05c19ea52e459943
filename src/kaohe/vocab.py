"""Controlled vocabularies of the data contract and their integer codes.

A controlled column is stored in a :class:`~kaohe.data.Dataset` as ``int8``
codes into one :class:`Vocabulary` (``-1`` where the cell is empty). The
order of ``values`` is part of the contract: rules index parameter tables
with these codes, and ordinal vocabularies (levels, grade effects) are
listed from lowest to highest.

Every value has its canonical simplified spelling first; ``aliases`` map
traditional-character spellings, English codes and synonyms (街道 = 乡镇,
区 = 县) to it.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from .i18n import N_, Messages, gettext
from .values import Value


@attrs.frozen(repr=False, eq=False)
class Vocabulary(Value):
    """A closed list of values with alias spellings.

    ``values`` are the canonical spellings in code order; ``aliases`` maps
    any other accepted spelling to a canonical one; ``labels`` gives the
    Chinese label people read for a value that is an English code (role
    ``head``: 主要负责人). ``name`` is a message id (marked with ``N_``),
    translated by ``messages``, the catalog of the plugin that declares the
    vocabulary (kaohe's own when None).
    """

    name: str
    values: tuple[str, ...]
    aliases: Mapping[str, str] = attrs.field(factory=dict)
    labels: Mapping[str, str] = attrs.field(factory=dict)
    messages: Messages | None = attrs.field(default=None, eq=False)

    def title(self) -> str:
        """``name`` in the current language, as messages name the vocabulary."""
        return self.messages.gettext(self.name) if self.messages is not None else gettext(self.name)

    def label(self, value: str) -> str:
        """The label of canonical ``value`` (the value itself when it has none)."""
        return self.labels.get(value, value)

    def listed(self) -> str:
        """The values as a message lists what is accepted: a code after its label
        (``主要负责人 (head), 班子成员 (leader), ...``), other values as they are."""
        return ", ".join(
            f"{self.labels[value]} ({value})" if value in self.labels else value
            for value in self.values
        )

    def code(self, text: str) -> int:
        """The code of ``text`` (canonical or alias), or -1 if unknown."""
        canonical = self.aliases.get(text, text)
        try:
            return self.values.index(canonical)
        except ValueError:
            return -1

    def canonical(self, text: str) -> str | None:
        """The canonical spelling of ``text``, or None if it is unknown."""
        code = self.code(text)
        return None if code < 0 else self.values[code]

    def lookup(self) -> dict[str, int]:
        """Every accepted spelling mapped to its code."""
        table = {value: index for index, value in enumerate(self.values)}
        table.update({alias: table[value] for alias, value in self.aliases.items()})
        return table


SEVERITY = Vocabulary(N_("severity"), ("一般", "较重", "严重"), {"較重": "较重", "嚴重": "严重"})

#: Who exposed a problem (曝光/查处).
EXPOSURE_LEVEL = Vocabulary(
    N_("exposure level"),
    ("县", "市", "省"),
    {"縣": "县", "区": "县", "區": "县"},
)

#: The issuer level of a criticism or notice, lowest first.
ADMIN_LEVEL = Vocabulary(
    N_("level"),
    ("乡镇", "县", "市", "省"),
    {"鄉鎮": "乡镇", "街道": "乡镇", "縣": "县", "区": "县", "區": "县"},
)

ROLE = Vocabulary(
    N_("role"),
    ("head", "leader", "middle", "staff"),
    {
        "主要负责人": "head",
        "主要負責人": "head",
        "一把手": "head",
        "班子成员": "leader",
        "班子成員": "leader",
        "中层干部": "middle",
        "中層幹部": "middle",
        "中層干部": "middle",
        "一般干部": "staff",
        "一般幹部": "staff",
    },
    {"head": "主要负责人", "leader": "班子成员", "middle": "中层干部", "staff": "一般干部"},
)

#: Sanction types of R9, in the order of the handbook's table.
SANCTION_TYPE = Vocabulary(
    N_("sanction type"),
    (
        "批评教育",
        "诫勉",
        "调离岗位",
        "责令辞职",
        "免职",
        "降职",
        "政务警告",
        "记过",
        "记大过",
        "降级",
        "撤职",
        "党内警告",
        "严重警告",
        "撤销党内职务",
        "留党察看",
        "开除党籍",
        "立案审查",
    ),
    {
        "批評教育": "批评教育",
        "誡勉": "诫勉",
        "調離崗位": "调离岗位",
        "責令辭職": "责令辞职",
        "免職": "免职",
        "降職": "降职",
        "政務警告": "政务警告",
        "記過": "记过",
        "記大過": "记大过",
        "降級": "降级",
        "撤職": "撤职",
        "黨內警告": "党内警告",
        "嚴重警告": "严重警告",
        "撤銷黨內職務": "撤销党内职务",
        "留黨察看": "留党察看",
        "開除黨籍": "开除党籍",
        "立案審查": "立案审查",
    },
)

ISSUER = Vocabulary(
    N_("issuer"),
    ("self", "superior"),
    {"本单位": "self", "本單位": "self", "上级": "superior", "上級": "superior"},
    {"self": "本单位", "superior": "上级"},
)

TOLERANCE_DECISION = Vocabulary(
    N_("tolerance decision"),
    ("免责", "从轻", "减轻"),
    {"免責": "免责", "從輕": "从轻", "減輕": "减轻"},
)

#: Ledger tables that a tolerance row may refer to, by name or Chinese name (as
#: the tables are named in :mod:`kaohe.tables`).
TOLERANCE_TARGET = Vocabulary(
    N_("tolerance target table"),
    ("supervision", "exposures", "criticisms", "interviews", "notices", "sanctions", "vetoes"),
    {
        "督查问题": "supervision",
        "督查問題": "supervision",
        "曝光问题": "exposures",
        "曝光問題": "exposures",
        "通报批评": "criticisms",
        "通報批評": "criticisms",
        "约谈": "interviews",
        "約談": "interviews",
        "整改通知": "notices",
        "处分": "sanctions",
        "處分": "sanctions",
        "一票否决": "vetoes",
        "一票否決": "vetoes",
    },
    {
        "supervision": "督查问题",
        "exposures": "曝光问题",
        "criticisms": "通报批评",
        "interviews": "约谈",
        "notices": "整改通知",
        "sanctions": "处分",
        "vetoes": "一票否决",
    },
)

#: Grade-effect severities, lightest first (rules.md R9, "heavier last").
EFFECT = Vocabulary(
    N_("grade effect"),
    ("无", "不得评优", "最高基本称职", "不定等次", "不称职"),
    {"無": "无", "不得評優": "不得评优", "最高基本稱職": "最高基本称职", "不稱職": "不称职"},
)

UNIT_GRADES: tuple[str, ...] = ("优秀", "良好", "一般", "较差")
CADRE_GRADES: tuple[str, ...] = ("优秀", "称职", "基本称职", "不称职")
#: Shown in ``cadres.csv`` for a cadre who gets no grade.
NO_GRADE = "不定等次"
