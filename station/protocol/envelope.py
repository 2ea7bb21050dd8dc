"""The response envelope shared by every endpoint (spec 2.1) and what its codes mean."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Code(StrEnum):
    OK = "00"
    INTERFACE_ERROR = "21"  # 接口异常
    SECURITY_FAILED = "22"  # 安全校验不通过
    BAD_PARAMETERS = "23"  # 请求参数错误


DEFAULT_DESC = {
    Code.OK: "成功",
    Code.INTERFACE_ERROR: "接口异常",
    Code.SECURITY_FAILED: "安全校验不通过",
    Code.BAD_PARAMETERS: "请求参数错误",
}


class Outcome(StrEnum):
    """What an addFace answer means for the sender (D4, D5)."""

    ACCEPTED = "accepted"  # 00
    TRANSIENT = "transient"  # 21, HTTP 5xx, timeouts, connection errors: back off and retry
    PAUSED = "paused"  # 22: configuration fault, stop pushing to this platform
    REJECTED = "rejected"  # 23 or anything unknown: this payload is refused


@dataclass(frozen=True)
class Envelope:
    code: str
    desc: str
    data: Any = ""

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "desc": self.desc, "data": self.data}

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8")


def make(code: Code, desc: str | None = None, data: Any = "") -> Envelope:
    return Envelope(code.value, desc if desc is not None else DEFAULT_DESC[code], data)


def http_status(code: str) -> int:
    """D9: HTTP 200 for 00, 22 and 23; HTTP 500 for 21 so a platform that retries on 5xx does."""
    return 500 if code == Code.INTERFACE_ERROR else 200


class EnvelopeError(ValueError):
    """The answer is not an envelope; the sender treats it as a transient failure."""


def parse(body: bytes) -> Envelope:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnvelopeError(f"answer is not JSON: {exc}") from None
    if not isinstance(value, dict) or "code" not in value:
        raise EnvelopeError("answer is not an envelope object with a code")
    code = value["code"]
    if isinstance(code, bool) or not isinstance(code, str | int):
        raise EnvelopeError("envelope code is neither a string nor a number")
    code = f"{code:02d}" if isinstance(code, int) else code
    desc = value.get("desc")
    return Envelope(code, desc if isinstance(desc, str) else "", value.get("data", ""))


def outcome(code: str) -> Outcome:
    """D5 for a v3 addFace answer; unknown codes are treated as a refusal of this payload."""
    if code == Code.OK:
        return Outcome.ACCEPTED
    if code == Code.INTERFACE_ERROR:
        return Outcome.TRANSIENT
    if code == Code.SECURITY_FAILED:
        return Outcome.PAUSED
    return Outcome.REJECTED
