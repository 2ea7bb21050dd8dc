"""The simulator's programmatic API (async and in a thread) with a real push and callbacks."""

from __future__ import annotations

import asyncio
from datetime import date

import aiohttp
import requests

from station.protocol import addface
from station.protocol.callbacks import FACE_RESULT_PATH
from station.sim import SimConfig, Simulator, run_simulator_in_thread
from tests.helpers.photos import face_jpeg
from tests.helpers.receiver import Receiver, run_receiver_in_thread

PUSH = addface.FacePush(
    work_order="JF-20251222-0313",
    name="唐建峰",
    account="tangjianfeng",
    phone="13800001111",
    city="咸阳市",
    sites=("安康白河庆华化工厂站点",),
    rooms=("咸阳秦都应急楼一楼综合机房",),
    device_ids=("20231201996901",),
    picture=face_jpeg(),
    start_date=date(2025, 12, 26),
)


def test_thread_handle_push_and_callback() -> None:
    with (
        run_receiver_in_thread() as receiver,
        run_simulator_in_thread(
            SimConfig(callback_base_url=receiver.url, callback_delay_s=0)
        ) as sim,
    ):
        body = addface.encode_request(PUSH)
        answer = requests.post(
            sim.base_url + addface.ADDFACE_PATH,
            data=body.body,
            headers={"Content-Type": body.content_type},
            timeout=10,
        )
        assert answer.json() == {"code": "00", "desc": "成功", "data": ""}
        got = receiver.wait_for(lambda r: len(r) >= 1, 10)
        assert got[0].path == FACE_RESULT_PATH
        assert got[0].json["faceWriteResult"] == "成功"
        records = sim.wait_for(
            lambda recs: any(r["kind"] == "faceOperationResult" for r in recs), 10
        )
        assert [r["kind"] for r in records] == ["addFace", "faceOperationResult"]


def test_async_api_on_one_loop() -> None:
    async def main() -> list[str]:
        receiver = Receiver()
        url = await receiver.start()
        sim = Simulator(SimConfig(callback_base_url=url, callback_delay_s=0, scenario="fail"))
        base = await sim.start()
        try:
            body = addface.encode_request(PUSH, "json")
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    base + addface.ADDFACE_PATH,
                    data=body.body,
                    headers={"Content-Type": body.content_type},
                ) as resp,
            ):
                assert (await resp.json())["code"] == "00"
            await sim.wait_for(lambda recs: len(recs) >= 2, 10)
            await sim.idle()
            return [r.json["faceWriteResult"] for r in receiver.snapshot()]
        finally:
            await sim.stop()
            await receiver.stop()

    assert asyncio.run(main()) == ["失败：图片质量不合格"]


def test_log_endpoint_since_and_reset() -> None:
    with run_simulator_in_thread(
        SimConfig(callback_base_url="http://127.0.0.1:9", scenario="fail-then-success")
    ) as sim:
        body = addface.encode_request(PUSH)
        headers = {"Content-Type": body.content_type}
        for _ in range(2):
            requests.post(
                sim.base_url + addface.ADDFACE_PATH, data=body.body, headers=headers, timeout=10
            )
        log = requests.get(sim.base_url + "/_sim/log", timeout=10).json()
        first_in = next(r["seq"] for r in log if r["kind"] == "addFace")
        later = requests.get(sim.base_url + f"/_sim/log?since={first_in}", timeout=10).json()
        assert [r["seq"] for r in later] == [r["seq"] for r in log if r["seq"] > first_in]
        bad = requests.get(sim.base_url + "/_sim/log?since=x", timeout=10).json()
        assert bad["code"] == "23"
        assert "since" in bad["desc"]
        assert sim.sim.plan.device_pushes[(PUSH.work_order, PUSH.phone, "20231201996901")] == 2
        sim.reset()
        assert sim.records() == []
        assert not sim.sim.plan.device_pushes
        assert requests.post(sim.base_url + "/_sim/reset", timeout=10).json()["code"] == "00"


def test_records_in_memory_are_bounded() -> None:
    from station.sim.recorder import Recorder

    recorder = Recorder(keep=3)
    for i in range(5):
        recorder.add({"kind": "x", "i": i})
    assert [r["seq"] for r in recorder.records()] == [3, 4, 5]
    assert [r["i"] for r in recorder.records(since=4)] == [4]
