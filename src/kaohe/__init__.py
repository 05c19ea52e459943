"""kaohe (考核): a plugin-based assessment scoring engine.

The public API::

    scheme = kaohe.load_scheme("schemes/county-2019.toml")
    data = kaohe.load_data("schemes/county-2019", scheme)
    results = kaohe.evaluate(scheme, data)

Plugins implement hooks of :mod:`kaohe.hookspecs` with :data:`hookimpl` and
register :class:`Rule` objects; see ``ARCHITECTURE.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import (
    check_dataset,
    data_from_columns,
    evaluate,
    evaluate_batch,
    load_data,
    load_scheme,
)
from .context import StepContext, Tolerance
from .data import Dataset, Table
from .errors import (
    DataError,
    KaoheError,
    OutputError,
    OverrideError,
    PluginError,
    RuleGraphError,
    SchemeError,
    UnknownRuleError,
)
from .hookspecs import hookimpl
from .plugins import Registry, get_plugin_manager
from .results import Results
from .rule import Rule, Slot, Step
from .scheme import RuleConfig, Scheme

if TYPE_CHECKING:
    from .audit.explain import Explanation, explain


def __getattr__(name: str) -> Any:
    """``kaohe.explain`` and ``kaohe.Explanation``, imported on first use."""
    if name in ("explain", "Explanation"):
        from .audit import explain as explanation

        return getattr(explanation, name)
    raise AttributeError(f"module 'kaohe' has no attribute {name!r}")


__all__ = [
    "DataError",
    "Dataset",
    "Explanation",
    "KaoheError",
    "OutputError",
    "OverrideError",
    "PluginError",
    "Registry",
    "Results",
    "Rule",
    "RuleConfig",
    "RuleGraphError",
    "Scheme",
    "SchemeError",
    "Slot",
    "Step",
    "StepContext",
    "Table",
    "Tolerance",
    "UnknownRuleError",
    "check_dataset",
    "data_from_columns",
    "evaluate",
    "evaluate_batch",
    "explain",
    "get_plugin_manager",
    "hookimpl",
    "load_data",
    "load_scheme",
]
