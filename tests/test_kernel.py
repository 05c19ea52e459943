"""The kernel refuses bad rule graphs and misbehaving plugins, naming them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest
from attrs import evolve as attrs_evolve
from tests.bridge import columns
from tests.cases import data, scheme

import kaohe
from kaohe import PluginError, Rule, RuleGraphError, Step, StepContext, hookimpl
from kaohe.blocks import UNIT, Adjustments, strings
from kaohe.context import Tolerance
from kaohe.kernel import plan
from kaohe.plugins import Registry, get_plugin_manager
from kaohe.rule import SLOTS

TABLES = data([("u1", "乡镇", 80.0), ("u2", "乡镇", 90.0)])


class RulesPlugin:
    """A plugin object providing the given rules."""

    KAOHE_API = "1.1"

    def __init__(self, *rules: Rule) -> None:
        self.rules = list(rules)

    @hookimpl
    def kaohe_register_rules(self) -> list[Rule]:
        return self.rules


def registry_with(*rules: Rule) -> Registry:
    manager = get_plugin_manager(plugins=[RulesPlugin(*rules)])
    return Registry.from_plugin_manager(manager)


def run(rules: tuple[Rule, ...], doc: dict[str, Any]) -> kaohe.Results:
    the_registry = registry_with(*rules)
    the_scheme = kaohe.Scheme.from_dict(doc, the_registry)
    return kaohe.evaluate(the_scheme, kaohe.data_from_columns(columns(TABLES), the_scheme))


def deducting(name: str, make: Callable[[StepContext], Any]) -> Rule:
    """A rule whose one step writes unit adjustments made by ``make``."""

    def step(ctx: StepContext) -> Mapping[str, Any]:
        return {"unit.adjustments": [make(ctx)]}

    return Rule(
        name=name,
        title=name,
        reference="X1",
        steps=(Step("deduct", step, reads={"table.units"}, writes={"unit.adjustments"}),),
    )


def adjustments(index: Any, points: Any, n: int | None = None) -> Adjustments:
    n = len(index) if n is None else n
    return Adjustments(
        entity=UNIT,
        kind="deduction",
        rule="test",
        index=np.asarray(index, dtype=np.int64),
        points=points,
        source_table=strings("units", n),
        source_id=strings("x", n),
        effect=strings("扣分", n),
        note=strings("", n),
    )


def test_a_plugin_rule_deducts_like_a_built_in_one() -> None:
    rule = deducting("fine", lambda ctx: adjustments([0], np.full((ctx.k, 1), -1.5)))
    results = run((rule,), scheme(fine={}))
    assert results.units.score[0].tolist() == [78.5, 90.0]
    assert results.units.deductions[0].tolist() == [1.5, 0.0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ctx: 1 / 0, "step 'deduct' raised ZeroDivisionError"),
        (
            lambda ctx: adjustments([0], np.zeros((ctx.k, 2)), 1),
            "expected shape (1, 1) or (1, 1), got (1, 2)",
        ),
        (lambda ctx: adjustments([0], np.array([[np.nan]])), "contains NaN or infinity"),
        (lambda ctx: adjustments([0], np.array([[1]])), "expected a float array"),
        (lambda ctx: adjustments([7], np.zeros((ctx.k, 1))), "entity index outside 0..1"),
        (lambda ctx: "nonsense", "returned str in 'unit.adjustments', expected Adjustments"),
    ],
)
def test_a_misbehaving_plugin_stops_the_run_naming_its_distribution_and_rule(
    make: Callable[[StepContext], Any], message: str
) -> None:
    with pytest.raises(PluginError) as error:
        run((deducting("broken", make),), scheme(broken={}))
    assert error.value.rule == "broken"
    assert str(error.value).startswith("plugin RulesPlugin")
    assert "(rule 'broken')" in str(error.value)
    assert message in str(error.value)


def test_a_step_must_return_exactly_the_slots_it_declares() -> None:
    rule = Rule(
        name="sloppy",
        title="sloppy",
        reference="X1",
        steps=(Step("s", lambda ctx: {}, reads={"table.units"}, writes={"unit.adjustments"}),),
    )
    with pytest.raises(PluginError, match=r"returned slots \[\], expected exactly"):
        run((rule,), scheme(sloppy={}))


def writer(name: str, slot: str, reads: frozenset[str] = frozenset()) -> Rule:
    """A rule writing ``slot`` (declared by it unless the core declares it)."""
    own = () if slot in SLOTS else (kaohe.Slot(slot, f"written by {name}"),)
    return Rule(
        name=name,
        title=name,
        reference="X1",
        steps=(Step("s", lambda ctx: {slot: None}, reads=reads, writes={slot}),),
        slots=own,
    )


def test_two_rules_writing_one_exclusive_slot_conflict() -> None:
    the_registry = registry_with(writer("one", "unit.composite"), writer("two", "unit.composite"))
    doc = scheme(one={}, two={})
    with pytest.raises(RuleGraphError, match=r"rules 'one' and 'two' both write 'unit\.composite'"):
        plan(kaohe.Scheme.from_dict(doc, the_registry))


def test_rules_reading_each_others_output_form_a_cycle() -> None:
    first = writer("first", "x.a", reads=frozenset({"x.b"}))
    second = writer("second", "x.b", reads=frozenset({"x.a"}))
    the_scheme = kaohe.Scheme.from_dict(scheme(first={}, second={}), registry_with(first, second))
    with pytest.raises(RuleGraphError, match=r"form a cycle: .*first\.s.*second\.s"):
        plan(the_scheme)


def test_an_input_that_no_enabled_rule_provides_is_refused() -> None:
    lonely = writer("lonely", "x.a", reads=frozenset({"x.nobody"}))
    installed = registry_with(lonely, writer("nobody", "x.nobody"))
    the_scheme = kaohe.Scheme.from_dict(scheme(lonely={}), installed)
    with pytest.raises(RuleGraphError, match=r"rule 'lonely' needs 'x\.nobody'.*no enabled rule"):
        plan(the_scheme)


def test_a_rule_that_needs_another_rule_says_which_table_to_add() -> None:
    the_scheme = kaohe.Scheme.from_dict(
        scheme(dual_investigation={}), Registry.from_plugin_manager()
    )
    with pytest.raises(
        RuleGraphError, match=r"needs rule 'accountability'; add a \[accountability\]"
    ):
        plan(the_scheme)


def test_steps_run_after_the_rules_whose_results_they_read(county_scheme: kaohe.Scheme) -> None:
    order = [f"{p.rule.name}.{p.step.name}" for p in plan(county_scheme).steps]
    assert order.index("tolerance.decide") < order.index("supervision.deductions")
    assert order.index("supervision.deductions") < order.index("unit_score.score")
    assert order.index("unit_score.score") < order.index("unit_grading.grade")
    assert order.index("unit_grading.grade") < order.index("cadre_grading.grade")
    assert order.index("cadre_grading.grade") < order.index("awards.promote")
    assert order.index("promotion_freeze.frozen_until") < order.index("awards.promote")


def test_installing_a_rule_does_not_enable_it(county_scheme: kaohe.Scheme) -> None:
    assert "rectification" in county_scheme.registry.names()
    assert "rectification" not in plan(county_scheme).rules
    assert "attendance" not in plan(county_scheme).rules


def test_progress_is_reported_once_per_step(
    county_scheme: kaohe.Scheme, county_data: kaohe.Dataset
) -> None:
    calls: list[int] = []
    kaohe.evaluate(county_scheme, county_data, progress=calls.append)
    assert calls == [1] * len(plan(county_scheme).steps)


def test_tolerance_factors_of_all_rows_and_of_some_rows() -> None:
    exempt = np.array([False, True, False, False])
    mitigated = np.array([False, False, True, False])
    tolerance = Tolerance(
        {"supervision": exempt}, {"supervision": mitigated}, {}, np.array([[0.5], [0.25]])
    )
    assert tolerance.factor("supervision", 4).tolist() == [[1, 0, 0.5, 1], [1, 0, 0.25, 1]]
    rows = np.array([2, 3])
    assert tolerance.factor("supervision", 4, rows).tolist() == [[0.5, 1], [0.25, 1]]
    assert tolerance.factor("notices", 3, np.array([0, 2])).tolist() == [[1, 1]]


def test_the_tolerance_deciding_rows_is_the_last_decision_of_each() -> None:
    decisions = {"supervision": (np.array([5, 2, 5, 9]), np.array(["T1", "T2", "T3", "T4"]))}
    tolerance = Tolerance({}, {}, decisions, np.ones((1, 1)))
    assert tolerance.decided_by("supervision", 11).tolist() == (
        ["", "", "T2", "", "", "T3", "", "", "", "T4", ""]
    )
    assert tolerance.deciding("supervision", np.array([9, 0, 5, 10])).tolist() == [
        "T4",
        "",
        "T3",
        "",
    ]
    assert tolerance.deciding("notices", np.array([1, 2])).tolist() == ["", ""]


def _writing(slot: str, reads: frozenset[str] = frozenset({"table.units"})) -> Rule:
    def step(ctx: StepContext) -> Mapping[str, Any]:
        return {slot: [adjustments([0], np.full((ctx.k, 1), -1.0))]}

    return Rule(
        name="typo",
        title="typo",
        reference="X1",
        steps=(Step("deduct", step, reads=reads, writes={slot}),),
    )


def test_a_misspelt_slot_is_refused_when_the_graph_is_planned() -> None:
    the_scheme = kaohe.Scheme.from_dict(scheme(typo={}), registry_with(_writing("unit.adjustment")))
    with pytest.raises(PluginError) as caught:
        plan(the_scheme)
    assert str(caught.value) == (
        "plugin RulesPlugin (rule 'typo', planning): step 'deduct' writes "
        "'unit.adjustment', a slot that no installed rule declares; did you mean "
        "'unit.adjustments'? (a rule that introduces a slot declares it in Rule.slots)"
    )


def test_a_misspelt_table_is_refused_when_the_graph_is_planned() -> None:
    rule = _writing("unit.adjustments", frozenset({"table.unit"}))
    the_scheme = kaohe.Scheme.from_dict(scheme(typo={}), registry_with(rule))
    with pytest.raises(PluginError, match=r"reads 'table.unit', .*did you mean 'table.units'\?"):
        plan(the_scheme)


def test_a_rule_introduces_a_slot_by_declaring_it() -> None:
    """A slot of the rule's own (a collection of adjustments) is written and read."""
    declared = kaohe.Slot("unit.bureau", "a bureau's own deductions", collection=True)

    def write(ctx: StepContext) -> Mapping[str, Any]:
        return {"unit.bureau": [adjustments([1], np.full((ctx.k, 1), -2.0))]}

    def forward(ctx: StepContext) -> Mapping[str, Any]:
        return {"unit.adjustments": list(ctx.get("unit.bureau"))}

    rule = Rule(
        name="bureau",
        title="bureau",
        reference="X1",
        steps=(
            Step("write", write, reads={"table.units"}, writes={"unit.bureau"}),
            Step("forward", forward, reads={"unit.bureau"}, writes={"unit.adjustments"}),
        ),
        slots=(declared,),
    )
    results = run((rule,), scheme(bureau={}))
    assert results.units.score[0].tolist() == [80.0, 88.0]


def test_a_slot_declared_twice_is_refused() -> None:
    again = kaohe.Slot("unit.adjustments", "mine")
    rule = attrs_evolve(_writing("unit.adjustments"), slots=(again,))
    with pytest.raises(PluginError, match=r"slot 'unit\.adjustments', which kaohe declares"):
        registry_with(rule)
