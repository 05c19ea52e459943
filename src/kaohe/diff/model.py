"""The values of a diff: the changed result fields, the causes, which cause moved what."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..i18n import N_, _, chinese
from ..values import Value

if TYPE_CHECKING:
    pass


#: Result fields compared, with their names (messages: 得分, 排名, ... in Chinese), per file.
FIELDS: Mapping[str, Mapping[str, str]] = {
    "units.csv": {"score": N_("score"), "rank": N_("rank"), "grade": N_("grade"),
                  "flags": N_("flags")},
    "cadres.csv": {
        "score": N_("score"),
        "grade": N_("grade"),
        "grade_reason": N_("grade reason"),
        "frozen_until": N_("frozen until"),
        "flags": N_("flags"),
    },
}  # fmt: skip


ENTITY = {"units.csv": (N_("unit"), "unit_id"), "cadres.csv": (N_("cadre"), "cadre_id")}


#: The value of a field a run does not have (无).
NONE = N_("(none)")


#: The columns of diff.csv and diff.xlsx.
COLUMNS = ("对象", "编码", "名称", "项目", "原值", "新值", "原因")


@attrs.frozen(repr=False, eq=False)
class Change(Value):
    """One result field of one unit or cadre that differs between the runs: ``entity`` and
    ``field`` are messages (:data:`FIELDS`), ``before`` and ``after`` values or :data:`NONE`."""

    entity: str
    entity_id: str
    name: str
    field: str
    before: str
    after: str


@attrs.frozen(repr=False, eq=False)
class Cause(Value):
    """An input change between the runs: a ledger record, a table, a scheme parameter, a plugin."""

    label: str
    #: (table, record id) of a ledger record, or None
    record: tuple[str, str] | None = None
    #: why the cause could not be scored alone (empty when it was, or when nothing was)
    unscored: str = ""


#: A changed result field: (entity, id, field label).
Key = tuple[str, str, str]


#: The share of a score change its causes alone do not add up to.
REMAINDER = N_("interaction / remainder")


@attrs.frozen(repr=False, eq=False)
class Diff(Value):
    """The changes between two runs, their causes and which cause moved what.

    ``effects`` maps a changed field to the causes that, applied alone to the
    first run's inputs and scored again, change it, each with the value it
    then takes; ``base`` holds the first run's inputs scored again with the
    installed code (the value the effects are measured from). ``code`` is
    the label of the plugin versions' cause when it was scored: the installed
    code is the second run's, and ``base`` against the first run's recorded
    value is its effect. ``lone`` is the only cause's label when there is
    exactly one and it could not be scored: it explains all.
    """

    first: Path
    second: Path
    changes: tuple[Change, ...]
    causes: tuple[Cause, ...]
    effects: Mapping[Key, tuple[tuple[str, str], ...]] = attrs.field(factory=dict)
    base: Mapping[Key, str] = attrs.field(factory=dict)
    lone: str | None = None
    code: str | None = None
    #: how the runs' inputs were had (a scheme rebuilt from the text its manifest keeps)
    notes: tuple[str, ...] = ()

    def reason(self, change: Change) -> str:
        """Why ``change`` happened, in the reader's language: the causes that move it alone
        and, for a score, how much each moves it, with the part they leave unexplained (their
        interaction, or what could not be scored alone).

        A score change ``after - before`` is split as ``(base - before)``, the
        plugin versions' part when :attr:`code` was scored, plus each cause's
        ``alone - base``, plus the remainder (their interaction)."""
        key = (change.entity, change.entity_id, change.field)
        found = self.effects.get(key, ())
        recoded = self.code is not None and key in self.base and self.base[key] != change.before
        if not found and not recoded:
            if self.lone is not None:
                return self.lone
            if not self.causes:
                return _("inputs unchanged")
            return _("not attributable to one change alone (several changes together)")
        total, base = as_number(change.after), as_number(self.base.get(key, change.before))
        before = as_number(change.before)
        labels = [self.code] if recoded and self.code is not None else []
        if total is None or base is None or before is None:
            return ";".join([*labels, *(label for label, _ in found)])
        parts = [(label, as_number(value) or 0.0) for label, value in found]
        code = base - before if labels else 0.0
        shown = [f"{label} {code:+.2f}" for label in labels]
        shown += [f"{label} {value - base:+.2f}" for label, value in parts]
        rest = (total - before) - code - sum(value - base for _, value in parts)
        if abs(rest) >= 0.005:
            shown.append(f"{_(REMAINDER)} {rest:+.2f}")
        return ";".join(shown)

    def rows(self, say: Callable[[str], str] = chinese) -> list[tuple[str, ...]]:
        """The changes as rows of :data:`COLUMNS`, their names said by ``say`` (in Chinese,
        as the files are written, unless told)."""
        return [
            (say(c.entity), c.entity_id, c.name, say(c.field), shown_value(c.before, say),
             shown_value(c.after, say), self.reason(c))
            for c in self.changes
        ]  # fmt: skip


def shown_value(value: str, say: Callable[[str], str]) -> str:
    """A field's value as shown: :data:`NONE` said by ``say``, any other value as it is."""
    return say(value) if value == NONE else value


def as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
