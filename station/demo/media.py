"""The demo camera's sample clip: a short looping video of real faces, made at first run.

Made from the public-domain stills in ``resources/demo`` (see its README) with a gentle sway,
so the preview moves like a webcam: MJPG ``.avi`` (NOTES.md: OpenCV writes it here, decoding
takes ~1 ms a frame). Each person's face is on screen for ``seconds_each`` seconds, in turn.
"""

from __future__ import annotations

import math
from pathlib import Path

from station.resources import resources_dir

FACES = ("astronaut.jpg", "grace-hopper.jpg")
FPS = 15
SIZE = (640, 480)


def face_stills() -> list[Path]:
    folder = resources_dir() / "demo"
    stills = [folder / name for name in FACES]
    missing = [str(p) for p in stills if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"demo face stills missing: {', '.join(missing)}")
    return stills


def make_face_clip(target: Path, seconds_each: float = 4.0) -> Path:
    """Write the clip to ``target`` (unless it is there already) and return it."""
    import cv2
    import numpy as np

    if target.is_file() and target.stat().st_size > 0:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial.avi")
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write an MJPG video at {partial}")
    frames_each = max(1, int(seconds_each * FPS))
    try:
        for still in face_stills():
            image = cv2.imread(str(still))
            if image is None:
                raise RuntimeError(f"cannot read demo still {still}")
            image = cv2.resize(image, SIZE)
            for i in range(frames_each):
                phase = 2 * math.pi * i / frames_each
                dx, dy = 6 * math.sin(phase), 3 * math.sin(2 * phase)
                zoom = 1.0 + 0.02 * math.sin(phase)
                matrix = cv2.getRotationMatrix2D((SIZE[0] / 2, SIZE[1] / 2), 0, zoom)
                matrix[0, 2] += dx
                matrix[1, 2] += dy
                frame = cv2.warpAffine(image, matrix, SIZE, borderMode=cv2.BORDER_REPLICATE)
                writer.write(np.ascontiguousarray(frame))
    finally:
        writer.release()
    partial.replace(target)
    return target


def which_face(jpeg: bytes) -> str:
    """Which demo still a captured photo shows, from its background at the top: Grace Hopper
    stands before a blue flag (blue − red ≈ +70), the astronaut before a beige wall (≈ −25)."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("not a JPEG image")
    top = image[: max(1, image.shape[0] // 8)].astype(np.float32)
    blue_minus_red = float((top[..., 0] - top[..., 2]).mean())
    return FACES[1] if blue_minus_red > 20 else FACES[0]
