"""Crash safety of answered callbacks (D16, DESIGN §6): ``station serve`` is SIGKILLed at random
moments while callbacks are fired at it, ≥ 20 times; every callback it answered 00 is in the
database afterwards (the 00 goes out only after the commit)."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests
import tomli_w

from station.protocol.callbacks import FACE_RESULT_PATH, OPEN_DOOR_PATH
from tests.helpers.serve import ServeProcess
from tests.listener.harness import DOOR, FACE

CYCLES = 20
FIRERS = 3


class Firer:
    """Threads posting distinct callbacks to whatever URL the station has now."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.acked: set[str] = set()
        self.refused: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.counter = 0
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(FIRERS)]

    def _next(self) -> str:
        with self.lock:
            self.counter += 1
            return f"K{self.counter:06d}"

    def _run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            url = self.url
            if url is None:
                time.sleep(0.01)  # the station is down: idle until it is back
                continue
            key = self._next()
            door = int(key[1:]) % 3 == 0
            body = {**(DOOR if door else FACE), "deviceId": key}
            path = OPEN_DOOR_PATH if door else FACE_RESULT_PATH
            try:
                answer = session.post(url + path, json=body, timeout=5).json()
            except (requests.RequestException, ValueError):
                session = requests.Session()
                continue
            with self.lock:
                if answer.get("code") == "00":
                    self.acked.add(key)
                else:
                    self.refused.append(answer)

    def acked_count(self) -> int:
        with self.lock:
            return len(self.acked)


@pytest.mark.slow
def test_answered_callbacks_survive_sigkill(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text(tomli_w.dumps({"listener": {"host": "127.0.0.1", "port": 0}}))
    data_dir = tmp_path / "data"
    rng = random.Random(20261203)
    firer = Firer()
    for thread in firer.threads:
        thread.start()
    try:
        for _ in range(CYCLES):
            serve = ServeProcess(config, data_dir)
            before = firer.acked_count()
            firer.url = serve.url
            want = before + rng.randint(1, 40)  # kill after a random number of answers
            deadline = time.monotonic() + 30
            while firer.acked_count() < want:
                assert time.monotonic() < deadline, serve.log()
                time.sleep(0.005)
            serve.kill()
            firer.url = None
    finally:
        firer.stop.set()
        for thread in firer.threads:
            thread.join(10)
    assert firer.refused == []
    assert len(firer.acked) >= CYCLES
    db = sqlite3.connect(data_dir / "station.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {
            json.loads(body)["deviceId"]
            for (body,) in db.execute("SELECT body FROM callback_inbox")
        }
    finally:
        db.close()
    missing = firer.acked - stored
    assert not missing, f"{len(missing)} answered callbacks lost: {sorted(missing)[:10]}"
