"""kaohe (考核): a plugin-based assessment scoring engine.

The public API::

    scheme = kaohe.load_scheme("schemes/county-2019.toml")
    data = kaohe.load_data("schemes/county-2019", scheme)
    results = kaohe.evaluate(scheme, data)

Plugins implement hooks of :mod:`kaohe.hookspecs` with :data:`hookimpl` and
register :class:`Rule` objects; see ``ARCHITECTURE.md``.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import (
        check_dataset,
        data_from_columns,
        evaluate,
        evaluate_batch,
        load_data,
        load_scheme,
    )
    from .audit.explain import Explanation, explain
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

#: The module of each name of the API, imported when the name is first used:
#: ``import kaohe`` costs nothing, so that the ``kaohe`` command can set itself
#: up before anything heavy is imported, and a plugin importing ``kaohe.sdk``
#: pays only for what that imports.
_HOME = {
    **dict.fromkeys(
        [
            "check_dataset",
            "data_from_columns",
            "evaluate",
            "evaluate_batch",
            "load_data",
            "load_scheme",
        ],
        ".api",
    ),
    **dict.fromkeys(["Explanation", "explain"], ".audit.explain"),
    **dict.fromkeys(["StepContext", "Tolerance"], ".context"),
    **dict.fromkeys(["Dataset", "Table"], ".data"),
    **dict.fromkeys(
        [
            "DataError",
            "KaoheError",
            "OutputError",
            "OverrideError",
            "PluginError",
            "RuleGraphError",
            "SchemeError",
            "UnknownRuleError",
        ],
        ".errors",
    ),
    "hookimpl": ".hookspecs",
    **dict.fromkeys(["Registry", "get_plugin_manager"], ".plugins"),
    "Results": ".results",
    **dict.fromkeys(["Rule", "Slot", "Step"], ".rule"),
    **dict.fromkeys(["RuleConfig", "Scheme"], ".scheme"),
}


def __getattr__(name: str) -> Any:
    """A name of the API, imported from its module on first use (then kept here); or a
    module of the package (``kaohe.data``), imported as ``import kaohe.data`` would."""
    home = _HOME.get(name)
    if home is not None:
        value = getattr(importlib.import_module(home, __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'kaohe' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


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
