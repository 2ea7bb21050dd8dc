"""Domain events and a small, thread-safe, Qt-free publish/subscribe.

The core publishes plain dataclasses; the GUI's bridge (``station.ui.bridge``) turns them into
Qt signals, the headless ``station serve`` logs them. Subscribers are called synchronously in the
publisher's thread and must be quick and thread-safe; one subscriber's exception is logged and
never reaches the publisher or the other subscribers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class RegistrationStored(Event):
    registration_id: int
    work_order: str
    device_ids: tuple[str, ...]


@dataclass(frozen=True)
class DeviceStateChanged(Event):
    registration_id: int
    device_id: str
    state: str
    pushes: int
    next_push_at: datetime | None
    last_result: str


@dataclass(frozen=True)
class DoorOpened(Event):
    door_event_id: int
    device_id: str
    room: str
    opened_at: datetime
    work_order: str | None
    name: str | None
    phone_masked: str | None
    flags: tuple[str, ...]
    registration_id: int | None = None


@dataclass(frozen=True)
class PlatformPaused(Event):
    reason: str


@dataclass(frozen=True)
class PlatformResumed(Event):
    pass


@dataclass(frozen=True)
class CallbackReceived(Event):
    """Any callback stored by the listener (also unmatched ones, D11)."""

    kind: str  # "face" | "door"
    matched: bool
    duplicate: bool
    received_at: datetime = field(compare=False)


Subscriber = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[tuple[type[Event], Subscriber]] = []
        self._lock = threading.Lock()

    def subscribe(self, kind: type[Event], callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` for every published event of ``kind``; returns an unsubscribe."""
        entry = (kind, callback)
        with self._lock:
            self._subscribers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._subscribers:
                    self._subscribers.remove(entry)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            targets = [cb for kind, cb in self._subscribers if isinstance(event, kind)]
        for callback in targets:
            try:
                callback(event)
            except Exception:
                log.exception("event subscriber failed on %s", type(event).__name__)
