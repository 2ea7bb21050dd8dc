"""The devices and files frames come from, behind one small interface (STYLE: hardware behind
an interface with file-backed and synthetic implementations, photobooth's CameraInterface).

A :class:`Capture` is one opened device or file. :class:`station.camera.sources.FrameSource`
opens captures through a factory, paces them, and reopens them when they are lost.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


class Capture(Protocol):
    """One opened frame producer. ``read`` returns None when no frame came (unplugged, ended)."""

    #: Frames per second the producer delivers on its own, or None if FrameSource must pace it.
    device_fps: float | None
    #: The rate to pace at when ``device_fps`` is None (a video file's own rate).
    fps: float

    def read(self) -> np.ndarray | None: ...

    def close(self) -> None: ...


class WebcamCapture:
    """A webcam by index via ``cv2.VideoCapture``; the device paces itself."""

    def __init__(self, video: cv2.VideoCapture, fps: float) -> None:
        self._video = video
        self.device_fps: float | None = fps
        self.fps = fps

    @classmethod
    def open(cls, index: int, width: int, height: int, fps: float) -> WebcamCapture | None:
        quiet = cv2.utils.logging
        level = quiet.getLogLevel()
        quiet.setLogLevel(quiet.LOG_LEVEL_ERROR)  # the lost state explains; no V4L2 warnings
        try:
            video = cv2.VideoCapture(index)
        finally:
            quiet.setLogLevel(level)
        if not video.isOpened():
            video.release()
            return None
        video.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        video.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        reported = video.get(cv2.CAP_PROP_FPS)
        return cls(video, reported if reported and reported > 0 else fps)

    def read(self) -> np.ndarray | None:
        ok, frame = self._video.read()
        return frame if ok else None

    def close(self) -> None:
        self._video.release()


class VideoFileCapture:
    """A video file played in a loop at its own frame rate (the fake webcam of tests and demo)."""

    device_fps: float | None = None

    def __init__(self, video: cv2.VideoCapture, fps: float) -> None:
        self._video = video
        self.fps = fps

    @classmethod
    def open(cls, path: Path, fallback_fps: float) -> VideoFileCapture | None:
        if not path.is_file():
            return None
        video = cv2.VideoCapture(str(path))
        if not video.isOpened():
            video.release()
            return None
        reported = video.get(cv2.CAP_PROP_FPS)
        ok = reported and math.isfinite(reported) and 0 < reported <= 240
        return cls(video, float(reported) if ok else fallback_fps)

    def read(self) -> np.ndarray | None:
        ok, frame = self._video.read()
        if not ok:  # the end: loop back to the first frame
            self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._video.read()
        return frame if ok else None

    def close(self) -> None:
        self._video.release()


class StillsCapture:
    """Still images shown one after another at ``fps``, in a loop."""

    device_fps: float | None = None

    def __init__(self, images: Sequence[np.ndarray], fps: float) -> None:
        self._images = list(images)
        self._next = 0
        self.fps = fps

    @classmethod
    def open(cls, paths: Sequence[Path], fps: float) -> StillsCapture | None:
        images = []
        for path in paths:
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                log.warning("still image %s cannot be read; skipped", path)
            else:
                images.append(image)
        return cls(images, fps) if images else None

    def read(self) -> np.ndarray | None:
        image = self._images[self._next % len(self._images)]
        self._next += 1
        return image.copy()

    def close(self) -> None:
        self._images = []


class SyntheticCapture:
    """A generated test pattern (moving bars and a frame counter): a camera that is always there."""

    device_fps: float | None = None

    def __init__(self, width: int, height: int, fps: float) -> None:
        self._size = (width, height)
        self._count = 0
        self.fps = fps
        ramp = np.linspace(40, 215, width, dtype=np.float32)
        self._base = np.repeat(ramp[None, :], height, axis=0).astype(np.uint8)

    def read(self) -> np.ndarray | None:
        width, height = self._size
        gray = np.roll(self._base, self._count * 4, axis=1)
        frame = cv2.applyColorMap(gray, cv2.COLORMAP_OCEAN)
        cx = int(width / 2 + width / 4 * math.sin(self._count / 15))
        cv2.circle(frame, (cx, height // 2), max(4, height // 8), (240, 240, 240), -1)
        cv2.putText(
            frame, f"{self._count:06d}", (10, height - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.6,
            (255, 255, 255), 1, cv2.LINE_AA,
        )  # fmt: skip
        self._count += 1
        return frame

    def close(self) -> None:
        self._count = 0


def stills_in(folder: Path) -> list[Path]:
    """The image files of a folder, by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
