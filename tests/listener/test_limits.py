"""Oversize and hostile requests are refused without the listener's memory growing."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from station.protocol.callbacks import FACE_RESULT_PATH
from tests.helpers.serve import ServeProcess
from tests.listener.harness import FACE
from tests.listener.rawhttp import RawAnswer, exchange

TEN_MIB = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def child(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """(pid, port) of a real ``station serve`` (listener + worker) on an ephemeral port."""
    folder = tmp_path_factory.mktemp("serve")
    config = folder / "station.toml"
    listener = {"host": "127.0.0.1", "port": 0, "body_timeout_s": 1.0}
    config.write_text(tomli_w.dumps({"listener": listener}), encoding="utf-8")
    serve = ServeProcess(config, folder / "data")
    try:
        yield serve.proc.pid, int(serve.url.rsplit(":", 1)[1])
    finally:
        assert serve.stop() == 0


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _head(extra: str = "", length: int | None = None, path: str = FACE_RESULT_PATH) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    text = "\r\n".join(lines) + "\r\n" + extra + "\r\n"
    return text.encode("latin-1")


def _ok_request(port: int) -> RawAnswer:
    body = json.dumps(FACE).encode()
    return exchange(port, _head(length=len(body)) + body)


def test_hostile_requests_are_refused_and_memory_stays_flat(child: tuple[int, int]) -> None:
    pid, port = child
    assert _ok_request(port).envelope()["code"] == "00"  # warm: imports, first store
    before = _peak_rss_kib(pid)

    blob = b"x" * (1024 * 1024)
    # 10 MiB declared up front: refused from the headers alone.
    answer = exchange(port, _head(length=TEN_MIB), [blob] * 10)
    assert answer.envelope() == {
        "code": "23",
        "desc": "请求体过大，应不超过 65536 字节",
        "data": "",
    }
    assert answer.status == 200

    # 10 MiB chunked: counted while read and dropped at the limit.
    chunk = b"%x\r\n" % len(blob) + blob + b"\r\n"
    answer = exchange(port, _head("Transfer-Encoding: chunked\r\n"), [chunk] * 10 + [b"0\r\n\r\n"])
    assert answer.envelope()["desc"] == "请求体过大，应不超过 65536 字节"

    # A gzip bomb: 10 MiB of JSON-ish padding in ~10 KiB, never inflated.
    bomb = gzip.compress(b"{" + b" " * TEN_MIB + b"}", 9)
    assert len(bomb) < 65536
    answer = exchange(port, _head("Content-Encoding: gzip\r\n", len(bomb)) + bomb)
    assert answer.envelope() == {
        "code": "23",
        "desc": "不支持压缩的请求体 (Content-Encoding 应为 identity)",
        "data": "",
    }

    # 129 headers, and one header line of 9 KB: refused by the HTTP parser, still an envelope.
    many = "".join(f"X-Pad-{i}: {i}\r\n" for i in range(129))
    answer = exchange(port, _head(many, 2) + b"{}")
    assert answer.status == 400
    assert answer.envelope()["code"] == "23"
    answer = exchange(port, _head(f"X-Pad: {'a' * 9000}\r\n", 2) + b"{}")
    assert answer.status == 400
    assert answer.envelope()["code"] == "23"

    assert _ok_request(port).envelope()["code"] == "00"  # still serving
    grown_mib = (_peak_rss_kib(pid) - before) / 1024
    print(f"station serve peak RSS grew by {grown_mib:.1f} MiB")
    assert grown_mib < 20, f"listener peak RSS grew by {grown_mib:.1f} MiB"


def test_body_just_under_the_limit_is_read(child: tuple[int, int]) -> None:
    """The limit is not a refusal of everything: 64 KiB of valid JSON is parsed (and stored)."""
    _pid, port = child
    body = json.dumps({**FACE, "padding": "p" * 60000}).encode()
    assert len(body) <= 65536
    answer = exchange(port, _head(length=len(body)) + body)
    assert answer.envelope()["code"] == "00"
    over = json.dumps({**FACE, "padding": "p" * 66000}).encode()
    chunk = b"%x\r\n" % len(over) + over + b"\r\n0\r\n\r\n"
    answer = exchange(port, _head("Transfer-Encoding: chunked\r\n") + chunk)
    assert answer.envelope()["code"] == "23"


def test_stalled_body_is_answered_after_the_body_timeout(child: tuple[int, int]) -> None:
    """A sender that declares 100 bytes and sends 10 does not hold a handler for ever."""
    _pid, port = child
    started = time.monotonic()
    answer = exchange(port, _head(length=100) + b'{"city": "')
    assert answer.envelope() == {
        "code": "23",
        "desc": "请求体未在 1 秒内收完 (请求超时)",
        "data": "",
    }
    assert time.monotonic() - started < 5
