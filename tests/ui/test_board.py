"""门禁看板: tiles per catalog device, today's count, flags in warning style, site/room filters,
a flash for a new door-open, a feed newest first (DESIGN §4 flags, D11)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from station.domain.events import DoorOpened, EventBus
from station.ui.bridge import EventBridge
from station.ui.pages.board import BoardPage, DoorTile
from station.ui.ports import CatalogRow

pytestmark = pytest.mark.gui

CATALOG = [
    CatalogRow("咸阳市", "秦都站点", "一楼综合机房", "ACC-1"),
    CatalogRow("咸阳市", "秦都站点", "二楼传输机房", "ACC-2"),
    CatalogRow("西安市", "高新站点", "三楼数据机房", "ACC-3"),
]
NOW = datetime(2026, 12, 3, 2, 30, tzinfo=UTC)  # 10:30 in Asia/Shanghai


def door(n: int, device: str, *, when: datetime = NOW, flags: tuple[str, ...] = ()) -> DoorOpened:
    return DoorOpened(n, device, "一楼综合机房", when, "JF-1", "唐建峰", "138****1111", flags)


def test_board_tiles_counts_flags_filters_and_feed(qtbot):
    bus = EventBus()
    board = BoardPage(EventBridge(bus), lambda: date(2026, 12, 3))
    qtbot.addWidget(board)
    board.resize(1400, 800)
    board.show()
    board.set_catalog(CATALOG)
    board.load_history([door(1, "ACC-1", when=NOW - timedelta(days=1))])  # yesterday
    assert [t.device_id for t in board.visible_tiles()] == ["ACC-1", "ACC-2", "ACC-3"]
    tile = board.tiles["ACC-1"]
    assert tile.count.text() == "今日开门 0 次"
    assert not flashing(tile)  # history does not flash

    with qtbot.waitSignal(board_signal(board), timeout=2000):
        bus.publish(door(2, "ACC-1"))
    assert tile.when.text() == "10:30:00"
    assert tile.who.text() == "JF-1 · 唐建峰 · 138****1111"
    assert tile.count.text() == "今日开门 1 次"
    assert flashing(tile)  # a new door-open does
    assert tile.flags.isHidden()

    bus.publish(door(3, "ACC-2", flags=("outside_date", "not_written")))
    other = board.tiles["ACC-2"]
    qtbot.waitUntil(lambda: other.last is not None)
    assert not other.flags.isHidden()
    assert other.flags.text() == "⚠ 不在登记日期\n⚠ 人脸未写入该门"
    assert board.feed.count() == 3
    assert board.feed.item(0).text().endswith("⚠ 不在登记日期，人脸未写入该门")

    # a device not in the catalog gets a tile when its door opens (D11: nothing is dropped)
    bus.publish(door(4, "ACC-9"))
    qtbot.waitUntil(lambda: "ACC-9" in board.tiles)

    board.site_filter.setCurrentIndex(board.site_filter.findData("高新站点"))
    assert [t.device_id for t in board.visible_tiles()] == ["ACC-3"]
    board.site_filter.setCurrentIndex(board.site_filter.findData("秦都站点"))
    board.room_filter.setCurrentIndex(board.room_filter.findData("二楼传输机房"))
    assert [t.device_id for t in board.visible_tiles()] == ["ACC-2"]
    qtbot.waitUntil(lambda: not flashing(tile), timeout=5000)  # the flash ends by itself


def flashing(tile: DoorTile) -> bool:
    return tile.flashing


def board_signal(board: BoardPage):  # the bridge that feeds this board
    return board._bridge.doorOpened
