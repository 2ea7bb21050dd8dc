"""Every callback malformation is answered 23 with the precise desc, over real HTTP (D8–D10)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from station.protocol.callbacks import FACE_RESULT_PATH, OPEN_DOOR_PATH
from tests.listener.conftest import Live
from tests.listener.core import stored_callbacks
from tests.listener.harness import DOOR, FACE

JSON = {"Content-Type": "application/json"}


def _post(
    live: Live, path: str, body: bytes, headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(live.url + path, data=body, headers=headers or JSON, timeout=10)


def _envelope(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/json")
    value = response.json()
    assert set(value) == {"code", "desc", "data"}
    return value


def test_spec_examples_are_answered_00(live: Live) -> None:
    for path, body in ((FACE_RESULT_PATH, FACE), (OPEN_DOOR_PATH, DOOR)):
        response = _post(live, path, json.dumps(body, ensure_ascii=False).encode())
        assert response.status_code == 200
        assert _envelope(response) == {"code": "00", "desc": "成功", "data": ""}
    assert stored_callbacks(live.core) == 2


def test_form_encoded_body_is_accepted(live: Live) -> None:
    """D8: the same field names form-encoded."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = _post(live, FACE_RESULT_PATH, urlencode(FACE).encode(), form)
    assert _envelope(response)["code"] == "00"


@pytest.mark.parametrize(
    ("body", "desc"),
    [
        (b"{not json", "请求体不是合法的 JSON (应为 UTF-8 编码的 JSON 对象)"),
        (b"", "请求体不是合法的 JSON (应为 UTF-8 编码的 JSON 对象)"),
        (b"\xff\xfe{}", "请求体不是合法的 JSON (应为 UTF-8 编码的 JSON 对象)"),
        (b"[1, 2]", "请求体应为 JSON 对象，而不是数组、字符串或数字"),
        (b'"a string"', "请求体应为 JSON 对象，而不是数组、字符串或数字"),
    ],
)
def test_body_that_is_not_an_object(live: Live, body: bytes, desc: str) -> None:
    response = _post(live, FACE_RESULT_PATH, body)
    assert response.status_code == 200  # D9: 23 travels with HTTP 200
    assert _envelope(response) == {"code": "23", "desc": desc, "data": ""}
    assert stored_callbacks(live.core) == 0


@pytest.mark.parametrize("field", list(FACE))
def test_each_missing_face_field_is_named(live: Live, field: str) -> None:
    body = {k: v for k, v in FACE.items() if k != field}
    answer = _envelope(_post(live, FACE_RESULT_PATH, json.dumps(body).encode()))
    assert answer["code"] == "23"
    assert answer["desc"] == f"缺少必填字段 {field}"


@pytest.mark.parametrize("field", ["city", "site", "room", "deviceId", "dailyOpenTime"])
def test_each_missing_door_field_is_named(live: Live, field: str) -> None:
    body = {k: v for k, v in DOOR.items() if k != field}
    answer = _envelope(_post(live, OPEN_DOOR_PATH, json.dumps(body).encode()))
    assert answer == {"code": "23", "desc": f"缺少必填字段 {field}", "data": ""}


@pytest.mark.parametrize(
    "stamp", ["2025-12-26T10:38:01", "2025/12/26 10:38:01", "2025-13-01 00:00:00", "2025-12-26"]
)
def test_bad_daily_open_time(live: Live, stamp: str) -> None:
    body = json.dumps({**DOOR, "dailyOpenTime": stamp}).encode()
    answer = _envelope(_post(live, OPEN_DOOR_PATH, body))
    assert answer["code"] == "23"
    assert answer["desc"] == "字段 dailyOpenTime 格式错误，应为 YYYY-MM-DD HH:MM:SS"


@pytest.mark.parametrize("text", ["OK", "success", "写入中", "0"])
def test_unknown_face_write_result(live: Live, text: str) -> None:
    body = json.dumps({**FACE, "faceWriteResult": text}, ensure_ascii=False).encode()
    answer = _envelope(_post(live, FACE_RESULT_PATH, body))
    assert answer["code"] == "23"
    assert answer["desc"] == 'faceWriteResult 应为 "成功" 或包含 "失败" 的文本 (如 "失败：原因")'


def test_wrong_type_is_named(live: Live) -> None:
    answer = _envelope(_post(live, FACE_RESULT_PATH, json.dumps({**FACE, "deviceId": 7}).encode()))
    assert answer == {
        "code": "23",
        "desc": "字段 deviceId 类型错误，应为字符串 (String)",
        "data": "",
    }


def test_failure_text_is_accepted_as_a_failure(live: Live) -> None:
    body = {**FACE, "faceWriteResult": "失败：图片质量不合格"}
    answer = _envelope(_post(live, FACE_RESULT_PATH, json.dumps(body, ensure_ascii=False).encode()))
    assert answer["code"] == "00"


def test_unknown_path_and_method_are_envelopes(live: Live) -> None:
    missing = requests.post(live.url + "/nope", data=b"{}", timeout=10)
    assert missing.status_code == 404
    assert _envelope(missing)["code"] == "23"
    wrong = requests.get(live.url + FACE_RESULT_PATH, timeout=10)
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "POST"
    assert _envelope(wrong) == {"code": "23", "desc": "不支持的请求方法 GET，应为 POST", "data": ""}


def test_healthz_has_no_personal_data(live: Live) -> None:
    _post(live, FACE_RESULT_PATH, json.dumps(FACE).encode())
    response = requests.get(live.url + "/healthz", timeout=10)
    answer = _envelope(response)
    assert answer["code"] == "00"
    assert answer["data"]["status"] == "ok"
    for secret in ("唐建峰", "13800001111", "tangjianfeng", FACE["workOrdNum"]):
        assert secret not in response.text
