"""The plugin manager factory and the registry of installed rules.

:func:`get_plugin_manager` builds a fresh :class:`pluggy.PluginManager`
with the hook specifications, the built-in plugins (the kernel's own rules,
registered exactly as third-party plugins are) and every plugin installed
under the entry-point group ``kaohe``. Nothing is built at import time.

A plugin that cannot be imported (a syntax error, a missing import, an
exception at import), that declares a hook kaohe does not have, or whose
hook raises is reported as a :class:`~kaohe.errors.PluginError` naming its
distribution (or file) and the stage; no traceback reaches the user.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import weakref
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from types import FunctionType, MethodType, ModuleType
from typing import Any, cast

import attrs
import pluggy

from . import hookspecs
from .errors import KaoheError, PluginError
from .i18n import _
from .rule import SLOTS, Rule, Slot
from .table_spec import TableSpec
from .tables import TABLES, contract
from .values import Holder, Value

ENTRY_POINT_GROUP = "kaohe"

#: The kernel's own rules, registered like any plugin.
BUILTIN_PLUGINS = (
    "kaohe.builtin.unit_score",
    "kaohe.builtin.unit_grading",
    "kaohe.builtin.cadre_score",
    "kaohe.builtin.cadre_grading",
    "kaohe.builtin.promotion_freeze",
)


class _Manager(pluggy.PluginManager):
    """pluggy's plugin manager, finding a plugin module's hook implementations faster."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        """pluggy's answer, asked only of the functions of a plugin module that carry
        the ``hookimpl`` mark: the other names of a module (its imports, constants,
        classes: hundreds in all) are passed over without pluggy's careful lookup
        of each, which took a tenth of a small run's start."""
        if isinstance(plugin, ModuleType):
            found = vars(plugin).get(name)
            hookable = (FunctionType, MethodType, classmethod, staticmethod)
            if not isinstance(found, hookable) or not hasattr(found, _MARK):
                return None  # what pluggy would find, which hooks only such objects
        return super().parse_hookimpl_opts(plugin, name)


#: The attribute ``hookimpl`` sets on the functions it marks.
_MARK = f"{hookspecs.PROJECT}_impl"


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
    manager = _Manager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    if entry_points:
        _load_entry_points(manager)
    if plugin_dir is not None:
        for path, module in _load_folder(Path(plugin_dir)):
            _register(manager, module, f"local:{path.name}", str(path))
    for plugin in plugins:
        _register(manager, plugin, _name_of(plugin), _name_of(plugin))
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        name = manager.get_name(error.plugin) or _name_of(error.plugin)
        dist = origins(manager).get(name, (name, ""))[0]
        raise PluginError(dist, "", str(error), stage="registration") from None
    _check_api_versions(manager)
    return manager


def _check_api_versions(manager: pluggy.PluginManager) -> None:
    """Every plugin but kaohe's own states ``KAOHE_API``, compatible with
    :data:`kaohe.sdk.API_VERSION`; a plugin stating none, or one this kaohe does not
    provide, is a :class:`PluginError` naming its distribution."""
    from .sdk import API_VERSION, compatible

    known = origins(manager)
    for name, plugin in manager.list_name_plugin():
        if name in BUILTIN_PLUGINS:
            continue
        needed = getattr(plugin, "KAOHE_API", None)
        dist = known.get(name, (name, ""))[0]
        if needed is None:
            raise PluginError(
                dist,
                "",
                "states no plugin API version; add KAOHE_API = "
                f'"{API_VERSION}" (the kaohe.sdk it was written against) to the module of '
                "its entry point",
                stage="registration",
            )
        if compatible(needed):
            continue
        raise PluginError(
            dist,
            "",
            f"needs plugin API {needed!r} (KAOHE_API), but this kaohe provides {API_VERSION}; "
            f"install a version of {dist} written for API {API_VERSION.split('.')[0]}.x "
            "or a kaohe that provides its API",
            stage="registration",
        )


