"""The core service: commands in, domain events out. Qt-free, synchronous and thread-safe.

Every method runs its own database transaction (D16) and publishes events on the bus only after
the commit. The GUI calls these through ``asyncio.to_thread``; the listener calls
``record_face_result``/``record_door_open`` the same way and answers 00 only after they return.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from station.config import Settings
from station.core import intake_batch
from station.core.forms import RegistrationForm, local_today, validate
from station.domain import rules
from station.domain.callbacks import CallbackOutcome, RawCallback
from station.domain.clock import Clock, SystemClock
from station.domain.events import (
    DeviceStateChanged,
    EventBus,
    RegistrationStored,
)
from station.domain.states import DeviceState
from station.privacy.vault import PhotoVault
from station.protocol.callbacks import DoorOpen, FaceResult
from station.store import Store, queries
from station.store.tables import DeviceTarget, Registration
from station.store.views import DeviceView, DoorEventView, Registered, RegistrationView, StatusView

log = logging.getLogger(__name__)
T = TypeVar("T")


class ActionError(ValueError):
    """A command that cannot be done (unknown id, wrong state); the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def changed_event(row: DeviceTarget) -> DeviceStateChanged:
    return DeviceStateChanged(
        row.registration_id, row.device_id, row.state, row.pushes, row.next_push_at, row.last_result
    )


