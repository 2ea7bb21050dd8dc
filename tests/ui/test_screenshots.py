"""Screenshots of every page in Chinese and English, with live data, and every Chinese glyph
the GUI uses present in the loaded font (no boxes).

    STATION_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/ui/test_screenshots.py

saves them to that folder (else to a temporary one). ``station gui --screenshots DIR`` saves the
same pages of a running station.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QApplication

from station.ui.i18n import catalog_dir
from station.ui.screenshots import save_screenshots
from tests.ui.conftest import settings_for
from tests.ui.doors import post_door
from tests.ui.formfill import choose_place, consent, type_person
from tests.ui.scenario import register_many

pytestmark = [pytest.mark.gui, pytest.mark.slow]
ROOM_1 = "咸阳秦都应急楼一楼综合机房"
ROOM_2 = "咸阳秦都应急楼二楼传输机房"


def test_every_chinese_glyph_is_in_the_ui_font(loop):
    font = QApplication.font()
    assert font.family() in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC")
    metrics = QFontMetrics(font)
    catalog = json.loads((catalog_dir() / "en.json").read_text(encoding="utf-8"))
    chars = {c for text in catalog for c in text if re.match(r"[\u3000-\u9fff\uff00-\uffef]", c)}
    assert len(chars) > 300
    missing = sorted(c for c in chars if not metrics.inFontUcs4(ord(c)))
    assert missing == []


def test_screenshots_of_every_page_in_both_languages(qtbot, start_gui, sim, run, tmp_path):
    folder = Path(os.environ.get("STATION_SCREENSHOTS") or tmp_path / "screenshots")
    gui = start_gui(settings_for(sim.base_url, station={"name": "咸阳秦都应急楼"}))
    app = gui.app
    assert app.listener is not None
    sim.set_callback_base_url(app.listener.base_url)
    run(register_many(app, 6), 60)
    page = app.register_page
    type_person(qtbot, page, work_order="JF-20261203-0313")
    choose_place(qtbot, page, (ROOM_1, ROOM_2))
    consent(qtbot, page)
    qtbot.waitUntil(lambda: page.photo.jpeg is not None, timeout=20_000)
    qtbot.waitUntil(page.submit.isEnabled, timeout=5000)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.progress_page.cards != [], timeout=10_000)
    card = app.progress_page.cards[0]
    qtbot.waitUntil(lambda: any(d.state == "failed" for d in card.view.devices), timeout=15_000)
    for device, work_order in (("ACC-1001", "JF-20261203-0313"), ("ACC-1002", None)):
        post_door(qtbot, app.listener.base_url, work_order=work_order, device=device, room=ROOM_1)
    post_door(
        qtbot, app.listener.base_url, work_order="JF-20261203-0100", device="FAIL-2001", room=ROOM_2
    )
    # the register page as a clerk sees it mid-way: typed, photo taken
    qtbot.mouseClick(app.window.nav_button("register"), Qt.MouseButton.LeftButton)
    type_person(
        qtbot,
        page,
        work_order="JF-20261203-0314",
        name="牛航",
        account="niuhang",
        phone="13700003333",
    )
    choose_place(qtbot, page, (ROOM_1,))
    qtbot.waitUntil(lambda: page.photo.jpeg is not None, timeout=20_000)
    app.window.show_page("progress")
    written = run(save_screenshots(app.window, folder), 60)
    assert [p.name for p in written] == [
        f"{n}-{key}-{lang}.png"
        for lang in ("zh_CN", "en")
        for n, key in enumerate(("register", "progress", "board", "history", "settings"), 1)
    ]
    # and the settings as the administrator sees them once the PIN is set
    qtbot.mouseClick(app.window.nav_button("settings"), Qt.MouseButton.LeftButton)
    settings = app.settings_page
    for line in (settings.gate.pin, settings.gate.confirm):
        qtbot.keyClicks(line, "2468")
    qtbot.mouseClick(settings.gate.button, Qt.MouseButton.LeftButton)
    assert settings.unlocked
    settings.tabs.setCurrentIndex(1)  # 动环平台
    unlocked = folder / "6-settings-unlocked-zh_CN.png"
    assert app.window.grab().save(str(unlocked))
    written.append(unlocked)
    for path in written:
        image = QImage(str(path))
        assert image.width() >= 1200
        assert image.height() >= 800
        assert path.stat().st_size > 30_000, path  # a real page, not an empty frame
