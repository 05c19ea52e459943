"""How kaohe finds its rule plugins, and what installing one does (and does not) do.

The reference rules ship as twelve distributions under ``plugins/``; each
registers under the entry-point group ``kaohe``. Installing a distribution
makes its rules available; only a scheme table of a rule's name enables it.
"""

from __future__ import annotations

import inspect
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from tests.bridge import columns
from tests.cases import data, scheme

import kaohe
from kaohe import hookspecs, kernel
from kaohe.plugins import ENTRY_POINT_GROUP, Registry
from kaohe.rule import Rule, Step

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

#: Every reference distribution and the rules it provides (handbook/rules.md).
REFERENCE: dict[str, tuple[str, ...]] = {
    "kaohe-targets": ("targets",),
    "kaohe-satisfaction": ("satisfaction",),
    "kaohe-supervision": ("supervision",),
    "kaohe-criticism": ("criticism",),
    "kaohe-rectification": ("rectification",),
    "kaohe-awards": ("awards",),
    "kaohe-veto": ("veto",),
    "kaohe-serious-units": ("serious_units",),
    "kaohe-accountability": ("accountability", "dual_investigation", "zero_accountability"),
    "kaohe-tolerance": ("tolerance",),
    "kaohe-exams": ("exams",),
    "kaohe-attendance": ("attendance",),
}
PROVIDER = {rule: dist for dist, rules in REFERENCE.items() for rule in rules}


def entry_points_by_distribution() -> dict[str, list[metadata.EntryPoint]]:
    found: dict[str, list[metadata.EntryPoint]] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        assert entry_point.dist is not None
        found.setdefault(entry_point.dist.name, []).append(entry_point)
    return found


