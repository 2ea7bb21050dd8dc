"""``station.camera`` behind the worker's :class:`CameraPipeline` interface.

The frame source (webcam, video file, stills, synthetic; self-healing) and the live evaluator
(stable verdict, hints, auto-capture of the sharpest good frame) are Qt-free; this adapter only
translates their results into what the preview shows. Everything but ``release`` runs in the
camera thread.
"""

from __future__ import annotations

import json
import logging

import numpy as np

from station.camera import problems as P
from station.camera.live import LiveEvaluator, LiveStatus
from station.camera.photo import PhotoVerdict
from station.camera.qr import WorkOrderQrError, decode_work_order_qr
from station.camera.sources import CaptureFactory, Frame, FrameSource, open_source
from station.config import CameraSettings, PhotoSettings
from station.ui.camera_worker import Capture, LiveView
from station.ui.i18n import translator

log = logging.getLogger(__name__)


def _capture(verdict: PhotoVerdict) -> Capture:
    if verdict.ok and verdict.jpeg is not None:
        return Capture(verdict.jpeg, ())
    return Capture(None, tuple(verdict.hints))


class LivePipeline:
    def __init__(
        self,
        camera: CameraSettings,
        photo: PhotoSettings,
        *,
        factory: CaptureFactory | None = None,
    ) -> None:
        self._camera = camera
        self.source: FrameSource = open_source(camera, factory=factory)
        self.evaluator = LiveEvaluator(photo, camera)
        self._auto_s = camera.auto_capture_s
        self.qr_problem = ""

    def read(self) -> Frame | None:
        return self.source.read()

    def image(self, frame: Frame) -> np.ndarray:
        return frame.image

    def evaluate(self, frame: Frame) -> LiveView:
        status: LiveStatus = self.evaluator.feed(frame)
        face = status.face
        box = (face.x, face.y, face.w, face.h) if face is not None else None
        hint = "" if status.ok else status.hint
        captured = _capture(status.captured) if status.captured is not None else None
        return LiveView(status.ok, hint, box, status.progress, captured)

    def capture(self, frame: Frame) -> Capture:
        return _capture(self.evaluator.capture_now(frame))

    def set_auto(self, on: bool) -> None:
        self.evaluator.auto_capture_s = self._auto_s if on else 0

    def rearm(self) -> None:
        self.evaluator.reset()

    def decode_qr(self, frame: Frame) -> str | None:
        try:
            found = decode_work_order_qr(frame.unmirrored())
        except WorkOrderQrError as exc:
            log.info("work-order QR refused: %s", exc)
            return None
        return json.dumps(found, ensure_ascii=False) if found else None

    def release(self) -> None:
        self.source.release()


def register_camera_translations() -> None:
    """The camera's hints (Chinese source) with their English text, for :mod:`.i18n`."""
    entries = {P.HINTS_ZH[code]: P.HINTS_EN[code] for code in P.HINTS_ZH}
    entries[P.GOOD_ZH] = P.GOOD_EN
    translator.add_catalog("en", entries)
