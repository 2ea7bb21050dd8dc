"""Domain events (``station.domain.events``) → typed Qt signals, thread-safe.

The core publishes plain dataclasses from whatever thread does the work (the push worker's
thread, the listener's ``to_thread`` calls). :class:`EventBridge` subscribes to the bus and
re-emits each event as a signal; because the bridge lives in the GUI thread and the connections
are queued, slots always run in the GUI thread, never in the publisher's.

Signals (each carries the event dataclass itself):

- ``registrationStored(RegistrationStored)``: a registration and its device rows were committed.
- ``deviceStateChanged(DeviceStateChanged)``: one device's DESIGN §4 state, pushes, next push.
- ``doorOpened(DoorOpened)``: an openDoorReceive callback was stored (with its flags).
- ``platformPaused(PlatformPaused)`` / ``platformResumed(PlatformResumed)``: D5 code 22.
- ``callbackReceived(CallbackReceived)``: any stored callback, matched or not (D11).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from station.domain import events as ev

log = logging.getLogger(__name__)


class EventBridge(QObject):
    registrationStored = Signal(object)
    deviceStateChanged = Signal(object)
    doorOpened = Signal(object)
    platformPaused = Signal(object)
    platformResumed = Signal(object)
    callbackReceived = Signal(object)
    # internal: carries any event from any thread into the GUI thread
    _incoming = Signal(object)

    def __init__(self, bus: ev.EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._routes: dict[type[ev.Event], Any] = {
            ev.RegistrationStored: self.registrationStored,
            ev.DeviceStateChanged: self.deviceStateChanged,
            ev.DoorOpened: self.doorOpened,
            ev.PlatformPaused: self.platformPaused,
            ev.PlatformResumed: self.platformResumed,
            ev.CallbackReceived: self.callbackReceived,
        }
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(ev.Event, self._on_event)

    def _on_event(self, event: ev.Event) -> None:
        """Called in the publisher's thread: only hand the event over (a queued emit)."""
        self._incoming.emit(event)

    @Slot(object)
    def _dispatch(self, event: ev.Event) -> None:
        for kind, signal in self._routes.items():
            if isinstance(event, kind):
                signal.emit(event)
                return
        log.debug("no signal for event %s", type(event).__name__)

    def close(self) -> None:
        """Stop relaying: later events (and ones already queued) reach no slot."""
        self.blockSignals(True)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
