"""``station demo``: the mixed scenario reaches its states headless, and the scripted GUI tour
writes a screenshot of every step and exits 0 (issue 6 acceptance)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from station.cli import main
from station.demo.media import make_face_clip, which_face
from station.demo.scenario import (
    FAIL_ONCE_DEVICE,
    NOT_EFFECTIVE_DEVICE,
    SILENT_ONCE_DEVICE,
    expected_devices,
)

ROOT = Path(__file__).resolve().parents[2]
TOUR_STEPS = (
    "01-register-camera",
    "02-person1-form",
    "03-person1-failed-waiting-repush",
    "04-person1-written",
    "05-person1-not-effective",
    "06-person2-form",
    "07-person2-accepted-waiting-result",
    "08-person2-written",
    "09-board-doors",
    "10-history",
    "11-settings",
    "12-board-english",
)


def test_face_clip_shows_both_faces(tmp_path: Path) -> None:
    clip = make_face_clip(tmp_path / "faces.avi", seconds_each=1)
    capture = cv2.VideoCapture(str(clip))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    assert len(frames) == 30  # 2 faces × 1 s × 15 fps
    assert frames[0].shape == (480, 640, 3)
    faces = [which_face(cv2.imencode(".jpg", f)[1].tobytes()) for f in (frames[0], frames[-1])]
    assert faces == ["astronaut.jpg", "grace-hopper.jpg"]


def test_headless_demo_reaches_every_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["demo", "--headless", "--json", "--data-dir", str(tmp_path / "d"), "--exit-after", "60"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["steps"]
    assert report["ok"] is True
    devices = {d["device_id"]: d for r in report["status"]["registrations"] for d in r["devices"]}
    assert {k: d["state"] for k, d in devices.items()} == expected_devices()
    # One failed once and one stayed silent once: each was written after a D14 re-push.
    assert devices[FAIL_ONCE_DEVICE]["pushes"] == 2
    assert devices[SILENT_ONCE_DEVICE]["pushes"] == 2
    assert devices[NOT_EFFECTIVE_DEVICE]["pushes"] == 2  # the clerk's 成功但未生效 (D14)
    assert [s["step"] for s in report["steps"]][-1] == "not effective, re-pushed"
    flags = [e["flags"] for e in report["status"]["door_events"]]
    assert [] in flags  # a registered person's door
    assert any("no_work_order" in f for f in flags)  # D11: a door opened without a work order
    assert (tmp_path / "d" / "sim.jsonl").is_file()  # --data-dir is kept


def test_demo_refuses_a_config_file(tmp_path: Path) -> None:
    assert main(["demo", "--headless", "--config", str(tmp_path / "x.toml")]) == 2


@pytest.mark.slow
@pytest.mark.gui
def test_offscreen_tour_saves_every_step(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "station",
            "demo",
            "--offscreen",
            "--screenshots",
            str(shots),
            "--exit-after",
            "150",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "tour OK, 12 steps" in done.stdout
    names = sorted(p.stem for p in shots.glob("*.png"))
    assert names == list(TOUR_STEPS)
    for name in names:
        image = cv2.imread(str(shots / f"{name}.png"))
        assert image is not None
        assert image.shape[1] >= 1024
        assert float(np.std(image)) > 20, f"{name} looks blank"
    # The register screenshot shows the live face: the preview area is not a flat colour.
    first = cv2.imread(str(shots / "01-register-camera.png"))
    assert first is not None
    assert float(np.std(first[100:400, 250:750])) > 30
    # The throw-away data dir is gone after the run.
    match = re.search(r"data (\S+station-demo-\S+)", done.stdout)
    assert match, done.stdout[-2000:]
    assert not Path(match.group(1)).exists()
