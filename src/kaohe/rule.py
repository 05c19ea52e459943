"""What a plugin registers: :class:`Rule` objects made of :class:`Step` s.

A step declares the *slots* it reads and writes. Slots are named values on
the kernel's blackboard: the input tables (``table.<name>``), and the
results that rules hand to each other: the core's (listed in :data:`SLOTS`)
and those a rule introduces, which it declares in ``Rule.slots``. A slot is
either *exclusive* (exactly one enabled step may write it) or a
*collection* (any number of steps contribute blocks; every contributor runs
before any reader). From these declarations the kernel orders the steps and
refuses conflicts, cycles, missing inputs and slots nobody declared (a
misspelt name) before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import blocks
from .audit.explaining import Explainer
from .i18n import Messages, gettext
from .params import Param
from .values import Value

if TYPE_CHECKING:
    from .context import StepContext

TABLE_PREFIX = "table."


@attrs.frozen(repr=False, eq=False)
class Slot(Value):
    """A named value on the blackboard.

    ``collection`` slots gather blocks of type ``block`` from many steps;
    exclusive slots hold one value written by one step. ``default`` is what
    a step that ``uses`` the slot gets when no enabled step wrote it (a
    collection: an empty list).
    """

    name: str
    doc: str
    collection: bool = False
    block: type | None = None
    entity: str | None = None
    default: Any = None


SLOTS: Mapping[str, Slot] = {
    slot.name: slot
    for slot in (
        Slot("tolerance", "容错纠错 decisions per ledger row (kaohe.context.Tolerance)"),
        Slot(
            "derived.criticisms",
            "criticisms derived from other records (R5 overdue notices)",
            collection=True,
            block=blocks.Derived,
        ),
        Slot(
            "derived.sanctions",
            "sanctions derived by 一案双查 and 零问责",
            collection=True,
            block=blocks.Derived,
        ),
        Slot("unit.target", "T per unit, (K, n_units), and T per indicator"),
        Slot("unit.satisfaction", "s per unit, (K, n_units), NaN where no survey"),
        Slot("unit.composite", "C per unit, (K, n_units)"),
        Slot(
            "unit.adjustments",
            "deductions and bonuses of units",
            collection=True,
            block=blocks.Adjustments,
            entity=blocks.UNIT,
        ),
        Slot(
            "unit.effects",
            "grade effects on units",
            collection=True,
            block=blocks.Effects,
            entity=blocks.UNIT,
        ),
        Slot(
            "unit.flags", "flags of units", collection=True, block=blocks.Flags, entity=blocks.UNIT
        ),
        Slot("unit.score", "F, deductions and bonus per unit (kaohe.builtin.unit_score)"),
        Slot("unit.grade", "rank and grade per unit (kaohe.builtin.unit_grading)"),
        Slot(
            "cadre.components",
            "weighted parts of a cadre's score (R14)",
            collection=True,
            block=blocks.Component,
            entity=blocks.CADRE,
        ),
        Slot(
            "cadre.adjustments",
            "deductions of cadres (attendance)",
            collection=True,
            block=blocks.Adjustments,
            entity=blocks.CADRE,
        ),
        Slot(
            "cadre.effects",
            "grade effects on cadres",
            collection=True,
            block=blocks.Effects,
            entity=blocks.CADRE,
        ),
        Slot(
            "cadre.flags",
            "flags of cadres",
            collection=True,
            block=blocks.Flags,
            entity=blocks.CADRE,
        ),
        Slot("cadre.score", "S and V per cadre (kaohe.builtin.cadre_score)"),
        Slot("cadre.grade", "rank in unit and grade per cadre (kaohe.builtin.cadre_grading)"),
        Slot(
            "freezes",
            "promotion-freeze windows",
            collection=True,
            block=blocks.Freezes,
            entity=blocks.CADRE,
        ),
        Slot("cadre.frozen_until", "frozen_until per cadre at as_of (R16)"),
    )
}


def slot(name: str, declared: Mapping[str, Slot] = SLOTS) -> Slot:
    """The slot called ``name`` among ``declared``; tables are exclusive slots."""
    return declared.get(name) or Slot(name, "")


def table_slot(table: str) -> str:
    """The slot name of input table ``table``."""
    return TABLE_PREFIX + table


def _names(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _slots(values: Iterable[Slot]) -> tuple[Slot, ...]:
    # a function, not the type tuple: attrs reads a converter's signature, and a
    # built-in's is parsed from text by the tokenize module (3 ms to compile its
    # patterns, once per process)
    return tuple(values)


@attrs.frozen(repr=False, eq=False)
class Step(Value):
    """One unit of work of a rule.

    ``run(ctx)`` is called once per evaluation (per batch of scenarios),
    after every step that writes a slot in ``reads`` or ``uses``. It returns
    a mapping with exactly the slots in ``writes``: a block list for a
    collection slot, any value for an exclusive one. ``reads`` must be
    provided by some enabled step or be an input table; ``uses`` are
    optional inputs (``ctx.get`` returns the default when nobody wrote them).
    """

    name: str
    run: Callable[[StepContext], Mapping[str, Any]]
    reads: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    uses: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    writes: frozenset[str] = attrs.field(default=frozenset(), converter=_names)

    def tables(self) -> frozenset[str]:
        """The input tables this step reads."""
        return frozenset(
            name[len(TABLE_PREFIX) :]
            for name in self.reads | self.uses
            if name.startswith(TABLE_PREFIX)
        )


#: ``Rule.activation`` values.
OPTIONAL = "optional"  # enabled by a table of its name in the scheme
REQUIRED = "required"  # the scheme must have its table (R1 targets)
ALWAYS = "always"  # part of the kernel: runs in every scheme, takes no table


@attrs.frozen(repr=False, eq=False)
class Rule(Value):
    """A rule as a plugin registers it.

    ``name`` is the scheme table that enables and configures it; ``params``
    its declared parameters with reference values; ``needs`` rules that must
    be enabled with it; ``requires_tables`` input tables that must be
    present when it is enabled (``votes`` for cadre scoring); ``slots`` the
    slots this rule introduces (a slot of :data:`SLOTS` is declared already;
    every other slot a step reads, uses or writes must be declared by some
    installed rule); ``explainer`` its part of ``kaohe explain``
    (:class:`~kaohe.audit.explaining.Explainer`); ``messages`` the plugin's
    own catalog (:class:`~kaohe.i18n.Messages`), which translates the
    descriptions of its parameters where they are shown (:meth:`text`).
    """

    name: str
    title: str
    reference: str
    steps: tuple[Step, ...]
    params: Mapping[str, Param] = attrs.field(factory=dict)
    needs: tuple[str, ...] = ()
    requires_tables: tuple[str, ...] = ()
    activation: str = OPTIONAL
    doc: str = ""
    slots: tuple[Slot, ...] = attrs.field(default=(), converter=_slots)
    explainer: Explainer | None = None
    messages: Messages | None = None

    def text(self, message: str) -> str:
        """``message`` (a parameter's ``doc``, marked with ``N_``) in the current language:
        from the rule's own catalog (``messages``), else from kaohe's."""
        return self.messages.gettext(message) if self.messages is not None else gettext(message)

    def tables(self) -> frozenset[str]:
        """Every input table this rule's steps read."""
        return frozenset().union(*(step.tables() for step in self.steps))