def _failure(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _register(manager: pluggy.PluginManager, plugin: object, name: str, where: str) -> None:
    try:
        manager.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        raise PluginError(where, "", str(error), stage="registration") from None


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    """The installed plugins; one that fails to import or register is named.

    pluggy loads them all at once; only when that fails are they looked at
    one by one, to find the distribution at fault.
    """
    try:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    except (Exception, SystemExit) as error:
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if manager.has_plugin(entry_point.name):
                continue
            dist = entry_point.dist.name if entry_point.dist is not None else entry_point.value
            try:
                plugin = entry_point.load()
            except (Exception, SystemExit) as failure:
                raise PluginError(dist, "", _failure(failure), stage="import") from None
            if isinstance(error, pluggy.PluginValidationError) and error.plugin is plugin:
                raise PluginError(dist, "", str(error), stage="registration") from None
        raise PluginError(
            "an installed plugin", "", _failure(error), stage="loading the entry points"
        ) from None


def _name_of(plugin: object) -> str:
    """A readable name for a plugin object: its module's or its class's name."""
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return type(plugin).__qualname__


def _load_folder(folder: Path) -> list[tuple[Path, ModuleType]]:
    """Every ``*.py`` file of ``folder`` imported as a module, by file name.

    A file that cannot be imported (syntax error, missing import, an
    exception or ``sys.exit`` while it runs) is a PluginError naming it.
    """
    if not folder.is_dir():
        raise KaoheError(
            _("{folder}: expected a folder of plugin files (*.py)").format(folder=folder)
        )
    modules = []
    for path in sorted(folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"kaohe_local_{path.stem}", path)
        if spec is None or spec.loader is None:  # pragma: no cover - .py files always have one
            continue
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except (Exception, SystemExit) as error:
            raise PluginError(str(path), "", _failure(error), stage="import") from None
        modules.append((path, module))
    return modules


def origins(manager: pluggy.PluginManager) -> dict[str, tuple[str, str]]:
    """Each registered plugin's name -> (distribution, version).

    Built-in plugins belong to ``kaohe``; a plugin without a distribution (a
    file loaded with ``--plugins``, an object registered by a program) is
    its own name with version ``unregistered``.

    Found once per manager and set of plugins (each distribution's metadata
    is parsed once), and found again when plugins are registered or
    unregistered: every hook call asks.
    """
    plugins = manager.list_name_plugin()
    distinfo = manager.list_plugin_distinfo()
    cached = _ORIGINS.get(manager)
    if cached is not None and _same_plugins(cached[0], plugins) and cached[1] == len(distinfo):
        return dict(cached[2])
    distributions = {}
    for plugin, dist in distinfo:
        meta = dist.metadata  # parsed on each access: read name and version from one parse
        distributions[id(plugin)] = (meta["name"], meta["version"])
    found = {}
    for name, plugin in plugins:
        if id(plugin) in distributions:
            found[name] = distributions[id(plugin)]
        elif name in BUILTIN_PLUGINS:
            found[name] = ("kaohe", kaohe_version())
        else:
            found[name] = (name, "unregistered")
    _ORIGINS[manager] = (plugins, len(distinfo), found)
    return dict(found)


#: :func:`origins` of each live plugin manager, with the plugins and the number of
#: distributions it was found for.
_ORIGINS: weakref.WeakKeyDictionary[
    pluggy.PluginManager, tuple[list[tuple[str, object]], int, dict[str, tuple[str, str]]]
] = weakref.WeakKeyDictionary()


def _same_plugins(one: list[tuple[str, object]], other: list[tuple[str, object]]) -> bool:
    """Whether two lists of ``(name, plugin)`` name the same plugin objects alike."""
    return len(one) == len(other) and all(
        a_name == b_name and a is b for (a_name, a), (b_name, b) in zip(one, other, strict=True)
    )


def call_hook(manager: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of ``hook`` as pluggy would.

    Returns ``(distribution, result)`` for every implementation that
    returned something other than None, in pluggy's order (the plugin
    registered last first). A :class:`~kaohe.errors.KaoheError` an
    implementation raises passes through (the hooks' way to refuse); any
    other exception becomes a PluginError naming the plugin's distribution
    and the hook.
    """
    caller = getattr(manager.hook, hook)
    known = origins(manager)
    results = []
    for impl in reversed(caller.get_hookimpls()):
        name = manager.get_name(impl.plugin) or _name_of(impl.plugin)
        dist = known.get(name, (name, ""))[0]
        try:
            result = impl.function(*(kwargs[arg] for arg in impl.argnames))
        except KaoheError:
            raise
        except (Exception, SystemExit) as error:
            raise PluginError(dist, "", _failure(error), stage=hook) from error
        if result is not None:
            results.append((dist, result))
    return results


@attrs.frozen(repr=False, eq=False)
class Provider(Value):
    """Where a rule comes from: the plugin, its distribution and version."""

    plugin: str
    distribution: str
    version: str


@attrs.frozen(repr=False, eq=False)
class Installed(Value):
    """How a registry was made from what is installed: the entry points, and the
    plugin folder given (if any). Another process can make the same registry."""

    plugin_dir: str | None = None


@attrs.frozen(repr=False, eq=False)
class Registry(Holder):
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
    #: every declared slot: the core's and those the rules introduce
    slots: Mapping[str, Slot] = SLOTS
    #: every input table: the core's and those the plugins register
    tables: Mapping[str, TableSpec] = TABLES
    #: table name -> the distribution that registers it (``kaohe`` for the core's)
    table_owners: Mapping[str, str] = attrs.field(factory=dict)

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
        known = origins(manager)
        rules: dict[str, Rule] = {}
        providers: dict[str, Provider] = {}
        for impl in manager.hook.kaohe_register_rules.get_hookimpls():
            name = manager.get_name(impl.plugin) or repr(impl.plugin)
            dist, version = known.get(name, (name, "unregistered"))
            for rule in _rules_of(impl, dist):
                if not isinstance(rule, Rule):
                    raise PluginError(
                        dist,
                        "",
                        f"returned {type(rule).__name__}, expected kaohe.Rule objects",
                        stage="kaohe_register_rules",
                    )
                if rule.name in rules:
                    other = providers[rule.name]
                    raise KaoheError(
                        _(
                            "rule '{rule}' is provided twice: by {first} and by {second}; "
                            "uninstall one of them"
                        ).format(rule=rule.name, first=other.distribution, second=dist)
                    )
                rules[rule.name] = rule
                providers[rule.name] = Provider(name, dist, version)
        ordered = dict(sorted(rules.items(), key=lambda item: _rule_order(item[1])))
        slots = _declared_slots(ordered.values(), providers)
        registered = _registered_tables(manager)
        tables = contract(registered)
        owners = dict.fromkeys(TABLES, "kaohe") | {spec.name: dist for dist, spec in registered}
        return cls(manager, ordered, providers, installed_as, slots, tables, owners)

    def names(self) -> tuple[str, ...]:
        """Rule names, in reference order (R1 first)."""
        return tuple(self.rules)

    def rule(self, name: str) -> Rule:
        """The rule called ``name`` (KeyError if none)."""
        return self.rules[name]

    def provider(self, name: str) -> Provider:
        """Which plugin and distribution provide rule ``name``."""
        return self.providers[name]

    def slot(self, name: str) -> Slot:
        """The declared slot called ``name`` (an exclusive, undocumented slot for a table)."""
        return self.slots.get(name) or Slot(name, "")


def _registered_tables(manager: pluggy.PluginManager) -> list[tuple[str, TableSpec]]:
    """``(distribution, table)`` for every table the plugins register, by distribution
    (so that the order does not depend on the order plugins were found in)."""
    found = sorted(call_hook(manager, "kaohe_register_tables"), key=lambda item: item[0])
    for dist, specs in found:
        if not isinstance(specs, (list, tuple)):
            got = f"returned {type(specs).__name__}, expected a list of kaohe.sdk.TableSpec"
            raise PluginError(dist, "", got, stage="kaohe_register_tables")
    return [(dist, spec) for dist, specs in found for spec in specs]


@functools.cache
def installed_tables() -> Mapping[str, TableSpec]:
    """The core's tables and those of the installed plugins (built once per process)."""
    return _installed_registry(None).tables


def _declared_slots(rules: Iterable[Rule], providers: Mapping[str, Provider]) -> dict[str, Slot]:
    """The core's slots and those the rules declare; a slot declared twice is an error."""
    slots = dict(SLOTS)
    declared_by: dict[str, str] = {}
    for rule in rules:
        for declared in rule.slots:
            dist = providers[rule.name].distribution
            if not isinstance(declared, Slot):
                raise PluginError(
                    dist,
                    rule.name,
                    f"declares {declared!r} as a slot, expected kaohe.sdk.Slot",
                    stage="registration",
                )
            if declared.name in slots:
                owner = declared_by.get(declared.name, "kaohe")
                raise PluginError(
                    dist,
                    rule.name,
                    f"declares slot '{declared.name}', which {owner} declares already; "
                    "use that slot or choose another name",
                    stage="registration",
                )
            slots[declared.name] = declared
            declared_by[declared.name] = f"rule '{rule.name}' ({dist})"
    return slots


def _rules_of(impl: pluggy.HookImpl, dist: str) -> list[object]:
    """What one plugin's ``kaohe_register_rules`` returns, as a list; a failure names it."""
    try:
        provided = cast("Iterable[object]", impl.function() or ())
        return list(provided)
    except KaoheError:
        raise
    except (Exception, SystemExit) as error:
        raise PluginError(dist, "", _failure(error), stage="kaohe_register_rules") from error


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


@functools.cache
def kaohe_version() -> str:
    """The installed kaohe version (``0+unknown`` when run from a source tree)."""
    try:
        return metadata.version("kaohe")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"
