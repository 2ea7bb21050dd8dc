"""Reads and small writes shared by the service and the worker; each takes an open session."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from station.domain import rules
from station.domain.matching import mask_phone
from station.domain.states import DUE_STATES, DeviceState
from station.protocol.callbacks import decode_body
from station.protocol.errors import InvalidRequest
from station.store.tables import CallbackInbox, DeviceTarget, DoorEvent, PlatformState, Registration
from station.store.views import (
    DeviceView,
    DoorEventView,
    PlatformView,
    RegistrationView,
    UnmatchedResultView,
)

DUE_VALUES = [s.value for s in DUE_STATES]


def target_of(row: DeviceTarget) -> rules.Target:
    return rules.Target(
        DeviceState(row.state), row.pushes, row.retries, row.next_push_at, row.last_result
    )


def apply_target(row: DeviceTarget, target: rules.Target, now: datetime) -> bool:
    """Write ``target`` into ``row``; returns whether anything visible changed."""
    changed = (
        row.state != target.state.value
        or row.pushes != target.pushes
        or row.next_push_at != target.next_push_at
        or row.last_result != target.last_result
    )
    row.state = target.state.value
    row.pushes = target.pushes
    row.retries = target.retries
    row.next_push_at = target.next_push_at
    row.last_result = target.last_result
    if target.state is not DeviceState.SENDING:
        row.lease_owner = None
        row.lease_until = None
    if target.state is DeviceState.ACCEPTED:
        row.accepted_at = now
    if target.state is DeviceState.WRITTEN and changed:
        row.written_at = now
    row.updated_at = now
    return changed


def device_view(row: DeviceTarget) -> DeviceView:
    assert row.id is not None
    return DeviceView(
        row.registration_id,
        row.device_id,
        DeviceState(row.state),
        row.pushes,
        row.next_push_at,
        row.last_result,
        row.updated_at,
    )


def registration_views(
    session: Session, ids: Iterable[int] | None = None, limit: int | None = None
) -> list[RegistrationView]:
    """Newest first; ``ids`` selects, ``limit`` caps."""
    query = select(Registration).order_by(col(Registration.id).desc())
    if ids is not None:
        query = query.where(col(Registration.id).in_(list(ids)))
    if limit is not None:
        query = query.limit(limit)
    regs = list(session.exec(query))
    if not regs:
        return []
    targets = session.exec(
        select(DeviceTarget)
        .where(col(DeviceTarget.registration_id).in_([r.id for r in regs]))
        .order_by(col(DeviceTarget.id))
    )
    by_reg: dict[int, list[DeviceView]] = {}
    for row in targets:
        by_reg.setdefault(row.registration_id, []).append(device_view(row))
    views = []
    for reg in regs:
        assert reg.id is not None
        views.append(
            RegistrationView(
                reg.id,
                reg.work_order,
                reg.name,
                reg.account,
                mask_phone(reg.phone) or "",
                reg.role,
                reg.city,
                tuple(reg.sites),
                tuple(reg.rooms),
                reg.reg_date,
                reg.created_at,
                tuple(by_reg.get(reg.id, [])),
            )
        )
    return views


def door_event_view(row: DoorEvent, tz: tzinfo) -> DoorEventView:
    assert row.id is not None
    return DoorEventView(
        row.id,
        row.device_id,
        row.room,
        row.opened_at.replace(tzinfo=tz),
        row.work_order,
        row.name,
        mask_phone(row.phone),
        tuple(row.flags),
        row.registration_id,
    )


def door_event_views(session: Session, tz: tzinfo, limit: int = 50) -> list[DoorEventView]:
    rows = session.exec(select(DoorEvent).order_by(col(DoorEvent.id).desc()).limit(limit))
    return [door_event_view(row, tz) for row in rows]


def unmatched_result_views(
    session: Session, tz: tzinfo, limit: int = 50
) -> list[UnmatchedResultView]:
    """The newest face-write results that matched no registration (D11), from the inbox."""
    rows = session.exec(
        select(CallbackInbox)
        .where(CallbackInbox.kind == "face", col(CallbackInbox.matched).is_(False))
        .order_by(col(CallbackInbox.id).desc())
        .limit(limit)
    )
    views = []
    for row in rows:
        try:
            body = decode_body(row.body, row.content_type)
        except InvalidRequest:  # stored bodies were valid when answered; scrubbed ones still are
            continue
        views.append(
            UnmatchedResultView(
                str(body.get("deviceId", "")),
                str(body.get("workOrdNum", "")),
                str(body.get("faceWriteResult", "")),
                row.received_at.astimezone(tz),
            )
        )
    return views


def queue_counts(session: Session, now: datetime) -> tuple[int, int]:
    """(due now, scheduled later) over devices waiting for a push."""
    waiting = col(DeviceTarget.state).in_(DUE_VALUES)
    due = session.exec(
        select(func.count()).where(waiting, col(DeviceTarget.next_push_at) <= now)
    ).one()
    later = session.exec(
        select(func.count()).where(waiting, col(DeviceTarget.next_push_at) > now)
    ).one()
    return int(due), int(later)


def platform_state(session: Session) -> PlatformState:
    """The D5 pause row, locked for this transaction on PostgreSQL (claims and answers that
    touch the pause are serialized; SQLite serializes every write anyway)."""
    row = session.get(PlatformState, 1, with_for_update=True)
    if row is None:
        row = PlatformState(id=1)
        session.add(row)
        session.flush()
    return row


def platform_view(session: Session) -> PlatformView:
    row = session.get(PlatformState, 1)
    if row is None:
        return PlatformView(False, "", None)
    return PlatformView(row.paused, row.reason, row.next_probe_at)
