"""The scoring kernel: order the enabled rules' steps, run them, check what they return.

:func:`plan` turns a scheme into an ordered list of steps from what each
step reads, uses and writes, refusing conflicts (two writers of an exclusive
slot), cycles and inputs nobody provides. :func:`run` executes a plan on a
dataset for a batch of ``K`` scenarios that share the scheme's structure,
and returns the blackboard of slots. A step that raises, or returns values
of the wrong shape, dtype or with NaN, stops the run with a
:class:`~kaohe.errors.PluginError` naming its distribution and rule; so
does a text function a step hands over (notes, ids) that raises later,
when the results are written or explained.
"""

from __future__ import annotations

import difflib
import graphlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .blocks import CADRE, UNIT
from .context import StepContext
from .errors import DataError, KaoheError, PluginError, RuleGraphError
from .i18n import _
from .rule import TABLE_PREFIX, Rule, Slot, Step, slot
from .values import Value

if TYPE_CHECKING:
    from .data import Dataset
    from .plugins import Registry
    from .scheme import Scheme


@attrs.frozen(repr=False, eq=False)
class PlannedStep(Value):
    """A step in run order, with the rule it belongs to."""

    rule: Rule
    step: Step


@attrs.frozen(repr=False, eq=False)
class Plan(Value):
    """The steps of a scheme's enabled rules in an order that respects every dependency."""

    steps: tuple[PlannedStep, ...]
    tables_read: frozenset[str]

    @property
    def rules(self) -> tuple[str, ...]:
        """Enabled rule names in run order of their first step."""
        seen: dict[str, None] = {}
        for planned in self.steps:
            seen.setdefault(planned.rule.name, None)
        return tuple(seen)


def plan(scheme: Scheme) -> Plan:
    """Order the steps of the scheme's enabled rules.

    Raises :class:`~kaohe.errors.PluginError` when a step reads, uses or
    writes a slot that no installed rule declares (a misspelt name), and
    :class:`~kaohe.errors.RuleGraphError` when a rule needs another rule
    that is not enabled, when two steps write one exclusive slot, when a
    step reads a slot that no enabled step writes, or on a cycle.
    """
    registry = scheme.registry
    rules = [registry.rule(name) for name in scheme.enabled]
    for rule in rules:
        _check_declared(rule, registry)
    enabled = {rule.name for rule in rules}
    for rule in rules:
        for needed in rule.needs:
            if needed not in enabled:
                raise RuleGraphError(
                    _(
                        "{scheme}: rule '{rule}' ({title}) needs rule '{needed}'; "
                        "add a [{needed}] table to the scheme"
                    ).format(scheme=scheme.path, rule=rule.name, title=rule.title, needed=needed)
                )
    steps = [PlannedStep(rule, step) for rule in rules for step in rule.steps]
    writers: dict[str, list[int]] = {}
    for index, planned in enumerate(steps):
        for name in planned.step.writes:
            writers.setdefault(name, []).append(index)
    for name, indices in writers.items():
        if len(indices) > 1 and not registry.slot(name).collection:
            first, second = (steps[i].rule.name for i in indices[:2])
            raise RuleGraphError(
                _(
                    "{scheme}: rules '{first}' and '{second}' both write '{slot}'; "
                    "enable only one of them"
                ).format(scheme=scheme.path, first=first, second=second, slot=name)
            )
    graph: dict[int, set[int]] = {}
    for index, planned in enumerate(steps):
        deps: set[int] = set()
        for name in planned.step.reads:
            if name.startswith(TABLE_PREFIX):
                continue
            if name not in writers:
                raise RuleGraphError(
                    _(
                        "{scheme}: rule '{rule}' needs '{slot}' ({what}), which no enabled "
                        "rule provides"
                    ).format(
                        scheme=scheme.path,
                        rule=planned.rule.name,
                        slot=name,
                        what=registry.slot(name).doc or _("a result of another rule"),
                    )
                )
            deps.update(writers[name])
        for name in planned.step.uses:
            deps.update(writers.get(name, ()))
        deps.discard(index)
        graph[index] = deps
    sorter = graphlib.TopologicalSorter(graph)
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError as error:
        cycle = " -> ".join(f"{steps[i].rule.name}.{steps[i].step.name}" for i in error.args[1])
        raise RuleGraphError(
            _("{scheme}: the enabled rules form a cycle: {cycle}").format(
                scheme=scheme.path, cycle=cycle
            )
        ) from None
    tables = frozenset().union(*(rule.tables() for rule in rules))
    return Plan(tuple(steps[i] for i in order), tables)


def _check_declared(rule: Rule, registry: Registry) -> None:
    """Every slot the rule's steps read, use or write is declared: a core slot, a slot
    some installed rule introduces, or ``table.<name>`` of a known input table."""
    known = [*registry.slots, *(TABLE_PREFIX + name for name in registry.tables)]
    for step in rule.steps:
        for how, names in (("reads", step.reads), ("uses", step.uses), ("writes", step.writes)):
            for name in sorted(names):
                if name in registry.slots or (
                    name.startswith(TABLE_PREFIX) and name[len(TABLE_PREFIX) :] in registry.tables
                ):
                    continue
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise PluginError(
                    registry.provider(rule.name).distribution,
                    rule.name,
                    f"step '{step.name}' {how} '{name}', a slot that no installed rule "
                    f"declares{hint} (a rule that introduces a slot declares it in Rule.slots)",
                    stage="planning",
                )


