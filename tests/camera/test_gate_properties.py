"""Invariants of the gate over many scales, crops and exposures of a real face (hypothesis):
it never raises, a pass always carries a terminal-ready JPEG, a fail never does."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.camera import prepare_capture
from station.camera import problems as P
from station.camera.photo import decode_image
from station.config import PhotoSettings
from tests.helpers import photos

PHOTO = PhotoSettings()


FACES = {"astronaut": (176, 66, 99, 99), "grace_hopper": (156, 105, 225, 225)}  # x, y, w, h


@st.composite
def variants(draw: st.DrawFn) -> np.ndarray:
    """A real face photo scaled, cropped anywhere around the face, and re-exposed."""
    name = draw(st.sampled_from(sorted(FACES)))
    image = photos.astronaut() if name == "astronaut" else photos.grace_hopper()
    fx, fy, fw, fh = FACES[name]
    h, w = image.shape[:2]
    x0, y0 = draw(st.integers(0, fx)), draw(st.integers(0, fy))
    x1, y1 = draw(st.integers(fx + fw, w)), draw(st.integers(fy + fh, h))
    image = image[y0:y1, x0:x1]
    scale = draw(st.floats(0.3, 2.5))
    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gain, bias = draw(st.floats(0.3, 1.6)), draw(st.integers(-50, 50))
    return cv2.convertScaleAbs(image, alpha=gain, beta=bias)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(variants())
def test_gate_invariants(image: np.ndarray) -> None:
    verdict = prepare_capture(image, PHOTO)
    assert verdict.problems == P.ordered(verdict.problems)
    assert set(verdict.problems) <= set(P.ORDER)
    assert not {P.FACE_TOO_SMALL, P.FACE_TOO_LARGE} <= set(verdict.problems)  # one size hint
    assert len(verdict.hints) == len(verdict.problems)
    if verdict.ok:
        assert verdict.problems == []
        assert verdict.jpeg is not None
        assert len(verdict.jpeg) <= PHOTO.max_bytes
        decoded = decode_image(verdict.jpeg)
        assert decoded is not None
        assert decoded.shape == (PHOTO.height, PHOTO.width, 3)
    else:
        assert verdict.problems
        assert verdict.jpeg is None
        if P.NO_FACE in verdict.problems:
            assert verdict.face is None
