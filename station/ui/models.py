"""Qt item models over the core's view objects: a registration's devices, the history table."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from station.domain.events import DeviceStateChanged
from station.ui.i18n import tr
from station.ui.ports import DeviceView, RegistrationView
from station.ui.theme import BAD, CONFIG, MUTED, OK, WARN, state_colour, state_text
from station.ui.timefmt import local

Index = QModelIndex | QPersistentModelIndex


def countdown(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "—"
    seconds = int((when - now).total_seconds())
    if seconds <= 0:
        return tr("即将重推")  # due: the worker picks it up within its poll interval
    minutes, seconds = divmod(seconds, 60)
    return tr("{m:02d}:{s:02d} 后重推", m=minutes, s=seconds)


class DeviceTableModel(QAbstractTableModel):
    """One row per door device of one registration; state in Chinese words and colour."""

    HEADERS = ("门禁设备", "机房", "状态", "平台结果", "推送次数", "下次推送", "操作")
    STATE, NEXT, ACTION = 2, 5, 6

    def __init__(self, devices: list[DeviceView], now: Callable[[], datetime]) -> None:
        super().__init__()
        self.devices = devices
        self._now = now

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.devices)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        device = self.devices[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                device.device_id,
                device.room,
                state_text(device.state),
                device.last_result,
                str(device.pushes),
                countdown(device.next_push_at, self._now()),
                "",
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            return device.state
        if column == self.STATE:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(state_colour(device.state))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("white")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def row_of(self, device_id: str) -> int:
        return next((i for i, d in enumerate(self.devices) if d.device_id == device_id), -1)

    def apply(self, event: DeviceStateChanged) -> bool:
        row = self.row_of(event.device_id)
        if row < 0:
            return False
        device = self.devices[row]
        device.state, device.pushes = event.state, event.pushes
        device.next_push_at, device.last_result = event.next_push_at, event.last_result
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.ACTION))
        return True

    def tick(self) -> None:
        if self.devices:
            self.dataChanged.emit(
                self.index(0, self.NEXT), self.index(len(self.devices) - 1, self.NEXT)
            )


def overall(view: RegistrationView) -> tuple[str, str]:
    """The registration's overall state: (Chinese words, colour)."""
    states = {d.state for d in view.devices}
    if not states:
        return "无设备", MUTED
    if states == {"written"}:
        return "全部已写入", OK
    if states & {"given_up", "rejected"}:
        return "需人工处理", BAD
    if "paused" in states:
        return "已暂停（安全校验失败）", CONFIG
    if states & {"failed", "no_result", "not_effective", "retrying"}:
        return "等待重推", WARN
    return "进行中", "#0E7490"


class HistoryModel(QAbstractTableModel):
    HEADERS = ("工单号", "姓名", "身份", "日期", "总体状态", "已写入/总数", "登记时间")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RegistrationView] = []

    def set_rows(self, rows: list[RegistrationView]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def upsert(self, view: RegistrationView) -> None:
        for i, row in enumerate(self.rows):
            if row.id == view.id:
                self.rows[i] = view
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))
                return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, view)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None

    def cells(self, row: int) -> tuple[str, ...]:
        view = self.rows[row]
        created = local(view.created_at).strftime("%Y-%m-%d %H:%M") if view.created_at else ""
        return (
            view.work_order,
            view.name,
            tr("随工/监理") if view.role == "escort" else tr("作业人员"),
            view.date.isoformat(),
            tr(overall(view)[0]),
            f"{view.written}/{len(view.devices)}",
            created,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(index.row())[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()].id
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4:
            return QColor(overall(self.rows[index.row()])[1])
        return None


def write_csv(path: Path, headers: list[str], rows: list[tuple[str, ...]]) -> None:
    """UTF-8 with BOM so Excel opens the Chinese text correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
