"""The plugin manager factory and the registry of installed rules.

:func:`get_plugin_manager` builds a fresh :class:`pluggy.PluginManager`
with the hook specifications, the built-in plugins (the kernel's own rules,
registered exactly as third-party plugins are) and every plugin installed
under the entry-point group ``kaohe``. Nothing is built at import time.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import cast

import attrs
import pluggy

from . import hookspecs
from .errors import KaoheError
from .rule import Rule

ENTRY_POINT_GROUP = "kaohe"

#: The kernel's own rules, registered like any plugin.
BUILTIN_PLUGINS = (
    "kaohe.builtin.unit_score",
    "kaohe.builtin.unit_grading",
    "kaohe.builtin.cadre_score",
    "kaohe.builtin.cadre_grading",
    "kaohe.builtin.promotion_freeze",
)

#: Reference rules and the distributions that provide them, for the error
#: shown when a scheme names a rule whose plugin is not installed.
REFERENCE_DISTRIBUTIONS: Mapping[str, str] = {
    "targets": "kaohe-targets",
    "satisfaction": "kaohe-satisfaction",
    "supervision": "kaohe-supervision",
    "criticism": "kaohe-criticism",
    "rectification": "kaohe-rectification",
    "awards": "kaohe-awards",
    "veto": "kaohe-veto",
    "serious_units": "kaohe-serious-units",
    "accountability": "kaohe-accountability",
    "dual_investigation": "kaohe-accountability",
    "zero_accountability": "kaohe-accountability",
    "tolerance": "kaohe-tolerance",
    "exams": "kaohe-exams",
    "attendance": "kaohe-attendance",
}


def get_plugin_manager(
    *,
    entry_points: bool = True,
    plugins: Iterable[object] = (),
    plugin_dir: str | Path | None = None,
) -> pluggy.PluginManager:
    """A new plugin manager.

    :param entry_points: load plugins installed under the ``kaohe`` group.
    :param plugins: further plugin objects (modules) to register, e.g. in tests.
    :param plugin_dir: a folder whose ``*.py`` files are loaded as plugins
        (only a folder given explicitly, e.g. on the command line).
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    if entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    if plugin_dir is not None:
        for module in _load_folder(Path(plugin_dir)):
            manager.register(module, name=f"local:{Path(str(module.__file__)).name}")
    for plugin in plugins:
        manager.register(plugin, name=_name_of(plugin))
    return manager


def _name_of(plugin: object) -> str:
    """A readable name for a plugin object: its module's or its class's name."""
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return type(plugin).__qualname__


def _load_folder(folder: Path) -> list[ModuleType]:
    if not folder.is_dir():
        raise KaoheError(f"{folder}: expected a folder of plugin files (*.py)")
    modules = []
    for path in sorted(folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"kaohe_local_{path.stem}", path)
        if spec is None or spec.loader is None:  # pragma: no cover - .py files always have one
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


@attrs.frozen
class Provider:
    """Where a rule comes from: the plugin, its distribution and version."""

    plugin: str
    distribution: str
    version: str


@attrs.frozen
class Installed:
    """How a registry was made from what is installed: the entry points, and the
    plugin folder given (if any). Another process can make the same registry."""

    plugin_dir: str | None = None


