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
import time

from station.config import Settings
from station.core.station import Station
from station.domain.events import Event, RegistrationStored
from station.push.client import PushClient
from station.push.outbox import Claim, Outbox, make_owner

log = logging.getLogger(__name__)
#: Pushes in flight at once. SQLite commits are serialized, so more threads mostly add waiting;
#: 4 doubled the drain rate of bench/push_drain.py over 1 on this machine.
CONCURRENCY = 4


class PushWorker:
    """``concurrency`` threads (default :data:`CONCURRENCY`), each with its own HTTP session,
    share the outbox: the lease makes sure no two of them (nor another process) send the same
    device."""

    def __init__(
        self,
        station: Station,
        settings: Settings,
        *,
        owner: str | None = None,
        rng: random.Random | None = None,
        concurrency: int = 0,
    ) -> None:
        self.station = station
        self.settings = settings
        platform = settings.platform
        lease_s = 2 * (platform.connect_timeout_s + platform.timeout_s) + 5
        self.owner = owner or make_owner(secrets.token_hex(4))
        self.outbox = Outbox(station, self.owner, platform.protocol, lease_s)
        self.rng = rng or random.Random()
        self.concurrency = concurrency or CONCURRENCY
        self._local = threading.local()
        self._clients: list[PushClient] = []
        self._lock = threading.Lock()
        self._last_sweep = -1e9
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._unsubscribe = station.bus.subscribe(RegistrationStored, self._on_stored)
        self.pushes_sent = 0

    def _on_stored(self, _event: Event) -> None:
        self._wake.set()

    @property
    def client(self) -> PushClient:
        """This thread's HTTP client (a requests.Session is not shared between threads)."""
        client: PushClient | None = getattr(self._local, "client", None)
        if client is None:
            client = PushClient(
                self.settings.platform, self.station.vault, self.settings.station.timezone
            )
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def _sweep_if_due(self) -> None:
        """Expire leases, silences and dates at most once per poll interval (any thread)."""
        with self._lock:
            due = time.monotonic() - self._last_sweep >= self.settings.retry.poll_s
            if due:
                self._last_sweep = time.monotonic()
        if due:
            self.outbox.sweep(self.station.clock.now())

    def run_once(self) -> Claim | None:
        """A sweep when due and at most one push; returns the claim that was sent, if any."""
        self._sweep_if_due()
        claim = self.outbox.claim(self.station.clock.now())
        if claim is None:
            return None
        result = self.client.send(claim)
        with self._lock:
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

    def drain(self, threads: int | None = None) -> int:
        """Push with ``threads`` threads until nothing is due (tests, bench); returns pushes."""
        self._last_sweep = -1e9
        before = self.pushes_sent

        def work() -> None:
            while self.run_once() is not None:
                pass

        pool = [threading.Thread(target=work) for _ in range(threads or self.concurrency)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return self.pushes_sent - before

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.run_once()
            except Exception:
                log.exception("push worker cycle failed; retrying after the poll interval")
                sent = None
            if sent is None:
                self._wake.wait(self.settings.retry.poll_s)
                self._wake.clear()

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._loop, name=f"push-worker-{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        for thread in self._threads:
            thread.start()
        log.info("push worker %s started (%d threads)", self.owner, self.concurrency)

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the pushes in flight (if any) are recorded."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        if self._threads:
            log.info("push worker %s stopped", self.owner)
        self._threads = []
        self._unsubscribe()
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set (for ``run_headless`` and the GUI's loop)."""
        self.start()
        try:
            await stop.wait()
        finally:
            await asyncio.to_thread(self.stop)
