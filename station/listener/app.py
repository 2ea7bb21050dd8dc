"""The listener's aiohttp application: the two callback endpoints (D7) and ``GET /healthz``.

Each callback goes through the same steps, and every outcome is an envelope (D9):

1. D13 source allow-list and ``X-Auth-Token`` (22), before the body is read;
2. the body, read with a cap (23 when too large or compressed; ``station.listener.limits``);
3. D13 HMAC signature over the raw body (22);
4. decoding and validation by ``station.protocol.callbacks`` (23 with the Chinese desc, D8/D10);
5. the core stores it durably off the event loop (``CallbackSink``), batched with the callbacks
   waiting at that moment into one transaction (``station.listener.batcher``: group commit);
   00 only after its commit, 21 with HTTP 500 when recording it raised (the error is logged
   without the body or its values).

The error middleware turns everything else (404, 405, any exception) into the envelope too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from station import __version__
from station.config import ListenerSettings
from station.domain.callbacks import CallbackKind, CallbackOutcome, RawCallback
from station.domain.clock import Clock
from station.listener import answers
from station.listener.batcher import StoreBatcher
from station.listener.limits import read_body
from station.listener.security import SecurityPolicy, SecurityRefused
from station.protocol.callbacks import (
    FACE_RESULT_PATH,
    OPEN_DOOR_PATH,
    DoorOpen,
    FaceResult,
    decode_body,
    parse_door_open,
    parse_face_result,
)
from station.protocol.envelope import Code
from station.protocol.errors import InvalidRequest

log = logging.getLogger(__name__)
HEALTH_PATH = "/healthz"


class CallbackSink(Protocol):
    """What the listener needs of the core (``station.domain.callbacks``); all are blocking.

    The listener calls ``record_callbacks`` (several callbacks, one transaction, one outcome or
    exception per callback, in order); the single-callback forms are the same contract."""

    def record_face_result(self, result: FaceResult, raw: RawCallback) -> CallbackOutcome: ...

    def record_door_open(self, event: DoorOpen, raw: RawCallback) -> CallbackOutcome: ...

    def record_callbacks(
        self, items: Sequence[tuple[FaceResult | DoorOpen, RawCallback]]
    ) -> Sequence[CallbackOutcome | Exception]: ...


@dataclass(frozen=True)
class _Context:
    policy: SecurityPolicy
    batcher: StoreBatcher
    clock: Clock
    max_body_bytes: int
    body_timeout_s: float
    tls: bool


CONTEXT = web.AppKey("station_listener", _Context)


def create_app(
    settings: ListenerSettings,
    sink: CallbackSink,
    clock: Clock,
    *,
    executor: Executor | None = None,
    tls: bool = False,
) -> web.Application:
    """The application; ``executor`` runs the sink's blocking calls (None: the loop's default),
    one batch at a time."""
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[_envelope_errors])
    app[CONTEXT] = _Context(
        SecurityPolicy.from_settings(settings),
        StoreBatcher(sink, executor),
        clock,
        settings.max_body_bytes,
        settings.body_timeout_s,
        tls,
    )
    app.router.add_post(FACE_RESULT_PATH, _face_result)
    app.router.add_post(OPEN_DOOR_PATH, _door_open)
    app.router.add_get(HEALTH_PATH, _health)
    return app


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _envelope_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed as exc:
        response = answers.answer(
            Code.BAD_PARAMETERS, f"不支持的请求方法 {request.method}，应为 POST", status=405
        )
        response.headers["Allow"] = ",".join(sorted(exc.allowed_methods))
        return response
    except web.HTTPNotFound:
        return answers.answer(Code.BAD_PARAMETERS, "未知的接口路径", status=404)
    except web.HTTPException as exc:
        code = Code.INTERFACE_ERROR if exc.status >= 500 else Code.BAD_PARAMETERS
        return answers.answer(code, status=exc.status)
    except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        log.error(
            "internal error on %s %s: %s", request.method, request.path, _where(exc)
        )  # no body, no exception text: it may carry the callback's values
        return answers.internal_error()


def _where(exc: BaseException) -> str:
    """The exception's type and innermost location, without its message."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return type(exc).__name__
    return f"{type(exc).__name__} at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"


async def _health(request: web.Request) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    try:
        ctx.policy.check_source(request.remote)
    except SecurityRefused as refusal:
        log.warning("refused %s from %s: %s", request.path, request.remote, refusal.reason)
        return answers.refused()
    data = {"status": "ok", "version": __version__, "tls": ctx.tls}
    return answers.answer_data(data)


async def _face_result(request: web.Request) -> web.StreamResponse:
    return await _callback(request, "face")


async def _door_open(request: web.Request) -> web.StreamResponse:
    return await _callback(request, "door")


async def _callback(request: web.Request, kind: CallbackKind) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    peer = request.remote or "?"
    try:
        ctx.policy.check_source(request.remote)
        ctx.policy.check_token(request.headers)
        body = await read_body(request, ctx.max_body_bytes, ctx.body_timeout_s)
        ctx.policy.check_signature(request.headers, body, ctx.clock.now().timestamp())
        obj = decode_body(body, request.headers.get("Content-Type"))
        parsed: FaceResult | DoorOpen = (
            parse_face_result(obj) if kind == "face" else parse_door_open(obj)
        )
    except SecurityRefused as refusal:
        log.warning("refused %s callback from %s: %s", kind, peer, refusal.reason)
        return answers.refused()
    except InvalidRequest as invalid:
        log.info("invalid %s callback from %s: field=%s", kind, peer, invalid.field or "(body)")
        return answers.bad_request(invalid.desc)
    raw = RawCallback(
        kind=kind,
        body=body,
        content_type=request.headers.get("Content-Type", ""),
        peer=peer,
        received_at=ctx.clock.now(),
    )
    outcome = await ctx.batcher.record(parsed, raw)
    log.debug(  # the core logs each stored callback at INFO (work order and device only)
        "%s callback from %s work_order=%s device=%s%s matched=%s duplicate=%s%s",
        kind,
        peer,
        parsed.work_order or "-",
        parsed.device_id,
        f" result={parsed.result_text}" if isinstance(parsed, FaceResult) else "",
        outcome.matched,
        outcome.duplicate,
        f" flags={','.join(outcome.flags)}" if outcome.flags else "",
    )
    return answers.ok()
