"""Problem codes of the photo quality gate (DESIGN §4, §5) and their hints for the clerk.

The codes are the ``problems`` of ``station check-photo --json`` and never change meaning. Each
has a short Chinese hint (shown over the preview, for the clerk and the worker) and an English
one. :data:`ORDER` is the order in which problems are reported: the first one is the main hint,
so causes in the scene (light, lens) come before what follows from them (no face found).
"""

from __future__ import annotations

UNREADABLE = "unreadable"
TOO_DARK = "too_dark"
TOO_BRIGHT = "too_bright"
LOW_CONTRAST = "low_contrast"
BLURRY = "blurry"
NO_FACE = "no_face"
MULTIPLE_FACES = "multiple_faces"
FACE_TOO_SMALL = "face_too_small"
FACE_TOO_LARGE = "face_too_large"
OFF_CENTER = "off_center"
NOT_FRONTAL = "not_frontal"
#: Not in DESIGN §4's list: the encoded photo cannot be made to fit ``photo.max_bytes`` even at
#: the lowest quality step (only with a tiny configured budget).
FILE_TOO_LARGE = "file_too_large"

ORDER: tuple[str, ...] = (
    UNREADABLE,
    TOO_DARK,
    TOO_BRIGHT,
    LOW_CONTRAST,
    BLURRY,
    NO_FACE,
    MULTIPLE_FACES,
    NOT_FRONTAL,
    FACE_TOO_SMALL,
    FACE_TOO_LARGE,
    OFF_CENTER,
    FILE_TOO_LARGE,
)

HINTS_ZH: dict[str, str] = {
    UNREADABLE: "无法读取图片",
    TOO_DARK: "光线太暗",
    TOO_BRIGHT: "光线太亮",
    LOW_CONTRAST: "画面灰暗不清，请改善照明",
    BLURRY: "画面模糊，请保持不动或擦拭镜头",
    NO_FACE: "未检测到人脸，请正对镜头",
    MULTIPLE_FACES: "检测到多张人脸，请只留一人在镜头前",
    NOT_FRONTAL: "请正对镜头",
    FACE_TOO_SMALL: "请靠近一些",
    FACE_TOO_LARGE: "请离远一些",
    OFF_CENTER: "请站到画面中央",
    FILE_TOO_LARGE: "照片压缩后仍超过大小限制",
}

HINTS_EN: dict[str, str] = {
    UNREADABLE: "The image cannot be read",
    TOO_DARK: "Too dark",
    TOO_BRIGHT: "Too bright",
    LOW_CONTRAST: "Dull, low-contrast picture: improve the lighting",
    BLURRY: "Blurred: hold still or clean the lens",
    NO_FACE: "No face found: face the camera",
    MULTIPLE_FACES: "More than one face: only one person in front of the camera",
    NOT_FRONTAL: "Face the camera straight on",
    FACE_TOO_SMALL: "Come closer",
    FACE_TOO_LARGE: "Step back a little",
    OFF_CENTER: "Move to the middle of the picture",
    FILE_TOO_LARGE: "The photo stays over the size limit after compression",
}

GOOD_ZH = "照片合格"
GOOD_EN = "Photo OK"


def ordered(problems: set[str] | list[str]) -> list[str]:
    """The problems in reporting order (main cause first), without duplicates."""
    found = set(problems)
    return [code for code in ORDER if code in found]


def hints(problems: list[str], language: str = "zh_CN") -> list[str]:
    """One hint per problem, in the given order; Chinese unless ``language`` is ``"en"``."""
    table = HINTS_EN if language == "en" else HINTS_ZH
    return [table[code] for code in problems]
