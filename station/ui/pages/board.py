"""门禁看板 (Door board): one tile per door device, a live event feed, site/room filters.

Readable from two metres: device and time in large type, the person as work order + name +
masked phone, today's count, and DESIGN §4 flags as red badges. A newly opened door flashes.
Fed by the bridge's ``doorOpened`` signal; history comes from the core once at start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.domain.events import DoorOpened
from station.ui.bridge import EventBridge
from station.ui.i18n import tr
from station.ui.ports import CatalogRow
from station.ui.theme import BAD, OK, flag_text
from station.ui.timefmt import local
from station.ui.widgets import named

TILE_WIDTH, TILE_HEIGHT, TILE_GAP = 330, 250, 14
MAX_FEED = 200


def local_time(when: datetime) -> str:
    return local(when).strftime("%H:%M:%S")


def feed_text(event: DoorOpened) -> str:
    """Three lines, always (the feed uses uniform item sizes): where, who, flags."""
    person = " ".join(p for p in (event.work_order, event.name) if p) or tr("无工单")
    text = f"{local_time(event.opened_at)}  {event.room} · {event.device_id}\n{person}\n"
    if event.flags:
        text += "⚠ " + tr("，").join(flag_text(f) for f in event.flags)
    return text


class DoorTile(QFrame):
    def __init__(self, device_id: str, room: str, site: str) -> None:
        super().__init__()
        self.setObjectName("doorTile")
        self.device_id, self.room, self.site = device_id, room, site
        self.last: DoorOpened | None = None
        self.today_count = 0
        self._flash_left = 0
        self.setFixedSize(TILE_WIDTH, TILE_HEIGHT)
        layout = QVBoxLayout(self)
        self.room_label = named(QLabel(room), "tileRoom")
        self.room_label.setWordWrap(True)
        self.room_label.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.device_label = named(QLabel(device_id), "tileDevice")
        self.device_label.setStyleSheet("font-size: 15px; color: #475569;")
        self.when = named(QLabel(), "tileWhen")
        self.when.setStyleSheet("font-size: 34px; font-weight: bold;")
        self.who = named(QLabel(), "tileWho")
        self.who.setWordWrap(True)
        self.who.setStyleSheet("font-size: 18px;")
        self.count = named(QLabel(), "tileCount")
        self.flags = named(QLabel(), "tileFlags")
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(
            f"color: white; background: {BAD}; border-radius: 6px; padding: 4px 8px;"
            " font-weight: bold; font-size: 17px;"
        )
        self.flags.hide()
        for widget in (
            self.room_label,
            self.device_label,
            self.when,
            self.who,
            self.count,
            self.flags,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._flash_step)
        self.retranslate()

    def record(self, event: DoorOpened, today: date, flash: bool = True) -> None:
        opened_day = local(event.opened_at).date()
        if opened_day == today:
            self.today_count += 1
        if self.last is None or event.opened_at >= self.last.opened_at:
            self.last = event
        if flash:
            self._flash_left = 12
            self._timer.start()
        self.retranslate()

    def _flash_step(self) -> None:
        self._flash_left -= 1
        if self._flash_left <= 0:
            self._timer.stop()
        self._apply_style()

    @property
    def flashing(self) -> bool:
        return self._flash_left > 0

    def _apply_style(self) -> None:
        """Colours are painted in :meth:`paintEvent` (no style-sheet churn while flashing)."""
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        flagged = bool(self.last and self.last.flags)
        border = BAD if flagged else (OK if self.last else "#CBD5E1")
        background = "#FEF9C3" if self._flash_left % 2 == 1 else ("#FEF2F2" if flagged else "white")
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(border), 3))
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5), 14, 14)
        painter.end()
        super().paintEvent(event)

    def retranslate(self) -> None:
        event = self.last
        if event is None:
            self.when.setText("—")
            self.who.setText(tr("今日暂无开门"))
            self.flags.setText("")
            self.flags.hide()
        else:
            self.when.setText(local_time(event.opened_at))
            person = " · ".join(p for p in (event.work_order, event.name, event.phone_masked) if p)
            self.who.setText(person or tr("无工单 / 未知人员"))
            badges = "\n".join(f"⚠ {flag_text(f)}" for f in event.flags)
            self.flags.setText(badges)
            self.flags.setVisible(bool(badges))
        self.count.setText(tr("今日开门 {n} 次", n=self.today_count))
        self._apply_style()


class BoardPage(QWidget):
    def __init__(self, bridge: EventBridge, today: Callable[[], date]) -> None:
        super().__init__()
        self.setObjectName("page")
        self._today = today
        self.tiles: dict[str, DoorTile] = {}
        self._sites: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        self.title = named(QLabel(), "pageTitle")
        self.site_filter = named(QComboBox(), "siteFilter")
        self.room_filter = named(QComboBox(), "roomFilter")
        top.addWidget(self.title, 1)
        top.addWidget(self.site_filter)
        top.addWidget(self.room_filter)
        body = QHBoxLayout()
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(TILE_GAP)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._grid_host)
        self._scroll = scroll
        self._columns = 0
        feed_box = QVBoxLayout()
        self.feed_title = QLabel()
        self.feed_title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.feed = named(QListWidget(), "eventFeed")
        # every entry is three lines: uniform sizes keep the list's layout O(1) per event
        # (word-wrapped items made each repaint grow with the feed: 20 ms at 50 entries)
        self.feed.setUniformItemSizes(True)
        self.feed.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.feed.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.feed.setMinimumWidth(340)
        feed_box.addWidget(self.feed_title)
        feed_box.addWidget(self.feed, 1)
        body.addWidget(scroll, 3)
        body.addLayout(feed_box, 1)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.site_filter.currentIndexChanged.connect(self._refilter)
        self.room_filter.currentIndexChanged.connect(self._relayout)
        self._bridge = bridge
        bridge.doorOpened.connect(self.on_door_opened)
        self.retranslate()

    def set_catalog(self, rows: Iterable[CatalogRow]) -> None:
        for row in rows:
            self._sites[row.device_id] = row.site
            self._tile(row.device_id, row.room)
        self._refresh_filters()

    def load_history(self, events: Iterable[DoorOpened]) -> None:
        for event in sorted(events, key=lambda e: e.opened_at):
            self._record(event, flash=False)

    def _tile(self, device_id: str, room: str) -> DoorTile:
        tile = self.tiles.get(device_id)
        if tile is None:
            tile = DoorTile(device_id, room, self._sites.get(device_id, ""))
            self.tiles[device_id] = tile
            self._refresh_filters()
        return tile

    def on_door_opened(self, event: DoorOpened) -> None:
        self._record(event, flash=True)

    def _record(self, event: DoorOpened, flash: bool) -> None:
        tile = self._tile(event.device_id, event.room)
        tile.record(event, self._today(), flash=flash)
        item = QListWidgetItem(feed_text(event))
        item.setData(Qt.ItemDataRole.UserRole, event)
        if event.flags:
            item.setForeground(Qt.GlobalColor.darkRed)
        self.feed.insertItem(0, item)
        while self.feed.count() > MAX_FEED:
            self.feed.takeItem(self.feed.count() - 1)

    def _refresh_filters(self) -> None:
        site = self.site_filter.currentData()
        self.site_filter.blockSignals(True)
        self.site_filter.clear()
        self.site_filter.addItem(tr("全部站点"), None)
        for name in sorted({t.site for t in self.tiles.values() if t.site}):
            self.site_filter.addItem(name, name)
        self.site_filter.setCurrentIndex(max(0, self.site_filter.findData(site)))
        self.site_filter.blockSignals(False)
        self._refilter()

    def _refilter(self) -> None:
        site = self.site_filter.currentData()
        room = self.room_filter.currentData()
        self.room_filter.blockSignals(True)
        self.room_filter.clear()
        self.room_filter.addItem(tr("全部机房"), None)
        for name in sorted({t.room for t in self.tiles.values() if site in (None, t.site)}):
            self.room_filter.addItem(name, name)
        self.room_filter.setCurrentIndex(max(0, self.room_filter.findData(room)))
        self.room_filter.blockSignals(False)
        self._relayout()

    def visible_tiles(self) -> list[DoorTile]:
        site, room = self.site_filter.currentData(), self.room_filter.currentData()
        return [
            t
            for _, t in sorted(self.tiles.items(), key=lambda kv: (kv[1].site, kv[1].room, kv[0]))
            if site in (None, t.site) and room in (None, t.room)
        ]

    def columns(self) -> int:
        width = self._scroll.viewport().width()
        return max(1, (width + TILE_GAP) // (TILE_WIDTH + TILE_GAP))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.columns() != self._columns:
            self._relayout()

    def _relayout(self) -> None:
        self._columns = columns = self.columns()
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
        for i, tile in enumerate(self.visible_tiles()):
            self._grid.addWidget(tile, i // columns, i % columns)
            tile.show()

    def retranslate(self, *_: object) -> None:
        self.title.setText(tr("门禁看板"))
        self.feed_title.setText(tr("实时开门记录"))
        for row in range(self.feed.count()):
            item = self.feed.item(row)
            item.setText(feed_text(item.data(Qt.ItemDataRole.UserRole)))
        self._refresh_filters()
        for tile in self.tiles.values():
            tile.retranslate()
