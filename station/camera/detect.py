"""Offline face detection: OpenCV's Haar cascades, or YuNet when a model file is configured.

The Haar cascades ship inside opencv-contrib-python-headless (``cv2.data``): the frontal alt2
cascade finds faces, the eyeglasses-tolerant eye cascade finds the eyes used for the frontal
check, and the profile cascade tells a turned face (not_frontal) from an empty scene (no_face).
YuNet (``cv2.FaceDetectorYN``) runs only from a file named by ``[camera] dnn_model``; nothing is
ever downloaded (DESIGN §5). Detection runs on a frame scaled so its long side is about
``detect_width`` (speed), but never so small that a face of half ``min_face_px`` is lost: such a
face must be reported as too small, not as missing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

Point = tuple[float, float]
_HAAR_WINDOW = 20  # the alt2 cascade's window: faces below it at detection scale are invisible
_RELIABLE_PX = 24  # faces detect reliably from about this size at detection scale
MAX_DETECT_SIDE = 1024  # the longest side the detector ever sees


class DetectorError(Exception):
    """The configured detector cannot be loaded; the message names the file."""


@dataclass(frozen=True)
class FaceBox:
    x: int
    y: int
    w: int
    h: int

    @property
    def center(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def as_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h}


@dataclass(frozen=True)
class Face:
    """One face in source-image pixels; eyes as (left in the image, right in the image)."""

    box: FaceBox
    eyes: tuple[Point, Point] | None = None
    nose: Point | None = None

    def roll_deg(self) -> float | None:
        if self.eyes is None:
            return None
        (lx, ly), (rx, ry) = self.eyes
        return math.degrees(math.atan2(ry - ly, rx - lx))

    def yaw_deg(self) -> float | None:
        """A rough yaw from the nose (landmarks) or from where the eyes sit in the box (Haar)."""
        if self.eyes is None:
            return None
        (lx, ly), (rx, ry) = self.eyes
        mid_x = (lx + rx) / 2
        if self.nose is not None:
            eye_dist = math.hypot(rx - lx, ry - ly) or 1.0
            ratio = (self.nose[0] - mid_x) / (0.55 * eye_dist)  # nose tip ≈ 0.55 IPD ahead
        else:
            ratio = (mid_x - self.box.center[0]) / (0.4 * self.box.w)  # eyes ≈ 0.4 w ahead
        return math.degrees(math.asin(max(-1.0, min(1.0, ratio))))


def _cascade(name: str) -> cv2.CascadeClassifier:
    path = Path(getattr(cv2, "data").haarcascades) / name  # noqa: B009 (cv2 stubs lack .data)
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise DetectorError(f"Haar cascade {path} cannot be loaded (opencv-contrib data missing)")
    return cascade


def detection_scale(width: int, height: int, detect_width: int, min_face_px: int) -> float:
    """Scale for the detector: long side ≈ detect_width, but half min_face_px stays ≥ 24 px;
    never more than MAX_DETECT_SIDE px long (a 4000 px photo with a 60 px face is no_face, and
    the search stays well under a second)."""
    long_side = max(width, height)
    keep_small = _RELIABLE_PX / max(1.0, 0.5 * min_face_px)
    return min(1.0, max(detect_width / long_side, keep_small), MAX_DETECT_SIDE / long_side)


class FaceDetector:
    """Finds faces in BGR images. Not thread-safe: give each thread its own detector."""

    def __init__(self, model_path: str = "", detect_width: int = 320) -> None:
        self.detect_width = detect_width
        self._face = _cascade("haarcascade_frontalface_alt2.xml")
        self._eyes = _cascade("haarcascade_eye_tree_eyeglasses.xml")
        self._profile = _cascade("haarcascade_profileface.xml")
        self._yunet: cv2.FaceDetectorYN | None = None
        if model_path:
            self._yunet = _load_yunet(model_path)

    @property
    def kind(self) -> str:
        return "yunet" if self._yunet is not None else "haar"

    def detect(
        self, image: np.ndarray, min_face_px: int, *, thorough: bool = True, fast: bool = False
    ) -> list[Face]:
        """Faces of at least half ``min_face_px``, largest first, in source pixels; the eyes
        of the largest one.

        ``thorough`` (photos, captures): when nothing is found, look again at 1.5× the
        detection scale, so that a small face is reported as too small rather than missing.
        ``fast`` (live preview): coarser scale steps for the face and the eyes."""
        height, width = image.shape[:2]
        scale = detection_scale(width, height, self.detect_width, min_face_px)
        step = 1.15 if fast else 1.1
        faces = self._detect_at(image, scale, min_face_px, step)
        larger = min(1.0, scale * 1.5, MAX_DETECT_SIDE / max(height, width))
        if not faces and thorough and larger > scale:
            faces = self._detect_at(image, larger, min_face_px, step)
        faces.sort(key=lambda f: f.box.w * f.box.h, reverse=True)
        if faces and faces[0].eyes is None and self._yunet is None:
            faces[0] = Face(faces[0].box, self.find_eyes(image, faces[0].box, fast=fast))
        return faces

    def detect_near(self, image: np.ndarray, box: FaceBox, min_face_px: int) -> FaceBox | None:
        """The face near where ``box`` was (live tracking): a search in the box grown by half
        its size on each side, for faces of 0.7–1.5 times its width. Haar only."""
        height, width = image.shape[:2]
        scale = detection_scale(width, height, self.detect_width, min_face_px)
        x0, y0 = max(0, box.x - box.w // 2), max(0, box.y - box.h // 2)
        x1, y1 = min(width, box.x + box.w * 3 // 2), min(height, box.y + box.h * 3 // 2)
        region = image[y0:y1, x0:x1]
        if region.size == 0:
            return None
        gray = _gray(region if scale >= 1.0 else _resize(region, scale))
        low = max(_HAAR_WINDOW, round(0.7 * box.w * scale), round(0.5 * min_face_px * scale))
        high = max(low + 1, round(1.5 * box.w * scale))
        found = self._face.detectMultiScale(gray, 1.1, 4, minSize=(low, low), maxSize=(high, high))
        if len(found) == 0:
            return None
        x, y, w, h = max(found, key=lambda f: int(f[2]))
        return FaceBox(
            x0 + round(x / scale), y0 + round(y / scale), round(w / scale), round(h / scale)
        )

    def _detect_at(
        self, image: np.ndarray, scale: float, min_face_px: int, step: float
    ) -> list[Face]:
        small = image if scale >= 1.0 else _resize(image, scale)
        if self._yunet is not None:
            return self._detect_yunet(small, scale, min_face_px)
        return self._detect_haar(small, scale, min_face_px, step)

    def looks_like_profile(self, image: np.ndarray, min_face_px: int) -> bool:
        """Whether a face turned sideways is in view (the profile cascade, both directions)."""
        height, width = image.shape[:2]
        scale = detection_scale(width, height, self.detect_width, min_face_px)
        gray = _gray(image if scale >= 1.0 else _resize(image, scale))
        min_side = max(_HAAR_WINDOW, round(0.5 * min_face_px * scale))
        for candidate in (gray, cv2.flip(gray, 1)):
            found = self._profile.detectMultiScale(candidate, 1.1, 5, minSize=(min_side, min_side))
            if len(found):
                return True
        return False

    def _detect_haar(
        self, small: np.ndarray, scale: float, min_face_px: int, step: float
    ) -> list[Face]:
        gray_small = _gray(small)
        min_side = max(_HAAR_WINDOW, round(0.5 * min_face_px * scale))
        found = self._face.detectMultiScale(gray_small, step, 4, minSize=(min_side, min_side))
        if len(found) == 0 and _dim(gray_small):  # a dark or flat frame: stretch it and retry
            stretched = cv2.equalizeHist(gray_small)
            found = self._face.detectMultiScale(stretched, step, 4, minSize=(min_side, min_side))
        return [
            Face(FaceBox(round(x / scale), round(y / scale), round(w / scale), round(h / scale)))
            for x, y, w, h in found
        ]

    def find_eyes(
        self, image: np.ndarray, box: FaceBox, *, fast: bool = False
    ) -> tuple[Point, Point] | None:
        """The two eyes in the upper 60 % of the face, one in each half, or None."""
        top = image[max(0, box.y) : box.y + int(box.h * 0.6), max(0, box.x) : box.x + box.w]
        if top.size == 0:
            return None
        factor = 120 / top.shape[1]
        roi = _gray(cv2.resize(top, (120, max(1, round(top.shape[0] * factor)))))
        step = 1.1 if fast else 1.05
        found = self._eyes.detectMultiScale(roi, step, 3, minSize=(12, 12), maxSize=(50, 50))
        left = [e for e in found if e[0] + e[2] / 2 < 60]
        right = [e for e in found if e[0] + e[2] / 2 >= 60]
        if not left or not right:
            return None
        ox, oy = max(0, box.x), max(0, box.y)

        def centre(e: Sequence[int]) -> Point:
            return (ox + (e[0] + e[2] / 2) / factor, oy + (e[1] + e[3] / 2) / factor)

        def biggest(es: list[Sequence[int]]) -> Sequence[int]:
            return max(es, key=lambda e: int(e[2]))

        return centre(biggest(left)), centre(biggest(right))

    def _detect_yunet(self, small: np.ndarray, scale: float, min_face_px: int) -> list[Face]:
        assert self._yunet is not None
        self._yunet.setInputSize((small.shape[1], small.shape[0]))
        _, found = self._yunet.detect(small)
        faces = []
        for row in [] if found is None else found:
            x, y, w, h = (float(v) / scale for v in row[:4])
            if w < 0.5 * min_face_px:
                continue
            pts = [(float(row[i]) / scale, float(row[i + 1]) / scale) for i in (4, 6, 8)]
            eye_a, eye_b, nose = pts
            eyes = (eye_a, eye_b) if eye_a[0] <= eye_b[0] else (eye_b, eye_a)
            faces.append(Face(FaceBox(round(x), round(y), round(w), round(h)), eyes, nose))
        return faces


def _load_yunet(model_path: str) -> cv2.FaceDetectorYN:
    path = Path(model_path)
    if not path.is_file():
        raise DetectorError(f"[camera] dnn_model: file {path} does not exist (人脸检测模型不存在)")
    try:
        return cv2.FaceDetectorYN.create(str(path), "", (320, 320), 0.8, 0.3, 5000)
    except cv2.error as exc:
        raise DetectorError(
            f"[camera] dnn_model: {path} is not a YuNet ONNX model OpenCV can load ({exc.msg})"
        ) from None


def _dim(gray: np.ndarray) -> bool:
    mean, std = cv2.meanStdDev(gray)
    return bool(mean[0, 0] < 80 or std[0, 0] < 35)


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _resize(image: np.ndarray, scale: float) -> np.ndarray:
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)
