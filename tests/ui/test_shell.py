"""The shell: `station gui` starts, saves its screenshots and exits cleanly; an uncaught error is
logged and shown in a dialog; kiosk mode is full screen; code 22 shows in the status bar (D5)."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from station.config import save_settings
from station.ui import shell
from station.ui.tasks import spawn
from tests.ui.conftest import settings_for
from tests.ui.scenario import register_many

pytestmark = pytest.mark.gui


def test_station_gui_command_saves_screenshots_and_exits_cleanly(tmp_path: Path):
    config = tmp_path / "station.toml"
    save_settings(settings_for("http://127.0.0.1:9", camera={"source": "synthetic"}), config)
    shots = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, "-m", "station", "gui", "--config", str(config),
         "--data-dir", str(tmp_path / "data"), "--offscreen", "--screenshots", str(shots)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list(shots.glob("*.png"))) == 10
    log = (tmp_path / "data" / "logs" / "station.log").read_text(encoding="utf-8")
    for line in ("listener stopped", "GUI stopped"):
        assert line in log


def test_station_gui_that_cannot_start_says_why(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "station.db").write_text("not a database")  # a damaged SQLite file
    config = tmp_path / "station.toml"
    save_settings(settings_for("http://127.0.0.1:9", camera={"source": "synthetic"}), config)
    done = subprocess.run(
        [sys.executable, "-m", "station", "gui", "--config", str(config),
         "--data-dir", str(data_dir), "--offscreen", "--exit-after", "5"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "station gui: cannot start:" in done.stderr


def test_uncaught_error_in_a_task_is_logged_and_shown(loop, qtbot, caplog):
    async def broken() -> None:
        raise RuntimeError("boom in a slot")

    loop.set_exception_handler(shell.loop_exception_handler)
    try:
        with caplog.at_level(logging.ERROR, logger="station.ui.shell"):
            task = spawn(broken())
            qtbot.waitUntil(task.done)
            qtbot.waitUntil(lambda: bool(shell._dialogs))
    finally:
        loop.set_exception_handler(None)
    box = shell._dialogs[-1]
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    assert "boom in a slot" in box.text()
    assert box.windowTitle() == "程序出错"
    assert any("uncaught exception" in r.getMessage() for r in caplog.records)
    box.close()


def test_kiosk_mode_is_full_screen_and_stop_leaves_nothing_running(qtbot, start_gui, run):
    gui = start_gui(settings_for("http://127.0.0.1:9", station={"kiosk": True}))
    app = gui.app
    app.options.kiosk = None  # as [station] kiosk says
    app.show()
    assert gui.window.isFullScreen()
    camera_thread = app.camera.thread if app.camera else None
    assert camera_thread is not None
    qtbot.waitUntil(camera_thread.isRunning)
    run(app.stop(), 30)
    assert not camera_thread.isRunning()
    assert app.listener is None
    assert app.core is None
    assert not [t for t in threading.enumerate() if t.name.startswith("push-worker")]


def test_platform_paused_by_code_22_shows_in_the_status_bar(qtbot, start_gui, sim, run):
    sim.set_scenario("security")
    gui = start_gui(settings_for(sim.base_url))
    app = gui.app
    run(register_many(app, 1), 30)
    status = gui.window.status
    qtbot.waitUntil(lambda: "安全校验失败(22)" in status.platform.text(), timeout=15_000)
    history = app.history_page
    qtbot.waitUntil(lambda: history.filtered_rows() != [], timeout=5000)
    assert history.filtered_rows()[0][4] == "已暂停（安全校验失败）"
