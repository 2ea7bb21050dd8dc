"""Result intake in batches: group commit of the listener's callbacks (D11, D12, D16, DESIGN §6).

``record(station, items)`` records callbacks in ONE transaction, so one fsync covers them all:

- a callback and its effect are committed together, and the events are published after the
  commit, in the callbacks' order;
- if anything in the batch fails (one callback's effect, or the commit), the transaction is
  rolled back and every callback is recorded again in a transaction of its own, so one bad
  callback cannot make the others fail: each gets its own outcome or exception (the listener
  answers 00 or 21);
- callbacks are applied in order, each seeing the effects of those before it, as one by one: the
  same callback twice in one batch is a D12 duplicate of the first.

The database sees a batch as a few statements, whatever its size (``station.core.intake_reads``):
the candidate registrations of all its callbacks, the device rows they match (locked ``FOR
UPDATE`` on PostgreSQL), the stored twins of their fingerprints (D12); then, decided in memory in
order, one multi-row insert of the new raw callbacks, one of the door events, and one update per
device whose state changed. Few statements matter more than their cost: each one lets the event
loop's thread take the interpreter lock, and the store thread then waits to get it back.
The rules are the domain's (``pick``, ``rules.after_result``, ``apply_target``), so single calls
(a batch of one) and batches decide alike.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from station.core.intake_reads import INSERT_DOOR, INSERT_INBOX, Reads, Reg, insert_many
from station.domain import rules
from station.domain.callbacks import CallbackOutcome, RawCallback
from station.domain.events import DeviceStateChanged, DoorOpened, Event
from station.domain.matching import Candidate, mask_phone, pick
from station.domain.states import DeviceState, DoorFlag
from station.protocol.callbacks import DoorOpen, FaceResult
from station.store.queries import apply_target, target_of

if TYPE_CHECKING:
    from station.core.station import Station

log = logging.getLogger(__name__)

Callback = tuple[FaceResult | DoorOpen, RawCallback]
Recorded = CallbackOutcome | Exception
ATTEMPTS = 3  # one by one: a transaction that lost a race on a unique key is retried


@dataclass
class _Done:
    outcome: CallbackOutcome
    events: list[Event] = field(default_factory=list)


@dataclass
class New:
    """A new callback's rows, written with the batch (``_write``)."""

    inbox: dict[str, Any]
    door: dict[str, Any] | None
    done: _Done

    @property
    def outcome(self) -> CallbackOutcome:
        return self.done.outcome


@dataclass(frozen=True)
class _Match:
    found: dict[int, tuple[Candidate, Reg]]
    chosen: Candidate | None


def record(station: Station, items: Sequence[Callback]) -> list[Recorded]:
    """Record ``items`` (see the module docstring); one outcome or exception per item, in order.
    Events are published and each callback logged after the commit."""
    try:
        done: list[_Done | Exception] = list(_batch(station, items))
    except Exception as exc:  # something failed: the batch is rolled back, one by one now
        if len(items) > 1:
            log.warning(
                "batch of %d callbacks failed (%s): recording them one by one",
                len(items),
                type(exc).__name__,
            )
        done = [_alone(station, item) for item in items]
    results: list[Recorded] = []
    for item, one in zip(items, done, strict=True):
        if isinstance(one, Exception):
            results.append(one)
            continue
        for event in one.events:
            station.bus.publish(event)
        _log(item[0], one.outcome)
        results.append(one.outcome)
    return results


def _batch(station: Station, items: Sequence[Callback]) -> list[_Done]:
    with station.store.transaction() as session:
        return _apply(station, session.connection(), items)


def _alone(station: Station, item: Callback) -> _Done | Exception:
    for attempt in range(ATTEMPTS):
        try:
            with station.store.transaction() as session:
                (one,) = _apply(station, session.connection(), [item])
            return one
        except IntegrityError as exc:  # lost a race on a unique key: a retry sees the winner
            if attempt == ATTEMPTS - 1:
                return exc
        except Exception as exc:
            return exc
    raise AssertionError("unreachable")


