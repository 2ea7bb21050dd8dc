"""The camera and face-photo pipeline (issue 4; DESIGN §5, §9). Qt-free.

Stable API for the rest of the station::

    from station.camera import (
        check_photo_bytes, prepare_capture, PhotoVerdict,
        open_source, FrameSource, Frame, CameraState,
        LiveEvaluator, LiveStatus, decode_work_order_qr, WorkOrderQrError,
    )

Photos (``station register --photo``, ``station check-photo``):
    ``check_photo_bytes(data, settings.photo) -> PhotoVerdict`` gates an image file's bytes;
    ``prepare_capture(bgr_frame, settings.photo) -> PhotoVerdict`` gates a camera frame.
    A verdict has ``ok``, ``problems`` (DESIGN §4 codes, main cause first), ``hints`` (Chinese;
    ``hints_in("en")``), ``face`` (``FaceBox`` x/y/w/h in source pixels, or None), ``jpeg`` (the
    terminal-ready baseline JPEG, exactly ``photo.width × photo.height`` and at most
    ``photo.max_bytes``; set only when ``ok``), ``width``, ``height``, ``quality`` and
    ``as_json(file)`` (the check-photo JSON object). Both are CPU-bound (~50–200 ms): call them
    off the event loop (``asyncio.to_thread``). Pass ``detector=FaceDetector(camera.dnn_model)``
    to use a configured YuNet model; the default is the Haar cascades, one per thread.

Preview (the UI's camera worker on a QThread)::

    source = open_source(settings.camera)           # webcam index, video, stills, synthetic
    live = LiveEvaluator(settings.photo, settings.camera)
    while running:
        frame = source.read()                       # Frame | None; blocks ≤ ~1 frame period
        if frame is None:                           # source.state is CameraState.LOST:
            continue                                #   show STATE_TEXT_ZH[state] (未检测到摄像头)
        status = live.feed(frame)                   # stable ok/problems/hint, face box, progress
        if status.captured is not None:             # auto-capture fired (status.captured.ok)
            ...                                     # show status.captured.jpeg; retake: live.reset()
    source.release()                                # thread-safe; call from the UI thread to stop

``frame.image`` is what to show (mirrored when ``[camera] mirror``); captures are un-mirrored.
``live.capture_now()`` is the manual shutter. ``decode_work_order_qr(frame.image)`` returns the
form fields of a work-order QR code (addFace field names, see ``station.camera.qr``) or None,
and raises ``WorkOrderQrError`` for a QR code with bad content.
"""

from __future__ import annotations

from station.camera.detect import DetectorError, Face, FaceBox, FaceDetector
from station.camera.live import LiveEvaluator, LiveStatus
from station.camera.photo import PhotoVerdict, check_photo_bytes, decode_image, prepare_capture
from station.camera.problems import HINTS_EN, HINTS_ZH
from station.camera.qr import WorkOrderQrError, decode_work_order_qr, parse_work_order_text
from station.camera.sources import (
    STATE_TEXT_EN,
    STATE_TEXT_ZH,
    CameraState,
    Frame,
    FrameSource,
    open_source,
)

__all__ = [
    "HINTS_EN",
    "HINTS_ZH",
    "STATE_TEXT_EN",
    "STATE_TEXT_ZH",
    "CameraState",
    "DetectorError",
    "Face",
    "FaceBox",
    "FaceDetector",
    "Frame",
    "FrameSource",
    "LiveEvaluator",
    "LiveStatus",
    "PhotoVerdict",
    "WorkOrderQrError",
    "check_photo_bytes",
    "decode_image",
    "decode_work_order_qr",
    "open_source",
    "parse_work_order_text",
    "prepare_capture",
]
