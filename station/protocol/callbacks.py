"""The platform's callbacks to the station: faceOperationResult and openDoorReceive (D7–D12)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from station.protocol import fields, multipart
from station.protocol.errors import InvalidRequest

FACE_RESULT_PATH = "/mtex/webservice/machine/roomDoor/faceOperationResult"
OPEN_DOOR_PATH = "/mtex/webservice/machine/roomDoor/openDoorReceive"
SUCCESS_TEXT = "成功"
FAILURE_MARK = "失败"


@dataclass(frozen=True)
class FaceResult:
    """One device's face-write result (spec 2.2.3)."""

    work_order: str
    name: str
    account: str
    phone: str
    city: str
    site: str
    room: str
    device_id: str
    result_text: str  # D10: kept whole, e.g. "失败：图片质量不合格"

    @property
    def success(self) -> bool:
        return self.result_text == SUCCESS_TEXT

    def to_json(self) -> dict[str, str]:
        return {
            "workOrdNum": self.work_order,
            "name": self.name,
            "account": self.account,
            "phone": self.phone,
            "city": self.city,
            "site": self.site,
            "room": self.room,
            "deviceId": self.device_id,
            "faceWriteResult": self.result_text,
        }

    def fingerprint(self) -> str:
        """D12: the same content delivered twice has the same fingerprint."""
        return _fingerprint("face", self.to_json())


@dataclass(frozen=True)
class DoorOpen:
    """One door-open event (spec 2.2.2). Person fields are optional: a door may open without."""

    work_order: str | None
    name: str | None
    account: str | None
    phone: str | None
    city: str
    site: str
    room: str
    device_id: str
    opened_at: datetime  # naive, local time of the platform (D10)

    def to_json(self) -> dict[str, str]:
        optional = {
            "workOrdNum": self.work_order,
            "name": self.name,
            "account": self.account,
            "phone": self.phone,
        }
        body = {k: v for k, v in optional.items() if v is not None}
        body.update(
            city=self.city,
            site=self.site,
            room=self.room,
            deviceId=self.device_id,
            dailyOpenTime=self.opened_at.strftime(fields.DATETIME_FORMAT),
        )
        return body

    def fingerprint(self) -> str:
        return _fingerprint("door", self.to_json())


def _fingerprint(kind: str, body: dict[str, str]) -> str:
    canonical = json.dumps([kind, sorted(body.items())], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def body_format(body: bytes, content_type: str | None) -> str:
    """How a callback body is encoded: ``"multipart"``, ``"form"`` or ``"json"`` (D8).

    A body that starts with ``{`` is JSON whatever the Content-Type says (``curl -d '{…}'``
    labels JSON as a urlencoded form)."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime == "multipart/form-data":
        return "multipart"
    if mime == "application/x-www-form-urlencoded" and not body.lstrip().startswith(b"{"):
        return "form"
    return "json"


def multipart_fields(body: bytes, content_type: str) -> dict[str, str]:
    """The text parts of a ``multipart/form-data`` body (file parts are not callback fields)."""
    try:
        parts = multipart.decode(content_type, body)
    except multipart.MultipartError as exc:
        raise InvalidRequest(None, f"multipart/form-data 请求体无法解析 ({exc})") from None
    fields: dict[str, str] = {}
    for part in parts:
        if part.filename is None:
            try:
                fields[part.name] = part.value.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidRequest(part.name, f"字段 {part.name} 应为 UTF-8 文本") from None
    return fields


def decode_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """D8: a JSON object, or a form with the same field names: urlencoded, or
    ``multipart/form-data`` (the spec's own "form-data", 2.2.1)."""
    kind = body_format(body, content_type)
    if kind == "multipart":
        return multipart_fields(body, content_type or "")
    if kind == "form":
        try:
            text = body.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
        except (UnicodeDecodeError, ValueError):
            raise InvalidRequest(None, "表单请求体无法解析 (应为 UTF-8 的 key=value&…)") from None
        return dict(pairs)
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidRequest(None, "请求体不是合法的 JSON (应为 UTF-8 编码的 JSON 对象)") from None
    if not isinstance(value, dict):
        raise InvalidRequest(None, "请求体应为 JSON 对象，而不是数组、字符串或数字")
    return value


FACE_RESULT_FIELDS = (
    "workOrdNum",
    "name",
    "account",
    "phone",
    "city",
    "site",
    "room",
    "deviceId",
    "faceWriteResult",
)
#: openDoorReceive: (field, required) in the order of the spec's table (2.2.2).
DOOR_OPEN_FIELDS = (
    ("workOrdNum", False),
    ("name", False),
    ("account", False),
    ("phone", False),
    ("city", True),
    ("site", True),
    ("room", True),
    ("deviceId", True),
    ("dailyOpenTime", True),
)


def parse_face_result(obj: dict[str, Any]) -> FaceResult:
    """Spec 2.2.3; fields checked in the table's order, then the result text (D10)."""
    values = {field: fields.required_str(obj, field) for field in FACE_RESULT_FIELDS}
    text = values["faceWriteResult"]
    if text != SUCCESS_TEXT and FAILURE_MARK not in text:
        raise InvalidRequest(
            "faceWriteResult", 'faceWriteResult 应为 "成功" 或包含 "失败" 的文本 (如 "失败：原因")'
        )
    return FaceResult(
        work_order=values["workOrdNum"],
        name=values["name"],
        account=values["account"],
        phone=values["phone"],
        city=values["city"],
        site=values["site"],
        room=values["room"],
        device_id=values["deviceId"],
        result_text=text,
    )


def parse_door_open(obj: dict[str, Any]) -> DoorOpen:
    return DoorOpen(
        work_order=fields.optional_str(obj, "workOrdNum"),
        name=fields.optional_str(obj, "name"),
        account=fields.optional_str(obj, "account"),
        phone=fields.optional_str(obj, "phone"),
        city=fields.required_str(obj, "city"),
        site=fields.required_str(obj, "site"),
        room=fields.required_str(obj, "room"),
        device_id=fields.required_str(obj, "deviceId"),
        opened_at=fields.parse_datetime("dailyOpenTime", fields.required_str(obj, "dailyOpenTime")),
    )
