"""The GUI's composition root: config → core (store, service, worker) → listener → camera →
window. It owns the lifecycle: :meth:`GuiApp.start` brings everything up on the running qasync
loop, :meth:`GuiApp.stop` takes it down (camera released, listener closed, worker stopped,
database closed) so nothing is left running. Widgets get only the services they use.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer

from station.app import Core, build_core
from station.camera.sources import CaptureFactory
from station.config import Settings
from station.domain.clock import Clock
from station.domain.events import DeviceStateChanged, PlatformPaused
from station.domain.rules import RetryPolicy
from station.listener import Listener
from station.privacy.scheduler import retention_loop
from station.push.worker import PushWorker
from station.ui import probes, tasks, timefmt
from station.ui.bridge import EventBridge
from station.ui.camera_worker import CameraThread
from station.ui.core import StationFacade
from station.ui.i18n import tr, translator
from station.ui.pages.board import BoardPage
from station.ui.pages.history import HistoryPage
from station.ui.pages.progress import ProgressPage
from station.ui.pages.register import RegisterPage
from station.ui.pages.settings import SettingsPage
from station.ui.priority import lower_background_threads
from station.ui.tasks import spawn
from station.ui.theme import style_sheet
from station.ui.window import MainWindow

log = logging.getLogger(__name__)

#: Push threads in the GUI process. A kiosk registers people one at a time; every extra thread
#: doing Python work competes with the GUI thread for the interpreter lock (loop lag, DESIGN §6).
#: ``station serve`` keeps the worker's default for bulk throughput.
GUI_PUSH_THREADS = 1

PAGES = (
    ("register", "登记"),
    ("progress", "进度"),
    ("board", "门禁看板"),
    ("history", "记录"),
    ("settings", "设置"),
)


@dataclass
class GuiOptions:
    clock: Clock | None = None
    camera: bool = True  # False: no camera thread (the page says so)
    camera_factory: CaptureFactory | None = None  # tests: a video file instead of the webcam
    kiosk: bool | None = None  # None: [station] kiosk


class GuiApp:
    def __init__(
        self,
        settings: Settings,
        config_path: Path,
        data_dir: Path,
        options: GuiOptions | None = None,
    ) -> None:
        self.settings, self.config_path, self.data_dir = settings, config_path, data_dir
        self.options = options or GuiOptions()
        self.core: Core | None = None
        self.listener: Listener | None = None
        self.camera: CameraThread | None = None
        self.window: MainWindow | None = None
        self._frozen = False  # gc.freeze() at start, undone at stop
        self._refresh = QTimer(singleShot=True, interval=1000)  # status: at most once a second
        self._refresh.timeout.connect(lambda: spawn(self.refresh_status()))
        # threads come and go (to_thread pools, the listener's store pool): renice new ones
        self._priority = QTimer(interval=2000)
        self._priority.timeout.connect(lower_background_threads)

    # lifecycle ---------------------------------------------------------------------------------
    async def start(self) -> MainWindow:
        settings = self.settings
        translator.set_language(settings.station.language)
        timefmt.set_timezone(settings.station.timezone)
        self.core = core = await asyncio.to_thread(
            build_core, settings, self.data_dir, self.options.clock
        )
        self.facade = StationFacade(core.station, clerk=settings.station.name or "kiosk")
        self.bridge = EventBridge(core.bus)
        self.camera = self._make_camera()
        self.window = self._build_window()
        await self._start_listener()
        core.worker.concurrency = GUI_PUSH_THREADS
        core.worker.start()
        spawn(retention_loop(core))  # issue 7: retention at start, then every purge_interval_s
        if self.camera is not None:
            self.camera.start()
        await self._load()
        lower_background_threads()
        self._priority.start()
        # A full garbage collection walks every object the process holds (Qt bindings,
        # SQLAlchemy, the app) with the interpreter lock held: 100-200 ms, a frozen GUI loop
        # (DESIGN §6). What exists once the app is up lives as long as the app: freeze it, so
        # later collections walk only what was created since.
        gc.freeze()
        self._frozen = True
        return self.window

    async def stop_partial(self) -> None:
        """After a failed start: release whatever did start."""
        await self.stop()

    async def stop(self) -> None:
        if self._frozen:
            gc.unfreeze()  # what the app held becomes collectable again once released
            self._frozen = False
        bridge = getattr(self, "bridge", None)
        if bridge is not None:
            bridge.close()  # first: no event may reach a widget that is going away
        self._refresh.stop()
        self._priority.stop()
        current = asyncio.current_task()
        for task in tasks.pending():
            if task is not current:
                task.cancel()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.camera is not None:
            self.camera.stop()
            self.camera = None
        if self.listener is not None:
            await self.listener.stop()
            self.listener = None
        if self.core is not None:
            await asyncio.to_thread(self.core.close)
            self.core = None
        log.info("GUI stopped")

    def _make_camera(self) -> CameraThread | None:
        if not self.options.camera:
            return None
        from station.ui.camera_adapter import LivePipeline, register_camera_translations

        register_camera_translations()
        pipeline = LivePipeline(
            self.settings.camera, self.settings.photo, factory=self.options.camera_factory
        )
        return CameraThread(pipeline)

    async def _start_listener(self) -> None:
        assert self.core is not None
        assert self.window is not None
        try:
            listener = Listener(self.settings.listener, self.core.station, self.options.clock)
            await listener.start()
        except Exception as exc:
            log.error("listener could not start: %s", exc)
            self.window.status.set_listener("")
            self.window.flag_error(tr("回调监听未能启动：{error}", error=str(exc)))
            return
        self.listener = listener
        self.window.status.set_listener(listener.base_url)

    # composition ---------------------------------------------------------------------------
    def today(self) -> date:
        tz = ZoneInfo(self.settings.station.timezone)
        return self.now().astimezone(tz).date()

    def now(self) -> datetime:
        assert self.core is not None
        return self.core.station.now()

    def _build_window(self) -> MainWindow:
        settings = self.settings
        window = MainWindow(settings.station.name)
        window.setStyleSheet(style_sheet(self._kiosk()))
        window.on_language = self.set_language
        self.register_page = RegisterPage(
            self.facade,
            self.camera,
            escort_required=settings.platform.protocol == "v1",
            retention_days=max(1, round(settings.storage.photo_keep_after_written_s / 86400)),
            today=self.today,
            on_submitted=self._submitted,
        )
        self.progress_page = ProgressPage(self.facade, self.bridge, self.now)
        self.board_page = BoardPage(self.bridge, self.today)
        self.history_page = HistoryPage(self.facade, self.bridge, self.open_registration)
        self.settings_page = SettingsPage(
            settings,
            self.config_path,
            apply=self.apply_settings,
            test_platform=probes.test_platform,
            test_listener=lambda _s: probes.test_listener(
                self.listener.base_url if self.listener else None
            ),
        )
        pages = (
            self.register_page,
            self.progress_page,
            self.board_page,
            self.history_page,
            self.settings_page,
        )
        for (key, title), page in zip(PAGES, pages, strict=True):
            window.add_page(key, title, page)
            translator.changed.connect(page.retranslate)  # type: ignore[attr-defined]
        self.bridge.deviceStateChanged.connect(self._on_device_state)
        self.bridge.registrationStored.connect(lambda _e: self._schedule_refresh())
        self.bridge.platformPaused.connect(self._on_paused)
        self.bridge.platformResumed.connect(lambda _e: window.status.set_platform("ok"))
        return window

    def _kiosk(self) -> bool:
        kiosk = self.options.kiosk
        return self.settings.station.kiosk if kiosk is None else kiosk

    def show(self) -> None:
        assert self.window is not None
        if self._kiosk():
            self.window.showFullScreen()
        else:
            self.window.resize(1440, 900)
            self.window.show()

    async def _load(self) -> None:
        catalog = await self.facade.catalog()
        self.register_page.set_catalog(catalog)
        self.board_page.set_catalog(catalog)
        self.board_page.load_history(await self.facade.door_events(500))
        await self.history_page.reload()
        await self.refresh_status()

    async def refresh_status(self) -> None:
        if self.core is None or self.window is None:
            return
        due, scheduled = await self.facade.queue_depth()
        paused, reason = await self.facade.platform_paused()
        self.window.status.set_queue(due, scheduled)
        if paused:
            self.window.status.set_platform("paused", reason)

    # reactions -----------------------------------------------------------------------------
    def _on_device_state(self, event: DeviceStateChanged) -> None:
        if self.window is None:
            return
        if event.state == "retrying":
            self.window.status.set_platform("unreachable", event.last_result)
        elif event.state in ("accepted", "written") and self.window.status._platform[0] != "paused":
            self.window.status.set_platform("ok")
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        """Throttle, not debounce: under a steady stream of events the status still updates
        once a second (a restarted timer would wait for a quiet moment)."""
        if not self._refresh.isActive():
            self._refresh.start()

    def _on_paused(self, event: PlatformPaused) -> None:
        if self.window is None:
            return
        self.window.status.set_platform("paused", event.reason)

    def _submitted(self, ids: list[int]) -> None:
        spawn(self.open_registrations(ids))

    def open_registration(self, registration_id: int) -> None:
        spawn(self.open_registrations([registration_id]))

    async def open_registrations(self, ids: list[int]) -> None:
        assert self.window is not None
        await self.progress_page.show_registrations(ids)
        self.window.show_page("progress")

    def set_language(self, language: str) -> None:
        translator.set_language(language)

    async def apply_settings(self, old: Settings, new: Settings) -> None:
        """Apply saved settings without restarting the app (listener/worker/camera as needed)."""
        assert self.core is not None
        assert self.window is not None
        self.settings = new
        core = self.core
        core.settings = new
        core.station.settings = new
        core.station.policy = RetryPolicy.from_settings(new.retry)
        if new.listener != old.listener:
            if self.listener is not None:
                await self.listener.stop()
                self.listener = None
            await self._start_listener()
        lower_background_threads()
        if new.platform != old.platform or new.retry != old.retry:
            await asyncio.to_thread(core.worker.stop)
            core.worker = PushWorker(core.station, new, concurrency=GUI_PUSH_THREADS)
            core.worker.start()
        if (new.camera != old.camera or new.photo != old.photo) and self.options.camera:
            if self.camera is not None:
                self.camera.stop()
            self.camera = self._make_camera()
            self._rewire_camera()
        if new.station.language != old.station.language:
            self.set_language(new.station.language)
        if new.station.kiosk != old.station.kiosk:
            self.options.kiosk = None
            self.window.setStyleSheet(style_sheet(self._kiosk()))
            self.show()
        log.info("settings applied")

    def _rewire_camera(self) -> None:
        page = self.register_page
        page._camera = self.camera
        if self.camera is not None:
            worker = self.camera.worker
            worker.frameReady.connect(page._frame)
            worker.captured.connect(page._captured)
            worker.qrDecoded.connect(page._qr)
            worker.cameraLost.connect(page._camera_lost)
            self.camera.start()


Factory = Callable[[], GuiApp]
