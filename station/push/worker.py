"""The push worker: a thread that loops sweep → claim → send → complete (D4, D5, D14–D16).

Requests run in this thread, never on the event loop. The worker looks for due work every
``retry.poll_s`` seconds (so a registration made by another process on the same data dir is
picked up within 2 s) and at once when this process stores a registration. Headless and GUI use
it the same way: ``start()``/``stop()``, or ``await worker.run(stop_event)`` on an asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import threading

from station.config import Settings
from station.core.station import Station
from station.domain.events import Event, RegistrationStored
from station.push.client import PushClient
from station.push.outbox import Claim, Outbox, make_owner

log = logging.getLogger(__name__)


class PushWorker:
    def __init__(
        self,
        station: Station,
        settings: Settings,
        *,
        owner: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.station = station
        self.settings = settings
        platform = settings.platform
        lease_s = 2 * (platform.connect_timeout_s + platform.timeout_s) + 5
        self.owner = owner or make_owner(secrets.token_hex(4))
        self.outbox = Outbox(station, self.owner, platform.protocol, lease_s)
        self.client = PushClient(platform, station.vault, settings.station.timezone)
        self.rng = rng or random.Random()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe = station.bus.subscribe(RegistrationStored, self._on_stored)
        self.pushes_sent = 0

    def _on_stored(self, _event: Event) -> None:
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def run_once(self) -> Claim | None:
        """One sweep and at most one push; returns the claim that was sent, if any."""
        now = self.station.clock.now()
        self.outbox.sweep(now)
        claim = self.outbox.claim(now)
        if claim is None:
            return None
        result = self.client.send(claim)
        self.pushes_sent += 1
        self.outbox.complete(claim, result, self.station.clock.now(), self.rng.random())
        log.info(
            "push work order %s registrations %s devices %s: %s%s (%.0f ms)",
            claim.people[0].work_order,
            [p.registration_id for p in claim.people],
            list(claim.device_ids),
            result.answer.value,
            f" code {result.code}" if result.code else "",
            result.duration_ms,
        )
        return claim

    def drain(self, limit: int = 1_000_000) -> int:
        """Push until nothing is due (tests, bench); returns the number of pushes."""
        count = 0
        while count < limit and self.run_once() is not None:
            count += 1
        return count

    def _loop(self) -> None:
        log.info("push worker %s started", self.owner)
        while not self._stop.is_set():
            try:
                sent = self.run_once()
            except Exception:
                log.exception("push worker cycle failed; retrying after the poll interval")
                sent = None
            if sent is None:
                self._wake.wait(self.settings.retry.poll_s)
                self._wake.clear()
        log.info("push worker %s stopped", self.owner)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="push-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the push in flight (if any) is recorded."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._unsubscribe()
        self.client.close()

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set (for ``run_headless`` and the GUI's loop)."""
        self.start()
        try:
            await stop.wait()
        finally:
            await asyncio.to_thread(self.stop)
