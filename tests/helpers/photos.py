"""Real photos that load offline (NOTES.md): public-domain faces and face-free scenes."""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import matplotlib
import numpy as np


def _bgr_from_rgb(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


@functools.cache
def astronaut() -> np.ndarray:
    """Eileen Collins (NASA, public domain), 512×512, one frontal face. BGR."""
    from skimage import data

    return _bgr_from_rgb(data.astronaut())


@functools.cache
def grace_hopper() -> np.ndarray:
    """Grace Hopper (public domain) from matplotlib's sample data. BGR."""
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


def scene(name: str) -> np.ndarray:
    """A face-free (or hard) real photo from scikit-image: coffee, rocket, chelsea, camera."""
    from skimage import data

    image = getattr(data, name)()
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return _bgr_from_rgb(image)


def jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


@functools.cache
def face_jpeg() -> bytes:
    """A small real face JPEG (the astronaut's head), the kind the photo gate produces."""
    crop = astronaut()[20:260, 140:320]
    return jpeg(cv2.resize(crop, (240, 320)), 85)
