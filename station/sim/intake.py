"""Reading a push the way a strict platform does: parse, validate, prove the JPEG decodes.

Each function returns the validated push, or raises InvalidRequest (code 23) whose desc names
the field; it also fills ``record`` with what was received, the pictures replaced by summaries.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import cv2
import numpy as np

from station.protocol import addface, multipart, v1
from station.protocol.errors import InvalidRequest, missing
from station.sim.recorder import redact, summarize_jpeg, summarize_text

MULTIPART = "multipart/form-data"
JSON = "application/json"


def _mime(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def ensure_decodable(field: str, raw: bytes) -> None:
    """A JPEG header is not enough: the platform's terminals must be able to decode it."""
    image = cv2.imdecode(np.frombuffer(raw, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise InvalidRequest(field, f"字段 {field} 不是可解码的 JPEG 图片")


def _parts(content_type: str, body: bytes, record: dict[str, Any]) -> list[multipart.Part]:
    try:
        parts = multipart.decode(content_type, body)
    except multipart.MultipartError as exc:
        record["received"] = summarize_text(body.decode("utf-8", "replace"))
        raise InvalidRequest(None, f"请求体不是合法的 multipart/form-data: {exc}") from None
    record["parts"] = [_describe_part(p) for p in parts]
    return parts


def _describe_part(part: multipart.Part) -> dict[str, Any]:
    described: dict[str, Any] = {"name": part.name}
    if part.filename is not None:
        described["filename"] = part.filename
    if part.content_type is not None:
        described["content_type"] = part.content_type
    if part.filename is not None or part.name.endswith(("Face", "picture")):
        described["value"] = summarize_jpeg(part.value)
    else:
        text = part.value.decode("utf-8", "replace")
        described["value"] = redact(text)
        if part.name == "data" or "json" in (part.content_type or ""):
            with contextlib.suppress(json.JSONDecodeError):
                described["value"] = redact(json.loads(text))
    return described


def read_addface(
    content_type: str, body: bytes, max_picture: int, record: dict[str, Any]
) -> addface.FacePush:
    """D1: multipart with a JSON ``data`` part, or a JSON ``{"data": {…}}`` body."""
    mime = _mime(content_type)
    record["encoding"] = {MULTIPART: "form-data", JSON: "json"}.get(mime, mime or "none")
    if mime == MULTIPART:
        parts = [p for p in _parts(content_type, body, record) if p.name == "data"]
        if not parts:
            raise missing("data")
        if len(parts) > 1:
            raise InvalidRequest("data", "字段 data 只能出现一次")
        push = addface.parse_data_text(parts[0].value, max_picture)
    elif mime == JSON:
        try:
            record["received"] = redact(json.loads(body))
        except (UnicodeDecodeError, json.JSONDecodeError):
            record["received"] = summarize_text(body.decode("utf-8", "replace"))
        push = addface.parse_json_body(body, max_picture)
    else:
        raise InvalidRequest(
            None,
            f"Content-Type 应为 multipart/form-data 或 application/json，而不是 {mime or '空'}",
        )
    ensure_decodable("picture", push.picture)
    return push


def read_v1(content_type: str, body: bytes, max_picture: int, record: dict[str, Any]) -> v1.V1Push:
    """D6: form-data with Spring (``a[0].b``) or bracket (``a[0][b]``) names and two JPEG files."""
    if _mime(content_type) != MULTIPART:
        raise InvalidRequest(None, "Content-Type 应为 multipart/form-data (v1.0 接口)")
    texts: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in _parts(content_type, body, record):
        if part.filename is not None:
            if _mime(part.content_type or "") != "image/jpeg":
                raise InvalidRequest(part.name, f"文件 {part.name} 的 Content-Type 应为 image/jpeg")
            files[part.name] = part.value
        else:
            try:
                texts[part.name] = part.value.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidRequest(part.name, f"字段 {part.name} 应为 UTF-8 文本") from None
    push = v1.parse_form(texts, files, max_picture)
    for name, raw in files.items():
        ensure_decodable(name, raw)
    return push
