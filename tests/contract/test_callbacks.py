"""The wire contract of the callbacks (spec 2.2.2, 2.2.3; DESIGN D8–D12, D14), black-box:
``station sim`` and ``station serve`` as child processes, requests over real loopback HTTP,
the effects read back through ``station status --json`` and ``station export``."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.contract.conftest import Photos, Stack
from tests.contract.procs import (
    DOOR_PATH,
    FACE_PATH,
    local_today,
    register_args,
    station,
    station_json,
    wait_until,
)

# The spec's own request examples, verbatim (2.2.2 and 2.2.3).
OPEN_DOOR_EXAMPLE = {
    "workOrdNum": "JF-20251222-0313",
    "name": "唐建峰",
    "account": "dwtangjianfeng",
    "phone": "13800001111",
    "city": "咸阳市",
    "site": "安康白河庆华化工厂站点",
    "room": "咸阳秦都应急楼一楼综合机房",
    "deviceId": "D20251222001",
    "dailyOpenTime": "2025-12-26 10:38:01",
}
FACE_RESULT_EXAMPLE = {
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
OK = {"code": "00", "desc": "成功", "data": ""}


def post(stack: Stack, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    answer = requests.post(stack.listener_url + path, timeout=30, **kwargs)
    return answer.status_code, answer.json()


def status(stack: Stack) -> dict[str, Any]:
    result: dict[str, Any] = station_json("status", *stack.common(), "--json")
    return result


def device_of(stack: Stack, reg_id: int, device_id: str) -> dict[str, Any]:
    for reg in status(stack)["registrations"]:
        if reg["id"] == reg_id:
            for device in reg["devices"]:
                if device["device_id"] == device_id:
                    return dict(device)
    raise AssertionError(f"registration {reg_id} has no device {device_id}")


def doors(stack: Stack, device_id: str) -> list[dict[str, Any]]:
    return [e for e in status(stack)["door_events"] if e["device_id"] == device_id]


def sim_log(stack: Stack) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = requests.get(stack.sim_url + "/_sim/log", timeout=30).json()
    return records


def settled(stack: Stack, state: str, work_order: str, devices: tuple[str, ...]) -> bool:
    """Cheap check on the simulator's record: has the station answered what leads to
    ``state``? (D9: a callback is answered 00 only once stored.)"""
    log = sim_log(stack)
    if state == "written":
        done = {
            json.loads(r["body"])["deviceId"]
            for r in log
            if r.get("kind") == "faceOperationResult"
            and r.get("answer", {}).get("code") == "00"
            and json.loads(r["body"])["workOrdNum"] == work_order
        }
        return done >= set(devices)
    code = "23" if state == "rejected" else "00"
    return any(
        r.get("kind") == "addFace"
        and r.get("work_order") == work_order
        and r.get("answer", {}).get("code") == code
        for r in log
    )


def register_until(stack: Stack, photos: Photos, state: str, work_order: str, *devices: str) -> int:
    """Register through the CLI and wait (bounded) until every device is in ``state``."""
    args = register_args(
        stack.config, stack.data_dir, photos.face, work_order=work_order, devices=devices
    )
    done = station(*args, "--json")
    assert done.returncode == 0, done.stderr
    reg_id: int = json.loads(done.stdout)["id"]
    wait_until(lambda: settled(stack, state, work_order, devices), 30, f"{work_order} {state}")

    def all_in_state() -> bool:
        for reg in status(stack)["registrations"]:
            if reg["id"] == reg_id:
                return all(d["state"] == state for d in reg["devices"])
        return False

    wait_until(all_in_state, 30, f"registration {reg_id} {state}")
    return reg_id


def test_serve_logs_to_stdout(stack: Stack) -> None:
    """DESIGN §4: ``station serve`` ... logs to stdout."""
    assert any("listening on" in line for line in stack.serve.stdout), stack.serve.output()


def test_spec_examples_answered_with_the_envelope(stack: Stack) -> None:
    for path, body in ((DOOR_PATH, OPEN_DOOR_EXAMPLE), (FACE_PATH, FACE_RESULT_EXAMPLE)):
        answer = requests.post(stack.listener_url + path, json=body, timeout=30)
        assert answer.status_code == 200
        assert answer.json() == OK
        assert answer.headers["Content-Type"].startswith("application/json")


def test_sim_round_trip_writes_every_device(stack: Stack, photos: Photos) -> None:
    reg_id = register_until(stack, photos, "written", "JF-RT-0001", "RT-1", "RT-2")
    for device_id in ("RT-1", "RT-2"):
        device = device_of(stack, reg_id, device_id)
        assert device["pushes"] == 1
        assert device["last_result"] == "成功"
        assert device["next_push_at"] is None
    pushes = [
        r
        for r in sim_log(stack)
        if r.get("kind") == "addFace" and r.get("work_order") == "JF-RT-0001"
    ]
    assert len(pushes) == 1  # D3: one push for one person, both devices in it
    assert [p["name"] for p in pushes[0]["parts"]] == ["data"]  # D1
    assert pushes[0]["parts"][0]["value"]["deviceId"] == ["RT-1", "RT-2"]


def test_form_encoded_and_extra_fields_are_accepted(stack: Stack) -> None:
    """D8: a form-encoded body with the same names; unknown extra fields are ignored."""
    form = {**OPEN_DOOR_EXAMPLE, "deviceId": "FORM-DOOR-1", "vendorExtra": "x"}
    code, answer = post(stack, DOOR_PATH, data=form)
    assert (code, answer) == (200, OK)
    extra = {**OPEN_DOOR_EXAMPLE, "deviceId": "JSON-DOOR-1", "vendorExtra": {"a": [1, 2]}}
    code, answer = post(stack, DOOR_PATH, json=extra)
    assert (code, answer) == (200, OK)
    for device_id in ("FORM-DOOR-1", "JSON-DOOR-1"):
        [event] = doors(stack, device_id)
        assert event["room"] == "咸阳秦都应急楼一楼综合机房"
        assert event["work_order"] == "JF-20251222-0313"
        opened = datetime.fromisoformat(event["opened_at"])
        assert opened == datetime(2025, 12, 26, 2, 38, 1, tzinfo=UTC)  # +08:00 local


def test_multipart_form_data_and_curl_style_json_are_accepted(stack: Stack) -> None:
    """D8 for a platform that calls back the way it receives addFace (form-data, 2.2.1), and
    for ``curl -d '{…}'`` (JSON labelled as a urlencoded form)."""
    multipart = {k: (None, v) for k, v in {**OPEN_DOOR_EXAMPLE, "deviceId": "MP-DOOR-1"}.items()}
    code, answer = post(stack, DOOR_PATH, files=multipart)
    assert (code, answer) == (200, OK)
    curl_style = json.dumps({**OPEN_DOOR_EXAMPLE, "deviceId": "CURL-DOOR-1"}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    code, answer = post(stack, DOOR_PATH, data=curl_style, headers=form)
    assert (code, answer) == (200, OK)
    for device_id in ("MP-DOOR-1", "CURL-DOOR-1"):
        [event] = doors(stack, device_id)
        assert event["room"] == "咸阳秦都应急楼一楼综合机房"


@pytest.mark.parametrize(
    "value",
    ["2025/12/26 10:38:01", "2025-12-26T10:38:01", "2025-12-26 10:38", "2025-02-30 10:38:01"],
)
def test_bad_daily_open_time_is_23_naming_field_and_format(stack: Stack, value: str) -> None:
    body = {**OPEN_DOOR_EXAMPLE, "deviceId": "BAD-TIME-1", "dailyOpenTime": value}
    code, answer = post(stack, DOOR_PATH, json=body)
    assert code == 200
    assert answer["code"] == "23"
    assert "dailyOpenTime" in answer["desc"]
    assert "YYYY-MM-DD HH:MM:SS" in answer["desc"]
    assert set(answer) == {"code", "desc", "data"}


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        (FACE_PATH, {k: v for k, v in FACE_RESULT_EXAMPLE.items() if k != "deviceId"}, "deviceId"),
        (FACE_PATH, {**FACE_RESULT_EXAMPLE, "faceWriteResult": "OK"}, "faceWriteResult"),
        (DOOR_PATH, {k: v for k, v in OPEN_DOOR_EXAMPLE.items() if k != "room"}, "room"),
        (DOOR_PATH, {**OPEN_DOOR_EXAMPLE, "deviceId": 12345}, "deviceId"),
    ],
)
def test_invalid_fields_are_23_naming_the_field(
    stack: Stack, path: str, body: dict[str, Any], named: str
) -> None:
    code, answer = post(stack, path, json=body)
    assert (code, answer["code"]) == (200, "23")
    assert named in answer["desc"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b""])
def test_a_body_that_is_not_a_json_object_is_23(stack: Stack, body: bytes) -> None:
    headers = {"Content-Type": "application/json"}
    code, answer = post(stack, FACE_PATH, data=body, headers=headers)
    assert (code, answer["code"], answer["data"]) == (200, "23", "")
    assert answer["desc"]


def test_failure_text_kept_repush_in_5_minutes_and_duplicate_changes_nothing(
    stack: Stack, photos: Photos
) -> None:
    """D10: any text containing 失败 is a failure, kept whole; D14: re-push 5 minutes after
    the result; D11: matched although the callback's account is dw-prefixed; D12."""
    reg_id = register_until(stack, photos, "accepted", "JF-FAIL-0001", "SILENT-F1", "SILENT-F2")
    silent = datetime.fromisoformat(device_of(stack, reg_id, "SILENT-F2")["next_push_at"])
    now = datetime.now(UTC)  # accepted within the last 30 s: re-push 10 minutes after
    assert now + timedelta(seconds=560) <= silent <= now + timedelta(seconds=601)
    failure = {
        **FACE_RESULT_EXAMPLE,
        "workOrdNum": "JF-FAIL-0001",
        "deviceId": "SILENT-F1",
        "faceWriteResult": "失败：图片质量不合格",
    }
    sent = datetime.now(UTC)
    assert post(stack, FACE_PATH, json=failure) == (200, OK)
    after = datetime.now(UTC)
    first = device_of(stack, reg_id, "SILENT-F1")
    assert first["state"] == "failed"
    assert first["last_result"] == "失败：图片质量不合格"
    assert first["pushes"] == 1
    due = datetime.fromisoformat(first["next_push_at"])
    assert sent + timedelta(seconds=299) <= due <= after + timedelta(seconds=301)
    assert device_of(stack, reg_id, "SILENT-F2")["state"] == "accepted"  # per device

    assert post(stack, FACE_PATH, json=failure) == (200, OK)  # D12: delivered again
    assert device_of(stack, reg_id, "SILENT-F1") == first


