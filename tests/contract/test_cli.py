"""DESIGN §4, black-box: the commands, their options, exit codes and JSON shapes.

Everything runs ``python -m station`` as a child process; nothing of the package is imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.contract.conftest import Photos
from tests.contract.procs import STATION, local_today, register_args, station, write_config

COMMANDS = [
    "gui",
    "demo",
    "serve",
    "register",
    "status",
    "check-photo",
    "sim",
    "catalog",
    "export",
    "purge",
    "doctor",
    "not-effective",
]
DEVICE_STATES = {
    "queued",
    "sending",
    "accepted",
    "written",
    "failed",
    "no_result",
    "not_effective",
    "retrying",
    "rejected",
    "paused",
    "given_up",
}
PROBLEM_CODES = {
    "unreadable",
    "no_face",
    "multiple_faces",
    "face_too_small",
    "face_too_large",
    "off_center",
    "not_frontal",
    "too_dark",
    "too_bright",
    "low_contrast",
    "blurry",
}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    # Nothing listens there: these tests never run the push worker.
    return write_config(tmp_path / "station.toml", base_url="http://127.0.0.1:9", listener_port=0)


def _iso_or_none(value: Any) -> None:
    assert value is None or datetime.fromisoformat(value).tzinfo is not None, value


def test_every_command_takes_config_and_data_dir_after_its_name() -> None:
    done = station("--help")
    assert done.returncode == 0, done.stderr
    for command in COMMANDS:
        assert command in done.stdout, command
        sub = station(command, "--help")
        assert sub.returncode == 0, (command, sub.stderr)
        assert "--config PATH" in sub.stdout, command
        assert "--data-dir PATH" in sub.stdout, command


def test_unknown_config_key_exits_2_naming_it(tmp_path: Path, data_dir: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[platform]\nbogus_key = 1\n", encoding="utf-8")
    done = station("status", "--config", str(config), "--data-dir", str(data_dir))
    assert done.returncode == 2
    assert "bogus_key" in done.stderr


def test_register_json_then_status_json_shapes(
    config: Path, data_dir: Path, photos: Photos
) -> None:
    args = register_args(
        config, data_dir, photos.face, work_order="JF-20251222-0313", devices=("D-A", "D-B")
    )
    done = station(*args, "--site", "第二站点", "--room", "第二机房", "--json")
    assert done.returncode == 0, done.stderr
    operator = json.loads(done.stdout)
    assert isinstance(operator["id"], int)
    assert operator["devices"] == ["D-A", "D-B"]

    escort_args = register_args(
        config,
        data_dir,
        photos.astronaut,
        work_order="JF-20251222-0313",
        devices=("D-A",),
        name="牛航",
        phone="13700003333",
        extra=("--role", "escort"),
    )
    escort = json.loads(station(*escort_args, "--json").stdout)
    assert escort["id"] != operator["id"]

    status = json.loads(
        station("status", "--config", str(config), "--data-dir", str(data_dir), "--json").stdout
    )
    assert set(status) >= {"queue", "registrations", "door_events"}
    assert isinstance(status["queue"]["due"], int)
    assert isinstance(status["queue"]["scheduled"], int)
    assert status["queue"]["due"] + status["queue"]["scheduled"] == 3  # nothing pushed yet
    assert status["door_events"] == []
    by_id = {reg["id"]: reg for reg in status["registrations"]}
    assert set(by_id) == {operator["id"], escort["id"]}
    for reg_id, role, name in (
        (operator["id"], "operator", "唐建峰"),
        (escort["id"], "escort", "牛航"),
    ):
        reg = by_id[reg_id]
        assert set(reg) >= {"id", "work_order", "name", "role", "date", "devices"}
        assert (reg["work_order"], reg["name"], reg["role"]) == ("JF-20251222-0313", name, role)
        assert reg["date"] == local_today().isoformat()
        for device in reg["devices"]:
            assert set(device) >= {"device_id", "state", "pushes", "next_push_at", "last_result"}
            assert device["state"] == "queued"
            assert device["state"] in DEVICE_STATES
            assert device["pushes"] == 0
            _iso_or_none(device["next_push_at"])
    assert [d["device_id"] for d in by_id[operator["id"]]["devices"]] == ["D-A", "D-B"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"--date": "2026/12/03"}, "--date"),
        ({"--date": "2020-01-01"}, "--date"),
        ({"--phone": "12"}, "--phone"),
        ({"--work-order": ""}, "--work-order"),
        ({"--consent": None}, "--consent"),
        ({"--device": None}, "--device"),
        ({"--room": None}, "--room"),
        ({"--role": "boss"}, "--role"),
        ({"--photo": "missing.jpg"}, "--photo"),
    ],
)
def test_register_bad_input_exits_2_naming_the_field(
    config: Path, data_dir: Path, photos: Photos, change: dict[str, str | None], field: str
) -> None:
    args = register_args(config, data_dir, photos.face, work_order="JF-1", devices=("D1",))
    args += ["--role", "operator"]
    for option, value in change.items():
        while option in args:  # drop the option (and its value) wherever it is
            at = args.index(option)
            del args[at : at + (1 if option == "--consent" else 2)]
        if value is not None:
            args += [option, value]
    done = station(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert field in done.stderr


@pytest.mark.parametrize(("photo", "problem"), [("no_face", "no_face"), ("garbage", "unreadable")])
def test_register_photo_gate_exits_3_with_the_problem(
    config: Path, data_dir: Path, photos: Photos, photo: str, problem: str
) -> None:
    args = register_args(
        config, data_dir, getattr(photos, photo), work_order="JF-1", devices=("D1",)
    )
    done = station(*args)
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert problem in done.stdout + done.stderr


def test_check_photo_json_shape_and_exit_codes(photos: Photos) -> None:
    good = station("check-photo", "--json", str(photos.face), str(photos.astronaut))
    assert good.returncode == 0, good.stderr
    mixed = station(
        "check-photo", "--json", str(photos.face), str(photos.no_face), str(photos.garbage)
    )
    assert mixed.returncode == 3, mixed.stderr
    verdicts = json.loads(good.stdout) + json.loads(mixed.stdout)
    keys = {"file", "ok", "problems", "face", "jpeg_bytes", "width", "height"}
    for verdict in verdicts:
        assert set(verdict) >= keys, verdict
        assert set(verdict["problems"]) <= PROBLEM_CODES
        assert verdict["ok"] == (verdict["problems"] == [])
    ok = [v for v in verdicts if v["ok"]]
    assert [Path(v["file"]).name for v in ok] == ["face.jpg", "astronaut.jpg", "face.jpg"]
    for verdict in ok:
        assert set(verdict["face"]) == {"x", "y", "w", "h"}
        assert all(isinstance(verdict["face"][k], int) for k in "xywh")
        assert 0 < verdict["jpeg_bytes"] <= 97280  # [photo].max_bytes default (§8)
        assert (verdict["width"], verdict["height"]) == (480, 640)
    assert verdicts[3]["problems"] == ["no_face"]
    assert verdicts[3]["face"] is None
    assert verdicts[4]["problems"] == ["unreadable"]
    assert verdicts[4]["face"] is None


def test_installed_command_and_python_dash_m_agree() -> None:
    installed = Path(sys.executable).with_name("station")
    script = subprocess.run(
        [str(installed), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    module = station("--version")  # python -m station
    assert script.returncode == module.returncode == 0, (script.stderr, module.stderr)
    assert script.stdout.strip() == module.stdout.strip() != ""


def test_a_reader_that_leaves_early_gets_no_traceback(config: Path, data_dir: Path) -> None:
    """``station status | head -1``: the pipe closes before the output is written."""
    proc = subprocess.Popen(
        [*STATION, "status", "--config", str(config), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
