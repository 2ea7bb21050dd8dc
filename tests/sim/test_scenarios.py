"""Every scenario's callbacks reach a test receiver with the exact JSON of the spec (2.2.3),
over HTTP and over HTTPS verified with the test CA (issue 2 acceptance)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from station.protocol.callbacks import FACE_RESULT_FIELDS, FACE_RESULT_PATH, FaceResult
from station.sim import SCENARIOS, SimConfig, SimHandle, run_simulator_in_thread
from tests.helpers import tls
from tests.helpers.receiver import Receiver, run_receiver_in_thread, server_context
from tests.sim.common import push
from tests.sim.test_api import PUSH

TWO = replace(PUSH, device_ids=("ACC01", "ACC02"), rooms=("一号机房", "二号机房"))
OK, FAIL = "成功", "失败：图片质量不合格"

#: scenario -> [(answer code or "drop", [faceWriteResult per device, None = no callback])], per push
EXPECTED: dict[str, list[tuple[str, list[str | None]]]] = {
    "success": [("00", [OK, OK]), ("00", [OK, OK])],
    "fail": [("00", [FAIL, FAIL]), ("00", [FAIL, FAIL])],
    "fail-then-success": [("00", [FAIL, FAIL]), ("00", [OK, OK])],
    "silent": [("00", [None, None]), ("00", [None, None])],
    "silent-then-success": [("00", [None, None]), ("00", [OK, OK])],
    "flaky": [("21", [None, None]), ("drop", [None, None]), ("00", [OK, OK]), ("00", [OK, OK])],
    "security": [("22", [None, None]), ("22", [None, None])],
    "reject": [("23", [None, None]), ("23", [None, None])],
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tls.TestPKI:
    return tls.make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(params=["http", "https"])
def receiver(request: pytest.FixtureRequest, pki: tls.TestPKI) -> Iterator[Receiver]:
    tls = (
        server_context(str(pki.server_cert), str(pki.server_key))
        if request.param == "https"
        else None
    )
    with run_receiver_in_thread(tls) as rec:
        yield rec


def _sim(receiver: Receiver, pki: tls.TestPKI, **kw: object) -> SimConfig:
    return SimConfig(
        callback_base_url=receiver.url,
        callback_ca=str(pki.ca_file),
        callback_delay_s=0,
        slow_answer_s=0.2,
        **kw,  # type: ignore[arg-type]
    )


def _push(sim: SimHandle) -> str:
    try:
        return str(push(sim.base_url, TWO).json()["code"])
    except requests.ConnectionError:
        return "drop"


def _expected_body(device: str, room: str, text: str) -> dict[str, str]:
    result = FaceResult(
        TWO.work_order, TWO.name, TWO.account, TWO.phone, TWO.city, TWO.sites[0], room, device, text
    )
    return result.to_json()


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scenario_callbacks(scenario: str, receiver: Receiver, pki: tls.TestPKI) -> None:
    with run_simulator_in_thread(_sim(receiver, pki, scenario=scenario)) as sim:
        expected_bodies = []
        for code, results in EXPECTED[scenario]:
            assert _push(sim) == code
            sim.idle()  # every callback of this push delivered (or none scheduled)
            for device, room, text in zip(TWO.device_ids, TWO.rooms, results, strict=True):
                if text is not None:
                    expected_bodies.append(_expected_body(device, room, text))
        got = receiver.snapshot()
        assert [r.json for r in got] == expected_bodies
        for item in got:
            assert item.path == FACE_RESULT_PATH
            assert list(item.json) == list(FACE_RESULT_FIELDS)  # the spec's fields, in its order
            assert item.headers["Content-Type"].startswith("application/json")
        sent = sim.records(kind="faceOperationResult", direction="out")
        assert [json.loads(r["body"]) for r in sent] == expected_bodies
        assert all(r["delivered"] for r in sent)


def test_random_is_a_seeded_mix(receiver: Receiver, pki: tls.TestPKI) -> None:
    outcomes = []
    for _ in range(2):
        receiver.received.clear()
        with run_simulator_in_thread(_sim(receiver, pki, scenario="random", seed=7)) as sim:
            codes = [_push(sim) for _ in range(12)]
            sim.idle()
            texts = [r.json["faceWriteResult"] for r in receiver.snapshot()]
        outcomes.append((codes, texts))
    assert outcomes[0] == outcomes[1]  # same seed, same story
    codes, texts = outcomes[0]
    assert set(codes) <= {"00", "21"}
    assert set(texts) <= {OK, FAIL}
    accepted_devices = 2 * codes.count("00")
    assert 0 < len(texts) < accepted_devices  # some devices stay silent
    assert OK in texts


def test_every_scenario_is_covered() -> None:
    assert set(EXPECTED) | {"random"} == set(SCENARIOS)


def test_per_device_scenarios_mix_in_one_push(receiver: Receiver, pki: tls.TestPKI) -> None:
    config = _sim(receiver, pki, scenario="success", device_scenarios=(("*02", "fail"),))
    with run_simulator_in_thread(config) as sim:
        assert _push(sim) == "00"
        sim.idle()
        assert [r.json["faceWriteResult"] for r in receiver.snapshot()] == [OK, FAIL]
        sim.set_scenario("success", {"ACC01": "silent"})
        assert _push(sim) == "00"
        sim.idle()
        assert [r.json["deviceId"] for r in receiver.snapshot()] == ["ACC01", "ACC02", "ACC02"]
        sim.set_scenario("success", {"ACC0[2]": "security"})
        assert _push(sim) == "22"  # one device under security makes the whole push 22


def test_security_pause_then_switch_back_resumes(receiver: Receiver, pki: tls.TestPKI) -> None:
    """The push worker's story (D5): 22 → paused → the platform is fixed → pushes resume."""
    with run_simulator_in_thread(_sim(receiver, pki, scenario="security")) as sim:
        assert _push(sim) == "22"
        switched = requests.post(
            sim.base_url + "/_sim/scenario", json={"scenario": "success"}, timeout=10
        ).json()
        assert switched["code"] == "00"
        assert switched["data"] == {"scenario": "success", "devices": {}}
        assert _push(sim) == "00"
        receiver.wait_for(lambda r: len(r) == 2, 10)
        bad = requests.post(sim.base_url + "/_sim/scenario", json={"scenario": "nope"}, timeout=10)
        assert bad.json()["code"] == "23"
        assert "nope" in bad.json()["desc"]


