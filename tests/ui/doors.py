"""openDoorReceive callbacks sent to the station's listener from a client thread."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

DOOR_PATH = "/mtex/webservice/machine/roomDoor/openDoorReceive"


def door_body(*, work_order: str | None, device: str, room: str) -> dict[str, str]:
    body = {
        "city": "咸阳市",
        "site": "咸阳秦都站点",
        "room": room,
        "deviceId": device,
        "dailyOpenTime": datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S"),
    }
    if work_order:
        body.update(workOrdNum=work_order, name="唐建峰", phone="13800001111")
    return body


def post_door(qtbot: Any, base_url: str, *, work_order: str | None, device: str, room: str) -> None:
    """POST from a thread (a blocking client must not run on the Qt loop: NOTES.md)."""
    answers: list[requests.Response] = []
    body = door_body(work_order=work_order, device=device, room=room)
    thread = threading.Thread(
        target=lambda: answers.append(requests.post(base_url + DOOR_PATH, json=body, timeout=5))
    )
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=10_000)
    assert answers
    assert answers[0].json()["code"] == "00", answers[0].text
