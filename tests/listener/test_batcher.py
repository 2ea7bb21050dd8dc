"""Group commit in the listener (``station.listener.batcher``), DESIGN §6.

- callbacks that arrive while a batch is being recorded go to the core together, as the next
  batch, and each handler gets its own outcome or exception;
- over HTTP with the real core: many distinct callbacks at once are all stored and answered 00;
  one whose effect fails in the database is answered 21 while the others are answered 00.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from station.domain.callbacks import CallbackOutcome, RawCallback
from station.listener.batcher import Callback, StoreBatcher
from station.listener.server import SWITCH_INTERVAL_S
from station.protocol.callbacks import FACE_RESULT_PATH, OPEN_DOOR_PATH, DoorOpen, FaceResult
from tests.listener.core import stored_callbacks
from tests.listener.harness import DOOR, FACE, plain_settings, running
from tests.push.factory import face, form, make_core


class GatedSink:
    """Holds its first batch until ``gate`` is set; outcome ``registration_id`` = item index,
    and a ``ValueError`` for a device named ``BAD``."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.batches: list[list[str]] = []

    def record_callbacks(self, items: Sequence[Callback]) -> list[CallbackOutcome | Exception]:
        self.batches.append([parsed.device_id for parsed, _ in items])
        if len(self.batches) == 1:
            self.entered.set()
            assert self.gate.wait(10)
        return [
            ValueError("refused") if p.device_id == "BAD" else CallbackOutcome(False, True, i)
            for i, (p, _) in enumerate(items)
        ]


def _raw() -> RawCallback:
    return RawCallback("face", b"{}", "application/json", "127.0.0.1", datetime.now(UTC))


def test_callbacks_waiting_during_a_batch_form_the_next_batch() -> None:
    sink = GatedSink()
    executor = ThreadPoolExecutor(1)

    async def scenario() -> list[CallbackOutcome | BaseException]:
        loop = asyncio.get_running_loop()
        batcher = StoreBatcher(sink, executor)
        first = asyncio.create_task(batcher.record(face("F0"), _raw()))
        assert await loop.run_in_executor(None, sink.entered.wait, 10)
        devices = ["F1", "BAD", "F3", "F4"]
        rest = [asyncio.create_task(batcher.record(face(d), _raw())) for d in devices]
        await asyncio.sleep(0)  # one loop turn: each task enqueues its callback and waits
        sink.gate.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    try:
        results = asyncio.run(scenario())
    finally:
        executor.shutdown()
    assert sink.batches == [["F0"], ["F1", "BAD", "F3", "F4"]]
    assert results[0] == CallbackOutcome(False, True, 0)
    assert results[1] == CallbackOutcome(False, True, 0)
    assert isinstance(results[2], ValueError)
    assert results[3:] == [CallbackOutcome(False, True, 2), CallbackOutcome(False, True, 3)]


async def _post_all(url: str, bodies: list[tuple[str, dict[str, str]]]) -> list[tuple[int, str]]:
    async with aiohttp.ClientSession() as session:

        async def one(path: str, body: dict[str, str]) -> tuple[int, str]:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json"}
            async with session.post(url + path, data=data, headers=headers) as resp:
                return resp.status, (await resp.json())["code"]

        return list(await asyncio.gather(*(one(p, b) for p, b in bodies)))


def test_many_distinct_callbacks_at_once_are_all_stored_and_answered(data_dir: Path) -> None:
    with make_core(data_dir) as core:
        reg_id = core.station.register(form(FACE["workOrdNum"], devices=("M1", "M2"))).ids[0]
        bodies = [(FACE_RESULT_PATH, {**FACE, "deviceId": f"U{i}"}) for i in range(40)]
        bodies += [(FACE_RESULT_PATH, {**FACE, "deviceId": d}) for d in ("M1", "M2")]
        bodies += [(OPEN_DOOR_PATH, {**DOOR, "deviceId": f"D{i}"}) for i in range(20)]
        seen: list[int] = []
        real = core.station.record_callbacks

        def counting(items: Sequence[tuple[FaceResult | DoorOpen, RawCallback]]) -> object:
            seen.append(len(items))
            return real(items)

        with running(plain_settings(), core.station) as listener:
            core.station.record_callbacks = counting  # type: ignore[method-assign,assignment]
            answers = asyncio.run(_post_all(listener.base_url, bodies))
        assert answers == [(200, "00")] * len(bodies)
        assert sum(seen) == len(bodies)
        assert stored_callbacks(core) == len(bodies)
        view = core.station.registration(reg_id)
        assert view is not None
        assert {d.device_id: d.state.value for d in view.devices} == {
            "M1": "written",
            "M2": "written",
        }


def test_one_failing_callback_is_answered_21_and_the_others_00(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with make_core(data_dir) as core:
        assert core.store.sqlite_file is not None
        db = sqlite3.connect(core.store.sqlite_file)
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON door_event WHEN NEW.device_id = 'BAD' "
            "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
        )
        db.commit()
        db.close()
        bodies = [(OPEN_DOOR_PATH, {**DOOR, "deviceId": f"D{i}"}) for i in range(10)]
        bodies.insert(5, (OPEN_DOOR_PATH, {**DOOR, "deviceId": "BAD"}))
        with running(plain_settings(), core.station) as listener:
            answers = asyncio.run(_post_all(listener.base_url, bodies))
        assert answers[5] == (500, "21")
        assert answers[:5] + answers[6:] == [(200, "00")] * 10
        assert stored_callbacks(core) == 10
    assert any("IntegrityError" in r.getMessage() for r in caplog.records)


def test_the_listener_lowers_the_switch_interval_while_it_runs(data_dir: Path) -> None:
    """The store thread gets the interpreter lock back sooner (station.listener.server)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        with make_core(data_dir) as core, running(plain_settings(), core.station):
            assert sys.getswitchinterval() == SWITCH_INTERVAL_S
        assert sys.getswitchinterval() == 0.005
    finally:
        sys.setswitchinterval(before)
