"""Real photos (tests/helpers/photos.py) and degraded versions of them for the gate's tests."""

from __future__ import annotations

import cv2
import numpy as np

from tests.helpers import photos

GREY = 110


def canvas(width: int, height: int, value: int = GREY) -> np.ndarray:
    return np.full((height, width, 3), value, np.uint8)


def place(image: np.ndarray, background: np.ndarray, x: int, y: int) -> np.ndarray:
    out = background.copy()
    h, w = image.shape[:2]
    out[y : y + h, x : x + w] = image
    return out


def webcam_frame(size: int = 480) -> np.ndarray:
    """A 640×480 frame with the astronaut's head and shoulders in the middle (face ~120 px)."""
    head = photos.astronaut()[0:400, 56:456]
    return place(cv2.resize(head, (size, size)), canvas(640, 480), (640 - size) // 2, 0)


def too_close() -> np.ndarray:
    """Grace Hopper's face filling the whole frame."""
    return photos.grace_hopper()[95:345, 140:390]


def passing() -> dict[str, np.ndarray]:
    """Real faces and scaled/cropped variants that must pass the gate."""
    astro, grace = photos.astronaut(), photos.grace_hopper()
    return {
        "astronaut": astro,
        "grace_hopper": grace,
        "astronaut_x2": cv2.resize(astro, (1024, 1024), interpolation=cv2.INTER_CUBIC),
        "astronaut_cropped": astro[0:420, 50:470],
        "grace_half": cv2.resize(grace, (256, 300), interpolation=cv2.INTER_AREA),
        "astronaut_webcam": webcam_frame(),
    }


def darkened(image: np.ndarray, factor: float = 0.3) -> np.ndarray:
    return cv2.convertScaleAbs(image, alpha=factor, beta=0)


def brightened(image: np.ndarray) -> np.ndarray:
    return cv2.convertScaleAbs(image, alpha=1.5, beta=80)


def blurred(image: np.ndarray, sigma: float = 5) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma)


def shrunk(image: np.ndarray, face_px: int = 99) -> np.ndarray:
    """The photo scaled so its face is ~60 px (below min_face_px 90), in a 1280×960 frame."""
    scale = 60 / face_px
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    return place(small, canvas(1280, 960), (1280 - w) // 2, (960 - h) // 3)


FACE_PX = {"astronaut": 99, "grace_hopper": 226}  # the Haar face box width in the originals


def cornered(image: np.ndarray) -> np.ndarray:
    """The photo in the top-left corner of a frame three times its size."""
    h, w = image.shape[:2]
    return place(image, canvas(3 * w, 3 * h), 0, 0)


def collage(*images: np.ndarray, height: int = 512) -> np.ndarray:
    """Real faces side by side (a multi-face photo)."""
    scaled = [cv2.resize(i, (round(i.shape[1] * height / i.shape[0]), height)) for i in images]
    return np.hstack(scaled)
