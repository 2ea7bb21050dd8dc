"""记录 (History): a searchable, sortable table of registrations; open one; CSV export.

Backed by :class:`station.ui.models.HistoryModel` behind a ``QSortFilterProxyModel``; rows are
loaded from the core once and kept current by ``registrationStored``/``deviceStateChanged``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station.ui.bridge import EventBridge
from station.ui.i18n import tr
from station.ui.models import HistoryModel, write_csv
from station.ui.ports import CoreFacade
from station.ui.tasks import spawn
from station.ui.widgets import named

log = logging.getLogger(__name__)


class HistoryPage(QWidget):
    def __init__(
        self, core: CoreFacade, bridge: EventBridge, on_open: Callable[[int], None]
    ) -> None:
        super().__init__()
        self.setObjectName("page")
        self._core, self._on_open = core, on_open
        self._dirty: set[int] = set()
        self.model = HistoryModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.title = named(QLabel(), "pageTitle")
        top = QHBoxLayout()
        self.search = named(QLineEdit(), "historySearch")
        self.search.setClearButtonEnabled(True)
        self.open_button = named(QPushButton(), "openButton")
        self.export_button = named(QPushButton(), "exportButton")
        self.count = named(QLabel(), "muted")
        top.addWidget(self.search, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.export_button)
        self.table = named(QTableView(), "historyTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.search.textChanged.connect(self._filter)
        self.table.doubleClicked.connect(self._open_index)
        self.open_button.clicked.connect(self._open_selected)
        self.export_button.clicked.connect(self._export_clicked)
        bridge.registrationStored.connect(lambda e: self._mark_dirty(e.registration_id))
        bridge.deviceStateChanged.connect(lambda e: self._mark_dirty(e.registration_id))
        # several events for one registration arrive together: refresh it once (throttled)
        self._throttle = QTimer(self)
        self._throttle.setInterval(500)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(self._flush)
        self.retranslate()

    async def reload(self) -> None:
        self.model.set_rows(await self._core.registrations())
        self._update_count()

    def _mark_dirty(self, registration_id: int) -> None:
        self._dirty.add(registration_id)
        if not self._throttle.isActive():  # throttle: refresh twice a second at most
            self._throttle.start()

    def _flush(self) -> None:
        ids, self._dirty = self._dirty, set()
        spawn(self._refresh(ids))

    async def _refresh(self, ids: set[int]) -> None:
        for view in await self._core.registrations_by_id(sorted(ids)):
            self.model.upsert(view)
        self._update_count()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(
            tr(
                "显示 {shown} / 共 {total} 条",
                shown=self.proxy.rowCount(),
                total=self.model.rowCount(),
            )
        )

    def _open_index(self, index: QModelIndex) -> None:
        registration_id = self.proxy.data(index, Qt.ItemDataRole.UserRole)
        if registration_id is not None:
            self._on_open(int(registration_id))

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_index(rows[0])

    def filtered_rows(self) -> list[tuple[str, ...]]:
        out = []
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            out.append(self.model.cells(source))
        return out

    def export_csv(self, path: Path) -> int:
        rows = self.filtered_rows()
        write_csv(path, [tr(h) for h in self.model.HEADERS], rows)
        log.info("history export: %d rows to %s", len(rows), path)
        return len(rows)

    def _export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, tr("导出 CSV"), str(Path.home() / "registrations.csv"), "CSV (*.csv)"
        )
        if name:
            count = self.export_csv(Path(name))
            self.count.setText(tr("已导出 {n} 条到 {path}", n=count, path=name))

    def retranslate(self, *_: object) -> None:
        self.title.setText(tr("登记记录"))
        self.search.setPlaceholderText(tr("搜索工单号、姓名、日期或状态"))
        self.open_button.setText(tr("查看进度"))
        self.export_button.setText(tr("导出 CSV"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.HEADERS) - 1)
        self.model.layoutChanged.emit()
        self._update_count()
