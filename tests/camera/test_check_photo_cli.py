"""``station check-photo`` (DESIGN §4): verdict per file, --json shape, --out, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import pytest

from station.cli import main
from tests.camera import variants as V
from tests.camera.jpeg_markers import read_markers
from tests.helpers import photos

KEYS = {"file", "ok", "problems", "face", "jpeg_bytes", "width", "height"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "astronaut": tmp_path / "astronaut.png",
        "grace": tmp_path / "grace.jpg",
        "coffee": tmp_path / "coffee.jpg",
        "dark": tmp_path / "dark.jpg",
        "junk": tmp_path / "junk.jpg",
    }
    cv2.imwrite(str(out["astronaut"]), photos.astronaut())
    out["grace"].write_bytes(photos.jpeg(photos.grace_hopper()))
    out["coffee"].write_bytes(photos.jpeg(photos.scene("coffee")))
    out["dark"].write_bytes(photos.jpeg(V.darkened(photos.grace_hopper())))
    out["junk"].write_bytes(b"GIF89a, or rather not")
    return out


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["check-photo", "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_all_pass_exit_0_and_out_dir(files, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    code, results = run_json(
        capsys, str(files["astronaut"]), str(files["grace"]), "--out", str(out)
    )
    assert code == 0
    assert [set(r) for r in results] == [KEYS, KEYS]
    assert all(r["ok"] and r["problems"] == [] for r in results)
    assert results[0]["file"] == str(files["astronaut"])
    assert set(results[0]["face"]) == {"x", "y", "w", "h"}
    assert (results[0]["width"], results[0]["height"]) == (480, 640)
    written = sorted(p.name for p in out.iterdir())
    assert written == ["astronaut.jpg", "grace.jpg"]
    data = (out / "grace.jpg").read_bytes()
    assert len(data) == results[1]["jpeg_bytes"] <= 97280
    assert read_markers(data).sof == 0xC0


def test_any_fail_exit_3_with_codes(files, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    args = [str(files[k]) for k in ("astronaut", "coffee", "dark", "junk")]
    code, results = run_json(capsys, *args, "--out", str(out))
    assert code == 3
    assert [r["ok"] for r in results] == [True, False, False, False]
    assert results[1]["problems"] == ["no_face"]
    assert results[1]["face"] is None
    assert results[2]["problems"][0] == "too_dark"
    assert results[2]["face"] is not None
    assert results[3]["problems"] == ["unreadable"]
    assert results[3]["jpeg_bytes"] is None
    assert [p.name for p in out.iterdir()] == ["astronaut.jpg"]


def test_text_output_names_problems_and_chinese_hints(files, capsys) -> None:
    code = main(["check-photo", str(files["grace"]), str(files["coffee"])])
    text = capsys.readouterr().out
    assert code == 3
    assert f"OK    {files['grace']}: 480×640" in text
    assert f"FAIL  {files['coffee']}: no_face (未检测到人脸，请正对镜头)" in text


def test_missing_file_is_a_usage_error(files, tmp_path, capsys) -> None:
    code = main(["check-photo", str(files["grace"]), str(tmp_path / "nope.jpg")])
    assert code == 2
    assert "nope.jpg" in capsys.readouterr().err


def test_configured_thresholds_apply(files, tmp_path, capsys) -> None:
    config = tmp_path / "station.toml"
    config.write_text("[photo]\nmin_face_px = 150\n", encoding="utf-8")
    code, results = run_json(capsys, "--config", str(config), str(files["astronaut"]))
    assert code == 3
    assert results[0]["problems"] == ["face_too_small"]


def test_missing_detector_model_is_a_usage_error(files, tmp_path, capsys) -> None:
    config = tmp_path / "station.toml"
    config.write_text(f'[camera]\ndnn_model = "{tmp_path / "yunet.onnx"}"\n', encoding="utf-8")
    code = main(["check-photo", "--config", str(config), str(files["astronaut"])])
    assert code == 2
    assert "dnn_model" in capsys.readouterr().err


def test_no_files_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check-photo"])
    assert exited.value.code == 2


def test_entry_point_subprocess(files) -> None:
    """The real command line, as ``station register`` users and scripts call it."""
    done = subprocess.run(
        [sys.executable, "-m", "station", "check-photo", "--json", str(files["coffee"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)[0]["problems"] == ["no_face"]
