"""The v1.0 endpoint (D6): the simulator parses the form on the server side and finds exactly
the parts of D6, the faces as image/jpeg file parts, in both notations; its answer is the
result (D4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import requests
from hypothesis import HealthCheck, given, settings

from station.protocol import multipart, v1
from station.sim import DEFAULT_V1_PATH, SimConfig, SimHandle, run_simulator_in_thread
from tests.helpers.photos import face_jpeg
from tests.helpers.strategies import v1_pushes
from tests.sim.common import post_body

PUSH = v1.V1Push(
    order_no="JF-20251222-0313",
    register_time=datetime(2025, 12, 26, 10, 38, 1),
    city="咸阳市",
    rooms=("咸阳秦都应急楼一楼综合机房", "咸阳秦都应急楼二楼传输机房"),
    operators=(v1.V1Person("唐建峰", "13800001111", face_jpeg()),),
    escorts=(v1.V1Person("牛航", "13700003333", face_jpeg()),),
)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimHandle]:
    with run_simulator_in_thread(SimConfig(callback_base_url="http://127.0.0.1:9")) as handle:
        yield handle


def _send(sim: SimHandle, push: v1.V1Push, notation: v1.Notation = "spring") -> requests.Response:
    body = v1.encode_request(push, notation)
    return post_body(sim.base_url, DEFAULT_V1_PATH, body.content_type, body.body)


@pytest.mark.parametrize("notation", ["spring", "bracket"])
def test_server_finds_exactly_the_parts_of_d6(sim: SimHandle, notation: v1.Notation) -> None:
    assert _send(sim, PUSH, notation).json() == {"code": "00", "desc": "成功", "data": ""}
    parts = sim.records(kind="v1")[-1]["parts"]
    n = {"spring": "{}[{}].{}", "bracket": "{}[{}][{}]"}[notation].format
    assert [p["name"] for p in parts] == [
        "orderNo",
        "registerTime",
        "city",
        n("roomRelation", 0, "enterRoomName"),
        n("roomRelation", 1, "enterRoomName"),
        n("operatorRelation", 0, "operatorInfo"),
        n("operatorRelation", 0, "contact"),
        n("operatorRelation", 0, "operatorFace"),
        n("escortRelation", 0, "escortInfo"),
        n("escortRelation", 0, "contact"),
        n("escortRelation", 0, "escortFace"),
    ]
    files = [p for p in parts if "filename" in p]
    assert [p["name"] for p in files] == [
        n("operatorRelation", 0, "operatorFace"),
        n("escortRelation", 0, "escortFace"),
    ]
    assert all(p["content_type"] == "image/jpeg" for p in files)
    assert all(p["value"].startswith(f"<jpeg {len(face_jpeg())} bytes") for p in files)
    texts = {p["name"]: p["value"] for p in parts if "filename" not in p}
    assert texts["registerTime"] == "2025-12-26 10:38:01"
    assert texts[n("escortRelation", 0, "contact")] == "13700003333"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(v1_pushes())
def test_every_valid_v1_push_is_accepted(sim: SimHandle, push: v1.V1Push) -> None:
    assert _send(sim, push).json()["code"] == "00"


def _without(name: str) -> tuple[str, bytes]:
    body = v1.encode_request(PUSH)
    parts = [p for p in multipart.decode(body.content_type, body.body) if p.name != name]
    again = multipart.encode(parts)
    return again.content_type, again.body


@pytest.mark.parametrize(
    "name",
    [
        "orderNo",
        "registerTime",
        "city",
        "roomRelation[0].enterRoomName",
        "operatorRelation[0].operatorInfo",
        "operatorRelation[0].contact",
        "operatorRelation[0].operatorFace",
        "escortRelation[0].escortInfo",
        "escortRelation[0].contact",
        "escortRelation[0].escortFace",
    ],
)
def test_missing_part_is_named(sim: SimHandle, name: str) -> None:
    content_type, body = _without(name)
    answer = post_body(sim.base_url, DEFAULT_V1_PATH, content_type, body).json()
    assert answer["code"] == "23"
    assert name in answer["desc"]


def test_face_part_must_be_image_jpeg(sim: SimHandle) -> None:
    body = v1.encode_request(PUSH)
    parts = multipart.decode(body.content_type, body.body)
    parts = [
        multipart.Part(p.name, p.value, p.filename, "application/octet-stream")
        if p.name == "operatorRelation[0].operatorFace"
        else p
        for p in parts
    ]
    again = multipart.encode(parts)
    answer = post_body(sim.base_url, DEFAULT_V1_PATH, again.content_type, again.body).json()
    assert answer["code"] == "23"
    assert "operatorRelation[0].operatorFace" in answer["desc"]
    assert "image/jpeg" in answer["desc"]


def test_v1_answer_is_the_result() -> None:
    """D4: v1.0 has no callbacks; fail answers 21 with the failure text, then succeeds."""
    config = SimConfig(callback_base_url="http://127.0.0.1:9", scenario="fail-then-success")
    with run_simulator_in_thread(config) as sim:
        first = _send(sim, PUSH)
        assert first.status_code == 500
        assert first.json() == {"code": "21", "desc": "失败：图片质量不合格", "data": ""}
        assert _send(sim, PUSH).json()["code"] == "00"
        sim.set_scenario("silent")
        with pytest.raises(requests.ConnectionError):
            _send(sim, PUSH)
        assert sim.records(kind="faceOperationResult") == []
