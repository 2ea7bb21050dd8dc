"""The terminal-ready JPEG (DESIGN §5, §9; D2): exact size, baseline 4:2:0, no EXIF, budget."""

from __future__ import annotations

import cv2
import pytest

from station.camera import check_photo_bytes, prepare_capture
from station.camera import problems as P
from station.camera.detect import Face, FaceBox
from station.camera.encode import crop_box, encode_jpeg
from station.config import PhotoSettings
from tests.camera.jpeg_markers import read_markers
from tests.helpers import photos

PHOTO = PhotoSettings()


def test_photo_is_baseline_420_jfif_without_exif() -> None:
    verdict = prepare_capture(photos.grace_hopper(), PHOTO)
    assert verdict.jpeg is not None
    info = read_markers(verdict.jpeg)
    assert info.sof == 0xC0  # baseline, not progressive
    assert info.sampling == [(2, 2), (1, 1), (1, 1)]  # Y 2×2, Cb and Cr 1×1: 4:2:0
    assert 0xE1 not in info.app_markers  # no EXIF
    assert (info.width, info.height) == (480, 640)


def test_an_exif_photo_loses_its_exif() -> None:
    """A phone photo with EXIF (here a hand-made APP1 segment) comes out without it."""
    src = photos.jpeg(photos.astronaut())
    exif = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x00"
    app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    with_exif = src[:2] + app1 + src[2:]
    assert 0xE1 in read_markers(with_exif).app_markers
    verdict = check_photo_bytes(with_exif, PHOTO)
    assert verdict.ok, verdict.problems
    assert verdict.jpeg is not None
    assert 0xE1 not in read_markers(verdict.jpeg).app_markers


def test_quality_is_lowered_step_by_step_to_fit_the_budget() -> None:
    portrait = cv2.resize(photos.grace_hopper(), (480, 640))
    size_at = {q: len(photos.jpeg(portrait, q)) for q in (92, 87, 82, 77)}
    assert size_at[92] > size_at[87] > size_at[82] > size_at[77]
    budget = (size_at[82] + size_at[77]) // 2  # 82 is too big, 77 fits (±encoder options)
    encoded = encode_jpeg(portrait, PhotoSettings(max_bytes=budget))
    assert encoded is not None
    jpeg, quality = encoded
    assert len(jpeg) <= budget
    assert quality in (77, 82)
    roomy = encode_jpeg(portrait, PHOTO)
    assert roomy is not None
    assert roomy[1] == PHOTO.jpeg_quality  # no lowering when the first try fits


def test_prepare_capture_reports_the_quality_it_used() -> None:
    roomy = prepare_capture(photos.grace_hopper(), PHOTO)
    assert roomy.jpeg is not None
    tight = prepare_capture(photos.grace_hopper(), PhotoSettings(max_bytes=len(roomy.jpeg) // 2))
    assert tight.ok, tight.problems
    assert tight.jpeg is not None
    assert len(tight.jpeg) <= len(roomy.jpeg) // 2
    assert tight.quality is not None
    assert roomy.quality is not None
    assert tight.quality < roomy.quality


def test_a_budget_too_small_for_any_quality_is_file_too_large() -> None:
    photo = PhotoSettings(max_bytes=4096, jpeg_quality_min=60)
    verdict = prepare_capture(photos.grace_hopper(), photo)
    assert verdict.problems == [P.FILE_TOO_LARGE]
    assert verdict.jpeg is None


@pytest.mark.parametrize(("width", "height"), [(360, 480), (600, 800), (240, 320)])
def test_output_size_follows_configuration(width: int, height: int) -> None:
    photo = PhotoSettings(width=width, height=height)
    verdict = prepare_capture(photos.astronaut(), photo)
    assert verdict.ok, verdict.problems
    assert verdict.jpeg is not None
    info = read_markers(verdict.jpeg)
    assert (info.width, info.height) == (width, height)


def test_crop_stays_inside_the_frame_and_keeps_the_portrait_aspect() -> None:
    face = Face(FaceBox(10, 5, 100, 100))  # near the top-left corner
    x, y, w, h = crop_box(face, 640, 480, PHOTO)
    assert x >= 0
    assert y >= 0
    assert x + w <= 640
    assert y + h <= 480
    assert abs(w / h - 480 / 640) < 0.01
    assert w == round(100 / PHOTO.face_fill)


def test_crop_is_limited_by_a_short_frame() -> None:
    """A 200 px face wants a 400×533 crop; a 480 px high frame caps it at 360×480."""
    face = Face(FaceBox(220, 100, 200, 200))
    _x, y, w, h = crop_box(face, 640, 480, PHOTO)
    assert (w, h, y) == (360, 480, 0)
