"""Live-mode face tracking: a full detection every few frames, a cheap search near the last
face in between (DESIGN §6: the live gate keeps up with the camera's frame rate on one core).

Between full detections the other faces of the last full detection are kept, so a second
person in view still counts as ``multiple_faces``; a new one is seen within ``full_every``
frames. The eyes are searched every ``eyes_every`` frames and otherwise carried along with the
face box, so the frontal check does not flicker. With nobody in view, only every
``idle_every``-th frame is searched (a face that steps in is seen within 0.1 s at 30 fps).
YuNet is fast enough to run on every frame.
"""

from __future__ import annotations

import numpy as np

from station.camera.detect import Face, FaceBox, FaceDetector, Point


class FaceTracker:
    """Not thread-safe: one per camera worker."""

    def __init__(
        self,
        detector: FaceDetector,
        full_every: int = 8,
        eyes_every: int = 3,
        idle_every: int = 3,
    ) -> None:
        self.detector = detector
        self.full_every = full_every
        self.eyes_every = eyes_every
        self.idle_every = idle_every
        self.reset()

    def reset(self) -> None:
        self._count = 0
        self._main: Face | None = None
        self._others: list[Face] = []
        self._eyes_rel: tuple[Point, Point] | None = None
        self._idle_skip = 0

    def detect(self, image: np.ndarray, min_face_px: int) -> list[Face]:
        self._count += 1
        if self._main is None and self._idle_skip > 0:
            self._idle_skip -= 1
            return []
        due = self._count % self.full_every == 0
        if self._main is None or due or self.detector.kind != "haar":
            return self._full(image, min_face_px)
        box = self.detector.detect_near(image, self._main.box, min_face_px)
        if box is None:
            return self._full(image, min_face_px)
        if self._count % self.eyes_every == 0:
            eyes = self.detector.find_eyes(image, box, fast=True)
            self._eyes_rel = _relative(eyes, box)
        else:
            eyes = _absolute(self._eyes_rel, box)
        self._main = Face(box, eyes)
        return [self._main, *self._others]

    def _full(self, image: np.ndarray, min_face_px: int) -> list[Face]:
        faces = self.detector.detect(image, min_face_px, thorough=False, fast=True)
        self._main = faces[0] if faces else None
        self._others = faces[1:]
        self._eyes_rel = _relative(faces[0].eyes, faces[0].box) if faces else None
        self._idle_skip = 0 if faces else self.idle_every - 1
        return faces


def _relative(eyes: tuple[Point, Point] | None, box: FaceBox) -> tuple[Point, Point] | None:
    if eyes is None:
        return None
    a, b = ((box.w and (x - box.x) / box.w, box.h and (y - box.y) / box.h) for x, y in eyes)
    return (float(a[0]), float(a[1])), (float(b[0]), float(b[1]))


def _absolute(rel: tuple[Point, Point] | None, box: FaceBox) -> tuple[Point, Point] | None:
    if rel is None:
        return None
    a, b = ((box.x + x * box.w, box.y + y * box.h) for x, y in rel)
    return a, b