def declared_version(dist: str) -> str:
    with (ROOT / "plugins" / dist / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_plugin_manager()


# -- discovery ------------------------------------------------------------------


@pytest.mark.parametrize("dist", list(REFERENCE))
def test_distribution_is_installed_under_the_entry_point_group(dist: str) -> None:
    entry_points = entry_points_by_distribution().get(dist)
    assert entry_points is not None, f"{dist} is not installed (pip install ./plugins/{dist})"
    assert len(entry_points) == 1
    module = entry_points[0].load()
    assert callable(getattr(module, "kaohe_register_rules", None))
    # the installed metadata is that of the source tree
    assert metadata.version(dist) == declared_version(dist)


@pytest.mark.parametrize("rule", list(PROVIDER))
def test_registry_names_the_provider_of_each_rule(registry: Registry, rule: str) -> None:
    dist = PROVIDER[rule]
    assert rule in registry.names()
    assert registry.rule(rule).name == rule
    provider = registry.provider(rule)
    assert provider.distribution == dist
    assert provider.version == metadata.version(dist) == declared_version(dist)


def test_kernel_rules_come_from_kaohe_itself(registry: Registry) -> None:
    builtin = {"unit_score", "unit_grading", "cadre_score", "cadre_grading", "promotion_freeze"}
    assert {
        name for name in registry.names() if registry.provider(name).distribution == "kaohe"
    } == (builtin)
    # and kaohe-hotline, the bureau's plugin of this repository (installed by tox)
    assert set(registry.names()) == builtin | set(PROVIDER) | {"hotline"}


# -- each distribution documents itself -----------------------------------------

SCHEME_HEAD = """
[scheme]
name = "readme"
title = "README snippet"
year = 2019
categories = ["乡镇", "县级部门"]
"""
DEFAULT_TARGETS = """
[targets]
basis = "README"
indicators = { "目标" = 100 }
"""


@pytest.mark.parametrize("dist", list(REFERENCE))
def test_readme_shows_how_to_install_and_enable(registry: Registry, dist: str) -> None:
    readme = ROOT / "plugins" / dist / "README.md"
    assert readme.is_file(), f"{dist} has no README.md (its pyproject.toml names one)"
    text = readme.read_text(encoding="utf-8")
    assert f"pip install ./plugins/{dist}" in text
    snippets = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    assert len(snippets) == 1, "one TOML snippet that enables the rules"
    snippet = snippets[0]
    targets = "" if "[targets]" in snippet else DEFAULT_TARGETS
    document = tomllib.loads(SCHEME_HEAD + targets + snippet)
    the_scheme = kaohe.Scheme.from_dict(document, registry)
    assert set(REFERENCE[dist]) <= set(kernel.plan(the_scheme).rules)
    # every parameter of the rules is documented by its key
    for rule in REFERENCE[dist]:
        for key in registry.rule(rule).params:
            assert f"`{key}`" in text, f"{dist}: parameter {rule}.{key} is not documented"


# -- installed is not enabled ---------------------------------------------------


def test_installing_does_not_activate(registry: Registry) -> None:
    minimal = kaohe.Scheme.from_dict(scheme(), registry)
    # only R1 (required) and the kernel's unit score run
    assert kernel.plan(minimal).rules == ("targets", "unit_score")
    switched_off = kaohe.Scheme.from_dict(scheme(supervision={"enabled": False}), registry)
    assert kernel.plan(switched_off).rules == ("targets", "unit_score")
    enabled = kaohe.Scheme.from_dict(scheme(supervision={}, veto={}), registry)
    assert set(kernel.plan(enabled).rules) == {"targets", "supervision", "veto", "unit_score"}


# -- absent plugins -------------------------------------------------------------


def registry_without(dist: str) -> Registry:
    """The rules of every installed plugin but ``dist`` (as if it were not installed)."""
    others = [
        entry_point.load()
        for name, entry_points in entry_points_by_distribution().items()
        if name != dist
        for entry_point in entry_points
    ]
    return Registry.from_plugin_manager(
        kaohe.get_plugin_manager(entry_points=False, plugins=others)
    )


@pytest.mark.parametrize("rule", list(PROVIDER))
def test_scheme_naming_an_absent_rule_names_the_distribution_to_install(rule: str) -> None:
    dist = PROVIDER[rule]
    registry = registry_without(dist)
    assert rule not in registry.names()
    document = scheme() if rule == "targets" else scheme(**{rule: {}})
    document["scheme"]["requires"] = [dist]
    with pytest.raises(kaohe.UnknownRuleError) as caught:
        kaohe.Scheme.from_dict(document, registry)
    assert caught.value.key == rule
    assert str(caught.value).endswith(
        f"the scheme requires {dist} ([scheme] requires), which provide no installed plugin: "
        "install them"
    )


def test_builtin_only_manager_has_no_reference_rule() -> None:
    registry = Registry.from_plugin_manager(kaohe.get_plugin_manager(entry_points=False))
    assert set(registry.names()).isdisjoint(PROVIDER)
    document = scheme()
    document["scheme"]["requires"] = ["kaohe-targets"]
    with pytest.raises(kaohe.UnknownRuleError, match="requires kaohe-targets "):
        kaohe.Scheme.from_dict(document, registry)


def test_unknown_rule_of_a_scheme_requiring_nothing_names_no_distribution() -> None:
    with pytest.raises(kaohe.UnknownRuleError, match="did you mean 'supervision'") as caught:
        kaohe.Scheme.from_dict(scheme(supervison={}), Registry.from_plugin_manager())
    assert "requires" not in str(caught.value)


def test_the_reference_schemes_require_exactly_the_distributions_of_their_rules(
    registry: Registry,
) -> None:
    for path in sorted(ROOT.glob("schemes/*.toml")):
        loaded = kaohe.load_scheme(path, registry)
        providers = {registry.provider(name).distribution for name in loaded.rules} - {"kaohe"}
        requires = tomllib.loads(path.read_text(encoding="utf-8"))["scheme"]["requires"]
        assert set(requires) == providers, path


# -- conflicts ------------------------------------------------------------------


def _rule(name: str) -> Rule:
    return Rule(
        name=name,
        title="a second rule of this name",
        reference="X1",
        steps=(Step("nothing", lambda ctx: {}),),
    )


class SecondSupervision:
    """A third-party plugin that claims the name of a reference rule."""

    KAOHE_API = "1.1"

    @kaohe.hookimpl
    def kaohe_register_rules(self) -> list[Rule]:
        return [_rule("supervision")]


def test_two_plugins_providing_one_rule_is_an_error() -> None:
    manager = kaohe.get_plugin_manager(plugins=[SecondSupervision()])
    with pytest.raises(kaohe.KaoheError, match="rule 'supervision' is provided twice") as caught:
        Registry.from_plugin_manager(manager)
    assert "kaohe-supervision" in str(caught.value)


def test_origins_follow_the_registered_plugins() -> None:
    """origins() is kept per manager, and found again when the plugins change: the
    same answer as reading each distribution's metadata afresh."""
    from kaohe.plugins import origins

    manager = kaohe.get_plugin_manager()
    first = origins(manager)
    assert first["kaohe.builtin.unit_score"] == ("kaohe", metadata.version("kaohe"))
    for plugin, dist in manager.list_plugin_distinfo():
        name = manager.get_name(plugin)
        assert name is not None
        assert first[name] == (dist.project_name, dist.version)
    first["x"] = ("changed", "")  # a caller's copy
    assert origins(manager) == {k: v for k, v in first.items() if k != "x"}
    extra = SecondSupervision()
    manager.register(extra, name="extra")
    assert origins(manager)["extra"] == ("extra", "unregistered")
    manager.unregister(extra)
    assert "extra" not in origins(manager)
    manager.register(NotARule(), name="extra")  # another object under the same name
    assert origins(manager)["extra"] == ("extra", "unregistered")


class NotARule:
    KAOHE_API = "1.1"

    @kaohe.hookimpl
    def kaohe_register_rules(self) -> list[Any]:
        return ["supervision"]


def test_a_plugin_must_return_rule_objects() -> None:
    manager = kaohe.get_plugin_manager(entry_points=False, plugins=[NotARule()])
    with pytest.raises(kaohe.KaoheError, match=r"expected kaohe\.Rule objects"):
        Registry.from_plugin_manager(manager)


# -- local plugin files ---------------------------------------------------------

LOCAL_PLUGIN = '''
"""A local rule: the same bonus for every unit."""

import numpy as np

import kaohe
from kaohe.blocks import BONUS, UNIT, Adjustments, strings
from kaohe.params import Number

KAOHE_API = "1.1"


def compute(ctx):
    n = ctx.n_units
    points = np.broadcast_to(ctx.param("points"), (ctx.k, n)).copy()
    block = Adjustments(
        entity=UNIT, kind="bonus", rule=ctx.rule, index=np.arange(n), points=points,
        source_table=strings("units", n), source_id=ctx.data.unit_ids.copy(),
        effect=strings(BONUS, n), note=strings("flat bonus", n),
    )
    return {"unit.adjustments": [block]}


RULE = kaohe.Rule(
    name="flat_bonus",
    title="flat bonus",
    reference="X1",
    params={"points": Number(1.5, "bonus per unit")},
    steps=(kaohe.Step("bonus", compute, reads={"table.units"}, writes={"unit.adjustments"}),),
)


@kaohe.hookimpl
def kaohe_register_rules():
    return [RULE]
'''


def test_plugin_dir_loads_a_local_plugin_file(tmp_path: Path) -> None:
    (tmp_path / "flat_bonus.py").write_text(LOCAL_PLUGIN, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a plugin", encoding="utf-8")
    registry = Registry.from_plugin_manager(kaohe.get_plugin_manager(plugin_dir=tmp_path))
    provider = registry.provider("flat_bonus")
    # a local file is no installed distribution: its provider names the file
    assert provider.distribution.startswith("local:")
    assert "flat_bonus" in provider.distribution
    assert provider.version != metadata.version("kaohe")
    # the reference plugins are still there
    assert set(PROVIDER) <= set(registry.names())

    def score(document: dict[str, Any]) -> list[float]:
        the_scheme = kaohe.Scheme.from_dict(document, registry)
        tables = data([("u1", "乡镇", 90), ("u2", "乡镇", 80)])
        dataset = kaohe.data_from_columns(columns(tables), the_scheme)
        return kaohe.evaluate(the_scheme, dataset).units.score[0].tolist()

    assert score(scheme(flat_bonus={})) == [91.5, 81.5]  # the declared 1.5
    assert score(scheme(flat_bonus={"points": 2.25})) == [92.25, 82.25]
    assert score(scheme()) == [90.0, 80.0]  # installed, not enabled
    # without the folder the rule is unknown
    with pytest.raises(kaohe.UnknownRuleError, match="flat_bonus"):
        kaohe.Scheme.from_dict(scheme(flat_bonus={}), Registry.from_plugin_manager())


def test_plugin_dir_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(kaohe.KaoheError, match="expected a folder"):
        kaohe.get_plugin_manager(plugin_dir=tmp_path / "missing")


# -- hooks cannot rot -----------------------------------------------------------

HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if callable(value) and hasattr(value, f"{hookspecs.PROJECT}_spec")
)
SOURCE = {
    path: path.read_text(encoding="utf-8")
    for path in Path(kaohe.__file__).resolve().parent.rglob("*.py")
    if path.name != "hookspecs.py"
}


def test_hookspecs_are_found() -> None:
    assert "kaohe_register_rules" in HOOKS
    assert len(HOOKS) >= 3


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_and_used(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook))
    assert doc, f"hook {hook} has no docstring"
    implemented = kaohe.get_plugin_manager().hook.__dict__[hook].get_hookimpls()
    calls = re.compile(rf'\.hook\.{hook}\b|call_hook\(\s*[^()]*?"{hook}"')
    called = [str(path) for path, text in SOURCE.items() if calls.search(text)]
    assert implemented or called, f"hook {hook} is neither implemented nor called in kaohe"


