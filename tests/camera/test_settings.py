"""The [photo] and [camera] keys of the pipeline (DESIGN §8, §9): defaults and their checks."""

from __future__ import annotations

import pytest

from station.camera import problems as P
from station.config import ConfigError, Settings, parse_settings


def test_photo_defaults_follow_design_section_9() -> None:
    photo = Settings().photo
    assert (photo.width, photo.height, photo.max_bytes) == (480, 640, 97280)
    assert 80 <= photo.min_face_px <= 120  # Huawei's minimum 80, recommended 120
    assert 1 / 3 <= photo.face_fill <= 2 / 3  # Dahua: the face fills 1/3–2/3
    assert photo.max_face_fraction == pytest.approx(2 / 3, abs=0.01)
    assert 10 <= photo.max_yaw_deg <= 30  # ZKTeco 10°, Huawei 30°


def test_camera_defaults() -> None:
    camera = Settings().camera
    assert camera.source == "0"
    assert (camera.width, camera.height, camera.fps) == (640, 480, 30)
    assert camera.mirror
    assert camera.auto_capture_s > camera.stable_s > 0


@pytest.mark.parametrize(
    ("section", "values", "named"),
    [
        ("photo", {"jpeg_quality": 50, "jpeg_quality_min": 60}, "jpeg_quality_min"),
        ("photo", {"min_brightness": 200, "max_brightness": 100}, "min_brightness"),
        ("photo", {"face_fill": 0.95}, "face_fill"),
        ("camera", {"detect_width": 10}, "detect_width"),
        ("camera", {"blur": 1}, "blur"),
    ],
)
def test_bad_values_name_the_key(section: str, values: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        parse_settings({section: values})


def test_every_problem_code_has_both_hints() -> None:
    assert set(P.ORDER) == set(P.HINTS_ZH) == set(P.HINTS_EN)
    assert P.hints([P.TOO_DARK, P.NO_FACE]) == ["光线太暗", "未检测到人脸，请正对镜头"]
    assert P.hints([P.TOO_DARK], "en") == ["Too dark"]
    assert P.ordered({P.NO_FACE, P.TOO_DARK, P.OFF_CENTER}) == [P.TOO_DARK, P.NO_FACE, P.OFF_CENTER]
