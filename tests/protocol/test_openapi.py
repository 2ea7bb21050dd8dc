"""resources/openapi.yaml and station.protocol agree: paths, field names, required sets, the
dailyOpenTime format, the envelope codes, and which bodies are valid (issue 2 item 6)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
import yaml  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from station.protocol import addface
from station.protocol.callbacks import (
    DOOR_OPEN_FIELDS,
    FACE_RESULT_FIELDS,
    FACE_RESULT_PATH,
    OPEN_DOOR_PATH,
    parse_door_open,
    parse_face_result,
)
from station.protocol.envelope import Code
from station.protocol.errors import InvalidRequest
from station.resources import resources_dir
from station.sim import DEFAULT_V1_PATH
from tests.helpers.strategies import door_opens, face_pushes, face_results

DOCUMENT = resources_dir() / "openapi.yaml"


@cache
def doc() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def schema(name: str) -> dict[str, Any]:
    return doc()["components"]["schemas"][name]


@cache
def validator(name: str) -> Any:
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
        "components": doc()["components"],
    }
    return jsonschema_rs.validator_for(root)


def test_document_is_openapi_3_1_with_exactly_our_paths() -> None:
    assert doc()["openapi"].startswith("3.1.")
    assert set(doc()["paths"]) == {
        OPEN_DOOR_PATH,
        FACE_RESULT_PATH,
        addface.ADDFACE_PATH,
        DEFAULT_V1_PATH,
    }
    assert all(set(item) == {"post"} for item in doc()["paths"].values())


def test_callback_fields_and_required_sets() -> None:
    face = schema("FaceOperationResult")
    assert face["required"] == list(FACE_RESULT_FIELDS)
    assert list(face["properties"]) == list(FACE_RESULT_FIELDS)
    door = schema("OpenDoorReceive")
    assert list(door["properties"]) == [name for name, _ in DOOR_OPEN_FIELDS]
    assert door["required"] == [name for name, needed in DOOR_OPEN_FIELDS if needed]


def test_addface_fields() -> None:
    data = schema("AddFaceData")
    assert data["required"] == list(addface.FIELDS)
    assert list(data["properties"]) == list(addface.FIELDS)
    lists = [f for f, s in data["properties"].items() if s.get("$ref", "").endswith("TextList")]
    assert lists == list(addface.LIST_FIELDS)
    body = doc()["paths"][addface.ADDFACE_PATH]["post"]["requestBody"]["content"]
    assert set(body) == {"multipart/form-data", "application/json"}  # D1
    assert body["multipart/form-data"]["encoding"]["data"]["contentType"] == "application/json"


def test_v1_parts_are_those_of_d6() -> None:
    v1 = schema("RegisterV1")
    assert v1["required"] == [
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
    ]
    patterns = [re.compile(p) for p in v1["patternProperties"]]
    for name in ("roomRelation[3][enterRoomName]", "escortRelation[1].escortFace"):
        assert any(p.fullmatch(name) for p in patterns)


def test_envelope_codes() -> None:
    assert schema("Envelope")["properties"]["code"]["enum"] == [c.value for c in Code]
    for item in doc()["paths"].values():
        responses = item["post"]["responses"]
        assert set(responses) == {"200", "500"}  # D9: 21 is HTTP 500


@pytest.mark.parametrize(
    ("stamp", "ok"),
    [
        ("2025-12-26 10:38:01", True),
        ("2025-12-26 23:59:59", True),
        ("2025-12-26T10:38:01", False),
        ("2025/12/26 10:38:01", False),
        ("2025-13-01 00:00:00", False),
        ("2025-12-26", False),
        ("2025-12-26 24:00:00", False),
        ("2025-12-26 10:38", False),
    ],
)
def test_daily_open_time_pattern_agrees_with_the_protocol(stamp: str, ok: bool) -> None:
    pattern = schema("OpenDoorReceive")["properties"]["dailyOpenTime"]["pattern"]
    assert bool(re.search(pattern, stamp)) is ok
    body = {"city": "咸阳市", "site": "s", "room": "r", "deviceId": "D1", "dailyOpenTime": stamp}
    assert validator("OpenDoorReceive").is_valid(body) is ok
    try:
        parse_door_open(body)
        accepted = True
    except InvalidRequest:
        accepted = False
    assert accepted is ok


def test_examples_in_the_document_are_valid() -> None:
    for path, name in (
        (OPEN_DOOR_PATH, "OpenDoorReceive"),
        (FACE_RESULT_PATH, "FaceOperationResult"),
    ):
        example = doc()["paths"][path]["post"]["requestBody"]["content"]["application/json"][
            "example"
        ]
        assert validator(name).is_valid(example)


MUTATIONS: st.SearchStrategy[tuple[str, Any]] = st.one_of(
    st.tuples(st.just("drop"), st.none()),
    st.tuples(st.just("set"), st.sampled_from([None, 5, [], ["x"], {}, "", "  ", "x", True])),
)
RESULT_TEXTS = ["成功", "失败", "失败：图片质量不合格", "部分失败", "OK", "success", "写入中", "0"]
STAMPS = [
    "2025-12-26 10:38:01",
    "2025-12-26T10:38:01",
    "2025/12/26 10:38:01",
    "2025-13-01 00:00:00",
]


def _accepted(parse: Any, body: dict[str, Any]) -> bool:
    try:
        parse(json.loads(json.dumps(body)))
    except InvalidRequest:
        return False
    return True


def _mutate(body: dict[str, Any], field: str, mutation: tuple[str, Any]) -> dict[str, Any]:
    kind, value = mutation
    if kind == "drop":
        return {k: v for k, v in body.items() if k != field}
    return {**body, field: value}


@settings(max_examples=150, deadline=None)
@given(face_results, st.sampled_from(FACE_RESULT_FIELDS), MUTATIONS, st.sampled_from(RESULT_TEXTS))
def test_schema_and_protocol_agree_on_face_results(
    result: Any, field: str, mutation: tuple[str, Any], text: str
) -> None:
    body = result.to_json()
    assert validator("FaceOperationResult").is_valid(body)
    assert _accepted(parse_face_result, body)
    for candidate in (_mutate(body, field, mutation), {**body, "faceWriteResult": text}):
        assert validator("FaceOperationResult").is_valid(candidate) == _accepted(
            parse_face_result, candidate
        ), candidate


@settings(max_examples=150, deadline=None)
@given(
    door_opens,
    st.sampled_from([n for n, _ in DOOR_OPEN_FIELDS]),
    MUTATIONS,
    st.sampled_from(STAMPS),
)
def test_schema_and_protocol_agree_on_door_events(
    event: Any, field: str, mutation: tuple[str, Any], stamp: str
) -> None:
    body = event.to_json()
    assert validator("OpenDoorReceive").is_valid(body)
    for candidate in (_mutate(body, field, mutation), {**body, "dailyOpenTime": stamp}):
        assert validator("OpenDoorReceive").is_valid(candidate) == _accepted(
            parse_door_open, candidate
        ), candidate


@settings(max_examples=30, deadline=None)
@given(face_pushes(), st.sampled_from(addface.FIELDS), MUTATIONS)
def test_schema_and_protocol_agree_on_addface(
    push: Any, field: str, mutation: tuple[str, Any]
) -> None:
    data = addface.to_data(push)
    assert validator("AddFaceData").is_valid(data)
    candidate = _mutate(data, field, mutation)
    assert validator("AddFaceData").is_valid(candidate) == _accepted(addface.parse_data, candidate)
