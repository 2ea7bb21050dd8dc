"""Black-box helpers for the contract tests: the installed ``station`` command as child
processes, configuration files written by hand, and a bare HTTP receiver standing in for the
动环 platform. Nothing here imports the station package: the tests see only what an outside
acceptance tester sees (DESIGN §4, the spec's field names, bytes on the wire).
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
STATION = [sys.executable, "-m", "station"]
TIMEOUT = 60  # a bound on any one command; none takes more than a few seconds
LISTENING = re.compile(r"listening on (https?://[^\s,;)]+)")
FACE_PATH = "/mtex/webservice/machine/roomDoor/faceOperationResult"
DOOR_PATH = "/mtex/webservice/machine/roomDoor/openDoorReceive"
ADDFACE_PATH = "/v1/external/ywgl/addFace"


def local_today() -> date:
    """The station's 'today' (Asia/Shanghai by default, D10), not the test machine's."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(path: Path, *, base_url: str, listener_port: int, extra: str = "") -> Path:
    """A TOML settings file with the DESIGN §8 keys the tests need (plain HTTP listener)."""
    path.write_text(
        f'[platform]\nbase_url = "{base_url}"\ntimeout_s = 5\n{extra}\n'
        f'[listener]\nhost = "127.0.0.1"\nport = {listener_port}\n',
        encoding="utf-8",
    )
    return path


def station(*args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """``python -m station ARGS`` to completion, output captured as text."""
    return subprocess.run(
        [*STATION, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def station_json(*args: str) -> Any:
    done = station(*args)
    assert done.returncode == 0, f"station {' '.join(args)}: {done.returncode}\n{done.stderr}"
    return json.loads(done.stdout)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``predicate`` (each call is a real request or command) until it is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)  # poll interval between real checks, not a wait for an effect


class Proc:
    """A long-running ``station`` command; stdout and stderr lines collected separately."""

    def __init__(self, *args: str) -> None:
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(
            [*STATION, *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: Any, into: list[str]) -> None:
        for line in stream:
            with self._cond:
                into.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_url(self, timeout: float = TIMEOUT) -> str:
        """The URL of the first 'listening on URL' line, on either stream."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.stdout + self.stderr:
                    if found := LISTENING.search(line):
                        return found.group(1)
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"no 'listening on' line:\n{self.output()}")
                self._cond.wait(min(left, 0.5))

    def output(self) -> str:
        with self._cond:
            return "stdout:\n" + "\n".join(self.stdout) + "\nstderr:\n" + "\n".join(self.stderr)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(30)
        for reader in self._readers:
            reader.join(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        return code


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A bare ``http.server`` playing the platform: keeps every request's exact bytes and
    answers the envelope ``{"code": "00", ...}``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.gate: threading.Event | None = None  # set: answers wait until it is set
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                item = Request(self.path, dict(self.headers.items()), self.rfile.read(length))
                with receiver._cond:
                    receiver.requests.append(item)
                    receiver._cond.notify_all()
                    gate = receiver.gate
                if gate is not None:
                    gate.wait(TIMEOUT)
                out = json.dumps({"code": "00", "desc": "成功", "data": ""}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(
        self, predicate: Callable[[list[Request]], list[Request]], timeout: float, what: str
    ) -> list[Request]:
        """Block until ``predicate(requests)`` returns a non-empty list; return that list."""
        found: list[Request] = []

        def ready() -> bool:
            nonlocal found
            found = predicate(list(self.requests))
            return bool(found)

        with self._cond:
            if not self._cond.wait_for(ready, timeout):
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        return found


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join(10)


def register_args(
    config: Path,
    data_dir: Path,
    photo: Path,
    *,
    work_order: str,
    devices: tuple[str, ...],
    name: str = "唐建峰",
    phone: str = "13800001111",
    extra: tuple[str, ...] = (),
) -> list[str]:
    """``station register`` with every DESIGN §4 option, in the spec's example values."""
    args = [
        "register",
        "--config",
        str(config),
        "--data-dir",
        str(data_dir),
        "--work-order",
        work_order,
        "--name",
        name,
        "--account",
        "tangjianfeng",
        "--phone",
        phone,
        "--city",
        "咸阳市",
        "--site",
        "安康白河庆华化工厂站点",
        "--room",
        "咸阳秦都应急楼一楼综合机房",
        "--date",
        local_today().isoformat(),
        "--photo",
        str(photo),
        "--consent",
        *extra,
    ]
    for device in devices:
        args += ["--device", device]
    return args
