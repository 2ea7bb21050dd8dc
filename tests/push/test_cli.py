"""The CLI of issue 8: register (exit 0/2/3), status --json (DESIGN §4), not-effective, serve."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from station.cli import main
from station.sim import SimConfig, run_simulator_in_thread
from tests.helpers.net import wait_until
from tests.helpers.photos import grace_hopper, jpeg, scene
from tests.helpers.serve import serve_command
from tests.push.factory import face, local_today, raw


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "face.jpg"
    path.write_bytes(jpeg(grace_hopper()))
    return path


def register_args(data_dir: Path, photo: Path, *extra: str) -> list[str]:
    return [
        "register",
        "--data-dir",
        str(data_dir),
        "--work-order",
        "JF-20261203-0001",
        "--name",
        "唐建峰",
        "--account",
        "tangjianfeng",
        "--phone",
        "13800001111",
        "--city",
        "咸阳市",
        "--site",
        "安康白河庆华化工厂站点",
        "--room",
        "综合机房",
        "--device",
        "ACC1",
        "--device",
        "ACC2",
        "--date",
        local_today().isoformat(),
        "--photo",
        str(photo),
        *extra,
    ]


def status_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["status", "--json", "--data-dir", str(data_dir)]) == 0
    return json.loads(capsys.readouterr().out)


def test_register_then_status_json(
    data_dir: Path, photo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(register_args(data_dir, photo, "--consent", "--json")) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["id"] == 1
    assert printed["devices"] == ["ACC1", "ACC2"]
    status = status_json(data_dir, capsys)
    assert status["queue"] == {"due": 2, "scheduled": 0}
    (reg,) = status["registrations"]
    assert {k: reg[k] for k in ("id", "work_order", "name", "role")} == {
        "id": 1,
        "work_order": "JF-20261203-0001",
        "name": "唐建峰",
        "role": "operator",
    }
    assert reg["date"] == local_today().isoformat()
    assert [set(d) for d in reg["devices"]] == [
        {"device_id", "state", "pushes", "next_push_at", "last_result"}
    ] * 2
    assert status["door_events"] == []


@pytest.mark.parametrize(
    ("change", "option"),
    [
        (("--phone", "12345"), "--phone"),
        (("--date", "2020-01-01"), "--date"),
        (("--date", "03/12/2026"), "--date"),
        (("--work-order", " "), "--work-order"),
    ],
)
def test_register_exit_2_names_the_option(
    data_dir: Path,
    photo: Path,
    capsys: pytest.CaptureFixture[str],
    change: tuple[str, str],
    option: str,
) -> None:
    args = register_args(data_dir, photo, "--consent")
    args[args.index(change[0]) + 1] = change[1]
    assert main(args) == 2
    assert f"station register: {option}:" in capsys.readouterr().err


def test_register_without_consent_is_refused(
    data_dir: Path, photo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(register_args(data_dir, photo)) == 2
    assert "--consent" in capsys.readouterr().err
    assert status_json(data_dir, capsys)["registrations"] == []


def test_register_exit_3_when_the_photo_fails_the_gate(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cup = tmp_path / "coffee.jpg"
    cup.write_bytes(jpeg(scene("coffee")))
    assert main(register_args(data_dir, cup, "--consent")) == 3
    assert "no_face" in capsys.readouterr().out


def test_not_effective_command(
    data_dir: Path, photo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from station.app import build_core
    from station.config import Settings

    assert main(register_args(data_dir, photo, "--consent")) == 0
    capsys.readouterr()
    assert main(["not-effective", "1", "ACC1", "--data-dir", str(data_dir)]) == 2
    assert "written" in capsys.readouterr().err
    with build_core(Settings(), data_dir) as core:
        core.station.record_face_result(face("ACC1"), raw())
    assert main(["not-effective", "1", "ACC1", "--json", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "not_effective"


def test_serve_picks_up_a_cli_registration_within_2_s_and_stops_on_sigterm(
    data_dir: Path, photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_simulator_in_thread(SimConfig(scenario="silent")) as sim:
        config = tmp_path / "station.toml"
        doc = {"platform": {"base_url": sim.base_url}, "listener": {"port": 0}}
        config.write_text(tomli_w.dumps(doc))
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        server = subprocess.Popen(
            serve_command(config, data_dir),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(lambda: (data_dir / "station.db").exists(), 30)
            args = register_args(data_dir, photo, "--consent", "--config", str(config))
            assert main(args) == 0
            registered = time.monotonic()
            wait_until(lambda: len(sim.records(kind="addFace", direction="in")) == 1, 10)
            assert time.monotonic() - registered < 2.0
            capsys.readouterr()
            wait_until(
                lambda: (
                    {
                        d["state"]
                        for d in status_json(data_dir, capsys)["registrations"][0]["devices"]
                    }
                    == {"accepted"}
                ),
                10,
            )
        finally:
            server.send_signal(signal.SIGTERM)
            output = server.communicate(timeout=30)[0].decode()
        assert server.returncode == 0, output
        assert "station serve stopped" in output
        assert "13800001111" not in output  # never a full phone number in the log


def test_a_database_from_a_newer_station_is_a_clear_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    status_json(data_dir, capsys)
    with sqlite3.connect(data_dir / "station.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    db.close()
    for command in (["status"], ["not-effective", "1", "ACC1"]):
        assert main([*command, "--data-dir", str(data_dir)]) == 1
        assert "newer than this station" in capsys.readouterr().err
