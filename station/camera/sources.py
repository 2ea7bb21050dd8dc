"""Frame sources for the preview and the live gate, chosen by ``[camera] source``.

``source`` is a webcam index (``"0"``), ``"synthetic"``, a folder of still images, one image
file or several joined with the path separator (``:`` on Linux, ``;`` on Windows), or a video
file (played in a loop at its own rate). A UI worker thread calls :meth:`FrameSource.read` in a
loop and another thread may call :meth:`FrameSource.release` at any time to stop it.

A camera that is missing, or stops delivering frames for ``lost_after_s``, puts the source in
the ``lost`` state (未检测到摄像头); it is reopened every ``retry_s`` and goes back to ``live``
when frames come again. Nothing here raises because a camera is missing.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from station.camera.captures import (
    IMAGE_SUFFIXES,
    Capture,
    StillsCapture,
    SyntheticCapture,
    VideoFileCapture,
    WebcamCapture,
    stills_in,
)
from station.config import CameraSettings

log = logging.getLogger(__name__)

CaptureFactory = Callable[[], Capture | None]
_MAX_SKIP = 5  # frames a paced file source drops at most to catch up
Ticker = Callable[[], float]


class CameraState(enum.StrEnum):
    STARTING = "starting"
    LIVE = "live"
    LOST = "lost"
    STOPPED = "stopped"


STATE_TEXT_ZH = {
    CameraState.STARTING: "正在打开摄像头",
    CameraState.LIVE: "摄像头正常",
    CameraState.LOST: "未检测到摄像头",
    CameraState.STOPPED: "摄像头已关闭",
}
STATE_TEXT_EN = {
    CameraState.STARTING: "Opening the camera",
    CameraState.LIVE: "Camera OK",
    CameraState.LOST: "No camera detected",
    CameraState.STOPPED: "Camera stopped",
}


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # BGR; mirrored when ``mirrored`` (flip it back before saving a photo)
    index: int  # position in the stream, from 1 (frames a slow reader missed count too)
    timestamp: float  # seconds: media time for files and stills, monotonic for webcams
    mirrored: bool = False

    def unmirrored(self) -> np.ndarray:
        return cv2.flip(self.image, 1) if self.mirrored else self.image


class FrameSource:
    """Paced, self-healing frames from a capture factory. ``read`` blocks at most about one
    frame period (or 50 ms while lost) and returns None when no frame is available.
    ``on_state`` is called on the reading thread (on the releasing one for ``stopped``)."""

    def __init__(
        self,
        factory: CaptureFactory,
        *,
        name: str = "camera",
        mirror: bool = False,
        max_size: tuple[int, int] | None = None,
        lost_after_s: float = 2.0,
        retry_s: float = 1.0,
        pace: bool = True,
        ticker: Ticker = time.monotonic,
        on_state: Callable[[CameraState], None] | None = None,
    ) -> None:
        self.name = name
        self._factory = factory
        self._mirror = mirror
        self._max_size = max_size
        self._lost_after_s = lost_after_s
        self._retry_s = retry_s
        self._pace = pace
        self._ticker = ticker
        self._on_state = on_state
        self._lock = threading.RLock()  # guards the capture; on_state may call release()
        self._stop = threading.Event()
        self._capture: Capture | None = None
        self._state = CameraState.STARTING
        self._index = 0
        self._next_open = ticker()
        self._last_frame_at = ticker()
        self._next_due = 0.0

    @property
    def state(self) -> CameraState:
        return self._state

    @property
    def fps(self) -> float | None:
        """The rate frames come at, once open."""
        capture = self._capture
        return None if capture is None else capture.device_fps or capture.fps

    def read(self) -> Frame | None:
        with self._lock:
            if self._stop.is_set():
                return None
            if self._capture is None and not self._try_open():
                self._stop.wait(min(0.05, self._retry_s))
                return None
            assert self._capture is not None
            try:
                image = self._capture.read()
            except cv2.error as exc:  # a driver error is a missing frame, never a crash
                log.warning("camera %s read failed: %s", self.name, exc)
                image = None
            now = self._ticker()
            if image is None:
                if now - self._last_frame_at >= self._lost_after_s:
                    self._lose("no frame for %.1f s" % (now - self._last_frame_at))
                else:
                    self._stop.wait(0.01)
                return None
            self._last_frame_at = now
            frame = self._frame(image, self._capture, now)
        self._set_state(CameraState.LIVE)
        return frame

    def release(self) -> None:
        """Stop: pending and later reads return None; the device is closed. Thread-safe."""
        self._stop.set()
        with self._lock:
            if self._capture is not None:
                self._capture.close()
                self._capture = None
        self._set_state(CameraState.STOPPED)

    def _try_open(self) -> bool:
        now = self._ticker()
        if now < self._next_open:
            return False
        self._next_open = now + self._retry_s
        try:
            self._capture = self._factory()
        except (cv2.error, OSError) as exc:  # a broken driver must not take the app down
            log.warning("camera %s failed to open: %s", self.name, exc)
            self._capture = None
        if self._capture is None:
            self._set_state(CameraState.LOST)
            return False
        self._last_frame_at = now
        self._next_due = now
        log.info("camera %s opened", self.name)
        return True

    def _lose(self, why: str) -> None:
        log.warning("camera %s lost: %s", self.name, why)
        assert self._capture is not None
        self._capture.close()
        self._capture = None
        self._next_open = self._ticker() + self._retry_s
        self._set_state(CameraState.LOST)

    def _frame(self, image: np.ndarray, capture: Capture, now: float) -> Frame:
        if capture.device_fps is None:
            period = 1.0 / capture.fps
            if self._pace:
                image = self._keep_pace(image, capture, now, period)
            timestamp = self._index * period
        else:
            timestamp = now
        image = self._fit(image)
        if self._mirror:
            image = cv2.flip(image, 1)
        self._index += 1
        return Frame(image, self._index, timestamp, self._mirror)

    def _keep_pace(
        self, image: np.ndarray, capture: Capture, now: float, period: float
    ) -> np.ndarray:
        """Wait for this frame's time; a consumer that fell behind gets the newest frame
        instead (frames in between are dropped, as a webcam does), so a clip plays in real time."""
        due = self._next_due
        if now - due >= period * 0.999:
            skip = min(int((now - due) / period + 1e-3), _MAX_SKIP)
            for _ in range(skip):
                newer = capture.read()
                if newer is None:
                    break
                image = newer
                self._index += 1
            due += skip * period
            if now - due >= period * 0.999:  # far behind: restart the clock
                due = now
        elif due > now:
            self._stop.wait(due - now)
        self._next_due = due + period
        return image

    def _fit(self, image: np.ndarray) -> np.ndarray:
        if self._max_size is None:
            return image
        width, height = self._max_size
        scale = min(width / image.shape[1], height / image.shape[0])
        if scale >= 1.0:
            return image
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA)

    def _set_state(self, state: CameraState) -> None:
        if state is self._state or self._state is CameraState.STOPPED:
            return
        self._state = state
        log.info("camera %s state: %s", self.name, state.value)
        if self._on_state is not None:
            self._on_state(state)


def capture_factory(camera: CameraSettings) -> tuple[str, CaptureFactory]:
    """A name and a factory for ``[camera] source`` (see the module docstring)."""
    source = camera.source.strip()
    if source.isdigit():
        index = int(source)
        return f"webcam {index}", lambda: WebcamCapture.open(
            index, camera.width, camera.height, camera.fps
        )
    if source == "synthetic":
        return "synthetic", lambda: SyntheticCapture(camera.width, camera.height, camera.fps)
    parts = [Path(p) for p in source.split(os.pathsep) if p]
    if len(parts) == 1 and parts[0].is_dir():
        folder = parts[0]
        return f"stills {folder}", lambda: StillsCapture.open(stills_in(folder), camera.fps)
    if parts and all(p.suffix.lower() in IMAGE_SUFFIXES for p in parts):
        return "stills", lambda: StillsCapture.open(parts, camera.fps)
    path = Path(source)
    return f"video {path.name}", lambda: VideoFileCapture.open(path, camera.fps)


def open_source(
    camera: CameraSettings,
    *,
    factory: CaptureFactory | None = None,
    pace: bool = True,
    ticker: Ticker = time.monotonic,
    on_state: Callable[[CameraState], None] | None = None,
) -> FrameSource:
    """The configured source; ``factory`` replaces the capture (tests inject a fake webcam)."""
    name, default_factory = capture_factory(camera)
    return FrameSource(
        factory or default_factory,
        name=name,
        mirror=camera.mirror,
        max_size=(camera.width, camera.height),
        lost_after_s=camera.lost_after_s,
        retry_s=camera.retry_s,
        pace=pace,
        ticker=ticker,
        on_state=on_state,
    )
