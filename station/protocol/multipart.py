"""Building ``multipart/form-data`` bodies byte for byte (RFC 7578), so what is sent is exact."""

from __future__ import annotations

import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    name: str
    value: bytes
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class HttpBody:
    """A request body with its content type, ready for any HTTP client."""

    content_type: str
    body: bytes


def _quote(value: str) -> str:
    if not value.isascii() or any(c in value for c in '"\r\n'):
        # Non-ASCII names are percent-encoded differently by every library (see NOTES.md);
        # the interface's names are ASCII, so refuse rather than guess.
        raise ValueError(f"multipart names must be plain ASCII without quotes: {value!r}")
    return f'"{value}"'


def encode(parts: list[Part], boundary: str | None = None) -> HttpBody:
    boundary = boundary or f"station-{secrets.token_hex(16)}"
    chunks: list[bytes] = []
    for part in parts:
        disposition = f"form-data; name={_quote(part.name)}"
        if part.filename is not None:
            disposition += f"; filename={_quote(part.filename)}"
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if part.content_type:
            head += f"Content-Type: {part.content_type}\r\n"
        chunks += [head.encode("ascii"), b"\r\n", part.value, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    return HttpBody(f"multipart/form-data; boundary={boundary}", b"".join(chunks))
