"""The whole clerk flow on the real listener, the real simulator and a video-file camera (issue 5).

Type the form, let the quality gate auto-capture the face, submit, then watch each device reach
``written`` on the progress page (D4), a fail-then-success device show its countdown first (D14),
the "成功但未生效" button schedule the re-push (D14), and door-open events reach the board with
their flags (DESIGN §4, D11).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt

from station.ui.models import DeviceTableModel
from tests.ui.conftest import settings_for
from tests.ui.doors import post_door
from tests.ui.formfill import choose_place, consent, type_person

pytestmark = pytest.mark.gui

ROOM_1 = "咸阳秦都应急楼一楼综合机房"
ROOM_2 = "咸阳秦都应急楼二楼传输机房"
COUNTDOWN = re.compile(r"\d\d:\d\d 后重推|即将重推")


def state_of(card: Any, device_id: str) -> str:
    row = card.model.row_of(device_id)
    return str(card.model.data(card.model.index(row, 0), Qt.ItemDataRole.UserRole))


def cell(card: Any, device_id: str, column: int) -> str:
    row = card.model.row_of(device_id)
    return str(card.model.data(card.model.index(row, column)))


def register_one(qtbot: Any, gui: Any, rooms: tuple[str, ...]) -> Any:
    app = gui.app
    page = app.register_page
    type_person(qtbot, page)
    choose_place(qtbot, page, rooms)
    consent(qtbot, page)
    # the camera's live gate passes the face and auto-captures it
    qtbot.waitUntil(lambda: page.photo.jpeg is not None, timeout=20_000)
    assert page.photo.jpeg is not None
    assert page.photo.jpeg.startswith(b"\xff\xd8")
    qtbot.waitUntil(page.submit.isEnabled, timeout=5000)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gui.window.current_key() == "progress", timeout=10_000)
    cards = app.progress_page.cards
    assert len(cards) == 1
    return cards[0]


def test_register_push_written_countdown_not_effective_and_board(qtbot, start_gui, sim):
    gui = start_gui(settings_for(sim.base_url))
    listener = gui.app.listener
    assert listener is not None
    sim.set_callback_base_url(listener.base_url)

    card = register_one(qtbot, gui, (ROOM_1, ROOM_2))
    assert sorted(d.device_id for d in card.view.devices) == ["ACC-1001", "ACC-1002", "FAIL-2001"]
    assert card.view.phone_masked == "138****1111"

    # the failing device shows its failure and a live countdown to the re-push (D14) ...
    qtbot.waitUntil(lambda: state_of(card, "FAIL-2001") == "failed", timeout=15_000)
    assert COUNTDOWN.fullmatch(cell(card, "FAIL-2001", DeviceTableModel.NEXT))
    assert "失败" in cell(card, "FAIL-2001", 3)
    # ... and every device ends written (the re-push succeeds)
    for device in ("ACC-1001", "ACC-1002", "FAIL-2001"):
        qtbot.waitUntil(lambda d=device: state_of(card, d) == "written", timeout=20_000)
    assert cell(card, "FAIL-2001", 4) == "2"
    assert cell(card, "ACC-1001", 2) == "已写入，可刷脸开门"

    # "成功但未生效" on a written device schedules its re-push (D14) and it is written again
    button = card.button_for("ACC-1001")
    assert button is not None
    assert button.text() == "成功但未生效"
    pushes_before = len(sim.records(kind="addFace", direction="in"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state_of(card, "ACC-1001") != "written", timeout=5000)
    assert state_of(card, "ACC-1001") in ("not_effective", "sending", "accepted")
    qtbot.waitUntil(lambda: state_of(card, "ACC-1001") == "written", timeout=20_000)
    pushed_again = sim.records(kind="addFace", direction="in")[pushes_before:]
    assert pushed_again, "no re-push reached the platform"
    assert pushed_device_ids(pushed_again[-1]) == ["ACC-1001"]

    # the history lists it with every device written
    history = gui.app.history_page
    qtbot.waitUntil(lambda: any("3/3" in r for r in history.filtered_rows()), timeout=5000)

    # a door opened by the registered worker, and one opened with no work order
    board = gui.app.board_page
    post_door(
        qtbot, listener.base_url, work_order="JF-20261203-0001", device="ACC-1002", room=ROOM_1
    )
    tile = board.tiles["ACC-1002"]
    qtbot.waitUntil(lambda: tile.last is not None, timeout=5000)
    assert tile.last.work_order == "JF-20261203-0001"
    assert tile.last.flags == ()
    assert "138****1111" in tile.who.text()
    assert "13800001111" not in tile.who.text()
    assert tile.count.text() == "今日开门 1 次"
    assert tile.flashing

    post_door(qtbot, listener.base_url, work_order=None, device="ACC-1001", room=ROOM_1)
    other = board.tiles["ACC-1001"]
    qtbot.waitUntil(lambda: other.last is not None, timeout=5000)
    assert "no_work_order" in other.last.flags
    assert "无工单开门" in other.flags.text()
    assert board.feed.count() == 2


def pushed_device_ids(record: dict[str, Any]) -> list[str]:
    """deviceId of an addFace push as the simulator recorded it (form-data ``data`` part)."""
    data = next(p["value"] for p in record["parts"] if p["name"] == "data")
    return list(data["deviceId"])
