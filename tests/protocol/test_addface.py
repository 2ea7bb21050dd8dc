"""The addFace v3 push (spec 2.2.1; D1, D2): building, and strict parsing as the platform does."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings

from station.protocol import addface, multipart
from station.protocol.errors import InvalidRequest
from tests.helpers.photos import face_jpeg
from tests.helpers.strategies import face_pushes

SPEC_EXAMPLE_KEYS = [
    "workOrdNum",
    "name",
    "account",
    "phone",
    "city",
    "site",
    "room",
    "deviceId",
    "picture",
    "startDate",
]


def valid_data() -> dict[str, Any]:
    return {
        "workOrdNum": "JF-20251222-0313",
        "name": "唐建峰",
        "account": "tangjianfeng",
        "phone": "13800001111",
        "city": "咸阳市",
        "site": ["安康白河庆华化工厂站点"],
        "room": ["咸阳秦都应急楼一楼综合机房"],
        "deviceId": ["20231201996901"],
        "picture": base64.b64encode(face_jpeg()).decode(),
        "startDate": "2025-12-26",
    }


@settings(max_examples=40, deadline=None)
@given(face_pushes())
def test_builder_output_parses_back_in_both_encodings(push: addface.FacePush) -> None:
    data = addface.to_data(push)
    assert list(data) == SPEC_EXAMPLE_KEYS == list(addface.FIELDS)
    # D2: plain standard base64, padded, no line breaks, no data: prefix
    assert "\n" not in data["picture"]
    assert not data["picture"].startswith("data:")
    assert base64.b64decode(data["picture"], validate=True) == push.picture
    form = addface.encode_request(push, "form-data")
    parts = multipart.decode(form.content_type, form.body)
    assert [p.name for p in parts] == ["data"]
    assert addface.parse_data_text(parts[0].value) == push
    body = addface.encode_request(push, "json")
    assert body.content_type.startswith("application/json")
    assert addface.parse_json_body(body.body) == push


@pytest.mark.parametrize("field", addface.FIELDS)
def test_missing_field_is_named(field: str) -> None:
    data = valid_data()
    del data[field]
    with pytest.raises(InvalidRequest) as info:
        addface.parse_data(data)
    assert info.value.field == field
    assert info.value.desc == f"缺少必填字段 {field}"


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("workOrdNum", 313, "字符串"),
        ("phone", 13800001111, "字符串"),
        ("name", ["唐建峰"], "字符串"),
        ("site", "安康白河庆华化工厂站点", "List<String>"),
        ("deviceId", 20231201996901, "List<String>"),
        ("room", [], "不能为空列表"),
        ("deviceId", ["ok", 5], "非空字符串"),
        ("city", "  ", "不能为空"),
        ("startDate", "2025/12/26", "YYYY-MM-DD"),
        ("startDate", "2025-12-26 10:38:01", "YYYY-MM-DD"),
        ("startDate", "2025-02-30", "YYYY-MM-DD"),
        ("startDate", "20251226", "YYYY-MM-DD"),
        ("picture", "data:image/jpeg;base64," + valid_data()["picture"], "base64"),
        ("picture", base64.encodebytes(face_jpeg()).decode(), "base64"),
        ("picture", base64.b64encode(b"\x89PNG\r\n\x1a\n rest").decode(), "JPEG"),
        ("picture", base64.urlsafe_b64encode(b"\xff\xd8\xff\xfe\xff" * 30).decode(), "base64"),
    ],
)
def test_malformed_field_is_named(field: str, value: Any, needle: str) -> None:
    data = {**valid_data(), field: value}
    with pytest.raises(InvalidRequest) as info:
        addface.parse_data(data)
    assert info.value.field == field
    assert field in info.value.desc
    assert needle in info.value.desc


def test_oversize_picture() -> None:
    size = len(face_jpeg())
    with pytest.raises(InvalidRequest) as info:
        addface.parse_data(valid_data(), max_picture_bytes=size - 1)
    assert info.value.field == "picture"
    assert f"{size} 字节" in info.value.desc
    assert addface.parse_data(valid_data(), max_picture_bytes=size).picture == face_jpeg()


@pytest.mark.parametrize(
    ("text", "field"), [(b"{not json", "data"), (b"[]", "data"), (b'"x"', "data")]
)
def test_data_part_that_is_not_an_object(text: bytes, field: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        addface.parse_data_text(text)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("body", "desc"),
    [
        (b"nope", "请求体不是合法的 JSON (UTF-8)"),
        (b"[1]", "请求体应为 JSON 对象"),
        (b"{}", "缺少必填字段 data"),
        (
            json.dumps({"data": json.dumps(valid_data())}).encode(),
            "字段 data 类型错误，应为JSON 对象",
        ),
    ],
)
def test_json_body_errors(body: bytes, desc: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        addface.parse_json_body(body)
    assert info.value.desc == desc


def test_describe_never_holds_the_picture() -> None:
    push = addface.parse_data(valid_data())
    described = addface.describe(push)
    assert described["picture"].startswith(f"<jpeg {len(face_jpeg())} bytes sha256:")
    assert valid_data()["picture"][:32] not in json.dumps(described)
