"""Field checks shared by every request type: each raises InvalidRequest naming the field."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, datetime
from typing import Any

from station.protocol.errors import InvalidRequest, bad_format, missing, wrong_type

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
JPEG_MAGIC = b"\xff\xd8\xff"


def required_str(obj: dict[str, Any], field: str) -> str:
    if field not in obj or obj[field] is None:
        raise missing(field)
    value = obj[field]
    if not isinstance(value, str):
        raise wrong_type(field, "字符串 (String)")
    if not value.strip():
        raise InvalidRequest(field, f"字段 {field} 不能为空")
    return value.strip()


def optional_str(obj: dict[str, Any], field: str) -> str | None:
    value = obj.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise wrong_type(field, "字符串 (String)")
    return value.strip() or None


def required_str_list(obj: dict[str, Any], field: str) -> tuple[str, ...]:
    if field not in obj or obj[field] is None:
        raise missing(field)
    value = obj[field]
    if not isinstance(value, list):
        raise wrong_type(field, "字符串列表 (List<String>)")
    if not value:
        raise InvalidRequest(field, f"字段 {field} 不能为空列表")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise InvalidRequest(field, f"字段 {field} 的每一项应为非空字符串")
    return tuple(item.strip() for item in value)


def parse_date(field: str, value: str) -> date:
    if _DATE_RE.fullmatch(value):
        try:
            return datetime.strptime(value, DATE_FORMAT).date()
        except ValueError:
            pass
    raise bad_format(field, "YYYY-MM-DD")


def parse_datetime(field: str, value: str) -> datetime:
    if _DATETIME_RE.fullmatch(value):
        try:
            return datetime.strptime(value, DATETIME_FORMAT)
        except ValueError:
            pass
    raise bad_format(field, "YYYY-MM-DD HH:MM:SS")


def decode_jpeg_base64(field: str, value: str, max_bytes: int | None) -> bytes:
    """D2: plain standard base64 with padding, no line breaks, no ``data:`` prefix, of a JPEG."""
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise InvalidRequest(
            field, f"字段 {field} 应为标准 base64 编码 (无换行、无 data: 前缀)"
        ) from None
    check_jpeg(field, raw, max_bytes)
    return raw


def check_jpeg(field: str, raw: bytes, max_bytes: int | None) -> None:
    if not raw.startswith(JPEG_MAGIC) or b"\xff\xd9" not in raw[-64:]:
        raise InvalidRequest(field, f"字段 {field} 应为 JPEG 图片")
    if max_bytes is not None and len(raw) > max_bytes:
        raise InvalidRequest(
            field, f"字段 {field} 图片过大: {len(raw)} 字节，应不超过 {max_bytes} 字节"
        )
