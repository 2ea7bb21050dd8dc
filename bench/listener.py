"""Listener throughput: the real faceOperationResult endpoint (storing every callback durably)
beside a bare aiohttp handler, measured in one run on this machine (DESIGN §6: ratio ≥ 0.5).

    .venv/bin/python bench/listener.py [--seconds 5] [--concurrency 16] [--rounds 2]

Each server runs in its own child process (so the load generator does not share its GIL); the
load generator keeps ``--concurrency`` keep-alive connections busy with distinct callbacks
(one device ID per request, so none is a D12 duplicate) and records every request's latency.
The listener records the callbacks waiting together in one transaction (group commit); the real
server reports how many callbacks each commit carried on average.
Rounds alternate bare/real; the best round of each is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from station.protocol.callbacks import FACE_RESULT_PATH  # noqa: E402

FACE = {
    "workOrdNum": "JF-20251222-0313",
    "name": "唐建峰",
    "account": "dwtangjianfeng",
    "phone": "13800001111",
    "city": "咸阳市",
    "site": "安康白河庆华化工厂站点",
    "room": "咸阳秦都应急楼一楼综合机房",
    "deviceId": "ACC2025122001",
    "faceWriteResult": "成功",
}
KINDS = ("bare", "real", "nostore")
OK = json.dumps({"code": "00", "desc": "成功", "data": ""}, ensure_ascii=False).encode()


# --- the two servers (child processes) -------------------------------------------------------


async def _bare_handler(request: web.Request) -> web.Response:
    json.loads(await request.read())
    return web.Response(body=OK, content_type="application/json", charset="utf-8")


async def serve_bare() -> None:
    app = web.Application()
    app.router.add_post(FACE_RESULT_PATH, _bare_handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


class _NoStore:
    """Diagnostic only: the listener with the core's store skipped, to split the cost."""

    def record_face_result(self, result: object, raw: object) -> object:
        from station.domain.callbacks import CallbackOutcome

        return CallbackOutcome(duplicate=False, matched=False)

    record_door_open = record_face_result

    def record_callbacks(self, items: list[object]) -> list[object]:
        return [self.record_face_result(None, None) for _ in items]


async def serve_nostore() -> None:
    from station.config import ListenerSettings
    from station.listener import Listener

    listener = Listener(ListenerSettings(host="127.0.0.1", port=0), _NoStore())  # type: ignore[arg-type]
    await listener.start()
    print(f"PORT {listener.port}", flush=True)
    await asyncio.Event().wait()


async def serve_real(data_dir: Path) -> None:
    from station.app import build_core
    from station.config import ListenerSettings, Settings
    from station.listener import Listener

    settings = Settings(listener=ListenerSettings(host="127.0.0.1", port=0))
    core = build_core(settings, data_dir)  # SQLite, WAL, synchronous=FULL: durable per commit
    batches: list[int] = []  # callbacks per transaction (the listener's group commit)
    record = core.station.record_callbacks

    def counted(items: Any) -> Any:
        batches.append(len(items))
        return record(items)

    core.station.record_callbacks = counted  # type: ignore[method-assign]
    listener = Listener(settings.listener, core.station)
    await listener.start()
    print(f"PORT {listener.port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    worst = await _watch_loop(stop)
    await listener.stop()
    core.close()
    print(f"LAG {worst * 1000:.1f}", flush=True)
    print(f"BATCH {sum(batches) / max(1, len(batches)):.1f}", flush=True)


async def _watch_loop(stop: asyncio.Event, tick: float = 0.01) -> float:
    """The worst lateness of a 10 ms ticker on the listener's loop (DESIGN §6: < 50 ms)."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    while not stop.is_set():
        due = loop.time() + tick
        await asyncio.sleep(tick)
        worst = max(worst, loop.time() - due)
    return worst


# --- the load generator ----------------------------------------------------------------------


async def load(port: int, seconds: float, concurrency: int, tag: str) -> list[float]:
    url = f"http://127.0.0.1:{port}{FACE_RESULT_PATH}"
    latencies: list[float] = []
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                body = json.dumps({**FACE, "deviceId": f"{tag}-{next(counter)}"}).encode()
                start = time.perf_counter()
                async with session.post(
                    url, data=body, headers={"Content-Type": "application/json"}
                ) as response:
                    answer = await response.json()
                if answer["code"] != "00":
                    raise RuntimeError(f"unexpected answer {answer}")
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def _start(kind: str, data_dir: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit(f"{kind} server did not start: {line!r}")
    return proc, int(line.split()[1])


def _stats(latencies: list[float], seconds: float) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return len(ordered) / seconds, p50, p99


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "bare":
        asyncio.run(serve_bare())
        return 0
    if args.serve == "real":
        asyncio.run(serve_real(args.data_dir))
        return 0
    if args.serve == "nostore":
        asyncio.run(serve_nostore())
        return 0
    best: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(args.rounds):
            for kind in KINDS:
                proc, port = _start(kind, Path(tmp) / f"{kind}-{round_no}")
                try:
                    asyncio.run(load(port, 0.5, 4, f"warm{round_no}"))  # warm-up, not counted
                    latencies = asyncio.run(
                        load(port, args.seconds, args.concurrency, f"r{round_no}")
                    )
                finally:
                    proc.terminate()
                    rest, _ = proc.communicate(timeout=30)
                lag = "".join(
                    f"  worst loop lag {line[4:]} ms"
                    for line in rest.splitlines()
                    if line.startswith("LAG ")
                ) + "".join(
                    f"  {line[6:]} callbacks/commit"
                    for line in rest.splitlines()
                    if line.startswith("BATCH ")
                )
                rate, p50, p99 = _stats(latencies, args.seconds)
                print(
                    f"round {round_no + 1} {kind:7s} {rate:8.0f} req/s"
                    f"  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms{lag}"
                )
                if kind not in best or rate > best[kind][0]:
                    best[kind] = (rate, p50, p99)
    bare, real, nostore = best["bare"], best["real"], best["nostore"]
    for label, (rate, p50, p99) in (
        ("bare aiohttp handler       ", bare),
        ("listener (durable store)   ", real),
        ("listener, store skipped (*)", nostore),
    ):
        print(f"{label}: {rate:8.0f} req/s  p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    print(f"(*) diagnostic: the listener without the core's store keeps {nostore[0] / bare[0]:.2f}")
    ratio = real[0] / bare[0]
    verdict = "OK" if ratio >= 0.5 else "BELOW TARGET"
    print(f"ratio listener/bare: {ratio:.2f} (target >= 0.5) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