def test_reject_desc_names_the_devices(receiver: Receiver, pki: tls.TestPKI) -> None:
    with run_simulator_in_thread(_sim(receiver, pki, scenario="reject")) as sim:
        body = push(sim.base_url, TWO).json()
        assert body["code"] == "23"
        assert "deviceId" in body["desc"]
        assert "ACC01" in body["desc"]


def test_door_events_for_written_devices(tmp_path: Path, pki: tls.TestPKI) -> None:
    with run_receiver_in_thread() as receiver:
        config = SimConfig(
            callback_base_url=receiver.url,
            callback_delay_s=0,
            door_events=True,
            door_delay_s=0,
            door_anonymous_rate=1.0,
            device_scenarios=(("ACC02", "fail"),),
        )
        with run_simulator_in_thread(config) as sim:
            assert _push(sim) == "00"
            receiver.wait_for(lambda r: len(r) == 4, 10)  # 2 results, 1 door + 1 anonymous
            sim.idle()
        from station.protocol.callbacks import OPEN_DOOR_PATH, parse_door_open

        doors = [r.json for r in receiver.snapshot(OPEN_DOOR_PATH)]
        assert len(doors) == 2
        person, anonymous = (parse_door_open(d) for d in doors)
        assert person.work_order == TWO.work_order
        assert person.device_id == "ACC01"  # only the written device opens
        assert anonymous.work_order is None
        assert "workOrdNum" not in doors[1]
        assert list(doors[0]) == [
            "workOrdNum",
            "name",
            "account",
            "phone",
            "city",
            "site",
            "room",
            "deviceId",
            "dailyOpenTime",
        ]
