"""进度 (Progress): per door device, its DESIGN state in words and colour, the platform's result,
pushes, a live countdown to the next re-push, and "成功但未生效" for written devices (D14).

Updates arrive from the bridge's ``deviceStateChanged`` signal; the only timer is the one-second
tick that redraws the countdown column.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station.domain.events import DeviceStateChanged
from station.ui.bridge import EventBridge
from station.ui.i18n import tr
from station.ui.models import DeviceTableModel, overall
from station.ui.ports import CoreFacade, RegistrationView
from station.ui.tasks import spawn
from station.ui.widgets import named, pill_style

log = logging.getLogger(__name__)


class RegistrationCard(QFrame):
    def __init__(self, view: RegistrationView, core: CoreFacade, now: Callable[[], datetime]):
        super().__init__()
        self.setObjectName("card")
        self.setProperty("registration_id", view.id)
        self.view, self._core = view, core
        self.model = DeviceTableModel(view.devices, now)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.heading = named(QLabel(), "cardHeading")
        self.heading.setStyleSheet("font-size: 22px; font-weight: bold;")
        self.summary = named(QLabel(), "summary")
        head.addWidget(self.heading, 1)
        head.addWidget(self.summary)
        self.table = named(QTableView(), f"devices_{view.id}")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(48)
        layout.addLayout(head)
        layout.addWidget(self.table)
        self.model.dataChanged.connect(lambda *_: self._refresh())
        self._refresh()

    def button_for(self, device_id: str) -> QPushButton | None:
        row = self.model.row_of(device_id)
        widget = self.table.indexWidget(self.model.index(row, DeviceTableModel.ACTION))
        return widget if isinstance(widget, QPushButton) else None

    def _refresh(self) -> None:
        v = self.view
        role = tr("随工/监理") if v.role == "escort" else tr("作业人员")
        self.heading.setText(f"{v.work_order} · {v.name} ({role}) · {v.phone_masked} · {v.date}")
        words, colour = overall(v)
        self.summary.setText(
            tr(words) + "  " + tr("已写入 {n}/{total}", n=v.written, total=len(v.devices))
        )
        self.summary.setStyleSheet(pill_style(colour))
        for row, device in enumerate(v.devices):
            index = self.model.index(row, DeviceTableModel.ACTION)
            existing = self.table.indexWidget(index)
            if device.state == "written":
                if not isinstance(existing, QPushButton):
                    button = named(QPushButton(tr("成功但未生效")), "notEffective")
                    button.setToolTip(tr("门禁显示写入成功但刷脸开不了门：10 分钟后重新推送"))
                    button.clicked.connect(lambda _c=False, d=device.device_id: self._mark(d))
                    self.table.setIndexWidget(index, button)
            elif existing is not None:
                self.table.setIndexWidget(index, None)  # type: ignore[arg-type]
        height = self.table.horizontalHeader().height() + 50 * max(1, len(v.devices)) + 4
        self.table.setFixedHeight(min(height, 600))

    def _mark(self, device_id: str) -> None:
        button = self.button_for(device_id)
        if button is not None:
            button.setEnabled(False)
        spawn(self._mark_async(device_id))

    async def _mark_async(self, device_id: str) -> None:
        try:
            await self._core.mark_not_effective(self.view.id, device_id)
        except Exception:
            log.exception(
                "not-effective failed for registration %s device %s", self.view.id, device_id
            )
            button = self.button_for(device_id)
            if button is not None:
                button.setEnabled(True)

    def retranslate(self) -> None:
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.ACTION)
        self.model.layoutChanged.emit()
        for row in range(self.model.rowCount()):
            widget = self.table.indexWidget(self.model.index(row, DeviceTableModel.ACTION))
            if isinstance(widget, QPushButton):
                widget.setText(tr("成功但未生效"))
        self._refresh()


class ProgressPage(QWidget):
    def __init__(self, core: CoreFacade, bridge: EventBridge, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.setObjectName("page")
        self._core, self._now = core, now
        self.cards: list[RegistrationCard] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.title = named(QLabel(), "pageTitle")
        self.empty = named(QLabel(), "muted")
        self.legend = named(QLabel(), "muted")
        self.legend.setWordWrap(True)
        self._inner = QWidget()
        self._cards = QVBoxLayout(self._inner)
        self._cards.setContentsMargins(0, 0, 0, 0)
        self._cards.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._inner)
        layout.addWidget(self.title)
        layout.addWidget(self.legend)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        bridge.deviceStateChanged.connect(self._on_state)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self.retranslate()

    async def show_registrations(self, ids: list[int]) -> None:
        views = [v for v in [await self._core.registration(i) for i in ids] if v is not None]
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = [RegistrationCard(v, self._core, self._now) for v in views]
        for card in self.cards:
            self._cards.insertWidget(self._cards.count() - 1, card)
        self.empty.setVisible(not self.cards)

    def card(self, registration_id: int) -> RegistrationCard | None:
        return next((c for c in self.cards if c.view.id == registration_id), None)

    def _on_state(self, event: DeviceStateChanged) -> None:
        card = self.card(event.registration_id)
        if card is not None:
            card.model.apply(event)

    def _on_tick(self) -> None:
        if self.isVisible():
            for card in self.cards:
                card.model.tick()

    def retranslate(self, *_: object) -> None:
        self.title.setText(tr("推送进度"))
        self.empty.setText(
            tr("提交登记后，这里逐个门禁显示人脸写入进度；也可以在“记录”页打开任一登记。")
        )
        self.legend.setText(
            tr(
                "绿色=已写入可开门；青色=等待写入结果；橙色=等待自动重推；红色=失败或需人工处理；紫色=平台安全校验失败。"
            )
        )
        for card in self.cards:
            card.retranslate()
