"""What a push is made of: the lease owner, the people and devices of a claim, the result.

Plain data shared by :mod:`.outbox` (database side) and :mod:`.client` (HTTP side).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import date, datetime

from station.domain.rules import Answer
from station.store.tables import Registration

HOST = socket.gethostname()


def make_owner(token: str) -> str:
    return f"{HOST}:{os.getpid()}:{token}"


def owner_dead(owner: str) -> bool:
    """True when ``owner`` is a process on this host that no longer exists."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class Person:
    registration_id: int
    work_order: str
    name: str
    account: str
    phone: str
    role: str
    city: str
    sites: tuple[str, ...]
    rooms: tuple[str, ...]
    reg_date: date
    photo_ref: str | None
    created_at: datetime
    device_ids: tuple[str, ...]  # the devices due in this push (D14)


@dataclass(frozen=True)
class Claim:
    owner: str
    people: tuple[Person, ...]
    target_ids: tuple[int, ...]
    probe: bool  # sent while paused (D5 slow probe)

    @property
    def device_ids(self) -> tuple[str, ...]:
        return tuple(d for p in self.people for d in p.device_ids)


@dataclass(frozen=True)
class PushResult:
    answer: Answer
    text: str  # what the device rows show as last_result
    url: str
    sent: dict[str, object]  # describe(): never the picture
    http_status: int | None = None
    code: str | None = None
    desc: str = ""
    error: str = ""
    duration_ms: float = 0.0


def person_of(reg: Registration, device_ids: tuple[str, ...]) -> Person:
    assert reg.id is not None
    return Person(
        reg.id,
        reg.work_order,
        reg.name,
        reg.account,
        reg.phone,
        reg.role,
        reg.city,
        tuple(reg.sites),
        tuple(reg.rooms),
        reg.reg_date,
        reg.photo_ref,
        reg.created_at,
        device_ids,
    )
