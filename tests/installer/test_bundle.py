"""The PyInstaller bundle builds and passes its offscreen smoke test (issue 6; slow: ~40 s)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bundle_builds_and_passes_smoke_test(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "STATION_BUILD_DIR": str(tmp_path / "build"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        ["bash", str(ROOT / "installer" / "build.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]
    built = re.search(r"built in (\d+) s, (\d+) MB", out)
    assert built, out[-3000:]
    print(f"bundle: {built.group(1)} s, {built.group(2)} MB")
    assert "smoke: doctor ok" in out
    assert "smoke: demo ok" in out
    assert "smoke: bundle OK" in out
    bundle = tmp_path / "build" / "dist" / "station"
    assert (bundle / "_internal" / "resources" / "demo" / "astronaut.jpg").is_file()
    fonts = list((bundle / "_internal" / "resources" / "fonts").glob("*.tt[cf]"))
    assert fonts, "the bundle must ship a CJK font"
    cascades = list(bundle.rglob("haarcascade_frontalface_alt2.xml"))
    assert cascades, "the bundle must ship the Haar cascades"
