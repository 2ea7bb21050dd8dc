"""The database side of pushing: leases on due work, and applying each push's answer.

A claim leases every due device of one registration (v3, D3/D14) or of one work order and date
(v1, D6): the rows go to ``sending`` with ``lease_owner``/``lease_until``. The lease is what stops
two processes (or two workers) from sending the same device twice; on PostgreSQL the rows are
locked ``FOR UPDATE SKIP LOCKED``, on SQLite every write transaction is ``BEGIN IMMEDIATE``.
A ``sending`` row whose lease expired, or whose owner is a dead process on this host, is
recovered by ``sweep`` and sent again (at-least-once, D16).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from station.core.station import Station, changed_event
from station.domain import rules
from station.domain.events import Event, PlatformPaused, PlatformResumed
from station.domain.rules import Answer
from station.domain.states import DeviceState
from station.push.claims import Claim, Person, PushResult, make_owner, owner_dead, person_of
from station.store import queries
from station.store.tables import DeviceTarget, PushAttempt, Registration

__all__ = ["Claim", "Outbox", "Person", "PushResult", "make_owner", "owner_dead"]

log = logging.getLogger(__name__)


def _changed(row: DeviceTarget) -> Event:
    return changed_event(row)


class Outbox:
    def __init__(self, station: Station, owner: str, protocol: str, lease_s: float) -> None:
        self.station = station
        self.owner = owner
        self.protocol = protocol
        self.lease_s = lease_s

    def _publish(self, events: list[Event]) -> None:
        for event in events:
            self.station.bus.publish(event)

    def sweep(self, now: datetime) -> int:
        """Recover dead leases, expire silences (D14) and dates (D15); returns rows changed."""
        events: list[Event] = []
        policy, tz = self.station.policy, self.station.tz
        with self.station.store.transaction() as session:
            stuck = session.exec(
                select(DeviceTarget)
                .where(DeviceTarget.state == DeviceState.SENDING.value)
                .with_for_update()
            )
            for row in stuck:
                expired = row.lease_until is None or row.lease_until <= now
                if expired or owner_dead(row.lease_owner or ""):
                    log.warning(
                        "registration %s device %s: push interrupted (lease of %s), re-sending",
                        row.registration_id,
                        row.device_id,
                        row.lease_owner,
                    )
                    t = rules.after_lease_expired(queries.target_of(row), now)
                    if queries.apply_target(row, t, now):
                        events.append(_changed(row))
            today = now.astimezone(tz).date()
            waiting_states = [*queries.DUE_VALUES, DeviceState.ACCEPTED.value]
            waiting = session.exec(
                select(DeviceTarget, Registration)
                .join(Registration)
                .where(
                    or_(
                        and_(
                            col(DeviceTarget.state) == DeviceState.ACCEPTED.value,
                            col(DeviceTarget.next_push_at) <= now,
                        ),
                        and_(
                            col(DeviceTarget.state).in_(waiting_states),
                            col(Registration.reg_date) < today,
                        ),
                    )
                )
                .with_for_update(of=DeviceTarget)
            )
            for row, reg in waiting:
                current = queries.target_of(row)
                nxt = (
                    rules.after_date_over(current)
                    if rules.date_over(reg.reg_date, now, tz)
                    else rules.after_silence(current, now, policy)
                )
                if nxt is not None and queries.apply_target(row, nxt, now):
                    events.append(_changed(row))
        self._publish(events)
        return len(events)

    def claim(self, now: datetime) -> Claim | None:
        """Lease the due devices of the first due person (v3) or work order (v1), or None."""
        events: list[Event] = []
        with self.station.store.transaction() as session:
            platform = queries.platform_state(session)
            probe = platform.paused
            if probe and platform.next_probe_at is not None and platform.next_probe_at > now:
                return None
            due = (
                col(DeviceTarget.state).in_(queries.DUE_VALUES),
                col(DeviceTarget.next_push_at) <= now,
            )
            first = session.exec(
                select(Registration)
                .join(DeviceTarget)
                .where(*due)
                .order_by(col(DeviceTarget.next_push_at), col(DeviceTarget.id))
                .limit(1)
            ).first()
            if first is None:
                return None
            group = select(Registration.id).where(Registration.id == first.id)
            if self.protocol == "v1":
                group = select(Registration.id).where(
                    Registration.work_order == first.work_order,
                    Registration.reg_date == first.reg_date,
                )
            rows = list(
                session.exec(
                    select(DeviceTarget)
                    .where(*due, col(DeviceTarget.registration_id).in_(group))
                    .order_by(col(DeviceTarget.registration_id), col(DeviceTarget.id))
                    .with_for_update(skip_locked=True)
                )
            )
            if not rows:
                return None
            people = self._lease(session, rows, now, events)
            if people and self.protocol == "v1":
                people += self._companions(session, group, {p.registration_id for p in people})
            if probe:
                platform.next_probe_at = now + timedelta(seconds=self.station.policy.pause_probe_s)
        self._publish(events)
        if not people:
            return None
        ids = tuple(row.id for row in rows if row.id is not None and row.state == "sending")
        return Claim(self.owner, tuple(people), ids, probe)

    @staticmethod
    def _companions(session: Session, group: Any, leased: set[int]) -> list[Person]:
        """v1 (D6): one push carries the operator and the escort, so a re-push of one of them
        carries the other's name and face too; their devices are not part of this push."""
        others = session.exec(
            select(Registration).where(
                col(Registration.id).in_(group), col(Registration.id).not_in(leased)
            )
        )
        return [person_of(reg, ()) for reg in others if reg.photo_ref is not None]

    def _lease(
        self, session: Session, rows: list[DeviceTarget], now: datetime, events: list[Event]
    ) -> list[Person]:
        by_reg: dict[int, list[DeviceTarget]] = {}
        for row in rows:
            by_reg.setdefault(row.registration_id, []).append(row)
        people = []
        for reg_id, targets in by_reg.items():
            reg = session.get(Registration, reg_id)
            assert reg is not None
            if reg.photo_ref is None:  # purged by retention: nothing left to send
                for row in targets:
                    gone = rules.Target(
                        DeviceState.GIVEN_UP,
                        row.pushes,
                        0,
                        None,
                        "照片已删除，需人工处理 (photo deleted)",
                    )
                    queries.apply_target(row, gone, now)
                    events.append(_changed(row))
                continue
            for row in targets:
                row.state = DeviceState.SENDING.value
                row.lease_owner = self.owner
                row.lease_until = now + timedelta(seconds=self.lease_s)
                row.updated_at = now
                events.append(_changed(row))
            people.append(person_of(reg, tuple(row.device_id for row in targets)))
        return people

    def complete(self, claim: Claim, result: PushResult, now: datetime, jitter: float) -> None:
        """Record the attempt and apply the answer to every device still leased by this claim."""
        events: list[Event] = []
        policy = self.station.policy
        with self.station.store.transaction() as session:
            session.add(
                PushAttempt(
                    registration_ids=[p.registration_id for p in claim.people],
                    device_ids=list(claim.device_ids),
                    protocol=self.protocol,
                    url=result.url,
                    sent=result.sent,
                    started_at=now - timedelta(milliseconds=result.duration_ms),
                    duration_ms=result.duration_ms,
                    http_status=result.http_status,
                    code=result.code,
                    desc=result.desc,
                    error=result.error,
                    outcome=result.answer.value,
                )
            )
            self._platform(session, claim, result, now, events)
            rows = session.exec(
                select(DeviceTarget)
                .where(
                    col(DeviceTarget.id).in_(claim.target_ids),
                    DeviceTarget.state == DeviceState.SENDING.value,
                    DeviceTarget.lease_owner == claim.owner,
                )
                .with_for_update()
            )
            for row in rows:
                t = rules.after_answer(
                    queries.target_of(row), result.answer, result.text, now, policy, jitter
                )
                queries.apply_target(row, t, now)
                events.append(_changed(row))
        self._publish(events)

    def _platform(
        self, session: Session, claim: Claim, result: PushResult, now: datetime, events: list[Event]
    ) -> None:
        """D5: 22 pauses the whole platform; any other real answer while paused resumes it."""
        platform = queries.platform_state(session)
        probe_at = now + timedelta(seconds=self.station.policy.pause_probe_s)
        if result.answer is Answer.PAUSED:
            if not platform.paused:
                platform.paused, platform.paused_at = True, now
                events.append(PlatformPaused(result.text))
            platform.reason, platform.next_probe_at = result.text, probe_at
            return
        if not platform.paused:
            return
        if result.answer is Answer.TRANSIENT:
            platform.next_probe_at = probe_at
            return
        platform.paused, platform.reason, platform.next_probe_at = False, "", None
        events.append(PlatformResumed())
        paused = session.exec(
            select(DeviceTarget)
            .where(DeviceTarget.state == DeviceState.PAUSED.value)
            .with_for_update()
        )
        for row in paused:
            t = rules.after_resume(queries.target_of(row), now)
            if t is not None and queries.apply_target(row, t, now):
                events.append(_changed(row))
