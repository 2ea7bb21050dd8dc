"""Every answer of the listener is the spec's envelope (D9); never a stack trace or HTML page."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from station.protocol.envelope import Code, http_status, make


def answer(code: Code, desc: str | None = None, *, status: int | None = None) -> web.Response:
    """The envelope ``{"code","desc","data"}``; HTTP status per D9 unless ``status`` is given.

    ``status`` is only for requests that are not callbacks at all (unknown path: 404, wrong
    method: 405, a malformed HTTP message: 400); their body is still the envelope with code 23.
    """
    envelope = make(code, desc)
    return web.Response(
        body=envelope.to_bytes(),
        status=status if status is not None else http_status(envelope.code),
        content_type="application/json",
        charset="utf-8",
    )


def ok() -> web.Response:
    return answer(Code.OK)


def refused() -> web.Response:
    """D13: a failed security check says only that, whatever the reason was."""
    return answer(Code.SECURITY_FAILED)


def bad_request(desc: str) -> web.Response:
    return answer(Code.BAD_PARAMETERS, desc)


def internal_error() -> web.Response:
    """D9: HTTP 500 with code 21 so that a platform that retries on 5xx retries."""
    return answer(Code.INTERFACE_ERROR)


def answer_data(data: Any) -> web.Response:
    """00 with a ``data`` payload (``/healthz``)."""
    envelope = make(Code.OK, data=data)
    return web.Response(
        body=envelope.to_bytes(), status=200, content_type="application/json", charset="utf-8"
    )
