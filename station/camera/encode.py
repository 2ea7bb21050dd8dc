"""The terminal-ready photo (DESIGN §5, §9): portrait crop around the face, exact size, and a
baseline JPEG (4:2:0, no EXIF) lowered in quality step by step until it fits the byte budget.

Base64 for the wire happens in the protocol module (D2), not here.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

from station.camera.detect import Face
from station.camera.gate import max_crop_width
from station.config import PhotoSettings

log = logging.getLogger(__name__)

#: Where the face centre sits in the crop, from the top (portrait headroom).
FACE_CENTER_FROM_TOP = 0.45


def crop_box(
    face: Face, width: int, height: int, photo: PhotoSettings
) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the portrait crop: the face fills ``photo.face_fill`` of the width when
    the frame allows, the crop is shifted to stay inside the frame, never padded."""
    aspect = photo.width / photo.height
    crop_w = min(face.box.w / photo.face_fill, max_crop_width(width, height, photo))
    crop_h = crop_w / aspect
    cx, cy = face.box.center
    x = min(max(0.0, cx - crop_w / 2), width - crop_w)
    y = min(max(0.0, cy - FACE_CENTER_FROM_TOP * crop_h), height - crop_h)
    return round(x), round(y), max(1, round(crop_w)), max(1, round(crop_h))


def crop_portrait(image: np.ndarray, face: Face, photo: PhotoSettings) -> np.ndarray:
    """The crop resized to exactly ``photo.width`` × ``photo.height``."""
    height, width = image.shape[:2]
    x, y, w, h = crop_box(face, width, height, photo)
    region = image[y : y + h, x : x + w]
    shrinking = w > photo.width
    inter = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return cv2.resize(region, (photo.width, photo.height), interpolation=inter)


def jpeg_params(quality: int) -> list[int]:
    """Baseline (not progressive), Huffman-optimised, 4:2:0. OpenCV writes JFIF, never EXIF."""
    return [
        cv2.IMWRITE_JPEG_QUALITY,
        quality,
        cv2.IMWRITE_JPEG_PROGRESSIVE,
        0,
        cv2.IMWRITE_JPEG_OPTIMIZE,
        1,
        cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
        cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420,
    ]


def encode_jpeg(image: np.ndarray, photo: PhotoSettings) -> tuple[bytes, int] | None:
    """The JPEG and its quality: the highest quality step that fits ``photo.max_bytes``, or
    None when even ``photo.jpeg_quality_min`` is too large."""
    quality = photo.jpeg_quality
    while True:
        ok, buf = cv2.imencode(".jpg", image, jpeg_params(quality))
        if not ok:
            raise ValueError("OpenCV could not encode the photo as JPEG")
        if len(buf) <= photo.max_bytes:
            return buf.tobytes(), quality
        if quality <= photo.jpeg_quality_min:
            log.warning(
                "photo is %d bytes at the lowest quality %d, over max_bytes %d",
                len(buf),
                quality,
                photo.max_bytes,
            )
            return None
        quality = max(photo.jpeg_quality_min, quality - photo.jpeg_quality_step)
