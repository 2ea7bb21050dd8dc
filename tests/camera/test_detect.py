"""Offline face detection (DESIGN §5): Haar cascades from the installed package, YuNet only
from a configured file, nothing downloaded."""

from __future__ import annotations

import cv2
import pytest

from station.camera import problems as P
from station.camera.detect import DetectorError, Face, FaceBox, FaceDetector, detection_scale
from station.camera.gate import evaluate
from station.config import PhotoSettings
from tests.camera import variants as V
from tests.helpers import photos

PHOTO = PhotoSettings()


def test_astronaut_face_and_both_eyes_are_found() -> None:
    faces = FaceDetector().detect(photos.astronaut(), PHOTO.min_face_px)
    assert len(faces) == 1
    box = faces[0].box
    assert 150 <= box.x <= 200
    assert 90 <= box.w <= 115
    assert faces[0].eyes is not None
    (lx, ly), (rx, _ry) = faces[0].eyes
    assert box.x < lx < box.x + box.w / 2 < rx < box.x + box.w
    assert box.y < ly < box.y + box.h / 2


def test_detection_scale_keeps_half_the_minimum_face_visible() -> None:
    assert detection_scale(640, 480, 320, 90) == pytest.approx(24 / 45)
    assert detection_scale(640, 480, 400, 90) == pytest.approx(400 / 640)
    assert detection_scale(1600, 1200, 320, 90) == pytest.approx(24 / 45)
    assert detection_scale(4000, 3000, 320, 90) == pytest.approx(1024 / 4000)  # capped
    assert detection_scale(200, 150, 320, 90) == 1.0


@pytest.mark.parametrize("scene", ["coffee", "rocket", "chelsea"])
def test_no_false_faces_on_real_face_free_photos(scene: str) -> None:
    detector = FaceDetector()
    assert detector.detect(photos.scene(scene), PHOTO.min_face_px) == []
    assert not detector.looks_like_profile(photos.scene(scene), PHOTO.min_face_px)


def test_profile_cascade_sees_the_turned_camera_man() -> None:
    detector = FaceDetector()
    assert detector.detect(photos.scene("camera"), PHOTO.min_face_px) == []
    assert detector.looks_like_profile(photos.scene("camera"), PHOTO.min_face_px)


def test_roll_and_yaw_from_eyes() -> None:
    box = FaceBox(100, 100, 100, 100)
    level = Face(box, ((130.0, 140.0), (170.0, 140.0)))
    assert level.roll_deg() == pytest.approx(0)
    assert level.yaw_deg() == pytest.approx(0)
    tilted = Face(box, ((130.0, 130.0), (170.0, 150.0)))
    assert tilted.roll_deg() == pytest.approx(26.57, abs=0.01)
    turned = Face(box, ((145.0, 140.0), (185.0, 140.0)))  # eyes shifted 15 px right in the box
    assert turned.yaw_deg() == pytest.approx(22.02, abs=0.01)
    with_nose = Face(box, ((130.0, 140.0), (170.0, 140.0)), nose=(150.0, 160.0))
    assert with_nose.yaw_deg() == pytest.approx(0)
    assert Face(box).yaw_deg() is None


def test_tilted_head_is_not_frontal() -> None:
    """A head rolled 25°: either the eye line shows the tilt or the frontal cascade gives up;
    either way the gate does not accept it."""
    image = V.passing()["astronaut_webcam"]
    centre = (320, 160)
    rotated = cv2.warpAffine(image, cv2.getRotationMatrix2D(centre, 25, 1.0), (640, 480))
    result = evaluate(rotated, PHOTO, FaceDetector())
    assert not result.ok
    assert result.problems[0] in (P.NOT_FRONTAL, P.NO_FACE)
    if result.face is not None:
        assert result.measures.roll_deg is not None
        assert abs(result.measures.roll_deg) > PHOTO.max_roll_deg


def test_missing_dnn_model_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(DetectorError, match=r"dnn_model.*does not exist"):
        FaceDetector(str(tmp_path / "yunet.onnx"))


def test_a_file_that_is_not_a_model_is_a_clear_error(tmp_path) -> None:
    bogus = tmp_path / "yunet.onnx"
    bogus.write_bytes(b"this is not an ONNX model")
    with pytest.raises(DetectorError, match=r"not a YuNet ONNX model"):
        FaceDetector(str(bogus))


def test_haar_is_the_default_kind() -> None:
    assert FaceDetector().kind == "haar"
