"""One photo in, one verdict out: the gate, the crop, the JPEG, and the gate again (DESIGN §5).

Used by ``station check-photo``, by ``station register --photo`` and by the live evaluator when
it captures a frame.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from station.camera import problems as P
from station.camera.detect import FaceBox, FaceDetector
from station.camera.encode import crop_portrait, encode_jpeg
from station.camera.gate import GateResult, Measures, evaluate
from station.config import PhotoSettings

_MIN_SIDE = 32  # anything smaller is not a photo of a person
MAX_PIXELS = 60_000_000  # a 60 MP phone photo is fine; a bomb declaring 30000×30000 is not
_local = threading.local()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhotoVerdict:
    """The gate's answer. ``jpeg`` is the terminal-ready photo, set only when ``ok``."""

    ok: bool
    problems: list[str]  # problem codes of DESIGN §4, main cause first
    face: FaceBox | None  # the main face, in source-image pixels
    jpeg: bytes | None = field(default=None, repr=False)
    width: int = 0  # of the JPEG (photo.width) when there is one
    height: int = 0
    quality: int | None = None  # JPEG quality step used
    measures: Measures | None = None

    @property
    def hints(self) -> list[str]:
        """Chinese hints, one per problem (``hints_in("en")`` for English)."""
        return P.hints(self.problems)

    def hints_in(self, language: str) -> list[str]:
        return P.hints(self.problems, language)

    def as_json(self, file: str) -> dict[str, Any]:
        """The object ``station check-photo --json`` prints for one file (DESIGN §4)."""
        return {
            "file": file,
            "ok": self.ok,
            "problems": list(self.problems),
            "face": self.face.as_dict() if self.face is not None else None,
            "jpeg_bytes": len(self.jpeg) if self.jpeg is not None else None,
            "width": self.width if self.jpeg is not None else None,
            "height": self.height if self.jpeg is not None else None,
        }


def default_detector(model_path: str = "") -> FaceDetector:
    """A detector for the calling thread (cascades are not shared between threads)."""
    cache: dict[str, FaceDetector] | None = getattr(_local, "detectors", None)
    if cache is None:
        cache = _local.detectors = {}
    if model_path not in cache:
        cache[model_path] = FaceDetector(model_path)
    return cache[model_path]


def declared_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG SOF or PNG IHDR header, without decoding; None if unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] != b"\xff\xd8":
        return None
    pos = 2
    while pos + 9 <= len(data) and data[pos] == 0xFF:
        marker, length = data[pos + 1], int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            height = int.from_bytes(data[pos + 5 : pos + 7], "big")
            return int.from_bytes(data[pos + 7 : pos + 9], "big"), height
        pos += 2 + length
    return None


def decode_image(data: bytes) -> np.ndarray | None:
    """BGR pixels of a JPEG/PNG/BMP (EXIF orientation applied), or None if unreadable or
    declaring more than MAX_PIXELS (a decompression bomb)."""
    if not data:
        return None
    size = declared_size(data)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        log.warning("image declares %d×%d pixels, over %d: refused", size[0], size[1], MAX_PIXELS)
        return None
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or min(image.shape[:2]) < _MIN_SIDE:
        return None
    return image


def check_photo_bytes(
    data: bytes, photo: PhotoSettings, detector: FaceDetector | None = None
) -> PhotoVerdict:
    """The verdict for an image file's bytes; ``unreadable`` when they are not an image."""
    image = decode_image(data)
    if image is None:
        return PhotoVerdict(False, [P.UNREADABLE], None)
    return prepare_capture(image, photo, detector)


def _from_gate(gate: GateResult) -> PhotoVerdict:
    face = gate.face.box if gate.face is not None else None
    return PhotoVerdict(False, gate.problems, face, measures=gate.measures)


def prepare_capture(
    frame: np.ndarray, photo: PhotoSettings, detector: FaceDetector | None = None
) -> PhotoVerdict:
    """Gate a BGR frame (grey and BGRA are converted); if it passes, crop, encode and gate
    the encoded photo again."""
    if frame.size == 0 or min(frame.shape[:2]) < _MIN_SIDE:
        return PhotoVerdict(False, [P.UNREADABLE], None)
    detector = detector or default_detector()
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    elif frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    gate = evaluate(frame, photo, detector)
    if not gate.ok or gate.face is None:
        return _from_gate(gate)
    portrait = crop_portrait(frame, gate.face, photo)
    encoded = encode_jpeg(portrait, photo)
    if encoded is None:
        return PhotoVerdict(False, [P.FILE_TOO_LARGE], gate.face.box, measures=gate.measures)
    jpeg, quality = encoded
    again = decode_image(jpeg)
    recheck = evaluate(again, photo, detector) if again is not None else None
    if recheck is None or not recheck.ok:
        found = recheck.problems if recheck is not None else [P.UNREADABLE]
        return PhotoVerdict(False, found, gate.face.box, measures=gate.measures)
    return PhotoVerdict(
        True, [], gate.face.box, jpeg, photo.width, photo.height, quality, gate.measures
    )
