"""Work-order QR codes (issue 4 §5): generated with cv2.QRCodeEncoder, read from frames."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from station.camera import WorkOrderQrError, decode_work_order_qr, parse_work_order_text
from tests.camera import variants as V
from tests.helpers import photos


def qr_image(text: str, module_px: int = 6) -> np.ndarray:
    code = cv2.QRCodeEncoder.create().encode(text)
    code = cv2.resize(code, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)
    code = cv2.copyMakeBorder(code, 24, 24, 24, 24, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(code, cv2.COLOR_GRAY2BGR)


def in_camera_frame(qr: np.ndarray) -> np.ndarray:
    """The QR code held up in a 640×480 camera frame beside a real photo."""
    frame = V.canvas(640, 480, 90)
    frame[0:480, 0:360] = cv2.resize(photos.astronaut(), (360, 480))
    qr = cv2.resize(qr, (250, 250), interpolation=cv2.INTER_NEAREST)
    frame[115:365, 375:625] = qr
    return frame


def test_bare_work_order_number() -> None:
    frame = in_camera_frame(qr_image("GD-20261203-0042"))
    assert decode_work_order_qr(frame) == {"workOrdNum": "GD-20261203-0042"}


def test_json_with_every_accepted_field_in_chinese() -> None:
    fields = {
        "workOrdNum": "GD20261203001",
        "name": "唐建峰",
        "account": "tangjianfeng",
        "phone": "13800138000",
        "city": "杭州",
        "site": ["西湖机楼", "滨江机楼"],
        "room": ["三楼传输机房"],
        "deviceId": ["D-001", "D-002"],
        "startDate": "2026-12-03",
    }
    frame = in_camera_frame(qr_image(json.dumps(fields, ensure_ascii=False), 4))
    assert decode_work_order_qr(frame) == fields


def test_unknown_keys_are_ignored_and_single_strings_become_lists() -> None:
    text = json.dumps({"workOrdNum": "GD1", "room": "机房A", "picture": "abc", "x": 1})
    assert parse_work_order_text(text) == {"workOrdNum": "GD1", "room": ["机房A"]}


def test_no_qr_code_in_the_frame() -> None:
    assert decode_work_order_qr(photos.astronaut()) is None


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"workOrdNum": ', "QR"),
        ("[1, 2]", "QR"),  # not an object, and not a work-order number either
        ('{"workOrdNum": ["GD1"]}', "workOrdNum"),
        ('{"deviceId": [1, 2]}', "deviceId"),
        ('{"startDate": "03/12/2026"}', "startDate"),
        ('{"colour": "red"}', "QR"),
        ("GD 2026 0001", "workOrdNum"),
        ("x" * 65, "workOrdNum"),
    ],
)
def test_bad_content_names_the_field(text: str, field: str) -> None:
    with pytest.raises(WorkOrderQrError) as caught:
        parse_work_order_text(text)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_bad_content_in_a_frame_raises() -> None:
    frame = in_camera_frame(qr_image('{"startDate": "tomorrow"}'))
    with pytest.raises(WorkOrderQrError, match="startDate"):
        decode_work_order_qr(frame)
