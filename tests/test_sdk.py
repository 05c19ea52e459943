"""``kaohe.sdk`` is the whole plugin API: documented name by name, versioned, and the
only part of kaohe the reference plugins import."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kaohe
from kaohe import sdk
from kaohe.plugins import get_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "plugin-api.md"
PLUGINS = sorted(ROOT.glob("plugins/*/src/*/*.py"))


def test_the_reference_is_up_to_date() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == sdk.reference(), (
        "run: python -m kaohe.sdk > docs/plugin-api.md"
    )


def test_every_public_name_is_listed_and_described() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    for name in sdk.__all__:
        line = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
        assert line.removeprefix(f"| `{name}` |").strip(" |"), name
    assert all(hasattr(sdk, name) for name in sdk.__all__)  # arrow_compute on first use


def kaohe_imports(path: Path) -> set[str]:
    """Every module of kaohe that ``path`` imports (``kaohe.sdk`` for ``from kaohe.sdk import``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.split(".")[0] == "kaohe"
        ):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "kaohe"}
    return found


def test_the_reference_plugins_import_only_the_sdk() -> None:
    assert len(PLUGINS) >= 12
    for path in PLUGINS:
        assert kaohe_imports(path) <= {"kaohe.sdk"}, path.relative_to(ROOT)


def test_the_import_check_sees_other_imports(tmp_path: Path) -> None:
    path = tmp_path / "plugin.py"
    path.write_text("import kaohe.ledger\nfrom kaohe import Rule\nfrom kaohe.sdk import Rule\n")
    assert kaohe_imports(path) == {"kaohe.ledger", "kaohe", "kaohe.sdk"}


def test_the_reference_plugins_state_the_api_version() -> None:
    for path in PLUGINS:
        assert re.search(r'^KAOHE_API = "1\.\d+"$', path.read_text(encoding="utf-8"), re.M), path


@pytest.mark.parametrize(
    ("needed", "ok"),
    [("1.0", True), ("1", True), ("0.9", False), ("1.1", False), ("2.0", False), ("x", False)],
)
def test_compatible_versions(needed: str, ok: bool) -> None:
    assert sdk.compatible(needed, "1.0") is ok


class Future:
    """A plugin written for an API this kaohe does not provide."""

    KAOHE_API = "2.0"

    @kaohe.hookimpl
    def kaohe_register_rules(self) -> list[kaohe.Rule]:
        return []


def test_an_incompatible_plugin_is_refused_at_registration() -> None:
    with pytest.raises(kaohe.PluginError) as caught:
        get_plugin_manager(entry_points=False, plugins=[Future()])
    assert str(caught.value) == (
        "plugin Future (registration): needs plugin API '2.0' (KAOHE_API), but this kaohe "
        "provides 1.4; install a version of Future written for API 1.x or a kaohe that "
        "provides its API"
    )


class Unstated:
    """A plugin that does not say which plugin API it was written against."""

    @kaohe.hookimpl
    def kaohe_register_rules(self) -> list[kaohe.Rule]:
        return []


def test_a_plugin_stating_no_api_version_is_refused_at_registration() -> None:
    with pytest.raises(kaohe.PluginError) as caught:
        get_plugin_manager(entry_points=False, plugins=[Unstated()])
    assert str(caught.value) == (
        "plugin Unstated (registration): states no plugin API version; add "
        'KAOHE_API = "1.4" (the kaohe.sdk it was written against) to the module of its '
        "entry point"
    )


def test_a_plugin_needing_a_newer_minor_version_is_refused_and_an_older_one_accepted() -> None:
    class Older(Unstated):
        KAOHE_API = "1.0"

    class Newer(Unstated):
        KAOHE_API = "1.5"

    get_plugin_manager(entry_points=False, plugins=[Older()])
    with pytest.raises(kaohe.PluginError, match=r"needs plugin API '1\.5'"):
        get_plugin_manager(entry_points=False, plugins=[Newer()])


def test_plugins_bound_their_kaohe_version() -> None:
    for path in sorted(ROOT.glob("plugins/*/pyproject.toml")):
        assert '"kaohe>=0.1,<1"' in path.read_text(encoding="utf-8"), path


PLUGIN_TESTS = sorted(ROOT.glob("plugins/*/tests/*.py"))


def test_the_reference_plugins_tests_use_only_kaohe_testing() -> None:
    """Plugin tests run outside this repository: no ``tests.`` imports, and of kaohe
    only the package, ``kaohe.sdk``, ``kaohe.testing`` and the command line."""
    assert len(PLUGIN_TESTS) >= 12
    for path in PLUGIN_TESTS:
        found = kaohe_imports(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests")
        }
        assert not local, path
        assert found <= {"kaohe", "kaohe.sdk", "kaohe.testing", "kaohe.cli"}, path


def test_the_reference_schemes_are_bundled_with_kaohe() -> None:
    from kaohe import testing

    for name in testing.REFERENCE_SCHEMES:
        path = testing.reference_scheme(name)
        assert path.read_bytes() == (ROOT / "schemes" / f"{name}.toml").read_bytes()
        assert (path.with_suffix("") / "units.csv").is_file()
    with pytest.raises(KeyError, match="no reference scheme 'county-2020'; expected one of"):
        testing.reference_scheme("county-2020")


def test_kaohe_testing_is_a_pytest_plugin(pytestconfig: pytest.Config) -> None:
    """Registered through the pytest11 entry point, so its fixtures are everywhere."""
    from importlib import metadata

    points = [p for p in metadata.entry_points(group="pytest11") if p.value == "kaohe.testing"]
    assert [p.dist.name for p in points if p.dist is not None] == ["kaohe"]
    assert pytestconfig.pluginmanager.has_plugin("kaohe")
