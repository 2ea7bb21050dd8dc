"""The photo quality gate (DESIGN §5): one image in, the problem codes of DESIGN §4 out.

Exposure (brightness, contrast) and sharpness are measured on the face, or on the centre of
the frame when there is no face, so that a dark room or a smeared lens is named as the cause
instead of only "no face". Thresholds are ``[photo]`` settings (defaults from DESIGN §9).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from station.camera import problems as P
from station.camera.detect import Face, FaceDetector
from station.config import PhotoSettings

_SHARPNESS_SIDE = 128  # the region is scaled to this width before the Laplacian (scale-free)
#: Other faces count (multiple_faces) from this fraction of the main face's width: a person
#: behind the worker counts, a false detection a tenth of the face's size does not.
OTHER_FACE_RATIO = 0.3


@dataclass(frozen=True)
class Measures:
    brightness: float  # grey mean 0–255 of the face (or frame centre)
    contrast: float  # grey standard deviation of the same region
    sharpness: float  # variance of the Laplacian of the region scaled to 128 px wide
    yaw_deg: float | None = None
    roll_deg: float | None = None


@dataclass(frozen=True)
class GateResult:
    problems: list[str]  # in reporting order (problems.ORDER); empty: the image passes
    face: Face | None  # the main (largest) face
    face_count: int
    measures: Measures
    faces: list[Face] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _region(gray: np.ndarray, face: Face | None) -> np.ndarray:
    height, width = gray.shape
    if face is None:
        return gray[height // 5 : height - height // 5, width // 4 : width - width // 4]
    b = face.box
    return gray[max(0, b.y) : min(height, b.y + b.h), max(0, b.x) : min(width, b.x + b.w)]


def measure(gray: np.ndarray, face: Face | None) -> Measures:
    """Brightness, contrast and sharpness of the face, or of the frame centre without one."""
    region = _region(gray, face)
    if region.size == 0:
        region = gray
    mean, std = cv2.meanStdDev(region)
    scale = _SHARPNESS_SIDE / region.shape[1]
    size = (_SHARPNESS_SIDE, max(1, round(region.shape[0] * scale)))
    inter = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    sharp = cv2.Laplacian(cv2.resize(region, size, interpolation=inter), cv2.CV_32F).var()
    yaw = face.yaw_deg() if face is not None else None
    roll = face.roll_deg() if face is not None else None
    return Measures(float(mean[0, 0]), float(std[0, 0]), float(sharp), yaw, roll)


def _exposure_problems(m: Measures, photo: PhotoSettings) -> set[str]:
    found = set()
    if m.brightness < photo.min_brightness:
        found.add(P.TOO_DARK)
    elif m.brightness > photo.max_brightness:
        found.add(P.TOO_BRIGHT)
    elif m.contrast < photo.min_contrast:  # a dark or blown-out image is flat as a consequence
        found.add(P.LOW_CONTRAST)
    if m.sharpness < photo.min_sharpness:
        found.add(P.BLURRY)
    return found


def max_crop_width(width: int, height: int, photo: PhotoSettings) -> float:
    """The widest crop of the output's portrait aspect that fits in a width × height frame."""
    return min(float(width), height * photo.width / photo.height)


def _face_problems(
    face: Face, m: Measures, width: int, height: int, photo: PhotoSettings
) -> set[str]:
    found = set()
    box = face.box
    if box.w < photo.min_face_px:  # too few pixels: "closer" is the hint, never both
        found.add(P.FACE_TOO_SMALL)
    elif box.w > photo.max_face_fraction * max_crop_width(width, height, photo):
        found.add(P.FACE_TOO_LARGE)
    cx, cy = box.center
    if abs(cx - width / 2) > photo.max_offset_x * width:
        found.add(P.OFF_CENTER)
    if abs(cy - height / 2) > photo.max_offset_y * height:
        found.add(P.OFF_CENTER)
    if m.yaw_deg is not None and abs(m.yaw_deg) > photo.max_yaw_deg:
        found.add(P.NOT_FRONTAL)
    if m.roll_deg is not None and abs(m.roll_deg) > photo.max_roll_deg:
        found.add(P.NOT_FRONTAL)
    return found


def evaluate(
    image: np.ndarray,
    photo: PhotoSettings,
    detector: FaceDetector,
    *,
    check_profile: bool = True,
    faces: list[Face] | None = None,
) -> GateResult:
    """Run every check on a BGR (or grey) image. ``check_profile`` looks for a turned face
    when no frontal face is found, so the hint says 请正对镜头 rather than 未检测到人脸.
    ``faces`` (largest first) skips detection: the live evaluator tracks them itself."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if faces is None:
        faces = detector.detect(image, photo.min_face_px)
    face = faces[0] if faces else None
    if face is not None:  # a speck far smaller than the main face is not a second person
        faces = [face, *(f for f in faces[1:] if f.box.w >= OTHER_FACE_RATIO * face.box.w)]
    m = measure(gray, face)
    found = _exposure_problems(m, photo)
    height, width = gray.shape
    if face is None:
        if check_profile and detector.looks_like_profile(image, photo.min_face_px):
            found.add(P.NOT_FRONTAL)
        else:
            found.add(P.NO_FACE)
    else:
        if len(faces) > 1:
            found.add(P.MULTIPLE_FACES)
        found |= _face_problems(face, m, width, height, photo)
    return GateResult(P.ordered(found), face, len(faces), m, faces)
