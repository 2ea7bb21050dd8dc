"""The quality gate on real photos (issue 4 acceptance; DESIGN §4, §5, §9)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from station.camera import check_photo_bytes, prepare_capture
from station.camera import photo as photo_module
from station.camera import problems as P
from station.camera.photo import declared_size, decode_image
from station.config import PhotoSettings
from tests.camera import variants as V
from tests.camera.jpeg_markers import read_markers
from tests.helpers import photos

PHOTO = PhotoSettings()


@pytest.mark.parametrize("name", sorted(V.passing()))
def test_real_faces_pass_and_give_a_terminal_ready_jpeg(name: str) -> None:
    verdict = check_photo_bytes(photos.jpeg(V.passing()[name], 95), PHOTO)
    assert verdict.ok, (name, verdict.problems, verdict.measures)
    assert verdict.problems == []
    assert verdict.hints == []
    assert verdict.face is not None
    assert verdict.face.w >= PHOTO.min_face_px
    assert verdict.jpeg is not None
    assert len(verdict.jpeg) <= PHOTO.max_bytes
    decoded = decode_image(verdict.jpeg)
    assert decoded is not None
    assert decoded.shape == (PHOTO.height, PHOTO.width, 3) == (640, 480, 3)
    assert (verdict.width, verdict.height) == (480, 640)
    again = check_photo_bytes(verdict.jpeg, PHOTO)  # the output passes the gate again
    assert again.ok, again.problems


def test_output_face_fills_a_third_to_two_thirds_of_the_width() -> None:
    """DESIGN §9 (Dahua): the face fills 1/3–2/3 of the photo; the crop aims at face_fill."""
    verdict = prepare_capture(photos.grace_hopper(), PHOTO)
    assert verdict.jpeg is not None
    again = check_photo_bytes(verdict.jpeg, PHOTO)
    assert again.face is not None
    fill = again.face.w / PHOTO.width
    assert 1 / 3 <= fill <= 2 / 3, fill


@pytest.mark.parametrize("scene", ["coffee", "rocket", "chelsea"])
def test_face_free_real_photos_are_no_face(scene: str) -> None:
    verdict = prepare_capture(photos.scene(scene), PHOTO)
    assert not verdict.ok
    assert P.NO_FACE in verdict.problems
    assert verdict.face is None
    assert verdict.jpeg is None


def test_near_profile_camera_man_is_not_accepted_and_named_not_frontal() -> None:
    verdict = prepare_capture(photos.scene("camera"), PHOTO)
    assert not verdict.ok
    assert verdict.problems[0] == P.NOT_FRONTAL
    assert verdict.hints[0] == "请正对镜头"


def test_collage_of_real_faces_is_multiple_faces() -> None:
    image = V.collage(photos.astronaut(), photos.grace_hopper())
    verdict = prepare_capture(image, PHOTO)
    assert P.MULTIPLE_FACES in verdict.problems
    assert "检测到多张人脸，请只留一人在镜头前" in verdict.hints
    assert verdict.jpeg is None


@pytest.mark.parametrize(
    ("degrade", "code"),
    [
        (V.darkened, P.TOO_DARK),
        (V.brightened, P.TOO_BRIGHT),
        (V.blurred, P.BLURRY),
        (V.shrunk, P.FACE_TOO_SMALL),
        (V.cornered, P.OFF_CENTER),
    ],
)
@pytest.mark.parametrize("source", ["astronaut", "grace_hopper"])
def test_degraded_faces_fail_with_the_right_code(degrade, code: str, source: str) -> None:
    image = V.passing()[source]
    degraded = degrade(image, V.FACE_PX[source]) if degrade is V.shrunk else degrade(image)
    verdict = prepare_capture(degraded, PHOTO)
    assert not verdict.ok
    assert verdict.problems[0] == code, verdict.problems
    assert verdict.jpeg is None


def test_face_filling_the_frame_is_too_large() -> None:
    verdict = prepare_capture(V.too_close(), PHOTO)
    assert verdict.problems[0] == P.FACE_TOO_LARGE
    assert verdict.hints[0] == "请离远一些"


def test_dark_scene_without_a_face_names_the_light_first() -> None:
    """The hint names the real cause (a dark room), not only 'no face' (issue 4 §3)."""
    verdict = prepare_capture(V.darkened(photos.scene("coffee"), 0.15), PHOTO)
    assert verdict.problems[0] == P.TOO_DARK
    assert P.NO_FACE in verdict.problems
    assert verdict.hints[0] == "光线太暗"


def test_smeared_lens_without_a_face_is_blurry() -> None:
    verdict = prepare_capture(V.blurred(photos.scene("coffee"), 8), PHOTO)
    assert verdict.problems[:2] == [P.BLURRY, P.NO_FACE]


def test_flat_grey_frame_is_low_contrast() -> None:
    flat = V.canvas(640, 480, 128)
    flat[::2] = 131  # a faint pattern: not a uniform image, but nothing to see
    verdict = prepare_capture(flat, PHOTO)
    assert P.LOW_CONTRAST in verdict.problems
    assert P.NO_FACE in verdict.problems


@pytest.mark.parametrize("data", [b"", b"not an image", photos.jpeg(photos.astronaut())[:200]])
def test_unreadable_bytes(data: bytes) -> None:
    verdict = check_photo_bytes(data, PHOTO)
    assert verdict.problems == [P.UNREADABLE]
    assert verdict.as_json("x.jpg") == {
        "file": "x.jpg",
        "ok": False,
        "problems": ["unreadable"],
        "face": None,
        "jpeg_bytes": None,
        "width": None,
        "height": None,
    }


def test_tiny_image_is_unreadable() -> None:
    assert check_photo_bytes(photos.jpeg(np.zeros((20, 20, 3), np.uint8)), PHOTO).problems == [
        P.UNREADABLE
    ]


def test_thresholds_come_from_configuration() -> None:
    """All of it is configuration (DESIGN §9): a stricter min_face_px fails the astronaut."""
    strict = PhotoSettings(min_face_px=150)
    assert prepare_capture(photos.astronaut(), strict).problems == [P.FACE_TOO_SMALL]
    lenient = PhotoSettings(max_brightness=255, min_brightness=0, min_contrast=0)
    assert P.TOO_BRIGHT not in prepare_capture(V.brightened(photos.astronaut()), lenient).problems


def test_grey_input_is_accepted() -> None:
    grey = cv2.cvtColor(photos.astronaut(), cv2.COLOR_BGR2GRAY)
    ok, buf = cv2.imencode(".png", grey)
    assert ok
    verdict = check_photo_bytes(buf.tobytes(), PHOTO)
    assert verdict.ok, verdict.problems


def test_large_phone_photo_passes_with_one_face() -> None:
    """A 4000×3000 photo with a big face (upscaled Grace Hopper): detection is capped at
    1024 px, and a tiny false detection does not make it multiple_faces."""
    big = cv2.resize(photos.grace_hopper(), (2560, 3000), interpolation=cv2.INTER_CUBIC)
    verdict = prepare_capture(V.place(big, V.canvas(4000, 3000), 700, 0), PHOTO)
    assert verdict.ok, verdict.problems
    assert verdict.face is not None
    assert verdict.face.w > 800


def test_decompression_bomb_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """An image declaring more than MAX_PIXELS is unreadable, judged from its header alone
    (here the limit is lowered so a real 512×512 photo stands in for a 30000×30000 bomb)."""
    jpeg_data = photos.jpeg(photos.astronaut())
    ok, png = cv2.imencode(".png", photos.astronaut())
    assert ok
    assert declared_size(jpeg_data) == (512, 512)
    assert declared_size(png.tobytes()) == (512, 512)
    assert check_photo_bytes(jpeg_data, PHOTO).ok
    monkeypatch.setattr(photo_module, "MAX_PIXELS", 512 * 511)
    assert check_photo_bytes(jpeg_data, PHOTO).problems == [P.UNREADABLE]
    assert check_photo_bytes(png.tobytes(), PHOTO).problems == [P.UNREADABLE]


def test_bgra_and_grey_frames_are_accepted() -> None:
    bgra = cv2.cvtColor(V.webcam_frame(), cv2.COLOR_BGR2BGRA)
    assert prepare_capture(bgra, PHOTO).ok
    grey = cv2.cvtColor(V.webcam_frame(), cv2.COLOR_BGR2GRAY)
    verdict = prepare_capture(grey, PHOTO)
    assert verdict.ok, verdict.problems
    assert verdict.jpeg is not None
    assert read_markers(verdict.jpeg).sampling == [(2, 2), (1, 1), (1, 1)]  # colour JPEG


def test_tiny_frame_is_unreadable_and_a_small_tight_crop_asks_to_come_closer() -> None:
    assert prepare_capture(photos.astronaut()[:20, :20], PHOTO).problems == [P.UNREADABLE]
    tight = cv2.resize(photos.grace_hopper()[100:335, 150:385], (100, 100))  # face fills it
    verdict = prepare_capture(tight, PHOTO)
    assert P.FACE_TOO_SMALL in verdict.problems
    assert P.FACE_TOO_LARGE not in verdict.problems
