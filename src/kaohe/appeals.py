"""Appeals (申诉) kept in the ledger store, with their outcomes.

An appeal is an entry of the store (:mod:`kaohe.store`) under the name
``kaohe_appeals``, so it is append-only like every record: it names what is
appealed against (a record id such as ``SV012``, or a result such as
``XZ08`` or ``XZ08 等次``), who appealed and on what grounds. Its decision is
a later entry that replaces it: the outcome (维持, 部分更正, 更正) and, unless
the decision upholds the record, the correction entry (更正 or 撤销) it
caused. Appeals are not input tables: scoring never reads them.
"""

from __future__ import annotations

import attrs

from . import store
from .i18n import _
from .store import CORRECTED, ENTERED, WITHDRAWN, Entry, StoreError
from .values import Value

APPEALS = "kaohe_appeals"
OUTCOMES = ("维持", "部分更正", "更正")


@attrs.frozen(repr=False, eq=False)
class Appeal(Value):
    """An appeal as it stands: its filing entry and its decision, if any."""

    appeal_id: str
    filed: Entry
    decided: Entry | None

    @property
    def outcome(self) -> str:
        return "待决定" if self.decided is None else self.decided.values["outcome"]


def appeals(location: str) -> list[Appeal]:
    """Every appeal of the store, in the order filed."""
    found: dict[str, Appeal] = {}
    for entry in store.entries(location):
        if entry.table != APPEALS:
            continue
        if entry.kind == ENTERED:
            found[entry.record_id] = Appeal(entry.record_id, entry, None)
        else:
            found[entry.record_id] = attrs.evolve(found[entry.record_id], decided=entry)
    return list(found.values())


#: The columns of the appeals listed in results.xlsx and report.html.
COLUMNS = (
    "编号",
    "申诉对象",
    "申诉人",
    "申诉时间",
    "申诉理由",
    "结果",
    "所引起的更正",
    "决定人",
    "决定时间",
    "决定理由",
)


def rows(location: str) -> tuple[tuple[str, ...], ...]:
    """The appeals of a run's store location (``kaohe.db#at=...``) as they stood at its point,
    as rows of :data:`COLUMNS` (times in UTC to the minute; empty fields for what is
    undecided). A location that is not a ledger store has none."""
    base, at = store.split_at(location)
    try:
        found = appeals(base)
    except Exception:  # not a ledger store (a database of plain tables): no appeals
        return ()
    last = store.cutoff(at) if at is not None else None
    listed = []
    for appeal in found:
        filed, decided = appeal.filed, appeal.decided
        if last is not None and filed.recorded_at > last:
            continue
        if decided is not None and last is not None and decided.recorded_at > last:
            decided = None
        listed.append(
            (
                appeal.appeal_id,
                filed.values["against"],
                filed.recorded_by,
                _minute(filed.recorded_at),
                filed.values["grounds"],
                "待决定" if decided is None else decided.values["outcome"],
                "" if decided is None else decided.values.get("correction", ""),
                "" if decided is None else decided.recorded_by,
                "" if decided is None else _minute(decided.recorded_at),
                "" if decided is None else decided.reason,
            )
        )
    return tuple(listed)


def _minute(recorded_at: str) -> str:
    return recorded_at[:16].replace("T", " ")


def file(location: str, against: str, *, by: str, grounds: str) -> Entry:
    """Record an appeal against a record or a result."""
    if not against.strip():
        raise StoreError(_("--against: empty; expected a record id (SV012) or a unit or cadre"))
    if not by.strip() or not grounds.strip():
        raise StoreError(_("--by and --grounds: expected who appeals and on what grounds"))
    existing = store.entries(location)
    number = sum(1 for e in existing if e.table == APPEALS and e.kind == ENTERED) + 1
    seq = existing[-1].seq + 1 if existing else 1
    entry = Entry(
        seq, APPEALS, f"AP{number:03d}", ENTERED, None, store.stamp(store.clock()), by, grounds,
        {"against": against.strip(), "grounds": grounds},
    )  # fmt: skip
    store.append(location, [entry])
    return entry


def decide(
    location: str, appeal_id: str, outcome: str, correction: int | None, *, by: str, reason: str
) -> Entry:
    """Record an appeal's outcome; a correction outcome names the entry that corrected."""
    if outcome not in OUTCOMES:
        raise StoreError(
            _("--outcome {outcome!r}: expected one of {outcomes}").format(
                outcome=outcome, outcomes=", ".join(OUTCOMES)
            )
        )
    existing = store.entries(location)
    found = {a.appeal_id: a for a in appeals(location)}
    if appeal_id not in found:
        raise StoreError(_("no appeal '{appeal}' in the store").format(appeal=appeal_id))
    appeal = found[appeal_id]
    if appeal.decided is not None:
        raise StoreError(
            _("appeal {appeal} was decided already (entry {seq})").format(
                appeal=appeal_id, seq=appeal.decided.seq
            )
        )
    values = {**appeal.filed.values, "outcome": outcome}
    if outcome == "维持":
        if correction is not None:
            raise StoreError(_("--correction: an appeal upheld (维持) corrects nothing"))
    else:
        by_seq = {e.seq: e for e in existing}
        made = by_seq.get(correction) if correction is not None else None
        if made is None or made.kind not in (CORRECTED, WITHDRAWN):
            raise StoreError(
                _(
                    "--correction: outcome {outcome} needs the entry number of the correction "
                    "(更正 or 撤销, as kaohe ledger correct printed it)"
                ).format(outcome=outcome)
            )
        values["correction"] = f"{made.table} {made.record_id} 第 {made.seq} 条"
    entry = Entry(
        existing[-1].seq + 1, APPEALS, appeal_id, CORRECTED, appeal.filed.seq,
        store.stamp(store.clock()), by, reason, values,
    )  # fmt: skip
    store.append(location, [entry])
    return entry