def _apply(station: Station, conn: Connection, items: Sequence[Callback]) -> list[_Done]:
    orders = {p.work_order for p, _ in items if p.work_order is not None}
    devices = {p.device_id for p, _ in items if p.work_order is None}
    reads = Reads(conn, orders, devices)
    matches = [_match(reads, parsed) for parsed, _ in items]
    reads.lock_targets(
        (m.chosen.registration_id, p.device_id)
        for (p, _), m in zip(items, matches, strict=True)
        if m.chosen is not None
    )
    scopes = [_scope(reads, p, m) for (p, _), m in zip(items, matches, strict=True)]
    prints = [_fingerprint(p, scope) for (p, _), scope in zip(items, scopes, strict=True)]
    stored = reads.twins(prints)
    before = reads.snapshots()
    done: list[_Done] = []
    new: dict[str, New] = {}
    for (parsed, raw), match, scope, fingerprint in zip(
        items, matches, scopes, prints, strict=True
    ):
        if _scope(reads, parsed, match) != scope:  # an earlier one of the batch changed it
            raise RuntimeError("a device row changed within the batch")  # one by one then
        twin = stored.get(fingerprint) or (new[fingerprint].outcome if fingerprint in new else None)
        if twin is not None:  # D12: changes nothing
            done.append(
                _Done(CallbackOutcome(True, twin.matched, twin.registration_id, twin.flags))
            )
            continue
        if isinstance(parsed, FaceResult):
            one = face_result(reads, parsed, raw, match, station.clock.now(), station.policy)
        else:
            one = door_open(reads, parsed, raw, match, station.tz)
        one.inbox["fingerprint"] = fingerprint
        new[fingerprint] = one
        done.append(one.done)
    _write(reads, list(new.values()))
    reads.write_targets(before)
    return done


def _write(reads: Reads, news: list[New]) -> None:
    """The batch's new callbacks, then their door events, each in one multi-row insert."""
    ids = insert_many(reads.conn, INSERT_INBOX, [n.inbox for n in news], "fingerprint")
    doors = [(n, callback_id) for n, callback_id in zip(news, ids, strict=True) if n.door]
    rows = [{**n.door, "callback_id": callback_id} for n, callback_id in doors if n.door]
    door_ids = insert_many(reads.conn, INSERT_DOOR, rows, "callback_id")
    for (n, _), door_id in zip(doors, door_ids, strict=True):
        n.done.events = [
            replace(e, door_event_id=door_id) if isinstance(e, DoorOpened) else e
            for e in n.done.events
        ]


def _match(reads: Reads, parsed: FaceResult | DoorOpen) -> _Match:
    """D11: the registration a callback belongs to, or None."""
    if isinstance(parsed, FaceResult):
        found = reads.candidates(parsed.work_order, parsed.device_id, None)
        cands = [c for c, _ in found.values()]
        return _Match(found, pick(cands, phone=parsed.phone, name=parsed.name, require_device=True))
    found = reads.candidates(parsed.work_order, parsed.device_id, parsed.opened_at)
    chosen = pick(
        [c for c, _ in found.values()],
        phone=parsed.phone,
        name=parsed.name,
        require_device=False,
        require_person=parsed.work_order is None,
    )
    return _Match(found, chosen)


def _log(parsed: FaceResult | DoorOpen, outcome: CallbackOutcome) -> None:
    if isinstance(parsed, FaceResult):
        log.info(
            "face result work order %s device %s: %s (matched=%s duplicate=%s)",
            parsed.work_order,
            parsed.device_id,
            "success" if parsed.success else "failure",
            outcome.matched,
            outcome.duplicate,
        )
    else:
        log.info(
            "door %s opened (work order %s) flags=%s duplicate=%s",
            parsed.device_id,
            parsed.work_order,
            ",".join(outcome.flags) or "-",
            outcome.duplicate,
        )


# -- one callback: decided in memory, written with the batch ----------------------------------


def _scope(reads: Reads, parsed: FaceResult | DoorOpen, match: _Match) -> str:
    """What a face result's D12 fingerprint is scoped by: the matched device row's answered
    push count (a re-push's result has the same content as the first push's)."""
    chosen = match.chosen
    if isinstance(parsed, DoorOpen) or chosen is None:
        return "unmatched"
    target = reads.target(chosen.registration_id, parsed.device_id)
    return f"{target.id}/{target.pushes}" if target is not None else "unmatched"


