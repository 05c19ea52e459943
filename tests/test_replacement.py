"""A bureau replaces a reference rule by its own rule of the same name.

Each reference rule is replaced by a copy that a bureau's plugin provides
(same steps and parameters, with no explanation of its own, and its
plugin bringing the tables the reference plugin brought): scoring gives the
reference numbers, ``explain`` explains every unit and cadre and adds up,
``verify`` scores the result folder again with the bureau's rules and
finds nothing, and a what-if sweep runs. Replacing ``satisfaction`` by a
rule with other parameters (no ``response_values``) explains too.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import numpy as np
import pytest
from tests.conftest import COUNTY

import kaohe
from kaohe import publish
from kaohe.audit.explain import explain
from kaohe.audit.verify import verify
from kaohe.folders import write_folder
from kaohe.plugins import Registry, get_plugin_manager
from kaohe.whatif import Axis, simulate, sweep

#: The modules of the reference plugins (kaohe-hotline is a bureau's own, not a reference).
MODULES = sorted(
    path.name.replace("-", "_")
    for path in (Path(__file__).resolve().parents[1] / "plugins").glob("kaohe-*")
    if path.name != "kaohe-hotline"
)


class BureauPlugin:
    """A bureau's plugin: copies of ``rules``, and the tables of ``module``."""

    KAOHE_API = "1.1"

    def __init__(self, rules: list[kaohe.Rule], module: ModuleType) -> None:
        self.rules = rules
        self.module = module

    @kaohe.hookimpl
    def kaohe_register_rules(self) -> list[kaohe.Rule]:
        return self.rules

    @kaohe.hookimpl
    def kaohe_register_tables(self) -> list[Any]:
        register = getattr(self.module, "kaohe_register_tables", None)
        return list(register()) if register is not None else []


def replaced(module_name: str, change: Any = None) -> Registry:
    """The reference plugins, with ``module_name``'s rules replaced by a bureau's copies."""
    module = importlib.import_module(module_name)
    rules = [
        attrs.evolve(rule, explainer=None, doc="a bureau's own rule")
        for rule in module_rules(module)
    ]
    if change is not None:
        rules = [change(rule) for rule in rules]
    others = [importlib.import_module(name) for name in MODULES if name != module_name]
    manager = get_plugin_manager(entry_points=False, plugins=[*others, BureauPlugin(rules, module)])
    return Registry.from_plugin_manager(manager)


def module_rules(module: ModuleType) -> list[kaohe.Rule]:
    return list(module.kaohe_register_rules())


@pytest.fixture(scope="module")
def reference() -> kaohe.Results:
    scheme = kaohe.load_scheme(COUNTY)
    return kaohe.evaluate(scheme, kaohe.load_data(COUNTY.with_suffix(""), scheme))


def explained_everyone(results: kaohe.Results) -> None:
    for kind, ids in (("unit", results.units.ids), ("cadre", results.cadres.ids)):
        for entity in ids.tolist():
            assert explain(results, f"{kind}:{entity}").adds_up, entity


@pytest.mark.parametrize("module_name", MODULES)
def test_a_same_named_copy_scores_explains_verifies_and_studies(
    module_name: str,
    reference: kaohe.Results,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = replaced(module_name)
    copied = {rule.name for rule in module_rules(importlib.import_module(module_name))}
    assert {registry.provider(name).plugin for name in copied} == {"BureauPlugin"}
    monkeypatch.chdir(COUNTY.parent.parent)
    inputs = publish.load(Path("schemes") / COUNTY.name, None, registry)
    results = publish.score(inputs)
    np.testing.assert_array_equal(results.units.score, reference.units.score)
    np.testing.assert_array_equal(results.cadres.score, reference.cadres.score)
    explained_everyone(results)
    _, files = publish.result_files(results, inputs)
    write_folder(tmp_path / "out", files)
    assert verify(tmp_path / "out", registry=registry) == []
    outcome = simulate(
        sweep(inputs.scheme, [Axis("unit_grading.excellent_quota", [0.2, 0.3])]), inputs.data
    )
    np.testing.assert_array_equal(outcome.unit_score[1], reference.units.score[0])
    np.testing.assert_array_equal(outcome.unit_grade[1], reference.units.grade[0])


def test_satisfaction_replaced_by_a_rule_with_other_parameters_explains(tmp_path: Path) -> None:
    """The crash of ``KeyError: 'response_values'``: a bureau's satisfaction has other params."""

    def other_params(rule: kaohe.Rule) -> kaohe.Rule:
        params = {k: v for k, v in rule.params.items() if k != "response_values"}

        def composite(ctx: kaohe.StepContext) -> dict[str, Any]:
            target = ctx.get("unit.target").score
            return {"unit.satisfaction": np.full_like(target, np.nan), "unit.composite": target}

        step = attrs.evolve(rule.steps[0], run=composite)
        return attrs.evolve(rule, params=params, steps=(step,))

    registry = replaced("kaohe_satisfaction", other_params)
    text = COUNTY.read_text(encoding="utf-8").replace("response_values = {", "# {")
    (tmp_path / COUNTY.name).write_text(text, encoding="utf-8")
    scheme = kaohe.load_scheme(tmp_path / COUNTY.name, registry)
    results = kaohe.evaluate(scheme, kaohe.load_data(COUNTY.with_suffix(""), scheme))
    got = explain(results, "XZ08").render()
    assert "二、满意度测评〔satisfaction〕\n  由本规则计算:C = " in got
    explained_everyone(results)
