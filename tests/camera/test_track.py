"""Live tracking (station.camera.track): cheap between full detections, never blind to a
second person for long, and the same verdicts as full detection."""

from __future__ import annotations

import cv2
import numpy as np

from station.camera import problems as P
from station.camera.detect import FaceDetector
from station.camera.gate import evaluate
from station.camera.track import FaceTracker
from station.config import PhotoSettings
from tests.camera import variants as V
from tests.helpers import photos

PHOTO = PhotoSettings()


def two_people() -> np.ndarray:
    """The webcam frame with a second real face (Grace Hopper) at the right edge."""
    grace = cv2.resize(photos.grace_hopper(), (200, 234), interpolation=cv2.INTER_AREA)
    return V.place(grace, V.webcam_frame(), 440, 246)


def test_tracked_face_matches_full_detection_while_it_moves() -> None:
    detector = FaceDetector()
    tracker = FaceTracker(detector, full_every=100)
    base = V.webcam_frame()
    tracker.detect(base, PHOTO.min_face_px)
    for shift in (4, 8, 12, 16):
        moved = np.roll(base, shift, axis=1)
        tracked = tracker.detect(moved, PHOTO.min_face_px)
        full = detector.detect(moved, PHOTO.min_face_px)
        assert len(tracked) == len(full) == 1
        assert abs(tracked[0].box.x - full[0].box.x) <= 8
        assert abs(tracked[0].box.w - full[0].box.w) <= 12
        assert tracked[0].eyes is not None  # carried along between eye searches


def test_second_person_is_seen_within_full_every_frames() -> None:
    tracker = FaceTracker(FaceDetector(), full_every=6)
    alone, crowd = V.webcam_frame(), two_people()
    for _ in range(3):
        assert len(tracker.detect(alone, PHOTO.min_face_px)) == 1
    counts = [len(tracker.detect(crowd, PHOTO.min_face_px)) for _ in range(6)]
    assert counts[-1] == 2
    assert 2 in counts[:4]  # the full detection at frame 6 found the second face
    result = evaluate(crowd, PHOTO, FaceDetector(), faces=tracker.detect(crowd, 90))
    assert P.MULTIPLE_FACES in result.problems


def test_lost_track_falls_back_to_full_detection() -> None:
    tracker = FaceTracker(FaceDetector(), full_every=100)
    tracker.detect(V.webcam_frame(), PHOTO.min_face_px)
    assert tracker.detect(V.canvas(640, 480), PHOTO.min_face_px) == []
    found = [len(tracker.detect(V.webcam_frame(), PHOTO.min_face_px)) for _ in range(3)]
    assert found[-1] == 1  # searched again within idle_every frames


def test_idle_frames_are_searched_every_third_frame() -> None:
    """With nobody in view only every idle_every-th frame is searched; a face stepping in is
    found within that many frames."""
    tracker = FaceTracker(FaceDetector(), idle_every=3)
    empty, face = V.canvas(640, 480), V.webcam_frame()
    assert tracker.detect(empty, PHOTO.min_face_px) == []  # searched: nobody
    found = [len(tracker.detect(face, PHOTO.min_face_px)) for _ in range(3)]
    assert found == [0, 0, 1]  # two frames skipped, the third is searched
    assert len(tracker.detect(face, PHOTO.min_face_px)) == 1  # tracked from now on