def check_tables(scheme: Scheme, data: Dataset) -> None:
    """Raise DataError when an enabled rule requires a table the data lacks."""
    for name in scheme.enabled:
        rule = scheme.registry.rule(name)
        for table in rule.requires_tables:
            if not data.tables[table].present:
                raise DataError(
                    table,
                    _("missing required table '{table}' (rule '{rule}', {title}, reads it)").format(
                        table=table, rule=rule.name, title=rule.title
                    ),
                )


def run(
    schemes: Sequence[Scheme],
    data: Dataset,
    the_plan: Plan | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    outcomes_only: bool = False,
) -> dict[str, Any]:
    """Evaluate a batch of scenarios sharing one structure; return the slots.

    ``schemes[0]`` fixes the structure; the others differ only in numbers.
    ``progress(1)`` is called after each step. ``outcomes_only``: the caller
    keeps only the published outcomes (:attr:`StepContext.outcomes_only`).
    """
    scheme = schemes[0]
    the_plan = the_plan or plan(scheme)
    check_tables(scheme, data)
    sizes = {UNIT: int(data.unit_ids.shape[0]), CADRE: int(data.cadre_ids.shape[0])}
    slots: dict[str, Any] = {}
    for planned in the_plan.steps:
        step, rule = planned.step, planned.rule
        provider = scheme.registry.provider(rule.name)
        ctx = StepContext(
            schemes=schemes,
            data=data,
            rule=rule.name,
            slots=slots,
            allowed=step.reads | step.uses,
            outcomes_only=outcomes_only,
        )
        try:
            produced = step.run(ctx)
        except KaoheError:
            raise
        except (Exception, SystemExit) as error:  # a plugin's bug must not pass as a result
            raise PluginError(
                provider.distribution,
                rule.name,
                f"step '{step.name}' raised {type(error).__name__}: {error}",
            ) from error
        _store(
            produced,
            step,
            rule,
            provider.distribution,
            len(schemes),
            sizes,
            slots,
            scheme.registry.slots,
        )
        if progress is not None:
            progress(1)
    return slots


def _store(
    produced: Mapping[str, Any],
    step: Step,
    rule: Rule,
    distribution: str,
    k: int,
    sizes: Mapping[str, int],
    slots: dict[str, Any],
    declared_slots: Mapping[str, Slot],
) -> None:
    def fail(message: str) -> PluginError:
        return PluginError(distribution, rule.name, f"step '{step.name}' {message}")

    if not isinstance(produced, Mapping):
        raise fail(f"returned {type(produced).__name__}, expected a mapping of slots")
    if set(produced) != set(step.writes):
        raise fail(f"returned slots {sorted(produced)}, expected exactly {sorted(step.writes)}")
    for name, value in produced.items():
        declared = slot(name, declared_slots)
        value = _guard_text(value, distribution, rule.name)
        if not declared.collection:
            slots[name] = value
            continue
        if not isinstance(value, (list, tuple)):
            raise fail(f"returned {type(value).__name__} for '{name}', expected a list of blocks")
        for block in value:
            if declared.block is not None and not isinstance(block, declared.block):
                raise fail(
                    f"returned {type(block).__name__} in '{name}', "
                    f"expected {declared.block.__name__}"
                )
            entity = getattr(block, "entity", declared.entity) or CADRE
            try:
                block.check(k, sizes[entity])
            except ValueError as error:
                raise fail(f"returned a bad block in '{name}': {error}") from None
        slots.setdefault(name, []).extend(value)


@attrs.frozen(repr=False, eq=False)
class _GuardedText(Value):
    """A rule's text function; an exception it raises names the plugin and rule."""

    function: Callable[[], Any]
    distribution: str
    rule: str

    def __call__(self) -> Any:
        return self._guarded(self.function)

    def arrow(self) -> Any:
        """The function's text as Arrow, where it offers that (``function.arrow()``)."""
        return self._guarded(getattr(self.function, "arrow", self.function))

    def rows_of(self, table: object) -> Any:
        """The rows of input table ``table`` the text names, where the function
        says (``function.rows_of(table)``: ledger ids); None otherwise."""
        rows_of = getattr(self.function, "rows_of", None)
        return None if rows_of is None else self._guarded(lambda: rows_of(table))

    def _guarded(self, function: Callable[[], Any]) -> Any:
        try:
            return function()
        except KaoheError:
            raise
        except (Exception, SystemExit) as error:
            raise PluginError(
                self.distribution,
                self.rule,
                f"{type(error).__name__}: {error}",
                stage="making the text of its rows (notes, ids) for the result files",
            ) from error


def _guard_text(value: Any, distribution: str, rule: str, depth: int = 0) -> Any:
    """``value`` with the text functions of its blocks wrapped in :class:`_GuardedText`.

    Text functions are called long after the step returned them (when the
    results are written or explained); wrapped, a failure there still names
    the plugin. Walks attrs values (blocks, and the values of single slots
    that hold blocks) and lists of them, two levels deep; the wrapper gives
    what the function gives, so nothing else changes.
    """
    if isinstance(value, (list, tuple)) and depth < 2:
        items = [_guard_text(item, distribution, rule, depth + 1) for item in value]
        changed = any(a is not b for a, b in zip(items, value, strict=True))
        return type(value)(items) if changed else value
    if depth > 2 or isinstance(value, type) or not attrs.has(type(value)):
        return value
    changes = {}
    for field in attrs.fields(type(value)):
        if not field.init:
            continue
        item = getattr(value, field.name)
        if callable(item) and not isinstance(item, (type, _GuardedText)):
            changes[field.alias] = _GuardedText(item, distribution, rule)
        elif isinstance(item, (list, tuple)) or attrs.has(type(item)):
            guarded = _guard_text(item, distribution, rule, depth + 1)
            if guarded is not item:
                changes[field.alias] = guarded
    return attrs.evolve(value, **changes) if changes else value
