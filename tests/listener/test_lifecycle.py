"""The listener's lifecycle on the caller's loop: start, bind errors, wildcard hosts, and
``station serve`` refusing a bad [listener] TLS setting with exit 2 naming the key."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import requests
import tomli_w

from station.app import Core
from station.listener import Listener
from tests.helpers.serve import serve_command
from tests.listener.harness import LoopThread, plain_settings, running

ROOT = Path(__file__).resolve().parents[2]


def test_wildcard_host_is_reachable_at_the_loopback_url(core: Core) -> None:
    with running(plain_settings(host="0.0.0.0"), core.station) as listener:
        assert listener.base_url.startswith("http://127.0.0.1:")
        assert requests.get(listener.base_url + "/healthz", timeout=10).json()["code"] == "00"


def test_a_port_in_use_fails_start_and_leaves_the_first_listener_serving(core: Core) -> None:
    with running(plain_settings(), core.station) as first:
        assert first.port is not None
        thread = LoopThread()
        try:

            async def clash() -> None:
                second = Listener(plain_settings(port=first.port), core.station)
                await second.start()

            with pytest.raises(OSError):
                thread.run(clash())
        finally:
            thread.close()
        assert requests.get(first.base_url + "/healthz", timeout=10).json()["code"] == "00"


def test_serve_refuses_a_missing_certificate_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    listener = {"port": 0, "tls_cert": str(tmp_path / "nope.pem"), "tls_key": str(tmp_path / "k")}
    config.write_text(tomli_w.dumps({"listener": listener}), encoding="utf-8")
    done = subprocess.run(
        serve_command(config, tmp_path / "data"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "[listener].tls_cert" in done.stderr
    assert "does not exist" in done.stderr
