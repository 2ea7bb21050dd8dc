"""The main window: a navigation rail of large buttons, the page stack, the status bar.

The status bar is on every page: platform state (incl. paused by code 22, D5), queue depth, where
the listener listens, and the time. It is updated from bridge signals, never by polling widgets.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from station.ui import timefmt
from station.ui.i18n import LANGUAGES, tr, translator
from station.ui.theme import BAD, CONFIG, OK, WARN
from station.ui.widgets import named


class StatusBar(QStatusBar):
    def __init__(self) -> None:
        super().__init__()
        self.setSizeGripEnabled(False)
        self.platform = named(QLabel(), "platformState")
        self.queue = named(QLabel(), "queueDepth")
        self.listener = named(QLabel(), "listenerState")
        self.clock = named(QLabel(), "clock")
        for label in (self.platform, self.queue, self.listener):
            self.addWidget(label)
        self.addPermanentWidget(self.clock)
        self._platform = ("ok", "")
        self._queue = (0, 0)
        self._listener = ""
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start()
        self.retranslate()

    def set_platform(self, state: str, reason: str = "") -> None:
        """``ok`` | ``paused`` (code 22) | ``unreachable``."""
        self._platform = (state, reason)
        self.retranslate()

    def set_queue(self, due: int, scheduled: int) -> None:
        self._queue = (due, scheduled)
        self.retranslate()

    def set_listener(self, url: str) -> None:
        self._listener = url
        self.retranslate()

    def _update_clock(self) -> None:
        self.clock.setText(timefmt.now().strftime("%Y-%m-%d %H:%M:%S"))

    def retranslate(self) -> None:
        state, reason = self._platform
        text, colour = {
            "ok": (tr("平台：正常"), OK),
            "paused": (tr("平台：安全校验失败(22)，已暂停推送"), CONFIG),
            "unreachable": (tr("平台：无法连接，稍后重试"), WARN),
        }.get(state, (tr("平台：未知"), BAD))
        self.platform.setText(f"● {text}")
        self.platform.setToolTip(reason)
        style = f"color: {colour if state != 'ok' else '#4ADE80'};"
        if self.platform.styleSheet() != style:  # re-styling is not free: only on change
            self.platform.setStyleSheet(style)
        due, scheduled = self._queue
        self.queue.setText(
            tr("队列：待推送 {due} · 计划重推 {scheduled}", due=due, scheduled=scheduled)
        )
        self.listener.setText(
            tr("回调监听：{url}", url=self._listener) if self._listener else tr("回调监听：未启动")
        )
        self._update_clock()


class MainWindow(QMainWindow):
    """Pages are added with :meth:`add_page`; ``closing`` fires when the window closes."""

    closing = Signal()

    def __init__(self, station_name: str = "") -> None:
        super().__init__()
        self._station_name = station_name
        self._pages: list[tuple[str, QWidget, QPushButton]] = []
        root = QWidget()
        layout = QHBoxLayout(root)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.navbar = named(QFrame(), "navbar")
        self.navbar.setFixedWidth(220)
        self._nav = QVBoxLayout(self.navbar)
        self._nav.setContentsMargins(0, 0, 0, 12)
        self._nav.setSpacing(2)
        self.brand = named(QLabel(), "brand")
        self.brand.setWordWrap(True)
        self.name_label = named(QLabel(station_name), "stationName")
        self.name_label.setWordWrap(True)
        self._nav.addWidget(self.brand)
        self._nav.addWidget(self.name_label)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._nav_end = QVBoxLayout()
        self._nav.addLayout(self._nav_end)
        self._nav.addStretch(1)
        self.language_button = named(QPushButton(), "languageButton")
        self.language_button.clicked.connect(self._toggle_language)
        self._nav.addWidget(self.language_button)
        self.stack = QStackedWidget()
        layout.addWidget(self.navbar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(root)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.on_language: Callable[[str], None] | None = None
        translator.changed.connect(self.retranslate)
        self.retranslate()

    def add_page(self, key: str, title: str, page: QWidget) -> QPushButton:
        button = named(QPushButton(), f"nav_{key}")
        button.setCheckable(True)
        button.setProperty("source_text", title)
        button.clicked.connect(lambda: self.show_page(key))
        self._group.addButton(button)
        self._nav_end.addWidget(button)
        self.stack.addWidget(page)
        self._pages.append((key, page, button))
        button.setText(tr(title))
        if len(self._pages) == 1:
            button.setChecked(True)
        return button

    def page(self, key: str) -> QWidget:
        return next(page for k, page, _ in self._pages if k == key)

    def nav_button(self, key: str) -> QPushButton:
        return next(button for k, _, button in self._pages if k == key)

    def page_keys(self) -> list[str]:
        return [k for k, _, _ in self._pages]

    def current_key(self) -> str:
        current = self.stack.currentWidget()
        return next(k for k, page, _ in self._pages if page is current)

    def show_page(self, key: str) -> None:
        for k, page, button in self._pages:
            if k == key:
                self.stack.setCurrentWidget(page)
                button.setChecked(True)
                activated = getattr(page, "activated", None)
                if callable(activated):
                    activated()

    def _toggle_language(self) -> None:
        language = "en" if translator.language == "zh_CN" else "zh_CN"
        if self.on_language is not None:
            self.on_language(language)
        else:
            translator.set_language(language)

    def retranslate(self, *_: object) -> None:
        self.setWindowTitle(
            tr("机房出入登记站") + (f" — {self._station_name}" if self._station_name else "")
        )
        self.brand.setText(tr("机房出入登记站"))
        self.status.retranslate()
        for _key, _page, button in self._pages:
            button.setText(tr(str(button.property("source_text"))))
        other = "en" if translator.language == "zh_CN" else "zh_CN"
        self.language_button.setText("A/文  " + LANGUAGES[other])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)

    def flag_error(self, text: str) -> None:
        self.status.showMessage(text, 8000)
        self.status.setStyleSheet(f"QStatusBar {{ color: {BAD}; }}")
