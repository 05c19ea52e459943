"""The whole plugin API of kaohe: everything a rule plugin may import, from one module.

A plugin imports from ``kaohe.sdk`` only; every other module of kaohe is
internal and may change in any release. The names here change only with
:data:`API_VERSION`: a new name raises the minor version, a changed or
removed one the major version (a new optional field of a class, too, raises
the minor version). A plugin states the version it was written against as
``KAOHE_API = "1.4"`` in the module of its entry point; kaohe refuses it at
registration (a :class:`PluginError`) when it states none, when the major
versions differ or when the plugin needs a newer minor version.

Every name is documented in ``docs/plugin-api.md`` (``python -m kaohe.sdk``
writes it).

Versions: 1.0 the first; 1.1 ``TableSpec(label=, finding_category=)`` (a
table's name in reports, the column by which ``findings.csv`` counts its
rows), ``column(not_before=, only_for=, choices=)`` (a date that may not
precede another of the row, a column filled only for some values of
another, the scheme parameter that lists a column's values); 1.2
:class:`Messages` and :func:`N_` (a plugin's own message catalog), the
``messages=`` of :class:`Rule` and :class:`Vocabulary`; 1.3
:data:`arrow_compute` (Arrow's compute functions, as ``pyarrow.compute``
gives them, without the cost of importing it); 1.4 its :func:`array`,
:func:`scalar` and :func:`numpy` (values between Python, numpy and Arrow
without pyarrow importing pandas).

A deduction rule over a ledger needs six of them: :data:`hookimpl` (and
the entry point), :class:`Rule`, a parameter kind (:class:`Number`),
:class:`Step` with the slots it reads and writes, :class:`StepContext` and
:func:`deduct`. The rest is there when a rule needs more. A plugin's
messages are translated through its own catalog (:class:`Messages`, and
:func:`N_` for its parameters' descriptions; ``docs/translations.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .audit.explaining import Explainer, ExplainView, day, f4, num
from .audit.explaining import Part as ExplainedPart
from .blocks import (
    BONUS,
    CADRE,
    DEDUCTION,
    EXEMPT,
    UNIT,
    Adjustments,
    Component,
    Derived,
    Effects,
    Flags,
    Freezes,
    RowText,
)
from .context import StepContext, Tolerance
from .data import Dataset, Table
from .dates import FOREVER, NAT, add_months, in_period, year_of
from .errors import DataError, KaoheError, PluginError, SchemeError
from .hookspecs import hookimpl
from .i18n import N_, Messages
from .ledger import (
    LATE_RECTIFIED,
    NOT_RECTIFIED,
    capped,
    counted,
    criticisms,
    deduct,
    ids_of,
    joined,
    label_rows,
    mitigation_note,
    overdue_label,
    picked,
    point_rows,
    rectified_by,
)
from .numeric import positions, width
from .ordering import nth_per_group
from .params import (
    KEYS_ANY,
    KEYS_CATEGORIES,
    Choice,
    Integer,
    Number,
    NumberMap,
    OneOf,
    RecordMap,
    Text,
    TextList,
)
from .rule import ALWAYS, OPTIONAL, REQUIRED, Rule, Slot, Step
from .scheme import Scheme
from .table_spec import (
    CADRE_ID,
    DATE,
    DOC_NO,
    ID,
    LEVEL,
    NOTE,
    UNIT_ID,
    ColumnSpec,
    TableSpec,
    column,
    ledger,
    required,
)
from .vocab import (
    ADMIN_LEVEL,
    EFFECT,
    EXPOSURE_LEVEL,
    ISSUER,
    ROLE,
    SANCTION_TYPE,
    SEVERITY,
    TOLERANCE_DECISION,
    TOLERANCE_TARGET,
    Vocabulary,
)

#: The version of this API, ``major.minor`` (see the module docstring).
API_VERSION = "1.4"

__all__ = [
    "ADMIN_LEVEL",
    "ALWAYS",
    "API_VERSION",
    "BONUS",
    "CADRE",
    "CADRE_ID",
    "DATE",
    "DEDUCTION",
    "DOC_NO",
    "EFFECT",
    "EXEMPT",
    "EXPOSURE_LEVEL",
    "FOREVER",
    "ID",
    "ISSUER",
    "KEYS_ANY",
    "KEYS_CATEGORIES",
    "LATE_RECTIFIED",
    "LEVEL",
    "NAT",
    "NOTE",
    "NOT_RECTIFIED",
    "N_",
    "OPTIONAL",
    "REQUIRED",
    "ROLE",
    "SANCTION_TYPE",
    "SEVERITY",
    "TOLERANCE_DECISION",
    "TOLERANCE_TARGET",
    "UNIT",
    "UNIT_ID",
    "Adjustments",
    "Choice",
    "ColumnSpec",
    "Component",
    "DataError",
    "Dataset",
    "Derived",
    "Effects",
    "ExplainView",
    "ExplainedPart",
    "Explainer",
    "Flags",
    "Freezes",
    "Integer",
    "KaoheError",
    "Messages",
    "Number",
    "NumberMap",
    "OneOf",
    "PluginError",
    "RecordMap",
    "RowText",
    "Rule",
    "Scheme",
    "SchemeError",
    "Slot",
    "Step",
    "StepContext",
    "Table",
    "TableSpec",
    "Text",
    "TextList",
    "Tolerance",
    "Vocabulary",
    "add_months",
    "arrow_compute",
    "capped",
    "column",
    "counted",
    "criticisms",
    "day",
    "deduct",
    "f4",
    "hookimpl",
    "ids_of",
    "in_period",
    "joined",
    "label_rows",
    "ledger",
    "mitigation_note",
    "nth_per_group",
    "num",
    "overdue_label",
    "picked",
    "point_rows",
    "positions",
    "rectified_by",
    "required",
    "width",
    "year_of",
]


if TYPE_CHECKING:
    from . import arrowcompute as arrow_compute


def __getattr__(name: str) -> Any:
    """:data:`arrow_compute`, imported (with Arrow) on first use."""
    if name == "arrow_compute":
        from . import arrowcompute

        return arrowcompute
    raise AttributeError(f"module 'kaohe.sdk' has no attribute {name!r}")


#: What each constant is (classes and functions are described by their docstrings).
CONSTANTS = {
    "ADMIN_LEVEL": "vocabulary: issuer level of a criticism or notice (乡镇 < 县 < 市 < 省)",
    "ALWAYS": "Rule.activation: part of the kernel, runs in every scheme",
    "API_VERSION": "the version of this API, `major.minor`",
    "arrow_compute": (
        "Arrow's compute functions by name, as `pyarrow.compute` gives them "
        "(`arrow_compute.is_in(values, value_set=known)`), without importing "
        "`pyarrow.compute` (35 ms); with `arrow_compute.array`, `.scalar` and `.numpy`, "
        "values between Python, numpy and Arrow without pyarrow importing pandas (0.24 s)"
    ),
    "BONUS": "effect label of a bonus row (加分)",
    "CADRE": "entity of per-cadre blocks",
    "CADRE_ID": "header aliases of a `cadre_id` column",
    "DATE": "the `date` column of a ledger table",
    "DEDUCTION": "effect label of a deduction row (扣分)",
    "DOC_NO": "the `doc_no` (文号) column of a ledger table",
    "EFFECT": "vocabulary: grade effects, lightest first",
    "EXEMPT": "effect label of a row exempted by 容错纠错",
    "ExplainedPart": "what an Explainer says of a cadre's score part: (value, how, weight)",
    "EXPOSURE_LEVEL": "vocabulary: who exposed a problem (县 < 市 < 省)",
    "FOREVER": "the end of a freeze window without end",
    "ID": "the `id` column of a ledger table",
    "ISSUER": "vocabulary: who issued a sanction (self, superior)",
    "KEYS_ANY": "NumberMap keys: any key the scheme writes",
    "KEYS_CATEGORIES": "NumberMap keys: the scheme's unit categories",
    "LATE_RECTIFIED": "label of an overdue record rectified after its deadline (逾期整改)",
    "LEVEL": "header aliases of a `level` column",
    "NAT": "a missing date",
    "NOTE": "the `note` (备注) column of a ledger table",
    "NOT_RECTIFIED": "label of an overdue record not rectified (逾期未整改)",
    "OPTIONAL": "Rule.activation: enabled by a table of its name in the scheme (the default)",
    "REQUIRED": "Rule.activation: every scheme must have its table",
    "ROLE": "vocabulary: cadre roles (head, leader, middle, staff) with their labels",
    "RowText": (
        "the text of block rows: a string, an array, or a function making it later "
        "(one with an `arrow()` method too is asked for Arrow text by the writers, "
        "plain or dictionary-encoded: `label_rows` and `joined` of labels give codes)"
    ),
    "SANCTION_TYPE": "vocabulary: sanction types of R9",
    "SEVERITY": "vocabulary: severities of supervision findings",
    "TOLERANCE_DECISION": "vocabulary: 容错纠错 decisions (免责, 从轻, 减轻)",
    "TOLERANCE_TARGET": "vocabulary: the ledger tables a 容错纠错 row may name",
    "UNIT": "entity of per-unit blocks",
    "UNIT_ID": "header aliases of a `unit_id` column",
}


def compatible(needed: str, provided: str = API_VERSION) -> bool:
    """Whether a plugin written against API ``needed`` runs on API ``provided``."""
    want, have = _parsed(needed), _parsed(provided)
    return want is not None and have is not None and want[0] == have[0] and want[1] <= have[1]


def _parsed(version: object) -> tuple[int, int] | None:
    if not isinstance(version, str):
        return None
    major, _, minor = version.strip().partition(".")
    if not major.isdigit() or not (minor or "0").isdigit():
        return None
    return int(major), int(minor or "0")


def reference() -> str:
    """``docs/plugin-api.md``: every public name with the first line of its documentation."""
    import inspect
    import sys

    module = sys.modules[__name__]
    lines = [
        "# kaohe plugin API (`kaohe.sdk`)",
        "",
        f"API version {API_VERSION}. Made by `python -m kaohe.sdk > docs/plugin-api.md`; a test",
        "fails when this file and the module disagree. A plugin imports these names from",
        "`kaohe.sdk` and nothing else from kaohe, and states `KAOHE_API = "
        f'"{API_VERSION}"` in the module of its entry point.',
        "",
        "| name | what |",
        "| --- | --- |",
    ]
    for name in sorted(__all__, key=str.lower):
        value = getattr(module, name)
        if name in CONSTANTS:
            doc = CONSTANTS[name]
        else:
            doc = (inspect.getdoc(value) or "").split("\n\n")[0].replace("\n", " ")
        lines.append(f"| `{name}` | {doc.replace('|', '/')} |")
    from . import hookspecs

    lines += [
        "",
        "## Hooks",
        "",
        "A plugin implements any of these, each decorated with `hookimpl`",
        "(their full contracts: `kaohe.hookspecs`).",
        "",
        "| hook | what |",
        "| --- | --- |",
    ]
    for name, value in vars(hookspecs).items():
        if name.startswith("kaohe_") and callable(value):
            doc = (inspect.getdoc(value) or "").split("\n\n")[0].replace("\n", " ")
            arguments = ", ".join(inspect.signature(value).parameters)
            lines.append(f"| `{name}({arguments})` | {doc} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(reference(), end="")
