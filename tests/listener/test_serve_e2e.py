"""End to end: ``station serve`` + the simulator, both over HTTPS with the test CA (issue 3).

The simulator calls back with mutual TLS (client certificate), ``X-Auth-Token`` and the HMAC
signature (every D13 check on); the station
pushes to the simulator verifying it against the test CA. States are read with
``station status --json`` (DESIGN §4), door events with their flags.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import tomli_w

from station.cli import main
from station.protocol import signing
from station.protocol.callbacks import OPEN_DOOR_PATH
from station.sim import SimConfig, SimHandle, run_simulator_in_thread
from tests.helpers import tls as test_tls
from tests.helpers.photos import grace_hopper, jpeg
from tests.helpers.serve import ServeProcess
from tests.push.factory import local_today
from tests.push.harness import FAST_RETRY

TOKEN = "e2e-token"
SECRET = "e2e-hmac-secret"
WORK_ORDER = "JF-20261203-0313"
ROOMS = ("咸阳秦都应急楼一楼综合机房", "咸阳秦都应急楼二楼传输机房")


@dataclass
class Station:
    serve: ServeProcess
    sim: SimHandle
    pki: test_tls.TestPKI
    data_dir: Path
    photo: Path
    capsys: pytest.CaptureFixture[str]

    def register(self, *devices: str) -> int:
        args = ["register", "--data-dir", str(self.data_dir), "--work-order", WORK_ORDER]
        args += ["--name", "唐建峰", "--account", "tangjianfeng", "--phone", "13800001111"]
        args += ["--city", "咸阳市", "--site", "安康白河庆华化工厂站点"]
        for room in ROOMS:
            args += ["--room", room]
        for device in devices:
            args += ["--device", device]
        args += ["--date", local_today().isoformat(), "--photo", str(self.photo), "--consent"]
        assert main([*args, "--json"]) == 0
        reg_id: int = json.loads(self.capsys.readouterr().out)["id"]
        return reg_id

    def status(self) -> dict[str, Any]:
        assert main(["status", "--json", "--data-dir", str(self.data_dir)]) == 0
        value: dict[str, Any] = json.loads(self.capsys.readouterr().out)
        return value

    def devices(self, reg_id: int) -> dict[str, dict[str, Any]]:
        (reg,) = [r for r in self.status()["registrations"] if r["id"] == reg_id]
        return {d["device_id"]: d for d in reg["devices"]}

    def wait(self, check: Callable[[], bool], what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not reached; status: {self.status()}")
            time.sleep(0.1)

    def door(self, body: dict[str, str]) -> dict[str, Any]:
        """A door event sent the way the platform does (mTLS, token, HMAC signature)."""
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers = signing.auth_headers(TOKEN, SECRET, raw, time.time())
        response = requests.post(
            self.serve.url + OPEN_DOOR_PATH,
            data=raw,
            headers={"Content-Type": "application/json", **headers},
            verify=str(self.pki.ca_file),
            cert=(str(self.pki.client_cert), str(self.pki.client_key)),
            timeout=10,
        )
        value: dict[str, Any] = response.json()
        return value


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> test_tls.TestPKI:
    return test_tls.make_pki(tmp_path_factory.mktemp("pki"))


def _start(
    tmp_path: Path, pki: test_tls.TestPKI, capsys: pytest.CaptureFixture[str], **sim: Any
) -> Iterator[Station]:
    config = SimConfig(
        callback_base_url="https://127.0.0.1:9",  # replaced once the station listens
        cert=str(pki.server_cert),
        key=str(pki.server_key),
        callback_ca=str(pki.ca_file),
        client_cert=str(pki.client_cert),
        client_key=str(pki.client_key),
        token=TOKEN,
        hmac_secret=SECRET,
        callback_delay_s=0.05,
        door_events=True,
        door_delay_s=0.05,
        door_anonymous_rate=1.0,
        seed=3,
        **sim,
    )
    with run_simulator_in_thread(config) as handle:
        settings = {
            "platform": {"base_url": handle.base_url, "ca_file": str(pki.ca_file), "timeout_s": 5},
            "listener": {
                "host": "127.0.0.1",
                "port": 0,
                "tls_cert": str(pki.server_cert),
                "tls_key": str(pki.server_key),
                "client_ca": str(pki.ca_file),
                "token": TOKEN,
                "hmac_secret": SECRET,
            },
            "retry": FAST_RETRY,
        }
        path = tmp_path / "station.toml"
        path.write_text(tomli_w.dumps(settings), encoding="utf-8")
        photo = tmp_path / "face.jpg"
        photo.write_bytes(jpeg(grace_hopper()))
        data_dir = tmp_path / "data"
        serve = ServeProcess(path, data_dir)
        try:
            assert serve.url.startswith("https://127.0.0.1:")
            handle.set_callback_base_url(serve.url)
            yield Station(serve, handle, pki, data_dir, photo, capsys)
        finally:
            code = serve.stop()
            log = serve.log()
            assert code == 0, log
            assert "station serve stopped" in log
            for secret in ("唐建峰", "13800001111", "dwtangjianfeng", TOKEN, SECRET):
                assert secret not in log
            assert "refused" not in log  # every callback passed the security check


@pytest.fixture
def station_success(
    tmp_path: Path, pki: test_tls.TestPKI, capsys: pytest.CaptureFixture[str]
) -> Iterator[Station]:
    yield from _start(tmp_path, pki, capsys, scenario="success")


@pytest.fixture
def station_retry(
    tmp_path: Path, pki: test_tls.TestPKI, capsys: pytest.CaptureFixture[str]
) -> Iterator[Station]:
    yield from _start(tmp_path, pki, capsys, scenario="fail-then-success")


@pytest.fixture
def station_mixed(
    tmp_path: Path, pki: test_tls.TestPKI, capsys: pytest.CaptureFixture[str]
) -> Iterator[Station]:
    yield from _start(tmp_path, pki, capsys, device_scenarios=(("BAD*", "fail"),))


def _doors(station: Station, reg_work_order: str | None) -> list[dict[str, Any]]:
    return [e for e in station.status()["door_events"] if e["work_order"] == reg_work_order]


def test_success(station_success: Station) -> None:
    st = station_success
    reg_id = st.register("ACC1", "ACC2")
    st.wait(
        lambda: {d["state"] for d in st.devices(reg_id).values()} == {"written"}, "both written"
    )
    devices = st.devices(reg_id)
    assert [devices[d]["pushes"] for d in ("ACC1", "ACC2")] == [1, 1]
    assert devices["ACC1"]["last_result"] == "成功"
    # each written door opens once for the person, then once with no work order (sim)
    st.wait(lambda: len(_doors(st, WORK_ORDER)) == 2, "two door events of the work order")
    st.wait(lambda: len(_doors(st, None)) == 2, "two door events without a work order")
    assert sorted((e["device_id"], e["flags"]) for e in _doors(st, WORK_ORDER)) == [
        ("ACC1", []),
        ("ACC2", []),
    ]
    for event in _doors(st, None):
        assert set(event["flags"]) == {"no_work_order", "unmatched"}
    results = st.sim.records(kind="faceOperationResult", direction="out")
    assert [r["answer"]["code"] for r in results] == ["00", "00"]


def test_failure_is_re_pushed_then_written(station_retry: Station) -> None:
    st = station_retry
    reg_id = st.register("ACC1")
    st.wait(lambda: st.devices(reg_id)["ACC1"]["state"] == "written", "written after re-push")
    assert st.devices(reg_id)["ACC1"]["pushes"] == 2
    results = st.sim.records(kind="faceOperationResult", direction="out")
    sent = [json.loads(r["body"])["faceWriteResult"] for r in results]
    assert sent == ["失败：图片质量不合格", "成功"]
    assert [r["answer"]["code"] for r in results] == ["00", "00"]
    pushes = st.sim.records(kind="addFace", direction="in")
    assert len(pushes) == 2


def test_mixed_device_push(station_mixed: Station) -> None:
    """One push, two devices: one written, one failed and re-pushed alone (D14)."""
    st = station_mixed
    reg_id = st.register("OK1", "BAD1")
    snapshot: dict[str, dict[str, Any]] = {}

    def settled() -> bool:
        snapshot.update(st.devices(reg_id))
        # the failure is on record after a re-push (whatever the next push is doing now)
        return (
            snapshot["OK1"]["state"] == "written"
            and snapshot["BAD1"]["pushes"] >= 2
            and snapshot["BAD1"]["last_result"] == "失败：图片质量不合格"
        )

    st.wait(settled, "OK1 written, BAD1 re-pushed with its failure on record")
    assert snapshot["OK1"]["pushes"] == 1
    pushes = st.sim.records(kind="addFace", direction="in")
    first, *again = [p["parts"][0]["value"]["deviceId"] for p in pushes]  # form-data (D1)
    assert sorted(first) == ["BAD1", "OK1"]
    assert again
    assert all(devices == ["BAD1"] for devices in again)
    # door events sent straight to the station, checked against the registration (DESIGN §4)
    today = local_today().isoformat()
    base = {"workOrdNum": WORK_ORDER, "name": "唐建峰", "phone": "13800001111"}
    base |= {"city": "咸阳市", "site": "安康白河庆华化工厂站点", "room": ROOMS[0]}
    cases = {
        "BAD1": ({**base, "deviceId": "BAD1"}, {"not_written"}),
        "OK1-other-room": (
            {**base, "deviceId": "OK1", "room": "别的机房"},
            {"room_not_registered"},
        ),
        "OK1-yesterday": ({**base, "deviceId": "OK1"}, {"outside_date"}),
        "unknown": ({**base, "workOrdNum": "JF-00000000-0000", "deviceId": "OK1"}, {"unmatched"}),
    }
    for label, (body, _flags) in cases.items():
        day = "2020-01-01" if label == "OK1-yesterday" else today
        assert st.door({**body, "dailyOpenTime": f"{day} 09:00:00"})["code"] == "00"
    events = st.status()["door_events"]
    seen = {(e["work_order"], e["device_id"], e["room"], e["opened_at"][:10]): e for e in events}
    assert set(seen[(WORK_ORDER, "BAD1", ROOMS[0], today)]["flags"]) == {"not_written"}
    assert set(seen[(WORK_ORDER, "OK1", "别的机房", today)]["flags"]) == {"room_not_registered"}
    assert "outside_date" in seen[(WORK_ORDER, "OK1", ROOMS[0], "2020-01-01")]["flags"]
    assert set(seen[("JF-00000000-0000", "OK1", ROOMS[0], today)]["flags"]) == {"unmatched"}
