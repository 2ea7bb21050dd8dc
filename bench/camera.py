"""Camera pipeline speed on 640×480 frames on one core (DESIGN §6: the live gate keeps up with
the camera's frame rate; issue 4 target: 30 fps).

    .venv/bin/python bench/camera.py [--frames 300] [--json]

A 30 fps MJPG clip of a real face (the astronaut, moving a little as a person does) is written
to a temp dir and played through the real frame source. Per frame it times: ``read`` (decode),
``detect`` (live tracking: a full Haar detection every 8th frame, a search near the face in
between), ``gate`` (exposure, sharpness and face checks), and the whole ``live`` feed; then
``live_idle`` (the live feed with nobody in view: a full detection every 3rd frame and the
profile look every 10th), ``detect_full`` (an untracked detection as for stills), ``encode`` (crop,
resize and baseline JPEG, once per capture) and ``check_photo`` (gate, encode, gate again).
Each stage is given as wall-clock and CPU (thread) milliseconds: on a shared machine the wall
clock includes waiting for the core, the CPU time is what the pipeline itself costs. The
sustainable rate is 1000 / (read + detect + gate), printed beside the source's 30 fps.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from station.camera import Frame, LiveEvaluator, open_source  # noqa: E402
from station.camera.detect import FaceDetector  # noqa: E402
from station.camera.encode import crop_portrait, encode_jpeg  # noqa: E402
from station.camera.gate import GateResult, evaluate  # noqa: E402
from station.camera.photo import prepare_capture  # noqa: E402
from station.camera.track import FaceTracker  # noqa: E402
from station.config import CameraSettings, PhotoSettings  # noqa: E402
from tests.helpers import photos  # noqa: E402

T = TypeVar("T")
STAGES = ("read", "detect", "gate", "live", "live_idle", "detect_full", "encode", "check_photo")
SOURCE_FPS = 30.0


def timed(samples: dict[str, list[tuple[float, float]]], name: str, fn: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), time.thread_time()
    result = fn()
    samples.setdefault(name, []).append(
        ((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000)
    )
    return result


def clip_frames(count: int) -> list[np.ndarray]:
    """The astronaut's head and shoulders in a 640×480 frame, swaying a few pixels."""
    head = cv2.resize(photos.astronaut()[0:400, 56:456], (480, 480))
    frames = []
    for i in range(count):
        frame = np.full((480, 640, 3), 110, np.uint8)
        dx = round(12 * np.sin(i / 9))
        frame[:, 80 + dx : 560 + dx] = head
        frames.append(frame)
    return frames


def summary(values: list[tuple[float, float]]) -> dict[str, float]:
    walls = sorted(v[0] for v in values)
    cpus = [v[1] for v in values]
    p95 = walls[min(len(walls) - 1, int(0.95 * len(walls)))]
    return {
        "wall_ms": statistics.fmean(walls),
        "wall_p95_ms": p95,
        "cpu_ms": statistics.fmean(cpus),
    }


def run(frames: int) -> dict[str, Any]:
    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    photo = PhotoSettings()
    samples: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "bench.avi"
        writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), SOURCE_FPS, (640, 480))
        for picture in clip_frames(90):
            writer.write(picture)
        writer.release()
        camera = CameraSettings(source=str(clip), mirror=True, auto_capture_s=0)
        source = open_source(camera, pace=False)
        detector = FaceDetector(camera.dnn_model, camera.detect_width)
        tracker = FaceTracker(detector)
        live = LiveEvaluator(photo, camera)
        last: tuple[Frame, GateResult] | None = None
        for _ in range(frames):
            frame = timed(samples, "read", source.read)
            assert frame is not None
            image = frame.image
            faces = timed(samples, "detect", partial(tracker.detect, image, photo.min_face_px))
            gate = timed(samples, "gate", partial(evaluate, image, photo, detector, faces=faces))
            timed(samples, "live", partial(live.feed, frame))
            timed(samples, "detect_full", partial(detector.detect, image, photo.min_face_px))
            last = (frame, gate)
        source.release()
        idle = LiveEvaluator(photo, camera)  # nobody in view: a full detection every frame
        scene = cv2.resize(photos.scene("coffee"), (640, 480), interpolation=cv2.INTER_AREA)
        for i in range(max(10, frames // 3)):
            timed(samples, "live_idle", partial(idle.feed, Frame(scene, i + 1, i / SOURCE_FPS)))
        assert last is not None
        still = last[0].unmirrored()
        face = last[1].face
        assert face is not None, "no face in the bench clip"
        for _ in range(20):
            timed(samples, "encode", lambda: encode_jpeg(crop_portrait(still, face, photo), photo))
        for _ in range(10):
            timed(samples, "check_photo", partial(prepare_capture, still, photo))
    stats = {name: summary(values) for name, values in samples.items()}
    per_frame_cpu = sum(stats[k]["cpu_ms"] for k in ("read", "detect", "gate"))
    per_frame_wall = sum(stats[k]["wall_ms"] for k in ("read", "detect", "gate"))
    return {
        "frames": frames,
        "frame_size": "640x480",
        "threads": 1,
        "stages": stats,
        "per_frame_cpu_ms": per_frame_cpu,
        "per_frame_wall_ms": per_frame_wall,
        "sustainable_fps_cpu": 1000 / per_frame_cpu,
        "sustainable_fps_wall": 1000 / per_frame_wall,
        "source_fps": SOURCE_FPS,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300, help="frames to time (default 300)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    result = run(args.frames)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"camera pipeline, {result['frame_size']} frames, 1 core, {args.frames} frames")
    print(f"{'stage':<12} {'wall ms':>8} {'p95 ms':>8} {'cpu ms':>8}")
    for name in STAGES:
        s = result["stages"][name]
        print(f"{name:<12} {s['wall_ms']:8.2f} {s['wall_p95_ms']:8.2f} {s['cpu_ms']:8.2f}")
    print(
        f"per frame (read+detect+gate): {result['per_frame_cpu_ms']:.1f} ms CPU, "
        f"{result['per_frame_wall_ms']:.1f} ms wall"
    )
    print(
        f"sustainable: {result['sustainable_fps_cpu']:.0f} fps (CPU), "
        f"{result['sustainable_fps_wall']:.0f} fps (wall) vs source {result['source_fps']:.0f} fps"
        f" (load average {result['load_average']:.1f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
