"""``station sim`` as a process: starts, answers a push, stops cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from station.protocol import addface
from station.protocol.envelope import Code
from tests.sim.test_api import PUSH


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "sim", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "station sim: listening on http://127.0.0.1:PORT (…)"
    assert "listening on" in line, line + proc.stderr.read() if proc.stderr else line
    return proc, line.split("listening on ")[1].split()[0]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_and_stops_on_signal(sig: signal.Signals, tmp_path: Path) -> None:
    log = tmp_path / "sim.jsonl"
    proc, base = _start(
        "--scenario", "security", "--callback-base-url", "http://127.0.0.1:9", "--log", str(log)
    )
    try:
        body = addface.encode_request(PUSH)
        answer = requests.post(
            base + addface.ADDFACE_PATH,
            data=body.body,
            headers={"Content-Type": body.content_type},
            timeout=10,
        )
        assert answer.json()["code"] == Code.SECURITY_FAILED
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped" in out
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["kind"] for r in lines] == ["addFace"]
    assert addface.to_data(PUSH)["picture"][:40] not in log.read_text(encoding="utf-8")


def test_bad_device_scenario_exits_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "station", "sim", "--device-scenario", "ACC*=nonsense"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 2
    assert "nonsense" in proc.stderr


def test_help_documents_every_scenario() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "station", "sim", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    from station.sim import SCENARIOS

    for name in SCENARIOS:
        assert f"\n  {name} " in out
    for option in ("--callback-base-url", "--device-scenario", "--hmac-secret", "--client-cert"):
        assert option in out


def test_callback_url_defaults_to_the_configured_listener(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text('[listener]\nhost = "127.0.0.1"\nport = 8555\n', encoding="utf-8")
    proc, base = _start("--config", str(config), "--callback-delay", "0", "--callback-retries", "0")
    try:
        body = addface.encode_request(PUSH)
        requests.post(
            base + addface.ADDFACE_PATH,
            data=body.body,
            headers={"Content-Type": body.content_type},
            timeout=10,
        )
        records: list[dict[str, object]] = []
        deadline = time.monotonic() + 10
        while not any(r["direction"] == "out" for r in records):
            assert time.monotonic() < deadline, records
            records = requests.get(base + "/_sim/log", timeout=10).json()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    out = next(r for r in records if r["direction"] == "out")
    assert (
        out["url"] == "http://127.0.0.1:8555/mtex/webservice/machine/roomDoor/faceOperationResult"
    )
    assert out["delivered"] is False
