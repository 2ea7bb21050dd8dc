"""设置 (Settings), behind the administrator PIN (salted scrypt hash in [station] admin_pin_hash).

Unlocked, it edits every [station] [platform] [listener] [retry] [photo] [camera] key; "保存并应用"
validates with the settings model, rewrites the TOML (``save_settings``) and hands the new
settings to the app, which restarts the listener or the worker when their keys changed. The page
locks itself again whenever it is left.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station.config import Settings, save_settings
from station.ui.i18n import tr
from station.ui.pages.settings_form import (
    SECTION_TITLES,
    SECTIONS,
    SectionEditor,
    validate_settings,
)
from station.ui.pin import MIN_LENGTH, hash_pin, verify_pin
from station.ui.tasks import spawn
from station.ui.theme import BAD, OK
from station.ui.widgets import named

log = logging.getLogger(__name__)

Applier = Callable[[Settings, Settings], Awaitable[None]]
Probe = Callable[[Settings], Awaitable[tuple[bool, str]]]


class PinGate(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("pinGate")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.prompt = named(QLabel(), "pageTitle")
        self.pin = named(QLineEdit(), "pinInput")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin.setFixedWidth(320)
        self.confirm = named(QLineEdit(), "pinConfirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setFixedWidth(320)
        self.button = named(QPushButton(), "primary")
        self.button.setAccessibleName("unlockButton")
        self.button.setFixedWidth(320)
        self.message = named(QLabel(), "fieldError")
        for widget in (self.prompt, self.pin, self.confirm, self.button, self.message):
            layout.addWidget(widget, 0, alignment=self._center())
        layout.addStretch(2)

    @staticmethod
    def _center() -> Qt.AlignmentFlag:
        return Qt.AlignmentFlag.AlignHCenter


class SettingsPage(QWidget):
    def __init__(
        self,
        settings: Settings,
        config_path: Path,
        *,
        apply: Applier,
        test_platform: Probe,
        test_listener: Probe,
    ) -> None:
        super().__init__()
        self.setObjectName("page")
        self.settings, self.config_path = settings, config_path
        self._apply, self._test_platform, self._test_listener = apply, test_platform, test_listener
        self.failed_attempts = 0
        self.stack = QStackedWidget()
        self.gate = PinGate()
        self.editor_page = QWidget()
        self.stack.addWidget(self.gate)
        self.stack.addWidget(self.editor_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.title = named(QLabel(), "pageTitle")
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.tabs = named(QTabWidget(), "settingsTabs")
        self.sections: dict[str, SectionEditor] = {}
        for section in SECTIONS:
            editor = SectionEditor(section, getattr(settings, section))
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(editor)
            self.sections[section] = editor
            self.tabs.addTab(scroll, section)
        buttons = QHBoxLayout()
        self.save_button = named(QPushButton(), "primary")
        self.save_button.setAccessibleName("saveButton")
        self.test_platform_button = named(QPushButton(), "testPlatform")
        self.test_listener_button = named(QPushButton(), "testListener")
        self.change_pin_button = named(QPushButton(), "changePin")
        self.lock_button = named(QPushButton(), "lockButton")
        for button in (
            self.save_button,
            self.test_platform_button,
            self.test_listener_button,
            self.change_pin_button,
            self.lock_button,
        ):
            buttons.addWidget(button)
        self.result = named(QLabel(), "settingsResult")
        self.result.setWordWrap(True)
        editor_layout = QVBoxLayout(self.editor_page)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.tabs, 1)
        editor_layout.addWidget(self.result)
        editor_layout.addLayout(buttons)
        self.gate.button.clicked.connect(self._gate_clicked)
        self.gate.pin.returnPressed.connect(self._gate_clicked)
        self.gate.confirm.returnPressed.connect(self._gate_clicked)
        self.save_button.clicked.connect(lambda: spawn(self.save()))
        self.test_platform_button.clicked.connect(lambda: spawn(self._probe(self._test_platform)))
        self.test_listener_button.clicked.connect(lambda: spawn(self._probe(self._test_listener)))
        self.change_pin_button.clicked.connect(self._change_pin)
        self.lock_button.clicked.connect(self.lock)
        self._setting_pin = False
        self.lock()

    @property
    def unlocked(self) -> bool:
        return self.stack.currentWidget() is self.editor_page

    def lock(self) -> None:
        self._setting_pin = not self.settings.station.admin_pin_hash
        self.gate.pin.clear()
        self.gate.confirm.clear()
        self.gate.message.clear()
        self.stack.setCurrentWidget(self.gate)
        self.retranslate()

    def hideEvent(self, event: object) -> None:
        self.lock()

    def _change_pin(self) -> None:
        self._setting_pin = True
        self.stack.setCurrentWidget(self.gate)
        self.retranslate()

    def _gate_clicked(self) -> None:
        pin = self.gate.pin.text()
        if self._setting_pin:
            if len(pin) < MIN_LENGTH or not pin.isdigit():
                self._gate_error(tr("PIN 应为至少 {n} 位数字", n=MIN_LENGTH))
                return
            if pin != self.gate.confirm.text():
                self._gate_error(tr("两次输入的 PIN 不一致"))
                return
            self.settings = self.settings.model_copy(deep=True)
            self.settings.station.admin_pin_hash = hash_pin(pin)
            save_settings(self.settings, self.config_path)
            log.info("administrator PIN set")
            self._unlock()
            self.result.setText(tr("已设置管理员 PIN"))
            return
        if verify_pin(pin, self.settings.station.admin_pin_hash):
            self.failed_attempts = 0
            self._unlock()
        else:
            self.failed_attempts += 1
            log.warning("wrong settings PIN (%d attempts)", self.failed_attempts)
            self._gate_error(tr("PIN 不正确，请重试（已错 {n} 次）", n=self.failed_attempts))
            self.gate.pin.clear()

    def _gate_error(self, text: str) -> None:
        self.gate.message.setText(text)

    def _unlock(self) -> None:
        self._setting_pin = False
        for section, editor in self.sections.items():
            editor.load(getattr(self.settings, section))
            editor.show_errors({})
        self.result.clear()
        self.stack.setCurrentWidget(self.editor_page)
        self.retranslate()

    async def save(self) -> bool:
        edits = {section: editor.values() for section, editor in self.sections.items()}
        new, problems = validate_settings(self.settings, edits)
        for section, editor in self.sections.items():
            editor.show_errors({k: v for (s, k), v in problems.items() if s == section})
        if new is None:
            first = next(iter(problems))
            self.tabs.setCurrentIndex(SECTIONS.index(first[0]) if first[0] in SECTIONS else 0)
            self._show_result(False, tr("未保存：{n} 项设置有误，请按提示修改", n=len(problems)))
            return False
        old = self.settings
        save_settings(new, self.config_path)
        self.settings = new
        try:
            await self._apply(old, new)
        except Exception as exc:
            log.exception("applying settings failed")
            self._show_result(False, tr("已保存，但应用失败：{error}", error=str(exc)))
            return False
        self._show_result(True, tr("已保存并生效"))
        return True

    async def _probe(self, probe: Probe) -> None:
        edits = {section: editor.values() for section, editor in self.sections.items()}
        candidate, _problems = validate_settings(self.settings, edits)
        if candidate is None:
            self._show_result(False, tr("设置有误，无法测试"))
            return
        self._show_result(True, tr("正在测试…"))
        ok, message = await probe(candidate)
        self._show_result(ok, message)

    def _show_result(self, ok: bool, text: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {OK if ok else BAD}; font-weight: bold;")

    def retranslate(self, *_: object) -> None:
        self.title.setText(tr("设置"))
        gate = self.gate
        if self._setting_pin:
            gate.prompt.setText(tr("设置管理员 PIN（至少 {n} 位数字）", n=MIN_LENGTH))
            gate.button.setText(tr("设置并进入"))
            gate.confirm.show()
            gate.confirm.setPlaceholderText(tr("再次输入 PIN"))
        else:
            gate.prompt.setText(tr("请输入管理员 PIN"))
            gate.button.setText(tr("解锁"))
            gate.confirm.hide()
        gate.pin.setPlaceholderText(tr("PIN"))
        for i, section in enumerate(SECTIONS):
            self.tabs.setTabText(i, tr(SECTION_TITLES[section]))
            self.sections[section].retranslate()
        self.save_button.setText(tr("保存并应用"))
        self.test_platform_button.setText(tr("测试平台连接"))
        self.test_listener_button.setText(tr("回调监听自检"))
        self.change_pin_button.setText(tr("修改 PIN"))
        self.lock_button.setText(tr("锁定"))
