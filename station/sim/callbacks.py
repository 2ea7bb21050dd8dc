"""The callbacks that follow an accepted push: faceOperationResult per device, door events.

Per device (spec 2.2.3): after ``callback_delay_s``, one faceOperationResult whose site and room
are the push's entries at the device's index (the last entry when the lists are shorter). With
``door_events``, a device written for the first time for a person opens once, ``door_delay_s``
later (openDoorReceive, spec 2.2.2), sometimes followed by a door opened with no work order.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from station.protocol.addface import FacePush
from station.protocol.callbacks import (
    FACE_RESULT_PATH,
    OPEN_DOOR_PATH,
    SUCCESS_TEXT,
    DoorOpen,
    FaceResult,
)
from station.sim.scenarios import device_result

if TYPE_CHECKING:
    from station.sim.server import Simulator

log = logging.getLogger(__name__)


def _at(items: Sequence[str], index: int) -> str:
    return items[min(index, len(items) - 1)]


class CallbackPlan:
    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self._tasks: set[asyncio.Task[None]] = set()
        self.device_pushes: Counter[tuple[str, str, str]] = Counter()
        self._opened: set[tuple[str, str, str]] = set()

    def schedule(self, push: FacePush, pairs: Sequence[tuple[str, str]]) -> None:
        """Decide each device's result now (counting this push) and deliver them later."""
        cfg = self._sim.config
        results: list[FaceResult] = []
        for index, (device, scenario) in enumerate(pairs):
            key = (push.work_order, push.phone, device)
            self.device_pushes[key] += 1
            text = device_result(scenario, self.device_pushes[key], self._sim.rng, cfg.fail_text)
            if text is None:
                log.info(
                    "push %s device %s: no result (scenario %s)", push.work_order, device, scenario
                )
                continue
            results.append(
                FaceResult(
                    work_order=push.work_order,
                    name=push.name,
                    account=cfg.account_prefix + push.account,
                    phone=push.phone,
                    city=push.city,
                    site=_at(push.sites, index),
                    room=_at(push.rooms, index),
                    device_id=device,
                    result_text=text,
                )
            )
        if results:
            self._spawn(self._deliver(results))

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, results: list[FaceResult]) -> None:
        cfg = self._sim.config
        await asyncio.sleep(cfg.callback_delay_s)
        for result in results:
            await self._sim.deliverer.send(
                "faceOperationResult", FACE_RESULT_PATH, result.to_json()
            )
            key = (result.work_order, result.phone, result.device_id)
            if cfg.door_events and result.result_text == SUCCESS_TEXT and key not in self._opened:
                self._opened.add(key)
                self._spawn(self._open_door(result))

    async def _open_door(self, result: FaceResult) -> None:
        cfg = self._sim.config
        await asyncio.sleep(cfg.door_delay_s)
        zone = ZoneInfo(cfg.timezone)
        event = DoorOpen(
            work_order=result.work_order,
            name=result.name,
            account=result.account,
            phone=result.phone,
            city=result.city,
            site=result.site,
            room=result.room,
            device_id=result.device_id,
            opened_at=datetime.now(zone).replace(tzinfo=None, microsecond=0),
        )
        await self._sim.deliverer.send("openDoorReceive", OPEN_DOOR_PATH, event.to_json())
        if self._sim.rng.random() < cfg.door_anonymous_rate:
            anonymous = DoorOpen(
                None,
                None,
                None,
                None,
                event.city,
                event.site,
                event.room,
                event.device_id,
                datetime.now(zone).replace(tzinfo=None, microsecond=0),
            )
            await self._sim.deliverer.send("openDoorReceive", OPEN_DOOR_PATH, anonymous.to_json())

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def reset(self) -> None:
        self.device_pushes.clear()
        self._opened.clear()
