"""The event bridge: events published in any thread arrive as typed signals in the GUI thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QThread

from station.domain import events as ev
from station.ui.bridge import EventBridge

pytestmark = pytest.mark.gui


def test_events_from_a_worker_thread_arrive_in_the_gui_thread(qtbot):
    bus = ev.EventBus()
    bridge = EventBridge(bus)
    seen: list[tuple[object, bool]] = []
    gui_thread = QThread.currentThread()
    bridge.deviceStateChanged.connect(
        lambda e: seen.append((e, QThread.currentThread() is gui_thread))
    )
    bridge.doorOpened.connect(lambda e: seen.append((e, QThread.currentThread() is gui_thread)))
    state = ev.DeviceStateChanged(1, "ACC-1", "written", 1, None, "成功")
    door = ev.DoorOpened(
        5, "ACC-1", "机房", datetime.now(UTC), None, None, None, ("no_work_order",)
    )

    def publish_both() -> None:
        bus.publish(state)
        bus.publish(door)

    publisher = threading.Thread(target=publish_both)
    with qtbot.waitSignal(bridge.doorOpened, timeout=5000):
        publisher.start()
    publisher.join()
    assert seen == [(state, True), (door, True)]
    bridge.close()
    bus.publish(state)
    qtbot.wait(50)
    assert len(seen) == 2  # unsubscribed
