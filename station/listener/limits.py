"""Request-size limits of the listener: bodies, headers, compression, idle connections.

A callback body is a small JSON object (< 1 KiB in the spec's examples), so the listener refuses
anything larger than ``listener.max_body_bytes`` (64 KiB by default) without reading it whole:
a declared ``Content-Length`` over the limit is refused before a byte of the body is read, a
chunked body is counted while it is read and dropped at the limit. Compressed bodies are refused
outright (no decompression, so no gzip bomb), and the HTTP parser's header limits are explicit.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from station.protocol.errors import InvalidRequest

#: Header limits handed to aiohttp's HTTP parser (a callback needs about ten headers).
MAX_HEADERS = 64
MAX_LINE_SIZE = 8190  # request line
MAX_FIELD_SIZE = 8190  # one header line
#: Read size per chunk while counting a body.
CHUNK = 16 * 1024


def server_kwargs(keepalive_s: float) -> dict[str, Any]:
    """Keyword arguments for ``web.AppRunner`` that make every limit explicit.

    Idle keep-alive connections are closed after ``keepalive_s`` ([listener].keepalive_s);
    aiohttp has no header-read timeout (NOTES), so this and the allow-list bound idle sockets."""
    return {
        "max_headers": MAX_HEADERS,
        "max_line_size": MAX_LINE_SIZE,
        "max_field_size": MAX_FIELD_SIZE,
        "keepalive_timeout": keepalive_s,
        "auto_decompress": False,  # a Content-Encoding body is refused, never inflated
        "lingering_time": 0,  # an unread oversize body closes the connection, it is not drained
        "access_log": None,  # the handlers log each callback themselves, without personal data
    }


def too_large(limit: int) -> InvalidRequest:
    return InvalidRequest(None, f"请求体过大，应不超过 {limit} 字节")


async def read_body(request: web.Request, limit: int, timeout_s: float) -> bytes:
    """The whole body, or InvalidRequest (23) as soon as it is known to exceed ``limit`` or
    when it has not arrived within ``timeout_s`` (a stalled sender does not hold a handler)."""
    try:
        async with asyncio.timeout(timeout_s):
            return await _read_capped(request, limit)
    except TimeoutError:
        raise InvalidRequest(None, f"请求体未在 {timeout_s:g} 秒内收完 (请求超时)") from None


async def _read_capped(request: web.Request, limit: int) -> bytes:
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise InvalidRequest(None, "不支持压缩的请求体 (Content-Encoding 应为 identity)")
    declared = request.content_length
    if declared is not None and declared > limit:
        raise too_large(limit)
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        parts.append(chunk)
    return b"".join(parts)
