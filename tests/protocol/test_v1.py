"""The v1.0 push (spec 2.2.4; D6): Spring or bracket names, JPEG file parts, strict parsing."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings

from station.protocol import multipart, v1
from station.protocol.errors import InvalidRequest
from tests.helpers.photos import face_jpeg
from tests.helpers.strategies import v1_pushes

PUSH = v1.V1Push(
    order_no="JF-20251222-0313",
    register_time=datetime(2025, 12, 26, 10, 38, 1),
    city="咸阳市",
    rooms=("咸阳秦都应急楼一楼综合机房",),
    operators=(v1.V1Person("唐建峰", "13800001111", face_jpeg()),),
    escorts=(v1.V1Person("牛航", "13700003333", face_jpeg()),),
)


def _split(push: v1.V1Push, notation: v1.Notation) -> tuple[dict[str, str], dict[str, bytes]]:
    body = v1.encode_request(push, notation)
    parts = multipart.decode(body.content_type, body.body)
    texts = {p.name: p.value.decode() for p in parts if p.filename is None}
    files = {p.name: p.value for p in parts if p.filename is not None}
    return texts, files


@settings(max_examples=30, deadline=None)
@given(v1_pushes())
def test_round_trip_in_both_notations(push: v1.V1Push) -> None:
    for notation in ("spring", "bracket"):
        texts, files = _split(push, notation)
        assert v1.parse_form(texts, files) == push


@pytest.mark.parametrize("notation", ["spring", "bracket"])
def test_exact_parts_of_d6(notation: v1.Notation) -> None:
    body = v1.encode_request(PUSH, notation)
    parts = multipart.decode(body.content_type, body.body)
    name = v1.field_name
    assert [p.name for p in parts] == [
        "orderNo",
        "registerTime",
        "city",
        name("roomRelation", 0, "enterRoomName", notation),
        name("operatorRelation", 0, "operatorInfo", notation),
        name("operatorRelation", 0, "contact", notation),
        name("operatorRelation", 0, "operatorFace", notation),
        name("escortRelation", 0, "escortInfo", notation),
        name("escortRelation", 0, "contact", notation),
        name("escortRelation", 0, "escortFace", notation),
    ]
    files = [p for p in parts if p.filename is not None]
    assert [p.content_type for p in files] == ["image/jpeg", "image/jpeg"]
    assert parts[1].value == b"2025-12-26 10:38:01"


def test_spring_and_bracket_names() -> None:
    assert v1.field_name("operatorRelation", 2, "contact") == "operatorRelation[2].contact"
    assert (
        v1.field_name("operatorRelation", 2, "contact", "bracket") == "operatorRelation[2][contact]"
    )


@pytest.mark.parametrize(
    ("drop", "field"),
    [
        ("orderNo", "orderNo"),
        ("registerTime", "registerTime"),
        ("city", "city"),
        ("roomRelation[0].enterRoomName", "roomRelation[0].enterRoomName"),
        ("operatorRelation[0].operatorInfo", "operatorRelation[0].operatorInfo"),
        ("operatorRelation[0].contact", "operatorRelation[0].contact"),
        ("operatorRelation[0].operatorFace", "operatorRelation[0].operatorFace"),
        ("escortRelation[0].escortInfo", "escortRelation[0].escortInfo"),
        ("escortRelation[0].contact", "escortRelation[0].contact"),
        ("escortRelation[0].escortFace", "escortRelation[0].escortFace"),
    ],
)
def test_each_missing_part_is_named(drop: str, field: str) -> None:
    texts, files = _split(PUSH, "spring")
    texts.pop(drop, None)
    files.pop(drop, None)
    with pytest.raises(InvalidRequest) as info:
        v1.parse_form(texts, files)
    assert field in info.value.desc


def test_gap_in_indices_is_named() -> None:
    texts, files = _split(PUSH, "spring")
    texts["roomRelation[2].enterRoomName"] = "二号机房"
    with pytest.raises(InvalidRequest) as info:
        v1.parse_form(texts, files)
    assert "roomRelation[1].enterRoomName" in info.value.desc


@pytest.mark.parametrize("stamp", ["2025-12-26", "2025-12-26T10:38:01", "2025/12/26 10:38:01"])
def test_bad_register_time(stamp: str) -> None:
    texts, files = _split(PUSH, "spring")
    texts["registerTime"] = stamp
    with pytest.raises(InvalidRequest) as info:
        v1.parse_form(texts, files)
    assert info.value.desc == "字段 registerTime 格式错误，应为 YYYY-MM-DD HH:MM:SS"


def test_face_file_that_is_not_jpeg() -> None:
    texts, files = _split(PUSH, "bracket")
    files["escortRelation[0][escortFace]"] = b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InvalidRequest) as info:
        v1.parse_form(texts, files)
    assert info.value.field == "escortRelation[0].escortFace"
    assert "JPEG" in info.value.desc
