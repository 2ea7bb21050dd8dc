"""The v3.0 push of a work order and face photo to the platform (spec 2.2.1; D1, D2, D3)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from station.protocol import fields
from station.protocol.errors import InvalidRequest, missing, wrong_type
from station.protocol.multipart import HttpBody, Part, encode

ADDFACE_PATH = "/v1/external/ywgl/addFace"
#: The fields of the inner ``data`` object, in the order of the spec's table.
FIELDS = (
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
)
LIST_FIELDS = ("site", "room", "deviceId")
Encoding = Literal["form-data", "json"]


@dataclass(frozen=True)
class FacePush:
    """One person's face for a list of door devices (D3: one push per person)."""

    work_order: str
    name: str
    account: str
    phone: str
    city: str
    sites: tuple[str, ...]
    rooms: tuple[str, ...]
    device_ids: tuple[str, ...]
    picture: bytes = field(repr=False)  # the JPEG itself; base64 only on the wire (D2)
    start_date: date


def to_data(push: FacePush) -> dict[str, Any]:
    """The inner object of 2.2.1, with the picture as plain standard base64 (D2)."""
    return {
        "workOrdNum": push.work_order,
        "name": push.name,
        "account": push.account,
        "phone": push.phone,
        "city": push.city,
        "site": list(push.sites),
        "room": list(push.rooms),
        "deviceId": list(push.device_ids),
        "picture": base64.b64encode(push.picture).decode("ascii"),
        "startDate": push.start_date.strftime(fields.DATE_FORMAT),
    }


def describe(push: FacePush) -> dict[str, Any]:
    """What was sent, for the audit trail: every field but the picture, which is summarised."""
    data = to_data(push)
    digest = hashlib.sha256(push.picture).hexdigest()[:16]
    data["picture"] = f"<jpeg {len(push.picture)} bytes sha256:{digest}>"
    return data


def encode_request(push: FacePush, encoding: Encoding = "form-data") -> HttpBody:
    """D1: multipart with one ``data`` part holding the JSON text, or a JSON ``{"data": …}``."""
    text = json.dumps(to_data(push), ensure_ascii=False)
    if encoding == "json":
        body = ('{"data": ' + text + "}").encode("utf-8")
        return HttpBody("application/json; charset=utf-8", body)
    return encode([Part("data", text.encode("utf-8"), None, "application/json; charset=utf-8")])


def parse_data(obj: Any, max_picture_bytes: int | None = None) -> FacePush:
    """Validate the inner object as a strict platform would; raises InvalidRequest (code 23).

    Fields are checked in the order of the spec's table, so the first problem is named; the
    picture is decoded last (the costly check).
    """
    if not isinstance(obj, dict):
        raise wrong_type("data", "JSON 对象")
    texts = {f: fields.required_str(obj, f) for f in ("workOrdNum", "name", "account", "phone")}
    city = fields.required_str(obj, "city")
    lists = {f: fields.required_str_list(obj, f) for f in LIST_FIELDS}
    picture = fields.required_str(obj, "picture")
    start = fields.parse_date("startDate", fields.required_str(obj, "startDate"))
    return FacePush(
        work_order=texts["workOrdNum"],
        name=texts["name"],
        account=texts["account"],
        phone=texts["phone"],
        city=city,
        sites=lists["site"],
        rooms=lists["room"],
        device_ids=lists["deviceId"],
        picture=fields.decode_jpeg_base64("picture", picture, max_picture_bytes),
        start_date=start,
    )


def parse_data_text(text: bytes | str, max_picture_bytes: int | None = None) -> FacePush:
    """The ``data`` part of the form-data encoding: JSON text of the inner object."""
    try:
        obj = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidRequest("data", "字段 data 应为 JSON 对象文本 (UTF-8)") from None
    return parse_data(obj, max_picture_bytes)


def parse_json_body(body: bytes, max_picture_bytes: int | None = None) -> FacePush:
    """The JSON encoding: ``{"data": {…}}``."""
    try:
        obj = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidRequest(None, "请求体不是合法的 JSON (UTF-8)") from None
    if not isinstance(obj, dict):
        raise InvalidRequest(None, "请求体应为 JSON 对象")
    if "data" not in obj:
        raise missing("data")
    return parse_data(obj["data"], max_picture_bytes)
