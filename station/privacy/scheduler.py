"""Automatic retention (issue 7 §3): once at start, then every ``storage.purge_interval_s``.

The headless runner and the GUI start it on their event loop with the core they built, as a
``station serve`` service (returns once ``stop`` is set)::

    services = [..., retention_service(core)]         # core: station.app.Core
    await run_headless(core, stop, services)

or as a task to cancel: ``asyncio.create_task(retention_loop(core))`` … ``task.cancel()``.

Each run goes through ``asyncio.to_thread`` (database and file work never block the loop) and
a failed run is logged and retried at the next interval: retention never stops the station.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from station.config import Settings
from station.domain.clock import Clock
from station.privacy.purge import PurgeReport, run_purge
from station.privacy.vault import PhotoFolder
from station.store import Store

log = logging.getLogger(__name__)


class CoreParts(Protocol):
    """What retention needs of ``station.app.Core`` (kept structural to avoid an import cycle)."""

    @property
    def store(self) -> Store: ...
    @property
    def vault(self) -> PhotoFolder: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def clock(self) -> Clock: ...


def purge_now(core: CoreParts, *, dry_run: bool = False) -> PurgeReport:
    """One retention run at the core's current time (blocking: call it off the loop)."""
    return run_purge(core.store, core.vault, core.settings, core.clock.now(), dry_run=dry_run)


def purge_safely(core: CoreParts) -> PurgeReport | None:
    try:
        return purge_now(core)
    except Exception:
        log.exception("retention run failed; retrying at the next interval")
        return None


async def retention_loop(core: CoreParts, *, interval_s: float | None = None) -> None:
    """Run retention now and then every ``interval_s`` (default from the settings) until
    cancelled."""
    interval = interval_s if interval_s is not None else core.settings.storage.purge_interval_s
    while True:
        await asyncio.to_thread(purge_safely, core)
        await asyncio.sleep(interval)


def retention_service(
    core: CoreParts, *, interval_s: float | None = None
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """Retention as a ``station serve`` service: at start, then every interval, until ``stop``."""

    async def serve(stop: asyncio.Event) -> None:
        interval = interval_s if interval_s is not None else core.settings.storage.purge_interval_s
        while not stop.is_set():
            await asyncio.to_thread(purge_safely, core)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    return serve
