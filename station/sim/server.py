"""The simulated 动环 platform: an aiohttp server (addFace v3, v1.0, control endpoints).

``POST /v1/external/ywgl/addFace`` (D1) and ``POST {v1_path}`` (D6), validated like a strict
platform (:mod:`.intake`), answered per scenario (:mod:`.scenarios`), followed by callbacks
(:mod:`.callbacks`); ``/_sim/…`` control endpoints in :mod:`.control`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from aiohttp import web

from station.protocol import addface, envelope
from station.protocol.envelope import Code
from station.protocol.errors import InvalidRequest
from station.sim import intake
from station.sim.callbacks import CallbackPlan
from station.sim.config import SimConfig, check_scenario
from station.sim.control import add_control_routes
from station.sim.delivery import Deliverer
from station.sim.recorder import Predicate, Record, Recorder
from station.sim.scenarios import Answer, push_answer, scenario_for, v1_answer

log = logging.getLogger(__name__)

T = TypeVar("T")
#: intake.read_addface / read_v1: (content type, body, max picture bytes, record) → the push
Reader = Callable[[str, bytes, int, dict[str, Any]], T]


class Simulator:
    """``base_url = await sim.start()`` … ``await sim.stop()``; see :mod:`station.sim`."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.recorder = Recorder(config.log_path)
        self.deliverer = Deliverer(config, self.recorder)
        self.rng = random.Random(config.seed)
        self.scenario = config.scenario
        self.device_scenarios: tuple[tuple[str, str], ...] = tuple(config.device_scenarios)
        self.push_attempts: Counter[tuple[str, ...]] = Counter()
        self.plan = CallbackPlan(self)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(
            client_max_size=self.config.max_picture_bytes * 2 + (1 << 20),
            middlewares=[_interface_error],
        )
        app.router.add_post(addface.ADDFACE_PATH, self._add_face)
        app.router.add_post(self.config.v1_path, self._v1)
        add_control_routes(app, self)
        await self.deliverer.start()
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        tls = None
        if self.config.cert:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(self.config.cert, self.config.key)
        site = web.TCPSite(self._runner, self.config.host, self.config.port, ssl_context=tls)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        host = f"[{host}]" if ":" in host else host
        self.base_url = f"{'https' if tls else 'http'}://{host}:{port}"
        log.info("simulator listening on %s, scenario %s", self.base_url, self.scenario)
        return self.base_url

    async def stop(self) -> None:
        await self.plan.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.deliverer.close()
        self.recorder.close()

    # -- control -----------------------------------------------------------------------------
    def set_scenario(
        self,
        scenario: str,
        device_scenarios: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """Switch the scenario now; ``device_scenarios`` None keeps the per-device overrides."""
        check_scenario(scenario)
        if device_scenarios is not None:
            pairs = list(
                device_scenarios.items()
                if isinstance(device_scenarios, Mapping)
                else device_scenarios
            )
            for pattern, name in pairs:
                check_scenario(name, f"device scenario {pattern!r}")
            self.device_scenarios = tuple(pairs)
        self.scenario = scenario
        log.info("scenario is now %s (device overrides: %s)", scenario, self.device_scenarios)

    def reset(self) -> None:
        """Forget push counts (``-then-success``, ``flaky``), opened doors and the records."""
        self.push_attempts.clear()
        self.plan.reset()
        self.recorder.clear()

    def set_callback_base_url(self, url: str) -> None:
        self.deliverer.base_url = url.rstrip("/")

    def records(self, kind: str | None = None, direction: str | None = None) -> list[Record]:
        return [
            r
            for r in self.recorder.records()
            if (kind is None or r.get("kind") == kind)
            and (direction is None or r.get("direction") == direction)
        ]

    async def wait_for(self, predicate: Predicate, timeout: float = 10.0) -> list[Record]:
        return await self.recorder.async_wait_for(predicate, timeout)

    async def idle(self) -> None:
        """Wait until every scheduled callback has been delivered (or given up)."""
        await self.plan.idle()

    # -- endpoints ---------------------------------------------------------------------------
    async def _parse(self, request: web.Request, record: dict[str, Any], reader: Reader[T]) -> T:
        """The body read, then validated off the loop; raises InvalidRequest (also when too large)."""
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            record["error"] = "body too large"
            raise InvalidRequest(None, "请求体过大") from None
        content_type = request.headers.get("Content-Type", "")
        return await asyncio.to_thread(
            reader, content_type, body, self.config.max_picture_bytes, record
        )

    async def _refuse(
        self, request: web.Request, record: dict[str, Any], exc: InvalidRequest
    ) -> web.StreamResponse:
        return await self._answer(request, record, Answer("answer", Code.BAD_PARAMETERS, exc.desc))

    async def _add_face(self, request: web.Request) -> web.StreamResponse:
        record: dict[str, Any] = {"direction": "in", "kind": "addFace", "path": request.path}
        try:
            push = await self._parse(request, record, intake.read_addface)
        except InvalidRequest as exc:
            return await self._refuse(request, record, exc)
        pairs = [
            (d, scenario_for(d, self.scenario, self.device_scenarios)) for d in push.device_ids
        ]
        # Pushes are counted per person, separately while flaky applies, so that switching to
        # ``flaky`` at run time starts its 21 / dropped / slow sequence from the beginning.
        key = ("v3", push.work_order, push.phone, str(any(s == "flaky" for _, s in pairs)))
        self.push_attempts[key] += 1
        record["work_order"] = push.work_order
        record["device_scenarios"] = dict(pairs)
        answer = push_answer(
            pairs,
            self.push_attempts[key],
            self.rng,
            self.config.slow_answer_s,
            self.config.reject_desc,
        )
        response = await self._answer(request, record, answer)
        if answer.action == "answer" and answer.code == Code.OK:
            self.plan.schedule(push, pairs)
        return response

    async def _v1(self, request: web.Request) -> web.StreamResponse:
        record: dict[str, Any] = {"direction": "in", "kind": "v1", "path": request.path}
        try:
            push = await self._parse(request, record, intake.read_v1)
        except InvalidRequest as exc:
            return await self._refuse(request, record, exc)
        contact = push.operators[0].contact
        key = ("v1", push.order_no, contact, self.scenario)
        self.push_attempts[key] += 1
        record["work_order"] = push.order_no
        answer = v1_answer(
            self.scenario,
            self.push_attempts[key],
            self.rng,
            self.config.slow_answer_s,
            self.config.fail_text,
        )
        return await self._answer(request, record, answer)

    async def _answer(
        self, request: web.Request, record: dict[str, Any], answer: Answer
    ) -> web.StreamResponse:
        if answer.action == "drop":
            record["answer"] = "connection dropped"
            self.recorder.add(record)
            log.info(
                "%s %s: dropping the connection (scenario)",
                record["kind"],
                record.get("work_order"),
            )
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        if answer.delay_s:
            await asyncio.sleep(answer.delay_s)
        env = envelope.make(answer.code, answer.desc)
        record["answer"] = env.to_json()
        record["status"] = envelope.http_status(env.code)
        self.recorder.add(record)
        log.info("%s %s answered %s", record["kind"], record.get("work_order", "-"), env.code)
        response = web.Response(
            status=record["status"],
            body=env.to_bytes(),
            content_type="application/json",
            charset="utf-8",
        )
        await response.prepare(request)
        await response.write_eof()
        return response


@web.middleware
async def _interface_error(request: web.Request, handler: Any) -> web.StreamResponse:
    """A bug in the simulator answers the envelope 21 (HTTP 500), like a platform would."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("simulator failed on %s %s", request.method, request.path)
        env = envelope.make(Code.INTERFACE_ERROR)
        return web.Response(
            status=500, body=env.to_bytes(), content_type="application/json", charset="utf-8"
        )
    return response
