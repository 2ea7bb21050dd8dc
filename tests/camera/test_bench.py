"""bench/camera.py keeps working (its figures are read by people, not asserted: DESIGN §6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_prints_per_stage_times_and_fps() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "camera.py"), "--frames", "12", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    stages = result["stages"]
    for name in ("read", "detect", "gate", "live", "encode", "check_photo"):
        assert stages[name]["wall_ms"] > 0
        assert stages[name]["cpu_ms"] >= 0
    assert result["frame_size"] == "640x480"
    assert result["source_fps"] == 30
    assert result["sustainable_fps_cpu"] > 0
