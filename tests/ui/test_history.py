"""记录: a searchable, sortable table over the store; open one to its progress; CSV export."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import settings_for
from tests.ui.formfill import type_text
from tests.ui.scenario import register_many

pytestmark = pytest.mark.gui


def test_search_open_and_export(qtbot, start_gui, run, tmp_path):
    gui = start_gui(settings_for("http://127.0.0.1:9"), camera=False)
    app = gui.app
    run(register_many(app, 3), 30)
    page = app.history_page
    qtbot.mouseClick(gui.window.nav_button("history"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    assert page.count.text() == "显示 3 / 共 3 条"

    type_text(qtbot, page.search, "0101")
    assert [r[0] for r in page.filtered_rows()] == ["JF-20261203-0101"]
    assert page.count.text() == "显示 1 / 共 3 条"

    path = tmp_path / "export.csv"
    assert page.export_csv(path) == 1
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["工单号", "姓名", "身份"]
    assert rows[1][0] == "JF-20261203-0101"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese

    # sorting by work order, descending
    page.search.clear()
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert next(r[0] for r in page.filtered_rows()) == "JF-20261203-0102"

    # open the selected row: the progress page shows that registration
    page.table.selectRow(0)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gui.window.current_key() == "progress", timeout=5000)
    cards = app.progress_page.cards
    assert [c.view.work_order for c in cards] == ["JF-20261203-0102"]
    assert {d.device_id for d in cards[0].view.devices} == {"ACC-1001", "ACC-1002"}
