"""The GUI's :class:`~station.ui.ports.CoreFacade` over the Qt-free core (``station.service``).

Every call runs the core's synchronous, thread-safe method in a worker thread
(``asyncio.to_thread``), so SQLite work never blocks the Qt loop. Core read models become the
GUI's mutable view objects (the progress model updates them in place from events).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from station.core.forms import Consent, FormError, PersonForm
from station.core.forms import RegistrationForm as CoreForm
from station.domain.events import DoorOpened
from station.domain.states import Role
from station.records.catalog_store import catalog_devices
from station.service import Station
from station.store import queries
from station.store.views import DoorEventView
from station.store.views import RegistrationView as CoreView
from station.ui.form import RegistrationForm
from station.ui.ports import CatalogRow, DeviceView, FieldError, RegistrationView

#: The core's field names (FormError.field) → the form's keys.
FIELD_MAP = {
    "site": "sites",
    "room": "rooms",
    "device": "devices",
    "escort.name": "escort_name",
    "escort.phone": "escort_phone",
    "escort.account": "escort_account",
    "escort.photo": "escort_photo",
}


def core_form(form: RegistrationForm, now: datetime, notice_version: str, clerk: str) -> CoreForm:
    assert form.date is not None
    people = [PersonForm(form.name, form.account, form.phone, form.photo or b"", Role(form.role))]
    if form.escort is not None:
        e = form.escort
        people.append(PersonForm(e.name, e.account, e.phone, e.photo or b"", Role.ESCORT))
    consent = Consent(notice_version, now, clerk) if form.consent else None
    return CoreForm(
        work_order=form.work_order,
        city=form.city,
        sites=tuple(form.sites),
        rooms=tuple(form.rooms),
        device_ids=tuple(form.devices),
        reg_date=form.date,
        people=tuple(people),
        consent=consent,
        created_by=clerk,
    )


class StationFacade:
    def __init__(self, station: Station, clerk: str = "kiosk") -> None:
        self.station = station
        self.clerk = clerk
        self._rooms: dict[str, str] = {}

    def _view(self, view: CoreView) -> RegistrationView:
        rooms = view.rooms[0] if len(view.rooms) == 1 else ""
        return RegistrationView(
            id=view.id,
            work_order=view.work_order,
            name=view.name,
            phone_masked=view.phone_masked,
            role=view.role,
            date=view.date,
            city=view.city,
            created_at=view.created_at,
            devices=[
                DeviceView(
                    d.device_id,
                    d.state.value,
                    d.pushes,
                    d.next_push_at,
                    d.last_result,
                    self._rooms.get(d.device_id, rooms),
                )
                for d in view.devices
            ],
        )

    async def register(self, form: RegistrationForm) -> list[int]:
        station = self.station
        core = core_form(
            form, station.now(), station.settings.station.consent_notice_version, self.clerk
        )
        try:
            done = await asyncio.to_thread(station.register, core)
        except FormError as exc:
            field = FIELD_MAP.get(exc.field, exc.field)
            if field.startswith("operator.") or field.startswith("escort."):
                field = field.split(".", 1)[1]
            raise FieldError(field, exc.message) from None
        return list(done.ids)

    async def registration(self, registration_id: int) -> RegistrationView | None:
        found = await asyncio.to_thread(self.station.registration, registration_id)
        return self._view(found) if found is not None else None

    async def registrations_by_id(self, ids: list[int]) -> list[RegistrationView]:
        """Several registrations in one trip to a worker thread (fewer hand-offs of the GIL)."""

        def read() -> list[RegistrationView]:
            found = [self.station.registration(i) for i in ids]
            return [self._view(v) for v in found if v is not None]

        return await asyncio.to_thread(read)

    async def registrations(self) -> list[RegistrationView]:
        found = await asyncio.to_thread(self.station.registrations, 500)
        return [self._view(v) for v in found]

    async def mark_not_effective(self, registration_id: int, device_id: str) -> None:
        await asyncio.to_thread(self.station.mark_not_effective, registration_id, device_id)

    async def door_events(self, limit: int = 200) -> list[DoorOpened]:
        found = await asyncio.to_thread(self.station.door_events, limit)
        return [door_opened(v) for v in found]

    async def catalog(self) -> list[CatalogRow]:
        def read() -> list[CatalogRow]:
            with self.station.store.transaction() as session:
                return [
                    CatalogRow(d.city, d.site, d.room, d.device_id)
                    for d in catalog_devices(session)
                ]

        rows = await asyncio.to_thread(read)
        self._rooms = {r.device_id: r.room for r in rows}
        return rows

    async def queue_depth(self) -> tuple[int, int]:
        def read() -> tuple[int, int]:
            with self.station.store.transaction() as session:
                due, scheduled = queries.queue_counts(session, self.station.now())
                return int(due), int(scheduled)

        return await asyncio.to_thread(read)

    async def platform_paused(self) -> tuple[bool, str]:
        def read() -> tuple[bool, str]:
            with self.station.store.transaction() as session:
                view = queries.platform_view(session)
                return view.paused, view.reason

        return await asyncio.to_thread(read)


def door_opened(view: DoorEventView) -> DoorOpened:
    return DoorOpened(
        view.id,
        view.device_id,
        view.room,
        view.opened_at,
        view.work_order,
        view.name,
        view.phone_masked,
        view.flags,
        view.registration_id,
    )
