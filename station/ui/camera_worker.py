"""The camera preview worker: a QObject on a QThread (STYLE: Async, threads and hardware).

The worker reads frames from a Qt-free :class:`CameraPipeline` (``station.camera`` behind an
adapter), evaluates each one with the live quality gate, and emits a *copied* ``QImage`` plus what
the overlay needs. Capture, auto-capture and QR scanning are requested from the GUI thread with
thread-safe flags; results come back as queued signals. It stops with a flag, then the pipeline
is released and the thread quits and is waited for — never ``terminate()``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capture:
    jpeg: bytes | None  # terminal-ready JPEG; None when the gate refused the frame
    problems: tuple[str, ...]  # Chinese hints when refused


@dataclass(frozen=True)
class LiveView:
    """What the preview shows for one frame."""

    ok: bool  # the stable verdict passes the gate
    hint: str  # Chinese hint for the clerk and the worker ("" when ok)
    face: tuple[int, int, int, int] | None  # x, y, w, h in frame pixels
    progress: float = 0.0  # 0–1 towards auto-capture
    captured: Capture | None = None  # set on the frame where auto-capture made the photo


class CameraPipeline(Protocol):
    """Runs in the camera thread only (except ``release``, which must be thread-safe)."""

    def read(self) -> Any | None: ...  # a frame, paced at the source's rate; None: none now
    def image(self, frame: Any) -> np.ndarray: ...  # the BGR pixels to show
    def evaluate(self, frame: Any) -> LiveView: ...  # the stable verdict; may auto-capture
    def capture(self, frame: Any) -> Capture: ...  # capture now (the capture button)
    def set_auto(self, on: bool) -> None: ...
    def rearm(self) -> None: ...  # after a retake: auto-capture may fire again
    def decode_qr(self, frame: Any) -> str | None: ...
    def release(self) -> None: ...


def to_qimage(frame: np.ndarray) -> QImage:
    """A deep copy of a BGR frame as a QImage (the numpy buffer is reused by the next read)."""
    height, width = frame.shape[:2]
    rgb = np.ascontiguousarray(frame[:, :, ::-1]) if frame.ndim == 3 else frame
    fmt = QImage.Format.Format_RGB888 if frame.ndim == 3 else QImage.Format.Format_Grayscale8
    return QImage(rgb.data, width, height, rgb.strides[0], fmt).copy()


class CameraWorker(QObject):
    frameReady = Signal(QImage, object)  # image, LiveView
    captured = Signal(object)  # Capture
    qrDecoded = Signal(str)
    cameraLost = Signal()
    stopped = Signal()

    def __init__(self, pipeline: CameraPipeline) -> None:
        super().__init__()
        self._pipeline = pipeline
        self._stop = threading.Event()
        self._capture = threading.Event()
        self._scan = threading.Event()
        self._rearm = threading.Event()
        self._active = threading.Event()  # the preview is on screen: evaluate frames
        self._active.set()
        self._auto: bool | None = None
        self.frames = 0

    def request_capture(self) -> None:
        self._capture.set()

    def set_active(self, on: bool) -> None:
        """Off while the register page is hidden: no detection burns CPU for nobody (the
        GUI loop shares the machine's two cores with the listener and the push worker)."""
        (self._active.set if on else self._active.clear)()

    def set_auto_capture(self, on: bool) -> None:
        self._auto = on

    def rearm(self) -> None:
        """After a retake or a submit: the next good stretch may auto-capture again."""
        self._rearm.set()

    def request_scan(self, on: bool = True) -> None:
        (self._scan.set if on else self._scan.clear)()

    def stop(self) -> None:
        self._stop.set()

    @Slot()
    def run(self) -> None:
        lost = False
        try:
            while not self._stop.is_set():
                if not self._active.is_set():
                    self._stop.wait(0.1)
                    continue
                frame = self._pipeline.read()
                if frame is None:
                    if not lost:
                        lost = True
                        self.cameraLost.emit()
                    self._stop.wait(0.2)
                    continue
                lost = False
                self.frames += 1
                self._handle(frame)
        except Exception:
            log.exception("camera worker failed")
            self.cameraLost.emit()
        finally:
            self._pipeline.release()
            self.stopped.emit()

    def _handle(self, frame: Any) -> None:
        if self._auto is not None:
            self._pipeline.set_auto(self._auto)
            self._auto = None
        if self._rearm.is_set():
            self._rearm.clear()
            self._pipeline.rearm()
        view = self._pipeline.evaluate(frame)
        self.frameReady.emit(to_qimage(self._pipeline.image(frame)), view)
        if self._scan.is_set():
            text = self._pipeline.decode_qr(frame)
            if text:
                self._scan.clear()
                self.qrDecoded.emit(text)
            return
        if self._capture.is_set():
            self._capture.clear()
            self.captured.emit(self._pipeline.capture(frame))
        elif view.captured is not None:
            self.captured.emit(view.captured)


class CameraThread:
    """Owns the worker and its QThread: ``start()``, ``stop()`` (flag → release → quit → wait)."""

    def __init__(self, pipeline: CameraPipeline) -> None:
        self.thread = QThread()
        self.thread.setObjectName("camera")
        self.worker = CameraWorker(pipeline)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout_ms: int = 5000) -> bool:
        self.worker.stop()
        self.thread.quit()
        done = bool(self.thread.wait(timeout_ms))
        if not done:
            log.error("camera thread did not stop within %d ms", timeout_ms)
        return done

    def __getattr__(self, name: str) -> Any:
        return getattr(self.worker, name)
