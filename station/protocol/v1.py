"""The v1.0 push: operator and escort faces as form-data files (spec 2.2.4; D6)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from station.protocol import fields
from station.protocol.errors import InvalidRequest, missing
from station.protocol.multipart import HttpBody, Part, encode

Notation = Literal["spring", "bracket"]
JPEG = "image/jpeg"


@dataclass(frozen=True)
class V1Person:
    name: str
    contact: str
    face: bytes = field(repr=False)  # JPEG


@dataclass(frozen=True)
class V1Push:
    order_no: str
    register_time: datetime
    city: str
    rooms: tuple[str, ...]
    operators: tuple[V1Person, ...]
    escorts: tuple[V1Person, ...]


def field_name(array: str, index: int, field: str, notation: Notation = "spring") -> str:
    """``roomRelation[0].enterRoomName`` (Spring binder) or ``roomRelation[0][enterRoomName]``."""
    if notation == "bracket":
        return f"{array}[{index}][{field}]"
    return f"{array}[{index}].{field}"


def _people(
    array: str, info: str, face: str, people: tuple[V1Person, ...], n: Notation
) -> list[Part]:
    parts: list[Part] = []
    role = array.removesuffix("Relation")
    for i, person in enumerate(people):
        parts.append(Part(field_name(array, i, info, n), person.name.encode()))
        parts.append(Part(field_name(array, i, "contact", n), person.contact.encode()))
        parts.append(Part(field_name(array, i, face, n), person.face, f"{role}{i}.jpg", JPEG))
    return parts


def encode_request(push: V1Push, notation: Notation = "spring") -> HttpBody:
    parts = [
        Part("orderNo", push.order_no.encode()),
        Part("registerTime", push.register_time.strftime(fields.DATETIME_FORMAT).encode()),
        Part("city", push.city.encode()),
    ]
    for i, room in enumerate(push.rooms):
        parts.append(Part(field_name("roomRelation", i, "enterRoomName", notation), room.encode()))
    parts += _people("operatorRelation", "operatorInfo", "operatorFace", push.operators, notation)
    parts += _people("escortRelation", "escortInfo", "escortFace", push.escorts, notation)
    return encode(parts)


_NESTED = re.compile(r"(\w+)\[(\d+)\](?:\.(\w+)|\[(\w+)\])")


def _group(names: Mapping[str, object]) -> dict[str, dict[int, dict[str, str]]]:
    """Map ``a[i].b`` / ``a[i][b]`` names to ``{a: {i: {b: name}}}``."""
    grouped: dict[str, dict[int, dict[str, str]]] = {}
    for name in names:
        match = _NESTED.fullmatch(name)
        if match:
            array, index, dotted, bracketed = match.groups()
            grouped.setdefault(array, {}).setdefault(int(index), {})[dotted or bracketed] = name
    return grouped


def _people_from(
    grouped: dict[str, dict[int, dict[str, str]]],
    array: str,
    info: str,
    face: str,
    texts: Mapping[str, str],
    files: Mapping[str, bytes],
    max_bytes: int | None,
) -> tuple[V1Person, ...]:
    rows = grouped.get(array, {})
    if not rows:
        raise missing(f"{array}[0].{info}")
    _check_indices(array, info, rows)
    people = []
    for index in sorted(rows):
        names = rows[index]
        label = f"{array}[{index}]"
        for key in (info, "contact"):
            if key not in names or not texts.get(names[key], "").strip():
                raise missing(f"{label}.{key}")
        if face not in names or names[face] not in files:
            raise InvalidRequest(f"{label}.{face}", f"缺少必填文件 {label}.{face} (image/jpeg)")
        raw = files[names[face]]
        fields.check_jpeg(f"{label}.{face}", raw, max_bytes)
        people.append(V1Person(texts[names[info]].strip(), texts[names["contact"]].strip(), raw))
    return tuple(people)


def _check_indices(array: str, field: str, rows: Mapping[int, object]) -> None:
    """Spring binds ``a[0]…a[n-1]``; a gap would become a null element on the platform."""
    for expected, index in enumerate(sorted(rows)):
        if index != expected:
            raise missing(f"{array}[{expected}].{field}")


def _rooms(grouped: dict[str, dict[int, dict[str, str]]], texts: Mapping[str, str]) -> list[str]:
    rows = grouped.get("roomRelation", {})
    if not rows:
        raise missing("roomRelation[0].enterRoomName")
    _check_indices("roomRelation", "enterRoomName", rows)
    rooms = []
    for index, row in sorted(rows.items()):
        room = texts.get(row.get("enterRoomName", ""), "").strip()
        if not room:
            raise missing(f"roomRelation[{index}].enterRoomName")
        rooms.append(room)
    return rooms


def parse_form(
    texts: Mapping[str, str], files: Mapping[str, bytes], max_bytes: int | None = None
) -> V1Push:
    """Server side: validate a received v1.0 form (either notation); raises InvalidRequest.

    Checked in the order of the spec's table (2.2.4), so the first problem is the one named.
    """
    plain = dict(texts)
    grouped = _group({**texts, **files})
    order_no = fields.required_str(plain, "orderNo")
    register_time = fields.parse_datetime(
        "registerTime", fields.required_str(plain, "registerTime")
    )
    city = fields.required_str(plain, "city")
    return V1Push(
        order_no=order_no,
        register_time=register_time,
        city=city,
        rooms=tuple(_rooms(grouped, texts)),
        operators=_people_from(
            grouped, "operatorRelation", "operatorInfo", "operatorFace", texts, files, max_bytes
        ),
        escorts=_people_from(
            grouped, "escortRelation", "escortInfo", "escortFace", texts, files, max_bytes
        ),
    )
