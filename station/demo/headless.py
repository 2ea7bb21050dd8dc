"""The demo scenario without a window (``station demo --headless``): core + listener + worker +
simulator on one asyncio loop; registers the tour's two people and waits for the expected states.

It is the GUI tour's twin and checks the same outcome: every device written (one after a failure
and a D14 re-push, one after silence and a re-push), a door opened by a registered person and a
door opened without a work order, flagged ``no_work_order`` (D11).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from station.demo.scenario import (
    NOT_EFFECTIVE_DEVICE,
    PEOPLE,
    DemoPerson,
    expected_devices,
    today_in,
)
from station.demo.world import DemoWorld, start_world
from station.resources import resources_dir

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    ok: bool
    steps: list[tuple[str, bool, float]] = field(default_factory=list)  # name, reached, seconds
    status: dict[str, Any] = field(default_factory=dict)


def person_form(person: DemoPerson, photo: bytes, world: DemoWorld) -> Any:
    """The core's registration form for one demo person."""
    from station.core.forms import Consent, PersonForm, RegistrationForm

    consent = Consent(world.settings.station.consent_notice_version, datetime.now(UTC), "demo")
    return RegistrationForm(
        work_order=person.work_order,
        city=person.city,
        sites=(person.site,),
        rooms=person.rooms,
        device_ids=person.devices,
        reg_date=today_in(world.settings),
        people=(PersonForm(person.name, person.account, person.phone, photo),),
        consent=consent,
        created_by="demo",
    )


def gated_photo(person: DemoPerson, world: DemoWorld) -> bytes:
    """The person's still through the real photo gate (DESIGN §5)."""
    from station.camera import check_photo_bytes

    verdict = check_photo_bytes(
        (resources_dir() / "demo" / person.face).read_bytes(), world.settings.photo
    )
    if not verdict.ok or verdict.jpeg is None:
        raise RuntimeError(f"demo photo {person.face} failed the gate: {verdict.problems}")
    return verdict.jpeg


def devices_reached(status: dict[str, Any]) -> bool:
    states = {d["device_id"]: d["state"] for r in status["registrations"] for d in r["devices"]}
    return all(states.get(dev) == want for dev, want in expected_devices().items())


def doors_reached(status: dict[str, Any]) -> bool:
    events = status["door_events"]
    matched = any(e.get("work_order") and not e.get("flags") for e in events)
    anonymous = any("no_work_order" in e.get("flags", []) for e in events)
    return matched and anonymous


async def wait_until(check: Callable[[], Any], deadline: float, every: float = 0.3) -> bool:
    while time.monotonic() < deadline:
        if await asyncio.to_thread(check):
            return True
        await asyncio.sleep(every)
    return False


async def run_headless(data_dir: Path, timeout_s: float = 90.0) -> Outcome:
    from station.app import build_core
    from station.listener import Listener

    start = time.monotonic()
    deadline = start + timeout_s
    world = await start_world(data_dir)
    core = await asyncio.to_thread(build_core, world.settings, data_dir)
    listener = Listener(world.settings.listener, core.station)
    outcome = Outcome(ok=False)
    try:
        await listener.start()
        core.worker.start()
        for person in PEOPLE:
            photo = await asyncio.to_thread(gated_photo, person, world)
            done = await asyncio.to_thread(core.station.register, person_form(person, photo, world))
            log.info("demo registered %s: ids %s", person.work_order, list(done.ids))
            outcome.steps.append((f"register {person.work_order}", True, time.monotonic() - start))

        def status() -> dict[str, Any]:
            data: dict[str, Any] = core.station.status().to_json()
            return data

        def pushes(device: str) -> int:
            devices = [d for r in status()["registrations"] for d in r["devices"]]
            return int(next(d["pushes"] for d in devices if d["device_id"] == device))

        steps: list[tuple[str, Callable[[], bool]]] = [
            ("devices written", lambda: devices_reached(status())),
            ("door events", lambda: doors_reached(status())),
        ]
        for name, check in steps:
            reached = await wait_until(check, deadline)
            outcome.steps.append((name, reached, time.monotonic() - start))
        registration = next(
            r
            for r in status()["registrations"]
            if any(d["device_id"] == NOT_EFFECTIVE_DEVICE for d in r["devices"])
        )
        await asyncio.to_thread(
            core.station.mark_not_effective, registration["id"], NOT_EFFECTIVE_DEVICE
        )
        reached = await wait_until(
            lambda: devices_reached(status()) and pushes(NOT_EFFECTIVE_DEVICE) >= 2, deadline
        )
        outcome.steps.append(("not effective, re-pushed", reached, time.monotonic() - start))
        outcome.status = await asyncio.to_thread(status)
        outcome.ok = all(reached for _, reached, _ in outcome.steps)
    finally:
        await asyncio.to_thread(core.worker.stop)
        await listener.stop()
        await asyncio.to_thread(core.close)
        await world.stop()
    return outcome
