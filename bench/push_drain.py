"""Push drain: 1,000 queued registrations pushed to the simulator by the worker, beside a bare
``requests`` loop posting the same payloads to the same simulator, in one run.

    .venv/bin/python bench/push_drain.py [--count 1000] [--devices 2]

The simulator runs in its own child process (scenario ``silent``: answer 00, no callbacks), so
the pushing side does not share its GIL. The worker's figure includes what makes it durable: a
lease transaction before each push, the encrypted photo read from the vault, and the attempt and
state transaction after it (SQLite WAL, synchronous=FULL). The bare loop only encodes and posts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from station.app import build_core  # noqa: E402
from station.config import parse_settings  # noqa: E402
from station.domain.states import Role  # noqa: E402
from station.protocol import addface  # noqa: E402
from station.service import Consent, PersonForm, RegistrationForm  # noqa: E402
from tests.helpers.photos import face_jpeg  # noqa: E402


def start_simulator(log_file: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The simulator in a child process; its log goes to a file (a full pipe would stall it)."""
    with log_file.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "station",
                "sim",
                "--port",
                "0",
                "--scenario",
                "silent",
                "--callback-base-url",
                "http://127.0.0.1:9",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log_file.read_text(encoding="utf-8", errors="replace")
        if "listening on http://127.0.0.1:" in text:
            start = text.index("http://127.0.0.1:")
            return process, text[start:].split()[0].rstrip("/,;)")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the simulator did not print its address")


def forms(count: int, devices: int) -> list[RegistrationForm]:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    photo = face_jpeg()
    consent = Consent("bench", datetime.now(UTC), "bench")
    return [
        RegistrationForm(
            work_order=f"JF-BENCH-{i:05d}",
            city="咸阳市",
            sites=("安康白河庆华化工厂站点",),
            rooms=("咸阳秦都应急楼一楼综合机房",),
            device_ids=tuple(f"ACC{i:05d}-{d}" for d in range(devices)),
            reg_date=today,
            people=(PersonForm("唐建峰", "tangjianfeng", "13800001111", photo, Role.OPERATOR),),
            consent=consent,
        )
        for i in range(count)
    ]


def bare_loop(url: str, items: list[RegistrationForm]) -> float:
    session = requests.Session()
    started = time.perf_counter()
    for form in items:
        person = form.people[0]
        push = addface.FacePush(
            form.work_order,
            person.name,
            person.account,
            person.phone,
            form.city,
            form.sites,
            form.rooms,
            form.device_ids,
            person.photo,
            form.reg_date,
        )
        body = addface.encode_request(push)
        answer = session.post(
            url + addface.ADDFACE_PATH,
            data=body.body,
            headers={"Content-Type": body.content_type},
            timeout=(5, 10),
        )
        answer.raise_for_status()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--devices", type=int, default=2)
    args = parser.parse_args()
    sim_log = Path(tempfile.mkdtemp(prefix="push-drain-")) / "sim.log"
    sim, url = start_simulator(sim_log)
    try:
        items = forms(args.count, args.devices)
        with tempfile.TemporaryDirectory() as tmp:
            settings = parse_settings({"platform": {"base_url": url}})
            with build_core(settings, Path(tmp)) as core:
                started = time.perf_counter()
                for form in items:
                    core.station.register(form)
                stored = time.perf_counter() - started
                started = time.perf_counter()
                pushes = core.worker.drain()
                drained = time.perf_counter() - started
                status = core.station.status(limit=0)
                assert status.due == 0, f"{status.due} devices still due"
                assert pushes == args.count, f"{pushes} pushes for {args.count} registrations"
        bare = bare_loop(url, items)
    finally:
        sim.terminate()
        sim.wait(30)
    print(
        f"push drain: {args.count} registrations, {args.devices} devices each, simulator at {url}"
    )
    print(f"  register (store, before any push) : {args.count / stored:8.1f} registrations/s")
    print(f"  worker (lease, send, record)      : {args.count / drained:8.1f} registrations/s")
    print(f"  bare requests loop                : {args.count / bare:8.1f} registrations/s")
    print(f"  worker / bare                     : {bare / drained:8.2f}")


if __name__ == "__main__":
    main()
