"""Live evaluation (issue 4 §3): a video file drives the stable verdict and auto-capture."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from station.camera import Frame, LiveEvaluator, LiveStatus, open_source
from station.camera import problems as P
from station.camera.photo import decode_image, prepare_capture
from station.config import CameraSettings, PhotoSettings
from tests.camera import variants as V
from tests.camera.clips import write_clip

PHOTO = PhotoSettings()
EMPTY = V.canvas(640, 480)  # nobody in front of the camera: a flat wall


def run_clip(clip: Path, camera: CameraSettings, count: int) -> list[LiveStatus]:
    source = open_source(camera, pace=False)
    live = LiveEvaluator(PHOTO, camera)
    statuses = []
    for _ in range(count):
        frame = source.read()
        assert frame is not None, source.state
        statuses.append(live.feed(frame))
    source.release()
    return statuses


def test_video_drives_live_verdict_and_auto_capture(tmp_path: Path) -> None:
    """20 frames of an empty room, then the worker steps in for 2 s (30 fps MJPG clip)."""
    clip = write_clip(tmp_path / "kiosk.avi", [EMPTY] * 20 + [V.webcam_frame()] * 60)
    camera = CameraSettings(source=str(clip), mirror=True, stable_s=0.3, auto_capture_s=1.0)
    statuses = run_clip(clip, camera, 80)

    assert all(not s.ok for s in statuses[:20])
    assert statuses[19].problems[-1] == P.NO_FACE
    assert P.NO_FACE in statuses[19].problems
    assert statuses[19].face is None
    # the face is there from frame 20 (seen within idle_every = 3 frames), but the verdict
    # turns good only after stable_s (9 frames at 30 fps)
    seen = next(i for i, s in enumerate(statuses) if s.face is not None)
    assert 20 <= seen <= 22
    first_good = next(i for i, s in enumerate(statuses) if s.ok)
    assert first_good == seen + 9
    assert statuses[first_good].hint == "照片合格"
    # progress grows, then one capture ~1 s (30 frames) after the verdict turned good
    captures = [i for i, s in enumerate(statuses) if s.captured is not None]
    assert captures == [first_good + 30]
    assert 0 < statuses[first_good + 15].progress < 1
    assert statuses[-1].progress == 0  # done: waits for a retake
    captured = statuses[captures[0]].captured
    assert captured is not None
    assert captured.ok, captured.problems
    assert captured.jpeg is not None
    assert len(captured.jpeg) <= PHOTO.max_bytes
    decoded = decode_image(captured.jpeg)
    assert decoded is not None
    assert decoded.shape == (640, 480, 3)


def test_capture_is_unmirrored() -> None:
    image = V.webcam_frame()
    mirrored = Frame(image[:, ::-1].copy(), 1, 0.0, mirrored=True)
    verdict = LiveEvaluator(PHOTO).capture_now(mirrored)
    direct = prepare_capture(image, PHOTO)
    assert verdict.ok, verdict.problems
    assert verdict.face == direct.face


def feed_all(live: LiveEvaluator, images: list[np.ndarray], fps: float = 30) -> list[LiveStatus]:
    return [live.feed(Frame(img, i + 1, i / fps)) for i, img in enumerate(images)]


def test_alternating_frames_do_not_flicker() -> None:
    """Good and bad frames alternating (someone swaying in and out): the shown verdict never
    turns good and the hint stays put."""
    face = V.webcam_frame()
    statuses = feed_all(LiveEvaluator(PHOTO), [face, EMPTY] * 15)
    assert not any(s.ok for s in statuses)
    frame_bad = [bool(s.frame_problems) for s in statuses]
    flips = sum(a != b for a, b in itertools.pairwise(frame_bad))
    assert flips >= 8  # frame by frame the verdict does flip
    assert len({tuple(s.problems) for s in statuses[10:]}) == 1


def test_a_short_glitch_does_not_break_a_good_verdict() -> None:
    face = V.webcam_frame()
    live = LiveEvaluator(PHOTO, CameraSettings(auto_capture_s=0))
    statuses = feed_all(live, [face] * 15 + [EMPTY] * 3 + [face] * 5)
    assert statuses[14].ok
    assert all(s.ok for s in statuses[14:])  # 3 bad frames (0.1 s) < stable_s (0.3 s)


def test_dark_room_gives_a_stable_light_hint() -> None:
    dark = V.darkened(V.webcam_frame(), 0.2)
    statuses = feed_all(LiveEvaluator(PHOTO), [dark] * 12)
    assert statuses[-1].problems[0] == P.TOO_DARK
    assert statuses[-1].hint == "光线太暗"
    assert statuses[-1].hint_en == "Too dark"


def test_auto_capture_off_and_manual_capture(tmp_path: Path) -> None:
    live = LiveEvaluator(PHOTO, CameraSettings(auto_capture_s=0))
    statuses = feed_all(live, [V.webcam_frame()] * 50)
    assert all(s.captured is None for s in statuses)
    assert all(s.progress == 0 for s in statuses)
    manual = live.capture_now()  # the sharpest good frame seen
    assert manual.ok, manual.problems
    assert live.last_capture is manual


def test_manual_capture_without_a_good_frame_says_why() -> None:
    live = LiveEvaluator(PHOTO)
    feed_all(live, [EMPTY] * 5)
    verdict = live.capture_now()
    assert not verdict.ok
    assert verdict.jpeg is None
    assert P.NO_FACE in verdict.problems


def test_reset_arms_a_retake() -> None:
    face = V.webcam_frame()
    live = LiveEvaluator(PHOTO, CameraSettings(stable_s=0.1, auto_capture_s=0.2))
    first = feed_all(live, [face] * 20)
    assert sum(s.captured is not None for s in first) == 1
    live.reset()
    again = [live.feed(Frame(face, 100 + i, 10 + i / 30)) for i in range(20)]
    assert sum(s.captured is not None for s in again) == 1
