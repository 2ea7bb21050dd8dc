"""Callback validation (D8, D10): precise code-23 descriptions, and what is accepted."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings

from station.protocol import InvalidRequest
from station.protocol.callbacks import (
    DOOR_OPEN_FIELDS,
    FACE_RESULT_FIELDS,
    FaceResult,
    decode_body,
    parse_door_open,
    parse_face_result,
)
from tests.helpers.strategies import door_opens, face_results
from tests.listener.harness import DOOR, FACE


def _desc(parse: Any, body: bytes, content_type: str = "application/json") -> str:
    with pytest.raises(InvalidRequest) as info:
        parse(decode_body(body, content_type))
    return info.value.desc


def test_spec_examples_parse() -> None:
    result = parse_face_result(decode_body(json.dumps(FACE).encode(), "application/json"))
    assert result.success
    assert result.device_id == "ACC2025122001"
    door = parse_door_open(DOOR)
    assert door.opened_at == datetime(2025, 12, 26, 10, 38, 1)
    assert door.to_json() == DOOR
    assert result.to_json() == FACE


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", "JSON"),
        (b"[1, 2]", "JSON 对象"),
        (b'"a string"', "JSON 对象"),
        (b"\xff\xfe", "JSON"),
    ],
)
def test_body_that_is_not_an_object(body: bytes, needle: str) -> None:
    assert needle in _desc(parse_face_result, body)


@pytest.mark.parametrize("field", list(FACE))
def test_each_missing_face_field_is_named(field: str) -> None:
    body = {k: v for k, v in FACE.items() if k != field}
    with pytest.raises(InvalidRequest) as info:
        parse_face_result(body)
    assert info.value.field == field
    assert field in info.value.desc


@pytest.mark.parametrize("field", ["city", "site", "room", "deviceId", "dailyOpenTime"])
def test_each_missing_door_field_is_named(field: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        parse_door_open({k: v for k, v in DOOR.items() if k != field})
    assert field in info.value.desc


def test_door_person_fields_are_optional() -> None:
    body = {k: v for k, v in DOOR.items() if k not in ("workOrdNum", "name", "account", "phone")}
    door = parse_door_open(body)
    assert door.work_order is None
    assert door.name is None


@pytest.mark.parametrize(
    "stamp", ["2025-12-26T10:38:01", "2025/12/26 10:38:01", "2025-13-01 00:00:00", "2025-12-26"]
)
def test_bad_daily_open_time(stamp: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        parse_door_open({**DOOR, "dailyOpenTime": stamp})
    assert info.value.desc == "字段 dailyOpenTime 格式错误，应为 YYYY-MM-DD HH:MM:SS"


def test_wrong_type_is_named() -> None:
    with pytest.raises(InvalidRequest) as info:
        parse_face_result({**FACE, "deviceId": 12345})
    assert "deviceId" in info.value.desc
    assert "字符串" in info.value.desc


def test_failure_text_is_kept_as_reason() -> None:
    result = parse_face_result({**FACE, "faceWriteResult": "失败：图片质量不合格"})
    assert not result.success
    assert result.result_text == "失败：图片质量不合格"


@pytest.mark.parametrize("text", ["OK", "success", "写入中", "0"])
def test_unknown_face_write_result(text: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        parse_face_result({**FACE, "faceWriteResult": text})
    assert info.value.field == "faceWriteResult"


def test_form_encoded_body_is_accepted() -> None:
    from urllib.parse import urlencode

    body = urlencode(FACE).encode()
    result = parse_face_result(decode_body(body, "application/x-www-form-urlencoded"))
    assert result == FaceResult(**parse_face_result(FACE).__dict__)


def test_multipart_form_data_body_is_accepted() -> None:
    """D8: the spec's own "form-data" (2.2.1) for callbacks too; file parts are not fields."""
    from station.protocol import multipart

    parts = [multipart.Part(k, v.encode()) for k, v in FACE.items()]
    parts.append(multipart.Part("attachment", b"\xff\xd8", "a.jpg", "image/jpeg"))
    sent = multipart.encode(parts)
    assert parse_face_result(decode_body(sent.body, sent.content_type)) == parse_face_result(FACE)
    desc = _desc(parse_face_result, b"no boundary here", sent.content_type)
    assert "multipart/form-data" in desc


def test_json_labelled_as_a_form_is_json() -> None:
    """``curl -d '{…}'`` sends JSON as application/x-www-form-urlencoded."""
    body = json.dumps(FACE, ensure_ascii=False).encode()
    form = "application/x-www-form-urlencoded"
    assert parse_face_result(decode_body(body, form)) == parse_face_result(FACE)


def test_fingerprint_ignores_key_order() -> None:
    reordered = dict(reversed(list(FACE.items())))
    assert parse_face_result(reordered).fingerprint() == parse_face_result(FACE).fingerprint()
    other = parse_face_result({**FACE, "deviceId": "OTHER"})
    assert other.fingerprint() != parse_face_result(FACE).fingerprint()


@settings(max_examples=80, deadline=None)
@given(face_results, door_opens)
def test_callbacks_round_trip_through_json_and_form(face: FaceResult, door: Any) -> None:
    """Everything the simulator (or the platform) may send parses back to the same object."""
    from urllib.parse import urlencode

    face_json = json.dumps(face.to_json(), ensure_ascii=False).encode()
    assert parse_face_result(decode_body(face_json, "application/json")) == face
    assert list(face.to_json()) == list(FACE_RESULT_FIELDS)
    door_form = urlencode(door.to_json()).encode()
    assert parse_door_open(decode_body(door_form, "application/x-www-form-urlencoded")) == door
    required = {name for name, needed in DOOR_OPEN_FIELDS if needed}
    assert required <= set(door.to_json())


def test_first_missing_field_in_table_order_is_named() -> None:
    body = {k: v for k, v in FACE.items() if k not in ("phone", "faceWriteResult")}
    with pytest.raises(InvalidRequest) as info:
        parse_face_result(body)
    assert info.value.field == "phone"
