"""``run_headless``: the services of ``station serve`` start together and stop together."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from station.cli.serve import headless_services, run_headless
from tests.push.factory import make_core


def test_services_stop_when_the_event_is_set(data_dir: Path) -> None:
    seen: list[str] = []

    async def extra(stop: asyncio.Event) -> None:
        seen.append("started")
        await stop.wait()
        seen.append("stopped")

    async def main() -> None:
        with make_core(data_dir, listener={"port": 0}) as core:
            stop = asyncio.Event()
            services = [*headless_services(core), extra]
            runner = asyncio.create_task(run_headless(core, stop, services))
            while not seen:
                await asyncio.sleep(0.01)
            assert core.worker._threads  # the worker is running
            stop.set()
            await asyncio.wait_for(runner, 30)
            assert not core.worker._threads

    asyncio.run(main())
    assert seen == ["started", "stopped"]


def test_a_failing_service_stops_the_others_and_is_reported(data_dir: Path) -> None:
    async def broken(stop: asyncio.Event) -> None:
        raise OSError("port 8443 in use")

    async def main() -> None:
        with make_core(data_dir, listener={"port": 0}) as core:
            stop = asyncio.Event()
            with pytest.raises(OSError, match="8443"):
                await asyncio.wait_for(
                    run_headless(core, stop, [*headless_services(core), broken]), 30
                )
            assert stop.is_set()
            assert not core.worker._threads

    asyncio.run(main())
