"""Frame sources (issue 4 §1): video file in a loop at its rate, stills, synthetic, webcam;
camera lost (未检测到摄像头) and recovered; clean stop from another thread."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from station.camera import STATE_TEXT_ZH, CameraState, FrameSource, open_source
from station.config import CameraSettings
from station.domain.clock import FakeClock
from tests.camera import variants as V
from tests.camera.clips import Unpluggable, write_clip
from tests.helpers import photos


def numbered(count: int, size: tuple[int, int] = (640, 480)) -> list[np.ndarray]:
    """Frames whose grey level tells their index (10, 30, 50, …)."""
    return [np.full((size[1], size[0], 3), 10 + 20 * i, np.uint8) for i in range(count)]


def level(frame: np.ndarray) -> int:
    """The grey level a numbered frame was written with (MJPG is lossy by a unit or two)."""
    return 10 + 20 * round((float(frame.mean()) - 10) / 20)


def state(source: FrameSource) -> CameraState:
    """The source's state, read afresh (a plain attribute read would be narrowed by mypy)."""
    return source.state


def ticker(clock: FakeClock):
    return lambda: clock.now().timestamp()


def read_until_frame(source: FrameSource, deadline_s: float = 5.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        frame = source.read()
        if frame is not None:
            return frame
    raise AssertionError(f"no frame within {deadline_s} s (state {source.state})")


def test_video_file_loops_with_media_timestamps(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.avi", numbered(5))
    source = open_source(CameraSettings(source=str(clip), mirror=False), pace=False)
    frames = [read_until_frame(source) for _ in range(12)]
    assert [level(f.image) for f in frames] == [10, 30, 50, 70, 90] * 2 + [10, 30]
    assert [f.index for f in frames] == list(range(1, 13))
    assert frames[6].timestamp == pytest.approx(6 / 30)
    assert source.fps == 30
    assert state(source) is CameraState.LIVE
    source.release()


def test_video_file_is_paced_at_its_frame_rate(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.avi", numbered(3, (160, 120)), fps=20)
    source = open_source(CameraSettings(source=str(clip)))
    read_until_frame(source)
    started = time.monotonic()
    for _ in range(6):
        read_until_frame(source)
    assert time.monotonic() - started >= 6 / 20 * 0.9
    source.release()


def test_frames_are_fitted_to_the_resolution_and_mirrored(tmp_path: Path) -> None:
    frame = np.zeros((960, 1280, 3), np.uint8)
    frame[:, :640] = 255  # left half white
    still = tmp_path / "left.png"
    cv2.imwrite(str(still), frame)
    source = open_source(CameraSettings(source=str(still), mirror=True), pace=False)
    got = read_until_frame(source)
    assert got.image.shape == (480, 640, 3)
    assert got.mirrored
    assert got.image[:, 400:].mean() > 250  # shown mirrored: white on the right
    assert got.unmirrored()[:, :240].mean() > 250  # the photo is taken the right way round
    source.release()


def test_stills_folder_and_list(tmp_path: Path) -> None:
    folder = tmp_path / "stills"
    folder.mkdir()
    for i, image in enumerate(numbered(3, (320, 240))):
        cv2.imwrite(str(folder / f"{i}.png"), image)
    (folder / "notes.txt").write_text("not an image")
    source = open_source(CameraSettings(source=str(folder)), pace=False)
    assert [level(read_until_frame(source).image) for _ in range(4)] == [10, 30, 50, 10]
    listed = os.pathsep.join(str(folder / n) for n in ("2.png", "0.png"))
    source = open_source(CameraSettings(source=listed), pace=False)
    assert [level(read_until_frame(source).image) for _ in range(3)] == [50, 10, 50]


def test_synthetic_source_moves(tmp_path: Path) -> None:
    source = open_source(CameraSettings(source="synthetic", width=320, height=240), pace=False)
    first, second = read_until_frame(source), read_until_frame(source)
    assert first.image.shape == (240, 320, 3)
    assert not np.array_equal(first.image, second.image)


def test_missing_webcam_is_lost_not_a_crash() -> None:
    states: list[CameraState] = []
    source = open_source(CameraSettings(source="7"), on_state=states.append)
    assert source.read() is None
    assert state(source) is CameraState.LOST
    assert STATE_TEXT_ZH[source.state] == "未检测到摄像头"
    assert states == [CameraState.LOST]
    source.release()


def test_camera_that_stops_delivering_is_lost_and_recovers(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "cam.avi", numbered(4, (320, 240)))
    webcam, clock = Unpluggable(clip), FakeClock()
    states: list[CameraState] = []
    camera = CameraSettings(source="0", lost_after_s=2, retry_s=1)
    source = open_source(
        camera, factory=webcam.factory, ticker=ticker(clock), on_state=states.append
    )
    assert read_until_frame(source).index == 1
    webcam.plugged = False
    assert source.read() is None
    assert state(source) is CameraState.LIVE  # a short gap is not a lost camera
    clock.advance(2.5)
    assert source.read() is None
    assert state(source) is CameraState.LOST
    clock.advance(1.5)
    assert source.read() is None  # reopening fails while unplugged
    assert state(source) is CameraState.LOST
    webcam.plugged = True
    assert source.read() is None  # the next reopen is not due yet
    clock.advance(1.5)
    frame = read_until_frame(source)
    assert state(source) is CameraState.LIVE
    assert frame.index == 2
    assert states == [CameraState.LIVE, CameraState.LOST, CameraState.LIVE]
    assert webcam.opened == 2
    source.release()
    assert states[-1] is CameraState.STOPPED


def test_video_file_that_appears_later_is_picked_up(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "later.avi"
    source = open_source(CameraSettings(source=str(path), retry_s=1), ticker=ticker(clock))
    assert source.read() is None
    assert state(source) is CameraState.LOST
    write_clip(path, numbered(2, (160, 120)))
    clock.advance(1.1)
    assert level(read_until_frame(source).image) == 10
    assert state(source) is CameraState.LIVE


def test_a_driver_error_while_opening_is_a_lost_camera() -> None:
    def broken():
        raise cv2.error("driver exploded")

    source = FrameSource(broken, name="broken")
    assert source.read() is None
    assert state(source) is CameraState.LOST


def test_release_from_another_thread_stops_a_reading_loop(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.avi", [V.webcam_frame(), photos.astronaut()[:480]])
    source = open_source(CameraSettings(source=str(clip)))  # paced: read blocks ~33 ms
    counted = []

    def worker() -> None:
        while source.state is not CameraState.STOPPED:
            if source.read() is not None:
                counted.append(1)

    thread = threading.Thread(target=worker)
    thread.start()
    end = time.monotonic() + 5
    while not counted and time.monotonic() < end:
        time.sleep(0.01)
    source.release()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert counted
    assert state(source) is CameraState.STOPPED
    assert source.read() is None


def test_a_slow_reader_gets_the_newest_frame_not_slow_motion(tmp_path: Path) -> None:
    """A paced clip keeps real time: a reader that takes 3 periods per frame skips frames
    (as a webcam drops them) and the media timestamps follow the wall clock."""
    clip = write_clip(tmp_path / "clip.avi", numbered(12, (160, 120)), fps=30)
    clock = FakeClock()
    source = open_source(CameraSettings(source=str(clip)), ticker=ticker(clock))
    first = read_until_frame(source)
    assert first.index == 1
    clock.advance(3 / 30)
    second = read_until_frame(source)
    assert second.index == 4
    assert level(second.image) == 10 + 20 * 3
    assert second.timestamp == pytest.approx(3 / 30)
    clock.advance(10.0)  # far behind: drops at most 5 frames, then restarts its clock
    third = read_until_frame(source)
    assert third.index == 10
    source.release()


def test_a_driver_error_while_reading_becomes_a_lost_camera() -> None:
    class Failing:
        device_fps: float | None = 30.0
        fps = 30.0

        def read(self) -> np.ndarray | None:
            raise cv2.error("select() timeout")

        def close(self) -> None:
            pass

    clock = FakeClock()
    source = FrameSource(Failing, lost_after_s=2, ticker=ticker(clock))
    assert source.read() is None
    clock.advance(2.5)
    assert source.read() is None
    assert state(source) is CameraState.LOST


def test_on_state_may_release_the_source(tmp_path: Path) -> None:
    """A state handler that stops the camera when it is lost does not deadlock."""
    source: FrameSource | None = None

    def stop_when_lost(new: CameraState) -> None:
        if new is CameraState.LOST and source is not None:
            source.release()

    source = open_source(CameraSettings(source=str(tmp_path / "none.avi")), on_state=stop_when_lost)
    assert source.read() is None
    assert state(source) is CameraState.STOPPED
