"""设置: the administrator PIN guards the page (salted scrypt hash); saving validates every key,
rewrites the TOML and applies it without restarting the app."""

from __future__ import annotations

import tomllib

import pytest
from PySide6.QtCore import Qt

from station.ui.pin import hash_pin, verify_pin
from tests.ui.conftest import settings_for
from tests.ui.formfill import type_text

pytestmark = pytest.mark.gui


def test_pin_hash_is_salted_and_verifies():
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second  # salted
    assert first.startswith("scrypt$")
    assert "2468" not in first
    assert verify_pin("2468", first)
    assert not verify_pin("2469", first)
    assert not verify_pin("2468", "garbage")
    with pytest.raises(ValueError, match="at least 4 digits"):
        hash_pin("12")


def enter(qtbot, page, pin: str, confirm: str | None = None) -> None:
    page.gate.pin.clear()
    type_text(qtbot, page.gate.pin, pin)
    if confirm is not None:
        page.gate.confirm.clear()
        type_text(qtbot, page.gate.confirm, confirm)
    qtbot.mouseClick(page.gate.button, Qt.MouseButton.LeftButton)


def test_pin_guards_settings_and_save_applies(qtbot, start_gui, run):
    gui = start_gui(settings_for("http://127.0.0.1:9"), camera=False)
    app, window = gui.app, gui.window
    qtbot.mouseClick(window.nav_button("settings"), Qt.MouseButton.LeftButton)
    page = app.settings_page
    assert window.current_key() == "settings"
    assert not page.unlocked
    assert page.gate.prompt.text() == "设置管理员 PIN（至少 4 位数字）"

    enter(qtbot, page, "12", "12")
    assert page.gate.message.text() == "PIN 应为至少 4 位数字"
    enter(qtbot, page, "2468", "2460")
    assert page.gate.message.text() == "两次输入的 PIN 不一致"
    assert not page.unlocked
    enter(qtbot, page, "2468", "2468")
    assert page.unlocked
    stored = tomllib.loads(gui.config_path.read_text(encoding="utf-8"))
    assert verify_pin("2468", stored["station"]["admin_pin_hash"])

    # leaving the page locks it; a wrong PIN keeps it locked
    qtbot.mouseClick(window.nav_button("board"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.nav_button("settings"), Qt.MouseButton.LeftButton)
    assert not page.unlocked
    assert page.gate.prompt.text() == "请输入管理员 PIN"
    enter(qtbot, page, "1111")
    assert not page.unlocked
    assert page.gate.message.text() == "PIN 不正确，请重试（已错 1 次）"
    enter(qtbot, page, "2468")
    assert page.unlocked

    # a bad value is shown under its key and nothing is saved
    retry = page.sections["retry"].editors
    platform = page.sections["platform"].editors
    retry["max_pushes"].setValue(9)
    platform["base_url"].setText("ftp://example")
    worker_before = app.core.worker
    assert run(page.save()) is False
    error = page.sections["platform"].errors["base_url"]
    assert error.isVisibleTo(page)
    assert "http://" in error.text()
    assert "max_pushes = 9" not in gui.config_path.read_text(encoding="utf-8")

    # fixed: saved to the TOML and applied (the worker restarts on [retry]/[platform] changes)
    platform["base_url"].setText("http://127.0.0.1:19")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.text() == "已保存并生效", timeout=10_000)
    saved = tomllib.loads(gui.config_path.read_text(encoding="utf-8"))
    assert saved["retry"]["max_pushes"] == 9
    assert saved["platform"]["base_url"] == "http://127.0.0.1:19"
    assert verify_pin("2468", saved["station"]["admin_pin_hash"])
    assert app.core.worker is not worker_before
    assert app.core.worker.settings.retry.max_pushes == 9

    # a [listener] change restarts the listener in place (no app restart)
    listener_before = app.listener
    page.sections["listener"].editors["max_body_bytes"].setValue(32768)
    assert run(page.save()) is True
    assert app.listener is not None
    assert app.listener is not listener_before
    assert window.status.listener.text() == f"回调监听：{app.listener.base_url}"

    # the listener self-test talks to the running listener
    qtbot.mouseClick(page.test_listener_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.text().startswith("回调监听正常"), timeout=10_000)
    qtbot.mouseClick(page.test_platform_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.text().startswith("无法连接平台"), timeout=10_000)