def test_unmatched_callbacks_are_stored_and_shown(stack: Stack, tmp_path: Path) -> None:
    """D11: nothing matches → still 00, stored and shown as unmatched; D12 for door events."""
    door = {
        "city": "咸阳市",
        "site": "安康白河庆华化工厂站点",
        "room": "无人登记机房",
        "deviceId": "NOBODY-DOOR-1",
        "dailyOpenTime": "2025-12-26 10:38:01",
    }
    assert post(stack, DOOR_PATH, json=door) == (200, OK)
    assert post(stack, DOOR_PATH, json=door) == (200, OK)  # the same event twice
    [event] = doors(stack, "NOBODY-DOOR-1")
    assert "unmatched" in event["flags"]
    assert "no_work_order" in event["flags"]
    assert event["work_order"] is None
    assert event["name"] is None

    face = {**FACE_RESULT_EXAMPLE, "workOrdNum": "JF-NOBODY-0001", "deviceId": "NOBODY-FACE-1"}
    assert post(stack, FACE_PATH, data=face) == (200, OK)  # form-encoded too (D8)
    out = tmp_path / "audit.csv"
    since = (local_today() - timedelta(days=1)).isoformat()
    done = station("export", *stack.common(), "--from", since, "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = [row for row in csv.reader(io.StringIO(out.read_text("utf-8-sig"))) if row]
    stored = [row for row in rows if "NOBODY-FACE-1" in row]
    assert stored, "the unmatched result is not in the audit export"
    assert any("unmatched" in cell for row in stored for cell in row), stored


def test_not_effective_repushes_in_10_minutes(stack: Stack, photos: Photos) -> None:
    """DESIGN §4 ``station not-effective REG DEVICE``; D14: re-push 10 minutes after the click."""
    reg_id = register_until(stack, photos, "written", "JF-NE-0001", "NE-1")
    clicked = datetime.now(UTC)
    done = station("not-effective", *stack.common(), str(reg_id), "NE-1")
    assert done.returncode == 0, done.stderr
    device = device_of(stack, reg_id, "NE-1")
    assert device["state"] == "not_effective"
    due = datetime.fromisoformat(device["next_push_at"])
    assert clicked + timedelta(seconds=599) <= due <= clicked + timedelta(seconds=630)
    again = station("not-effective", *stack.common(), str(reg_id), "NE-1")
    assert again.returncode == 2  # no longer written
    unknown = station("not-effective", *stack.common(), str(reg_id), "NO-SUCH-DEVICE")
    assert unknown.returncode == 2
    assert "NO-SUCH-DEVICE" in unknown.stderr


def test_code_23_rejects_the_push_and_shows_the_desc(stack: Stack, photos: Photos) -> None:
    """D5: 23 is permanent for that payload: ``rejected``, no re-push, ``desc`` shown."""
    reg_id = register_until(stack, photos, "rejected", "JF-REJECT-0001", "REJECT-1")
    device = device_of(stack, reg_id, "REJECT-1")
    assert device["next_push_at"] is None
    assert device["pushes"] == 1
    answered = [
        r["answer"]["desc"]
        for r in sim_log(stack)
        if r.get("kind") == "addFace" and r.get("work_order") == "JF-REJECT-0001"
    ]
    assert len(answered) == 1
    assert answered[0] in device["last_result"]
