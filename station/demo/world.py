"""Setting up the demo's throw-away world on the running event loop (Qt-free).

``world = await start_world(data_dir)`` makes the sample face clip, starts the simulator
in-process on a loopback ephemeral port, writes the demo settings to ``data_dir/station.toml``
(platform = the simulator, listener = a free loopback port, plain HTTP, short timers) and loads
the sample catalog (``resources/sample-catalog.csv``) into the station's database.
``await world.stop()`` stops the simulator. The GUI (or ``station serve``) is started on top.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from station.config import Settings, save_settings
from station.demo.media import make_face_clip
from station.demo.scenario import demo_settings, free_port, sim_config
from station.resources import resources_dir
from station.sim import Simulator

log = logging.getLogger(__name__)
CATALOG_FILE = "sample-catalog.csv"


@dataclass
class DemoWorld:
    settings: Settings
    config_path: Path
    data_dir: Path
    sim: Simulator
    platform_url: str
    catalog_devices: int

    async def stop(self) -> None:
        await self.sim.stop()


def load_sample_catalog(settings: Settings, data_dir: Path) -> int:
    """Import the sample catalog into the data dir's database; returns the device count."""
    from station.records.catalog_file import parse_catalog
    from station.records.catalog_store import import_entries
    from station.store import open_store

    entries = parse_catalog(resources_dir() / CATALOG_FILE)
    store = open_store(settings.storage, data_dir)
    try:
        with store.transaction() as session:
            import_entries(session, entries)
    finally:
        store.close()
    return len(entries)


async def start_world(data_dir: Path) -> DemoWorld:
    import asyncio

    data_dir.mkdir(parents=True, exist_ok=True)
    clip = await asyncio.to_thread(make_face_clip, data_dir / "demo" / "faces.avi", 6.0)
    listener_port = free_port()
    sim = Simulator(sim_config(f"http://127.0.0.1:{listener_port}", data_dir / "sim.jsonl"))
    platform_url = await sim.start()
    try:
        settings = demo_settings(platform_url, listener_port, str(clip))
        config_path = data_dir / "station.toml"
        save_settings(settings, config_path)
        devices = await asyncio.to_thread(load_sample_catalog, settings, data_dir)
    except BaseException:
        await sim.stop()
        raise
    log.info(
        "demo world: simulator %s, listener port %d, %d catalog devices, data in %s",
        platform_url,
        listener_port,
        devices,
        data_dir,
    )
    return DemoWorld(settings, config_path, data_dir, sim, platform_url, devices)