class Station:
    def __init__(
        self,
        store: Store,
        vault: PhotoVault,
        bus: EventBus,
        settings: Settings,
        clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.vault = vault
        self.bus = bus
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.tz = ZoneInfo(settings.station.timezone)
        self.policy = rules.RetryPolicy.from_settings(settings.retry)

    # -- commands -------------------------------------------------------------------------

    def register(self, form: RegistrationForm) -> Registered:
        """Validate, store the photos (encrypted) and the registration with its per-device rows
        (the outbox) in one transaction. Nothing touches the network here (D16): the worker
        picks the rows up. Raises ``FormError`` naming the field."""
        now = self.clock.now()
        form = validate(
            form,
            local_today(now, self.tz),
            self.settings.photo.max_bytes,
            require_escort=self.settings.platform.protocol == "v1",
        )
        assert form.consent is not None
        refs = [self.vault.put(person.photo) for person in form.people]
        try:
            with self.store.transaction() as session:
                regs = []
                for person, ref in zip(form.people, refs, strict=True):
                    reg = Registration(
                        work_order=form.work_order,
                        name=person.name,
                        account=person.account,
                        phone=person.phone,
                        role=person.role.value,
                        city=form.city,
                        sites=list(form.sites),
                        rooms=list(form.rooms),
                        device_ids=list(form.device_ids),
                        reg_date=form.reg_date,
                        photo_ref=ref,
                        consent_version=form.consent.version,
                        consented_at=form.consent.consented_at,
                        consent_clerk=form.consent.clerk,
                        created_by=form.created_by,
                        created_at=now,
                    )
                    session.add(reg)
                    session.flush()
                    assert reg.id is not None
                    for device in form.device_ids:
                        session.add(
                            DeviceTarget(
                                registration_id=reg.id,
                                device_id=device,
                                state=DeviceState.QUEUED.value,
                                next_push_at=now,
                                updated_at=now,
                            )
                        )
                    regs.append(reg.id)
        except BaseException:
            for ref in refs:
                self.vault.delete(ref)
            raise
        log.info("registration %s stored for work order %s", regs, form.work_order)
        for reg_id in regs:
            self.bus.publish(RegistrationStored(reg_id, form.work_order, form.device_ids))
        return Registered(tuple(regs), form.device_ids)

    def _device_command(
        self, registration_id: int, device_id: str, change: Callable[[rules.Target], rules.Target]
    ) -> DeviceView:
        now = self.clock.now()
        with self.store.transaction() as session:
            row = self._target(session, registration_id, device_id)
            apply = change(queries.target_of(row))
            queries.apply_target(row, apply, now)
            view = queries.device_view(row)
            event = changed_event(row)
        self.bus.publish(event)
        return view

    def mark_not_effective(self, registration_id: int, device_id: str) -> DeviceView:
        """The clerk's 成功但未生效 on a written device: re-push after the delay (D14)."""

        def change(t: rules.Target) -> rules.Target:
            if t.state is not DeviceState.WRITTEN:
                raise ActionError(
                    "device",
                    f"设备 {device_id} 当前状态为 {t.state}，只有已写入 (written) 的设备可以标记未生效",
                )
            return rules.after_not_effective(t, self.clock.now(), self.policy)

        view = self._device_command(registration_id, device_id, change)
        log.info("registration %s device %s marked not effective", registration_id, device_id)
        return view

    def requeue(self, registration_id: int, device_id: str) -> DeviceView:
        """A person's decision to try again a device that is given up, rejected or paused:
        the push count starts over and it is due now."""

        def change(t: rules.Target) -> rules.Target:
            if t.state not in (DeviceState.GIVEN_UP, DeviceState.REJECTED, DeviceState.PAUSED):
                raise ActionError("device", f"设备 {device_id} 当前状态为 {t.state}，无需重新推送")
            return rules.Target(
                DeviceState.QUEUED, 0, 0, self.clock.now(), "人工重新推送 (requeued)"
            )

        return self._device_command(registration_id, device_id, change)

    @staticmethod
    def _target(session: Session, registration_id: int, device_id: str) -> DeviceTarget:
        row = session.exec(
            select(DeviceTarget)
            .where(
                DeviceTarget.registration_id == registration_id,
                DeviceTarget.device_id == device_id,
            )
            .with_for_update()
        ).first()
        if row is None:
            raise ActionError(
                "device", f"登记 {registration_id} 没有门禁设备 {device_id} (no such device)"
            )
        return row

    # -- result intake (the listener's API) ----------------------------------------------

    def record_callbacks(
        self, items: Sequence[intake_batch.Callback]
    ) -> list[intake_batch.Recorded]:
        """Store and apply several callbacks in one transaction (group commit, DESIGN §6): one
        outcome per item, or the exception that item raised (the others are still committed).
        Events are published after the commit. See ``station.core.intake_batch``."""
        return intake_batch.record(self, items)

    def _record_one(self, item: intake_batch.Callback) -> CallbackOutcome:
        (done,) = intake_batch.record(self, [item])
        if isinstance(done, Exception):
            raise done
        return done

    def record_face_result(self, result: FaceResult, raw: RawCallback) -> CallbackOutcome:
        """Store a faceOperationResult and apply it (D10, D11, D12, D14, D15).

        Synchronous and thread-safe; returns after the commit. A duplicate (same fingerprint)
        changes nothing and returns ``duplicate=True``; an unmatched one is stored."""
        return self._record_one((result, raw))

    def record_door_open(self, event: DoorOpen, raw: RawCallback) -> CallbackOutcome:
        """Store an openDoorReceive with its DESIGN §4 flags and publish ``DoorOpened``."""
        return self._record_one((event, raw))

    # -- queries --------------------------------------------------------------------------

    def _read(self, work: Callable[[Session], T]) -> T:
        with self.store.transaction() as session:
            return work(session)

    def status(self, limit: int = 200, door_limit: int = 50) -> StatusView:
        now = self.clock.now()

        def read(session: Session) -> StatusView:
            due, scheduled = queries.queue_counts(session, now)
            return StatusView(
                due,
                scheduled,
                tuple(queries.registration_views(session, limit=limit)),
                tuple(queries.door_event_views(session, self.tz, door_limit)),
                queries.platform_view(session),
                tuple(queries.unmatched_result_views(session, self.tz, door_limit)),
            )

        return self._read(read)

    def registrations(self, limit: int | None = 200) -> list[RegistrationView]:
        return self._read(lambda s: queries.registration_views(s, limit=limit))

    def registration(self, registration_id: int) -> RegistrationView | None:
        found = self._read(lambda s: queries.registration_views(s, ids=[registration_id]))
        return found[0] if found else None

    def door_events(self, limit: int = 50) -> list[DoorEventView]:
        return self._read(lambda s: queries.door_event_views(s, self.tz, limit))

    def now(self) -> datetime:
        """The station's clock (injected; FakeClock in tests)."""
        return self.clock.now()
