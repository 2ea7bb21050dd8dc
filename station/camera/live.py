"""Live evaluation of the preview: a verdict that does not flicker, and auto-capture.

Every frame goes through the quality gate (DESIGN §5), with faces tracked between full
detections (``station.camera.track``) to keep up with the camera. The shown verdict changes only when the
new one has held for ``[camera] stable_s`` (hysteresis); while bad, the hint is the main problem
seen most often in that window. When the verdict has been good for ``auto_capture_s``, the
sharpest good frame of that stretch is made into the terminal-ready photo (and gated again); the
evaluator then waits for :meth:`LiveEvaluator.reset` before capturing again. Times are the
frames' own timestamps, so a video file drives it deterministically. Not thread-safe: the UI's
camera worker owns one evaluator.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np

from station.camera import problems as P
from station.camera.detect import FaceBox, FaceDetector
from station.camera.gate import evaluate
from station.camera.photo import PhotoVerdict, prepare_capture
from station.camera.sources import Frame
from station.camera.track import FaceTracker
from station.config import CameraSettings, PhotoSettings

log = logging.getLogger(__name__)

#: Face-less frames between two looks for a turned face (the profile cascade costs a detection).
PROFILE_EVERY = 10
_EPS = 1e-6  # frame timestamps are n / fps: 30 / 30 must count as 1 s


@dataclass(frozen=True)
class LiveStatus:
    ok: bool  # the stable verdict
    problems: list[str]  # the stable problems, main first
    face: FaceBox | None  # this frame's main face (for the overlay), in displayed pixels
    good_for_s: float  # how long the stable verdict has been good
    progress: float  # 0–1 towards auto-capture (0 when it is off or done)
    frame_problems: list[str] = field(default_factory=list)  # this frame alone
    captured: PhotoVerdict | None = None  # set on the one frame that captured the photo

    @property
    def hint(self) -> str:
        return P.HINTS_ZH[self.problems[0]] if self.problems else P.GOOD_ZH

    @property
    def hint_en(self) -> str:
        return P.HINTS_EN[self.problems[0]] if self.problems else P.GOOD_EN


@dataclass
class _Best:
    image: np.ndarray
    sharpness: float


class LiveEvaluator:
    def __init__(
        self,
        photo: PhotoSettings,
        camera: CameraSettings | None = None,
        detector: FaceDetector | None = None,
    ) -> None:
        camera = camera or CameraSettings()
        self.photo = photo
        self.stable_s = camera.stable_s
        self.auto_capture_s = camera.auto_capture_s
        self.detector = detector or FaceDetector(camera.dnn_model, camera.detect_width)
        self.tracker = FaceTracker(self.detector)
        self.reset()

    def reset(self) -> None:
        """Forget the history and arm auto-capture again (after a retake)."""
        self.tracker.reset()
        self._window: deque[tuple[float, tuple[str, ...]]] = deque()
        self._ok = False
        self._problems: list[str] = [P.NO_FACE]
        self._flip_since: float | None = None
        self._good_since: float | None = None
        self._best: _Best | None = None
        self._armed = True
        self._faceless = 0
        self._profile_seen = False
        self.last_capture: PhotoVerdict | None = None

    def feed(self, frame: Frame) -> LiveStatus:
        """Evaluate one frame (quick mode: one detection pass, the profile look every
        ``PROFILE_EVERY`` face-less frames) and return the stable status."""
        check_profile = self._faceless % PROFILE_EVERY == 0
        faces = self.tracker.detect(frame.image, self.photo.min_face_px)
        gate = evaluate(
            frame.image, self.photo, self.detector, check_profile=check_profile, faces=faces
        )
        frame_problems = gate.problems
        if gate.face is None:
            if check_profile:
                self._profile_seen = P.NOT_FRONTAL in gate.problems
            elif self._profile_seen:
                found = (set(frame_problems) - {P.NO_FACE}) | {P.NOT_FRONTAL}
                frame_problems = P.ordered(found)
            self._faceless += 1
        else:
            self._faceless = 0
        ts = frame.timestamp
        self._remember(ts, tuple(frame_problems))
        self._update_verdict(ts, gate.ok)
        face = gate.face.box if gate.face is not None else None
        captured = None
        good_for = ts - self._good_since if self._ok and self._good_since is not None else 0.0
        if self._ok and gate.ok and self._armed:
            if self._best is None or gate.measures.sharpness > self._best.sharpness:
                self._best = _Best(frame.unmirrored().copy(), gate.measures.sharpness)
            if self.auto_capture_s > 0 and good_for >= self.auto_capture_s - _EPS:
                captured = self.capture_now()
                if captured.ok:
                    self._armed = False
                else:  # the encoded photo failed the re-check: try again with a new stretch
                    self._good_since = ts
                    good_for = 0.0
        progress = 0.0
        if self._armed and self._ok and self.auto_capture_s > 0:
            progress = min(1.0, good_for / self.auto_capture_s)
        return LiveStatus(
            self._ok, list(self._problems), face, good_for, progress, frame_problems, captured
        )

    def capture_now(self, frame: Frame | None = None) -> PhotoVerdict:
        """Make the photo now: from ``frame`` if given, else the sharpest good frame so far."""
        if frame is not None:
            image = frame.unmirrored()
        elif self._best is not None:
            image = self._best.image
        else:
            return PhotoVerdict(False, list(self._problems) or [P.NO_FACE], None)
        verdict = prepare_capture(image, self.photo, self.detector)
        log.info("live capture: ok=%s problems=%s", verdict.ok, ",".join(verdict.problems))
        self._best = None
        self.last_capture = verdict
        return verdict

    def _remember(self, ts: float, problems: tuple[str, ...]) -> None:
        self._window.append((ts, problems))
        while len(self._window) > 1 and self._window[0][0] < ts - self.stable_s:
            self._window.popleft()

    def _update_verdict(self, ts: float, frame_ok: bool) -> None:
        if frame_ok != self._ok:
            if self._flip_since is None:
                self._flip_since = ts
            if ts - self._flip_since >= self.stable_s - _EPS:
                self._ok = frame_ok
                self._flip_since = None
                self._good_since = ts if frame_ok else None
                self._best = None
        else:
            self._flip_since = None
        if self._ok:
            self._problems = []
            return
        bad = [p for _, p in self._window if p]
        if not bad:
            return  # good frames while still shown bad: keep the last hint until it flips
        counts = Counter(p[0] for p in bad)
        main = max(counts, key=lambda code: (counts[code], -P.ORDER.index(code)))
        self._problems = list(next(p for p in reversed(bad) if p[0] == main))
