"""The registration page: inline validation that blocks submit, the v1 escort section, and an
unreachable platform leaving the registration stored and visible (D16, D5)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import settings_for
from tests.ui.formfill import choose_place, consent, type_person, type_text

pytestmark = pytest.mark.gui
ROOM_1 = "咸阳秦都应急楼一楼综合机房"
CLOSED_PORT_URL = "http://127.0.0.1:9"  # discard port: nothing listens, connections are refused


def error_of(page: Any, key: str) -> str:
    field = page.form.fields[key]
    return field.error.text() if field.error.isVisibleTo(page) else ""


def test_every_invalid_field_shows_its_message_and_blocks_submit(qtbot, start_gui):
    gui = start_gui(settings_for(CLOSED_PORT_URL), camera=False)
    page = gui.app.register_page
    assert not page.submit.isEnabled()
    # a fresh form is not a wall of red, but says what is missing
    assert error_of(page, "work_order") == ""
    assert "人脸照片" in page.missing.text()

    type_text(qtbot, page.form.work_order, "x")
    type_text(qtbot, page.form.account, "bad account")
    type_text(qtbot, page.form.phone, "12345")
    type_text(qtbot, page.form.name, "a")
    qtbot.keyClick(page.form.name, Qt.Key.Key_Backspace)
    assert error_of(page, "work_order").startswith("工单号只能包含字母")
    assert error_of(page, "account") == "账号只能包含字母、数字和 _ . @ -"
    assert error_of(page, "phone").startswith("电话应为 11 位手机号")
    assert error_of(page, "name") == "请填写姓名"
    assert page.form.phone.property("invalid") is True
    assert not page.submit.isEnabled()

    # fixing the fields clears their messages; photo and consent are still missing
    type_person(qtbot, page)
    choose_place(qtbot, page, (ROOM_1,))
    for key in ("work_order", "name", "account", "phone", "city", "sites", "rooms", "devices"):
        assert error_of(page, key) == "", key
    assert sorted(page.form.devices.checked()) == ["ACC-1001", "ACC-1002"]
    assert not page.submit.isEnabled()
    assert page.missing.text() == "提交前还需：人脸照片、同意告知"
    consent(qtbot, page)
    assert page.missing.text() == "提交前还需：人脸照片"
    assert not page.submit.isEnabled()


def test_v1_requires_the_escort_section(qtbot, start_gui):
    gui = start_gui(settings_for(CLOSED_PORT_URL, platform={"protocol": "v1"}), camera=False)
    page = gui.app.register_page
    assert page.form.escort_on()
    assert not page.form.escort_box.isCheckable()
    assert page.escort_photo.isVisibleTo(page)
    for name in ("随工姓名", "随工账号", "随工电话", "随工照片"):
        assert name in page.missing.text()


def test_unreachable_platform_leaves_the_registration_queued_and_visible(qtbot, start_gui):
    gui = start_gui(settings_for(CLOSED_PORT_URL))
    app = gui.app
    page = app.register_page
    type_person(qtbot, page, work_order="JF-OFFLINE-1")
    choose_place(qtbot, page, (ROOM_1,))
    consent(qtbot, page)
    qtbot.waitUntil(lambda: page.photo.jpeg is not None, timeout=20_000)
    qtbot.waitUntil(page.submit.isEnabled, timeout=5000)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    # stored at once (D16): the progress page shows it without waiting for the network
    qtbot.waitUntil(lambda: app.window is not None and app.window.current_key() == "progress")
    card = app.progress_page.cards[0]
    assert card.view.work_order == "JF-OFFLINE-1"
    states = lambda: {d.state for d in card.view.devices}  # noqa: E731
    qtbot.waitUntil(lambda: states() == {"retrying"}, timeout=15_000)
    assert all(d.next_push_at is not None for d in card.view.devices)
    assert "重推" in card.model.data(card.model.index(0, 5))
    status = app.window.status
    qtbot.waitUntil(lambda: "无法连接" in status.platform.text(), timeout=5000)
    qtbot.waitUntil(lambda: "计划重推 2" in status.queue.text(), timeout=5000)
    history = app.history_page
    qtbot.waitUntil(lambda: any(r[0] == "JF-OFFLINE-1" for r in history.filtered_rows()))
    assert history.filtered_rows()[0][5] == "0/2"


def test_a_missing_camera_is_explained_not_fatal(qtbot, start_gui, tmp_path):
    gui = start_gui(settings_for(CLOSED_PORT_URL), video=tmp_path / "unplugged.avi")
    page = gui.app.register_page
    qtbot.waitUntil(lambda: page.preview.hint.text() == "未检测到摄像头", timeout=10_000)
    qtbot.mouseClick(page.capture_button, Qt.MouseButton.LeftButton)
    assert page.photo.jpeg is None
    assert page.capture_message.text() == "没有可用的摄像头，无法拍照"
    assert gui.window.isVisible()
