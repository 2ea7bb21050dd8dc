"""Delivering the simulator's callbacks to the station (faceOperationResult, openDoorReceive).

Over HTTP or HTTPS: the station's certificate is verified against ``callback_ca`` (else the
system trust store), a client certificate is presented when configured (mutual TLS), and the
D13 headers (X-Auth-Token, X-Timestamp + X-Signature) are added when configured. A failed
delivery (connection error, timeout, HTTP 5xx, code 21) is logged and retried a few times; it
never stops the simulator.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
from typing import Any

import aiohttp

from station.protocol import envelope, signing
from station.sim.config import SimConfig
from station.sim.recorder import Recorder, redact_headers

log = logging.getLogger(__name__)


def client_ssl_context(config: SimConfig) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=config.callback_ca or None)
    if config.client_cert:
        ctx.load_cert_chain(config.client_cert, config.client_key)
    return ctx


class Deliverer:
    """Posts callbacks with one aiohttp session; every attempt goes into the record."""

    def __init__(self, config: SimConfig, recorder: Recorder) -> None:
        self._config = config
        self._recorder = recorder
        self._session: aiohttp.ClientSession | None = None
        self.base_url = config.callback_base_url.rstrip("/")

    async def start(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self._config.callback_timeout_s)
        connector = aiohttp.TCPConnector(ssl=client_ssl_context(self._config))
        self._session = aiohttp.ClientSession(timeout=timeout, connector=connector)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, kind: str, path: str, body: dict[str, Any]) -> bool:
        """POST ``body`` as JSON to the station; True once it answered 00."""
        text = json.dumps(body, ensure_ascii=False)
        raw = text.encode("utf-8")
        attempts = 1 + max(0, self._config.callback_retries)
        for attempt in range(1, attempts + 1):
            delivered, retry = await self._attempt(kind, path, text, raw, attempt)
            if delivered:
                return True
            if not retry:
                return False
            if attempt < attempts:
                await asyncio.sleep(self._config.callback_retry_delay_s)
        log.warning(
            "callback %s for device %s given up after %d attempts",
            kind,
            body.get("deviceId"),
            attempts,
        )
        return False

    async def _attempt(
        self, kind: str, path: str, text: str, raw: bytes, attempt: int
    ) -> tuple[bool, bool]:
        """One POST; (delivered, worth retrying)."""
        assert self._session is not None, "Deliverer.start() first"
        url = self.base_url + path
        headers = {"Content-Type": "application/json; charset=utf-8"}
        headers.update(
            signing.auth_headers(self._config.token, self._config.hmac_secret, raw, time.time())
        )
        record: dict[str, Any] = {
            "direction": "out",
            "kind": kind,
            "url": url,
            "attempt": attempt,
            "headers": redact_headers(headers),
            "body": text,
        }
        retry = True
        try:
            async with self._session.post(url, data=raw, headers=headers) as response:
                answer_bytes = await response.read()
                record["status"] = response.status
                try:
                    answer = envelope.parse(answer_bytes)
                    record["answer"] = answer.to_json()
                    retry = response.status >= 500 or answer.code == envelope.Code.INTERFACE_ERROR
                    record["delivered"] = answer.code == envelope.Code.OK
                except envelope.EnvelopeError as exc:
                    record["answer"] = answer_bytes[:200].decode("utf-8", "replace")
                    record["error"] = str(exc)
                    record["delivered"] = False
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
            record["delivered"] = False
        self._recorder.add(record)
        if record["delivered"]:
            return True, False
        log.warning(
            "callback %s to %s attempt %d failed: %s",
            kind,
            url,
            attempt,
            record.get("error") or record.get("answer"),
        )
        return False, retry
