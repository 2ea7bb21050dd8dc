"""扫码: the work-order QR read through the camera pre-fills the form (issue 5, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import settings_for

pytestmark = pytest.mark.gui


def qr_video(path: Path, text: str) -> Path:
    code = cv2.QRCodeEncoder.create().encode(text)
    side = 320
    code = cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST)
    frame = np.full((480, 640, 3), 255, dtype=np.uint8)
    frame[80 : 80 + side, 160 : 160 + side] = cv2.cvtColor(code, cv2.COLOR_GRAY2BGR)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, (640, 480))
    for _ in range(15):
        writer.write(frame)
    writer.release()
    return path


def test_scanning_the_work_order_qr_fills_the_form(qtbot, start_gui, tmp_path):
    content = {
        "workOrdNum": "JF-20261203-0888",
        "name": "唐建峰",
        "account": "tangjianfeng",
        "phone": "13800001111",
        "city": "咸阳市",
        "site": ["咸阳秦都站点"],
        "room": ["咸阳秦都应急楼一楼综合机房"],
        "deviceId": ["ACC-1001"],
    }
    video = qr_video(tmp_path / "qr.avi", json.dumps(content))  # ASCII JSON (\\u escapes)
    gui = start_gui(settings_for("http://127.0.0.1:9"), video=video)
    page = gui.app.register_page
    form = page.form
    qtbot.mouseClick(form.scan_button, Qt.MouseButton.LeftButton)
    assert form.scan_button.text() == "取消扫码"
    qtbot.waitUntil(lambda: form.work_order.text() == "JF-20261203-0888", timeout=15_000)
    assert form.name.text() == "唐建峰"
    assert form.account.text() == "tangjianfeng"
    assert form.phone.text() == "13800001111"
    assert form.city.currentText() == "咸阳市"
    assert "咸阳秦都站点" in form.sites.checked()
    assert "咸阳秦都应急楼一楼综合机房" in form.rooms.checked()
    assert form.devices.checked() == ["ACC-1001"]
    assert form.scan_button.text() == "扫码"
