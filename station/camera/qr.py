"""Work-order QR codes (OpenCV's QR detector) to pre-fill the registration form.

A QR code holds either a bare work-order number (``GD20261203001``) or a JSON object with the
addFace field names (spec 2.2.1): ``workOrdNum``, ``name``, ``account``, ``phone``, ``city``,
``startDate`` (``YYYY-MM-DD``) as strings, and ``site``, ``room``, ``deviceId`` as a list of
strings (a single string is taken as a one-item list). Other keys (``picture`` included) are
ignored. Bad content raises :class:`WorkOrderQrError` naming the field and what was expected.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import cv2
import numpy as np

from station.protocol import fields

log = logging.getLogger(__name__)

TEXT_KEYS = ("workOrdNum", "name", "account", "phone", "city", "startDate")
LIST_KEYS = ("site", "room", "deviceId")
ACCEPTED_KEYS = (*TEXT_KEYS[:5], "site", "room", "deviceId", "startDate")
MAX_WORK_ORDER_LEN = 64
_local = threading.local()

WorkOrderFields = dict[str, str | list[str]]


class WorkOrderQrError(ValueError):
    def __init__(self, field: str, expected: str) -> None:
        super().__init__(f"二维码字段 {field} 应为{expected}")
        self.field = field
        self.expected = expected


def _text(key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise WorkOrderQrError(key, "字符串 (String)")
    text = str(value).strip()
    if key == "startDate":
        try:
            fields.parse_date(key, text)
        except ValueError:
            raise WorkOrderQrError(key, "日期 YYYY-MM-DD") from None
    return text


def _list(key: str, value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise WorkOrderQrError(key, "非空字符串列表 (List<String>)")
    return [i.strip() for i in items]


def parse_work_order_text(text: str) -> WorkOrderFields:
    """The form fields a QR code's text carries (see the module docstring)."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            raise WorkOrderQrError("QR", "工单号或 JSON 对象 (invalid JSON)") from None
        if not isinstance(obj, dict):
            raise WorkOrderQrError("QR", "JSON 对象")
        found: WorkOrderFields = {}
        for key in ACCEPTED_KEYS:
            if obj.get(key) is not None:
                found[key] = _list(key, obj[key]) if key in LIST_KEYS else _text(key, obj[key])
        if not found:
            raise WorkOrderQrError("QR", f"含有以下字段之一: {', '.join(ACCEPTED_KEYS)}")
        ignored = sorted(set(obj) - set(ACCEPTED_KEYS))
        if ignored:
            log.info("work-order QR: ignored keys %s", ",".join(ignored))
        return found
    if not stripped or len(stripped) > MAX_WORK_ORDER_LEN or not stripped.isprintable():
        raise WorkOrderQrError("workOrdNum", f"不超过 {MAX_WORK_ORDER_LEN} 个字符的工单号")
    if any(ch.isspace() for ch in stripped):
        raise WorkOrderQrError("workOrdNum", "不含空格的工单号")
    return {"workOrdNum": stripped}


def _detector() -> cv2.QRCodeDetector:
    detector: cv2.QRCodeDetector | None = getattr(_local, "qr", None)
    if detector is None:
        detector = _local.qr = cv2.QRCodeDetector()
    return detector


def decode_work_order_qr(frame: np.ndarray) -> WorkOrderFields | None:
    """The fields of the QR code in a BGR frame, None when there is no readable QR code.

    Costs tens of milliseconds on 640×480: scan when the clerk asks for it, or every few
    frames, not on every preview frame."""
    try:
        text, _points, _ = _detector().detectAndDecode(frame)
    except cv2.error as exc:
        log.debug("QR detector failed: %s", exc)
        return None
    if not text:
        return None
    return parse_work_order_text(text)
