"""A raw-socket HTTP client for requests no well-behaved client would send."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from typing import Any


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def envelope(self) -> dict[str, Any]:
        assert self.headers.get("content-type", "").startswith("application/json")
        value: dict[str, Any] = json.loads(self.body)
        assert set(value) == {"code", "desc", "data"}
        return value


def exchange(port: int, head: bytes, body_chunks: list[bytes] | None = None) -> RawAnswer:
    """Send ``head`` (request line + headers + blank line), then stream ``body_chunks`` from a
    thread while reading the answer; send errors are ignored (the server may hang up early)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    try:
        sock.sendall(head)
        sender = threading.Thread(target=_send_all, args=(sock, body_chunks or []), daemon=True)
        sender.start()
        data = _read_response(sock)
        sender.join(15)
        return _parse(data)
    finally:
        sock.close()


def _send_all(sock: socket.socket, chunks: list[bytes]) -> None:
    try:
        for chunk in chunks:
            sock.sendall(chunk)
    except OSError:
        pass


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = _content_length(head)
            if length is not None and len(rest) >= length:
                break
    return data


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return None


def _parse(data: bytes) -> RawAnswer:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawAnswer(status, headers, body)
