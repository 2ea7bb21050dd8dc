"""The headless composition root: configuration → store → vault → service → push worker.

``build_core(settings, data_dir, clock=None)`` returns a :class:`Core` with ``.store``,
``.station`` (the core service), ``.bus``, ``.vault`` and ``.worker`` (not started: call
``core.worker.start()`` or run it inside ``station.cli.serve.run_headless``), and ``close()``
that stops the worker and releases the database. The GUI builds its widgets on top of this.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from station.config import Settings
from station.domain.clock import Clock, SystemClock
from station.domain.events import EventBus
from station.privacy.vault import PhotoVault
from station.push.worker import PushWorker
from station.service import Station
from station.store import Store, open_store

log = logging.getLogger(__name__)


@dataclass
class Core:
    settings: Settings
    data_dir: Path
    clock: Clock
    store: Store
    vault: PhotoVault
    bus: EventBus
    station: Station
    worker: PushWorker

    def close(self) -> None:
        """Stop the worker (waits for an in-flight push) and close the database."""
        self.worker.stop()
        self.store.close()

    def __enter__(self) -> Core:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def build_core(settings: Settings, data_dir: Path, clock: Clock | None = None) -> Core:
    """Open everything the core needs; raises StoreError / VaultError with a clear message."""
    clock = clock or SystemClock()
    data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings.storage, data_dir)
    try:
        vault = PhotoVault.for_settings(settings.storage, data_dir)  # [storage].photo_key_file
    except Exception:
        store.close()
        raise
    bus = EventBus()
    station = Station(store, vault, bus, settings, clock)
    worker = PushWorker(station, settings)
    return Core(settings, data_dir, clock, store, vault, bus, station, worker)