@attrs.frozen(eq=False)
class Registry:
    """Every rule the installed plugins provide, with where each comes from.

    A registry built from the installed plugins (:meth:`installed`) can be
    pickled, to score on other processes or machines (a what-if study on a
    cluster): it travels as its :class:`Installed` recipe and is built again
    there, once per process, from the plugins installed there. A registry of
    plugin objects that a program registered cannot travel.
    """

    manager: pluggy.PluginManager = attrs.field(repr=False)
    rules: Mapping[str, Rule]
    providers: Mapping[str, Provider]
    installed_as: Installed | None = None

    @classmethod
    def installed(cls, plugin_dir: str | Path | None = None) -> Registry:
        """The rules of the installed plugins, and of the plugin files in ``plugin_dir``."""
        folder = None if plugin_dir is None else str(Path(plugin_dir).resolve())
        registry = cls.from_plugin_manager(get_plugin_manager(plugin_dir=folder))
        return attrs.evolve(registry, installed_as=Installed(folder))

    def __reduce__(self) -> tuple[object, tuple[str | None]]:
        if self.installed_as is None:
            raise KaoheError(
                "this registry holds plugins registered by a program, which cannot be sent "
                "to other processes; use Registry.installed() (installed plugins and a "
                "plugin folder)"
            )
        return _installed_registry, (self.installed_as.plugin_dir,)

    @classmethod
    def from_plugin_manager(cls, manager: pluggy.PluginManager | None = None) -> Registry:
        """Ask every plugin for its rules; two plugins providing one rule name is an error.

        Without ``manager``: the installed plugins (as :meth:`installed`).
        """
        installed_as = Installed() if manager is None else None
        manager = manager or get_plugin_manager()
        distributions = {
            id(plugin): (dist.project_name, dist.version)
            for plugin, dist in manager.list_plugin_distinfo()
        }
        version_of_kaohe = kaohe_version()
        rules: dict[str, Rule] = {}
        providers: dict[str, Provider] = {}
        for impl in manager.hook.kaohe_register_rules.get_hookimpls():
            name = manager.get_name(impl.plugin) or repr(impl.plugin)
            if id(impl.plugin) in distributions:
                dist, version = distributions[id(impl.plugin)]
            elif name in BUILTIN_PLUGINS:
                dist, version = "kaohe", version_of_kaohe
            else:  # a local plugin file, or an object registered by a program
                dist, version = name, "unregistered"
            provided = cast("Iterable[object]", impl.function() or ())
            for rule in provided:
                if not isinstance(rule, Rule):
                    raise KaoheError(
                        f"plugin {dist}: kaohe_register_rules returned {type(rule).__name__}, "
                        "expected kaohe.Rule objects"
                    )
                if rule.name in rules:
                    other = providers[rule.name]
                    raise KaoheError(
                        f"rule '{rule.name}' is provided twice: by {other.distribution} "
                        f"and by {dist}; uninstall one of them"
                    )
                rules[rule.name] = rule
                providers[rule.name] = Provider(name, dist, version)
        ordered = dict(sorted(rules.items(), key=lambda item: _rule_order(item[1])))
        return cls(manager, ordered, providers, installed_as)

    def names(self) -> tuple[str, ...]:
        """Rule names, in reference order (R1 first)."""
        return tuple(self.rules)

    def rule(self, name: str) -> Rule:
        """The rule called ``name`` (KeyError if none)."""
        return self.rules[name]

    def provider(self, name: str) -> Provider:
        """Which plugin and distribution provide rule ``name``."""
        return self.providers[name]

    def missing_distribution(self, name: str) -> str | None:
        """The reference distribution that would provide ``name``, if it is not installed."""
        if name in self.rules:
            return None
        return REFERENCE_DISTRIBUTIONS.get(name)


#: The registries unpickled in this process, by plugin folder: built once each.
_INSTALLED: dict[str | None, Registry] = {}


def _installed_registry(plugin_dir: str | None) -> Registry:
    """:meth:`Registry.installed`, built once per process (what an unpickled registry is)."""
    if plugin_dir not in _INSTALLED:
        _INSTALLED[plugin_dir] = Registry.installed(plugin_dir)
    return _INSTALLED[plugin_dir]


def _rule_order(rule: Rule) -> tuple[int, str]:
    reference = rule.reference
    number = int(reference[1:]) if reference[:1] == "R" and reference[1:].isdigit() else 99
    return number, rule.name


def kaohe_version() -> str:
    """The installed kaohe version (``0+unknown`` when run from a source tree)."""
    try:
        return metadata.version("kaohe")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"
