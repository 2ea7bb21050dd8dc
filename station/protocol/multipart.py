"""Building ``multipart/form-data`` bodies byte for byte (RFC 7578), so what is sent is exact."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    name: str
    value: bytes = field(repr=False)
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class HttpBody:
    """A request body with its content type, ready for any HTTP client."""

    content_type: str
    body: bytes = field(repr=False)


def _quote(value: str) -> str:
    if not value.isascii() or any(c in value for c in '"\r\n'):
        # Non-ASCII names are percent-encoded differently by every library (see NOTES.md);
        # the interface's names are ASCII, so refuse rather than guess.
        raise ValueError(f"multipart names must be plain ASCII without quotes: {value!r}")
    return f'"{value}"'


def encode(parts: list[Part], boundary: str | None = None) -> HttpBody:
    boundary = boundary or f"station-{secrets.token_hex(16)}"
    if any(b"--" + boundary.encode("ascii") in part.value for part in parts):
        raise ValueError(f"boundary {boundary!r} occurs in a part's value; choose another")
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


class MultipartError(ValueError):
    """A body that is not well-formed ``multipart/form-data``; the message says what is wrong."""


_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


def boundary_of(content_type: str) -> str:
    """The ``boundary`` parameter of a ``multipart/form-data`` content type."""
    mime, _, params = content_type.partition(";")
    if mime.strip().lower() != "multipart/form-data":
        raise MultipartError(f"Content-Type is {mime.strip()!r}, expected multipart/form-data")
    found = _params(";" + params).get("boundary")
    if not found:
        raise MultipartError("multipart/form-data without a boundary parameter")
    return found


def _params(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _PARAM.finditer(text)
    }


def _part(raw_head: bytes, value: bytes, index: int) -> Part:
    headers: dict[str, str] = {}
    for line in raw_head.decode("utf-8", "replace").split("\r\n"):
        key, sep, val = line.partition(":")
        if not sep:
            raise MultipartError(f"part {index}: malformed header line {line[:60]!r}")
        headers[key.strip().lower()] = val.strip()
    disposition = headers.get("content-disposition", "")
    if not disposition.lower().startswith("form-data"):
        raise MultipartError(f"part {index}: Content-Disposition is not form-data")
    params = _params(disposition[len("form-data") :])
    if "name" not in params:
        raise MultipartError(f"part {index}: Content-Disposition has no name")
    return Part(params["name"], value, params.get("filename"), headers.get("content-type"))


def decode(content_type: str, body: bytes) -> list[Part]:
    """Parse a ``multipart/form-data`` body strictly (server side), keeping every part's bytes."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    start = body.find(delimiter)
    if start < 0 or (start > 0 and body[start - 2 : start] != b"\r\n"):
        raise MultipartError("body does not contain the boundary")
    parts: list[Part] = []
    pos = start + len(delimiter)
    while True:
        if body[pos : pos + 2] == b"--":
            return parts
        if body[pos : pos + 2] != b"\r\n":
            raise MultipartError(f"part {len(parts)}: boundary not followed by CRLF")
        head_end = body.find(b"\r\n\r\n", pos + 2)
        if head_end < 0:
            raise MultipartError(f"part {len(parts)}: headers are not terminated")
        end = body.find(b"\r\n" + delimiter, head_end + 4)
        if end < 0:
            raise MultipartError(f"part {len(parts)}: missing closing boundary")
        parts.append(_part(body[pos + 2 : head_end], body[head_end + 4 : end], len(parts)))
        pos = end + 2 + len(delimiter)
