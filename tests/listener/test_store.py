"""Persist, then answer: the listener with the real core on a SQLite file (D11, D12, D16, D9).

- the same callback 20 times at once changes the state once and is answered 00 twenty times;
- a core that cannot store answers 21 with HTTP 500 (so the platform retries) and logs no body;
- door events are stored with their flags and published as domain events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path

import aiohttp
import pytest
import requests

from station.domain.clock import FakeClock
from station.domain.events import DeviceStateChanged, DoorOpened, Event
from station.protocol.callbacks import FACE_RESULT_PATH, OPEN_DOOR_PATH
from tests.listener.core import stored_callbacks
from tests.listener.harness import FACE, plain_settings, running
from tests.push.factory import START, form, make_core

WORK_ORDER = "JF-20261203-0001"
RESULT = {**FACE, "workOrdNum": WORK_ORDER, "deviceId": "ACC1"}


async def _fire(url: str, body: bytes, times: int) -> list[tuple[int, dict[str, str]]]:
    """``times`` identical POSTs, each on its own connection, all in flight together."""

    async def one() -> tuple[int, dict[str, str]]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=body, headers={"Content-Type": "application/json"}) as resp,
        ):
            return resp.status, await resp.json()

    return list(await asyncio.gather(*(one() for _ in range(times))))


def test_same_callback_twenty_times_at_once_changes_state_once(data_dir: Path) -> None:
    """D12 under concurrency."""
    with make_core(data_dir, FakeClock(START)) as core:
        reg_id = core.station.register(form(devices=("ACC1", "ACC2"))).ids[0]
        changes: list[Event] = []
        core.bus.subscribe(DeviceStateChanged, changes.append)
        body = json.dumps(RESULT, ensure_ascii=False).encode()
        with running(plain_settings(), core.station) as listener:
            answers = asyncio.run(_fire(listener.base_url + FACE_RESULT_PATH, body, 20))
        assert answers == [(200, {"code": "00", "desc": "成功", "data": ""})] * 20
        assert changes == [
            DeviceStateChanged(reg_id, "ACC1", "written", 0, None, "成功"),
        ]
        view = core.station.registration(reg_id)
        assert view is not None
        assert {d.device_id: d.state.value for d in view.devices} == {
            "ACC1": "written",
            "ACC2": "queued",
        }
        assert stored_callbacks(core) == 1


def test_store_failure_answers_21_and_logs_no_body(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps(RESULT, ensure_ascii=False).encode()
    with make_core(data_dir, FakeClock(START)) as core:
        assert core.store.sqlite_file is not None
        with running(plain_settings(), core.station) as listener:
            url = listener.base_url + FACE_RESULT_PATH
            db = sqlite3.connect(core.store.sqlite_file)
            db.execute("ALTER TABLE callback_inbox RENAME TO callback_inbox_away")
            db.commit()
            response = requests.post(url, data=body, timeout=10)
            assert response.status_code == 500
            assert response.json() == {"code": "21", "desc": "接口异常", "data": ""}
            db.execute("ALTER TABLE callback_inbox_away RENAME TO callback_inbox")
            db.commit()
            db.close()
            # the platform retries on 5xx (D9): the retry is stored and answered 00
            assert requests.post(url, data=body, timeout=10).json()["code"] == "00"
        assert stored_callbacks(core) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("internal error on POST" in m and "OperationalError" in m for m in errors)
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("唐建峰", "13800001111", "dwtangjianfeng", "INSERT"):
        assert secret not in text


def test_door_event_is_stored_flagged_and_published(data_dir: Path) -> None:
    """DESIGN §4 flags reach the bus and `status`: here a door opened with no work order."""
    with make_core(data_dir, FakeClock(START)) as core:
        core.station.register(form(devices=("D1",)))
        opened: list[Event] = []
        core.bus.subscribe(DoorOpened, opened.append)
        anonymous = {
            "city": "咸阳市",
            "site": "安康白河庆华化工厂站点",
            "room": "咸阳秦都应急楼一楼综合机房",
            "deviceId": "D1",
            "dailyOpenTime": "2026-12-03 10:38:01",
        }
        with running(plain_settings(), core.station) as listener:
            response = requests.post(listener.base_url + OPEN_DOOR_PATH, json=anonymous, timeout=10)
        assert response.json()["code"] == "00"
        assert len(opened) == 1
        assert isinstance(opened[0], DoorOpened)
        assert "no_work_order" in opened[0].flags
        events = core.station.status().to_json()["door_events"]
        assert [(e["device_id"], "no_work_order" in e["flags"]) for e in events] == [("D1", True)]
