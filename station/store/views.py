"""Read models the CLI and the GUI show: plain frozen dataclasses with ``to_json`` (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from station.domain.states import DeviceState


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class DeviceView:
    registration_id: int
    device_id: str
    state: DeviceState
    pushes: int
    next_push_at: datetime | None
    last_result: str
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "state": self.state.value,
            "pushes": self.pushes,
            "next_push_at": iso(self.next_push_at),
            "last_result": self.last_result,
        }


@dataclass(frozen=True)
class RegistrationView:
    id: int
    work_order: str
    name: str
    account: str
    phone_masked: str
    role: str
    city: str
    sites: tuple[str, ...]
    rooms: tuple[str, ...]
    date: date
    created_at: datetime
    devices: tuple[DeviceView, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "work_order": self.work_order,
            "name": self.name,
            "role": self.role,
            "date": self.date.isoformat(),
            "city": self.city,
            "rooms": list(self.rooms),
            "created_at": iso(self.created_at),
            "devices": [d.to_json() for d in self.devices],
        }


@dataclass(frozen=True)
class DoorEventView:
    id: int
    device_id: str
    room: str
    opened_at: datetime  # aware, in the station's time zone
    work_order: str | None
    name: str | None
    phone_masked: str | None
    flags: tuple[str, ...]
    registration_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "room": self.room,
            "opened_at": iso(self.opened_at),
            "work_order": self.work_order,
            "name": self.name,
            "flags": list(self.flags),
            "registration_id": self.registration_id,
        }


@dataclass(frozen=True)
class UnmatchedResultView:
    """A face-write result that matched no registration (D11): stored, answered 00, shown."""

    device_id: str
    work_order: str
    result: str
    received_at: datetime  # aware, in the station's time zone

    def to_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "work_order": self.work_order,
            "result": self.result,
            "received_at": iso(self.received_at),
        }


@dataclass(frozen=True)
class PlatformView:
    paused: bool
    reason: str
    next_probe_at: datetime | None


@dataclass(frozen=True)
class StatusView:
    due: int
    scheduled: int
    registrations: tuple[RegistrationView, ...]
    door_events: tuple[DoorEventView, ...]
    platform: PlatformView
    unmatched_results: tuple[UnmatchedResultView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "queue": {"due": self.due, "scheduled": self.scheduled},
            "registrations": [r.to_json() for r in self.registrations],
            "door_events": [e.to_json() for e in self.door_events],
            "unmatched_results": [u.to_json() for u in self.unmatched_results],
            "platform": {
                "paused": self.platform.paused,
                "reason": self.platform.reason,
                "next_probe_at": iso(self.platform.next_probe_at),
            },
        }


@dataclass(frozen=True)
class Registered:
    """What ``Station.register`` returns: one id per person, and the devices."""

    ids: tuple[int, ...]
    device_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.ids[0], "ids": list(self.ids), "devices": list(self.device_ids)}
