"""GUI test fixtures: one session qasync loop (NOTES.md), the real simulator in a thread, a
video-file camera of a real face, and a started :class:`GuiApp` per test on a fresh data dir."""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import qasync

from station.camera.captures import VideoFileCapture
from station.config import Settings, parse_settings, save_settings
from station.records.catalog_file import CatalogEntry
from station.records.catalog_store import import_entries
from station.sim import SimConfig, SimHandle, run_simulator_in_thread
from station.ui import tasks
from station.ui.app import GuiApp, GuiOptions
from station.ui.i18n import translator
from station.ui.window import MainWindow
from tests.helpers.photos import astronaut

CATALOG = (
    CatalogEntry("咸阳市", "咸阳秦都站点", "咸阳秦都应急楼一楼综合机房", "ACC-1001"),
    CatalogEntry("咸阳市", "咸阳秦都站点", "咸阳秦都应急楼一楼综合机房", "ACC-1002"),
    CatalogEntry("咸阳市", "咸阳秦都站点", "咸阳秦都应急楼二楼传输机房", "FAIL-2001"),
    CatalogEntry("西安市", "西安高新站点", "西安高新三楼数据机房", "ACC-3001"),
)


@pytest.fixture(scope="session")
def loop(qapp: Any) -> Iterator[qasync.QEventLoop]:
    from station.ui.shell import make_application

    switch_interval = sys.getswitchinterval()
    make_application()  # as `station gui` does: CJK font, Qt log routing, GIL switch interval
    event_loop = qasync.QEventLoop(qapp, already_running=True)
    # plain threads for asyncio.to_thread: qasync's default QThreadExecutor would still be
    # running when the session ends (the loop is never closed), and Qt aborts on that
    executor = ThreadPoolExecutor(4, thread_name_prefix="gui-test")
    event_loop.set_default_executor(executor)
    asyncio.set_event_loop(event_loop)
    asyncio.events._set_running_loop(None)  # set per GUI test only (see running_loop)
    yield event_loop
    executor.shutdown(wait=True)
    asyncio.set_event_loop(None)
    sys.setswitchinterval(switch_interval)  # the rest of the suite runs as it would alone


@pytest.fixture(autouse=True)
def running_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """The qasync loop counts as running only during GUI tests: qasync's ``already_running``
    marks it running for good, and ``asyncio.run`` in a later, non-GUI test would refuse."""
    if "loop" not in request.fixturenames:
        yield
        return
    event_loop = request.getfixturevalue("loop")
    asyncio.events._set_running_loop(event_loop)
    yield
    asyncio.events._set_running_loop(None)


@pytest.fixture
def run(loop: qasync.QEventLoop, qtbot: Any) -> Iterator[Callable[..., Any]]:
    """``run(coro, timeout_s)``: drive a coroutine on the session loop from a sync test."""

    def runner(coro: Coroutine[Any, Any, Any], timeout: float = 20) -> Any:
        task = loop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    yield runner
    for task in tasks.pending():
        task.cancel()
    translator.set_language("zh_CN")


@pytest.fixture(scope="session")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 640×480 MJPG clip of a real face (the astronaut) swaying slightly, like a webcam."""
    path = tmp_path_factory.mktemp("camera") / "face.avi"
    size, fps = (640, 480), 15
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    assert writer.isOpened()
    base = cv2.resize(astronaut(), size)
    for i in range(30):
        dx = 3 * math.sin(2 * math.pi * i / 30)
        matrix = np.array([[1, 0, dx], [0, 1, 0]], dtype=np.float32)
        writer.write(cv2.warpAffine(base, matrix, size, borderMode=cv2.BORDER_REPLICATE))
    writer.release()
    return path


@pytest.fixture
def sim() -> Iterator[SimHandle]:
    config = SimConfig(
        callback_base_url="http://127.0.0.1:9",  # set to the listener's URL once it listens
        scenario="success",
        device_scenarios=(("FAIL-*", "fail-then-success"),),
        callback_delay_s=0.1,
        door_events=False,
        seed=7,
    )
    with run_simulator_in_thread(config) as handle:
        yield handle


def settings_for(base_url: str, **sections: dict[str, Any]) -> Settings:
    data: dict[str, Any] = {
        "platform": {"base_url": base_url, "timeout_s": 3, "connect_timeout_s": 1},
        "listener": {"port": 0},
        "retry": {
            "after_failure_s": 2,
            "after_silence_s": 30,
            "after_not_effective_s": 1,
            "backoff_base_s": 1,
            "backoff_max_s": 2,
            "poll_s": 0.2,
        },
        "camera": {"source": "synthetic", "stable_s": 0.1, "auto_capture_s": 0.3},
    }
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    return parse_settings(data)


@dataclass
class Gui:
    app: GuiApp
    config_path: Path

    @property
    def window(self) -> MainWindow:
        assert self.app.window is not None
        return self.app.window


@pytest.fixture
def start_gui(
    run: Callable[..., Any], tmp_path: Path, face_video: Path, qtbot: Any
) -> Iterator[Callable[..., Gui]]:
    started: list[GuiApp] = []

    def start(settings: Settings, *, camera: bool = True, video: Path | None = None) -> Gui:
        config_path = tmp_path / "station.toml"
        save_settings(settings, config_path)
        data_dir = tmp_path / "data"
        clip = video or face_video
        factory = (lambda: VideoFileCapture.open(clip, 15)) if camera else None
        app = GuiApp(
            settings,
            config_path,
            data_dir,
            GuiOptions(camera=camera, camera_factory=factory, kiosk=False),
        )
        started.append(app)
        run(_start_with_catalog(app), 30)
        app.show()  # closed and deleted by app.stop() at teardown
        return Gui(app, config_path)

    yield start
    for app in started:
        run(app.stop(), 30)
    # let the listener's closed connections finish their handler tasks on this loop
    run(asyncio.sleep(0.1))


async def _start_with_catalog(app: GuiApp) -> None:
    from station.store import open_store

    store = await asyncio.to_thread(open_store, app.settings.storage, app.data_dir)
    try:
        with store.transaction() as session:
            import_entries(session, CATALOG)
    finally:
        store.close()
    await app.start()
