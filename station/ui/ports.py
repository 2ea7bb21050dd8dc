"""What the GUI needs from the core, as plain view objects (the pages never see the store).

:class:`CoreFacade` is implemented by :mod:`station.ui.core` over ``station.service.Station``;
every method is a coroutine that does its database work off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from station.domain.events import DoorOpened
from station.ui.form import RegistrationForm


@dataclass(frozen=True)
class CatalogRow:
    city: str
    site: str
    room: str
    device_id: str


@dataclass
class DeviceView:
    device_id: str
    state: str
    pushes: int = 0
    next_push_at: datetime | None = None
    last_result: str = ""
    room: str = ""


@dataclass
class RegistrationView:
    id: int
    work_order: str
    name: str
    phone_masked: str
    role: str
    date: date
    city: str = ""
    created_at: datetime | None = None
    devices: list[DeviceView] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(1 for d in self.devices if d.state == "written")


class CoreFacade(Protocol):
    async def register(self, form: RegistrationForm) -> list[int]:
        """Store the registration (operator and, when given, escort: D3); returns their ids."""
        ...

    async def registration(self, registration_id: int) -> RegistrationView | None: ...

    async def registrations(self) -> list[RegistrationView]: ...

    async def registrations_by_id(self, ids: list[int]) -> list[RegistrationView]: ...

    async def mark_not_effective(self, registration_id: int, device_id: str) -> None: ...

    async def door_events(self, limit: int = 200) -> list[DoorOpened]: ...

    async def catalog(self) -> list[CatalogRow]: ...

    async def queue_depth(self) -> tuple[int, int]:
        """(due now, scheduled for later)."""
        ...


class FieldError(Exception):
    """The core refused a field; ``field`` is the form's field key, ``message`` Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
