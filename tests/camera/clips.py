"""Fake webcams for the tests: MJPG clips written with cv2.VideoWriter, and an unpluggable
capture (the only fake: a webcam cannot be unplugged on a machine without one)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from station.camera.captures import VideoFileCapture


def write_clip(path: Path, frames: Iterable[np.ndarray], fps: float = 30) -> Path:
    writer: cv2.VideoWriter | None = None
    for frame in frames:
        if writer is None:
            size = (frame.shape[1], frame.shape[0])
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
            assert writer.isOpened(), path
        writer.write(frame)
    assert writer is not None, "no frames"
    writer.release()
    return path


class Unpluggable:
    """A webcam backed by a clip; ``plugged = False`` makes it stop delivering and refuse to
    open, like a USB camera pulled out."""

    def __init__(self, clip: Path) -> None:
        self.clip = clip
        self.plugged = True
        self.opened = 0

    def factory(self) -> Unpluggable.Device | None:
        if not self.plugged:
            return None
        capture = VideoFileCapture.open(self.clip, 30)
        assert capture is not None
        self.opened += 1
        return Unpluggable.Device(self, capture)

    class Device:
        device_fps: float | None = 30.0
        fps = 30.0

        def __init__(self, owner: Unpluggable, capture: VideoFileCapture) -> None:
            self._owner = owner
            self._capture = capture

        def read(self) -> np.ndarray | None:
            return self._capture.read() if self._owner.plugged else None

        def close(self) -> None:
            self._capture.close()