def test_installed_plugins_implement_only_known_hooks() -> None:
    manager = kaohe.get_plugin_manager()
    manager.check_pending()  # raises for an implementation of a hook with no spec
    for plugin in manager.get_plugins():
        for name in dir(plugin):
            if name.startswith("kaohe_") and callable(getattr(plugin, name)):
                assert name in HOOKS, f"{manager.get_name(plugin)} defines unknown hook {name}"


class _Touchy:
    """A module attribute that must not be looked into (as pluggy promises)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"looked up {name}")


def test_a_plugin_modules_marked_functions_are_its_hooks_and_nothing_else_is_touched() -> None:
    import types

    module = types.ModuleType("kaohe_touchy")
    module.KAOHE_API = "1.0"  # type: ignore[attr-defined]
    module.touchy = _Touchy()  # type: ignore[attr-defined]
    module.re = re  # type: ignore[attr-defined]

    def kaohe_register_rules() -> list[Rule]:
        return []

    def kaohe_register_tables() -> list[object]:  # not marked: not a hook
        raise AssertionError("called")

    module.kaohe_register_rules = kaohe.hookimpl(kaohe_register_rules)  # type: ignore[attr-defined]
    module.kaohe_register_tables = kaohe_register_tables  # type: ignore[attr-defined]
    manager = kaohe.get_plugin_manager(entry_points=False, plugins=[module])
    hooks = {impl.plugin_name for impl in manager.hook.kaohe_register_rules.get_hookimpls()}
    assert "kaohe_touchy" in hooks
    mine = manager.hook.kaohe_register_tables.get_hookimpls()
    assert all(impl.plugin is not module for impl in mine)