def _fingerprint(parsed: FaceResult | DoorOpen, scope: str) -> str:
    """D12. A door event has its own time, so its content is its identity. A face result has
    no id or time of its own: a duplicate is the same content for the same push of that device
    (``_scope``)."""
    if isinstance(parsed, DoorOpen):
        return parsed.fingerprint()
    return hashlib.sha256(f"{parsed.fingerprint()}:{scope}".encode()).hexdigest()


def _inbox_row(raw: RawCallback, **columns: Any) -> dict[str, Any]:
    return {
        "kind": raw.kind,
        "body": raw.body,
        "content_type": raw.content_type[:200],
        "peer": raw.peer[:100],
        "received_at": raw.received_at,
        "matched": False,
        "registration_id": None,
        "device_target_id": None,
        "effect": "",
        **columns,
    }


def face_result(
    reads: Reads,
    result: FaceResult,
    raw: RawCallback,
    match: _Match,
    now: datetime,
    policy: rules.RetryPolicy,
) -> New:
    """D10, D14, D15: the result's effect on its device, applied to the batch's device row."""
    chosen = match.chosen
    target = reads.target(chosen.registration_id, result.device_id) if chosen else None
    if chosen is None or target is None:
        outcome = CallbackOutcome(duplicate=False, matched=False)
        return New(_inbox_row(raw, effect="unmatched"), None, _Done(outcome))
    nxt = rules.after_result(target_of(target), result.success, result.result_text, now, policy)
    events: list[Event] = []
    if nxt is not None and apply_target(target, nxt, now):
        effect = nxt.state.value
        events.append(
            DeviceStateChanged(
                target.registration_id,
                target.device_id,
                target.state,
                target.pushes,
                target.next_push_at,
                target.last_result,
            )
        )
    else:
        effect = f"no change ({target.state})"
    inbox = _inbox_row(
        raw,
        matched=True,
        registration_id=chosen.registration_id,
        device_target_id=target.id,
        effect=effect,
    )
    return New(inbox, None, _Done(CallbackOutcome(False, True, chosen.registration_id), events))


def door_open(reads: Reads, event: DoorOpen, raw: RawCallback, match: _Match, tz: tzinfo) -> New:
    """DESIGN §4 flags; ``DoorOpened`` gets its door event id once the row is written."""
    chosen = match.chosen
    flags: list[str] = []
    if event.work_order is None:
        flags.append(DoorFlag.NO_WORK_ORDER)
    reg_id: int | None = None
    if chosen is None:
        flags.append(DoorFlag.UNMATCHED)
    else:
        reg = match.found[chosen.registration_id][1]
        reg_id = reg.id
        if reg.reg_date != event.opened_at.date():
            flags.append(DoorFlag.OUTSIDE_DATE)
        if event.room not in reg.rooms:
            flags.append(DoorFlag.ROOM_NOT_REGISTERED)
        target = reads.target(chosen.registration_id, event.device_id)
        if target is None or target.state != DeviceState.WRITTEN:
            flags.append(DoorFlag.NOT_WRITTEN)
    flags = [str(f) for f in flags]
    inbox = _inbox_row(
        raw,
        matched=chosen is not None,
        registration_id=reg_id,
        effect="door " + (",".join(flags) or "ok"),
    )
    door = {
        "device_id": event.device_id,
        "city": event.city,
        "site": event.site,
        "room": event.room,
        "opened_at": event.opened_at,
        "work_order": event.work_order,
        "name": event.name,
        "account": event.account,
        "phone": event.phone,
        "flags": flags,
        "registration_id": reg_id,
        "received_at": raw.received_at,
    }
    published = DoorOpened(
        door_event_id=0,  # set once written
        device_id=event.device_id,
        room=event.room,
        opened_at=event.opened_at.replace(tzinfo=tz),
        work_order=event.work_order,
        name=event.name,
        phone_masked=mask_phone(event.phone),
        flags=tuple(flags),
        registration_id=reg_id,
    )
    outcome = CallbackOutcome(False, chosen is not None, reg_id, tuple(flags))
    return New(inbox, door, _Done(outcome, [published]))
