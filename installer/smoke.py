"""Smoke-test a built bundle offscreen: ``python installer/smoke.py build/dist/station``.

1. ``station --version`` prints the version of pyproject.toml.
2. ``station doctor`` passes (exit 0) with the camera fed from the demo clip and the platform
   being the bundle's own simulator (``station sim``) on a loopback port.
3. ``station demo --offscreen --screenshots … --exit-after …`` exits 0 (when the bundle has it).

Prints one line per step with its time; exits non-zero at the first failing step.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, deadline_s: float) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"smoke: nothing listens on 127.0.0.1:{port} after {deadline_s} s")


def step(name: str, argv: list[str], env: dict[str, str], timeout: float) -> str:
    start = time.monotonic()
    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )
    took = time.monotonic() - start
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"smoke: {name} FAILED with exit {done.returncode} after {took:.1f} s")
    print(f"smoke: {name} ok ({took:.1f} s)")
    return done.stdout


def main(bundle: Path) -> int:
    exe = bundle / ("station.exe" if os.name == "nt" else "station")
    if not exe.is_file():
        raise SystemExit(f"smoke: {exe} does not exist; build first (installer/build.sh)")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = step("--version", [str(exe), "--version"], env, 60)
    if out.strip() != f"station {version}":
        raise SystemExit(f"smoke: --version printed {out.strip()!r}, expected 'station {version}'")
    commands = step("--help", [str(exe), "--help"], env, 60)

    from station.demo.media import make_face_clip

    with tempfile.TemporaryDirectory(prefix="station-smoke-") as tmp:
        work = Path(tmp)
        clip = make_face_clip(work / "face.avi", seconds_each=1)
        port = free_port()
        config = work / "station.toml"
        # Only the keys the smoke test needs: the bundle may be older than this source tree.
        config.write_text(
            f'[platform]\nbase_url = "http://127.0.0.1:{port}"\n\n'
            f"[listener]\nport = 0\n\n"
            f"[camera]\nsource = {json.dumps(str(clip))}\n",
            encoding="utf-8",
        )
        common = ["--config", str(config), "--data-dir", str(work / "data")]
        sim = subprocess.Popen(
            [str(exe), "sim", "--port", str(port), "--callback-base-url", "http://127.0.0.1:1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port, 60)
            report = step("doctor", [str(exe), "doctor", *common, "--json"], env, 120)
        finally:
            sim.terminate()
            sim.wait(timeout=30)
        statuses = {c["check"]: c["status"] for c in json.loads(report)["checks"]}
        print(f"smoke: doctor findings {statuses}")
        if " demo " in commands or "\n    demo" in commands:
            shots = work / "shots"
            step(
                "demo",
                [
                    str(exe),
                    "demo",
                    "--offscreen",
                    "--screenshots",
                    str(shots),
                    "--exit-after",
                    "150",
                ],
                env,
                300,
            )
            print(f"smoke: demo wrote {len(list(shots.glob('*.png')))} screenshots")
    print("smoke: bundle OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/dist/station"))
