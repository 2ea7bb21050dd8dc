"""Camera and face-detector checks (DESIGN §5): the configured source gives a frame, the detector
model that an installed package ships loads offline.

``[camera].source`` is a webcam index (``"0"``), a video file, a folder of stills or
``"synthetic"`` (config.py). A synthetic source is a warning: fine for a demo, not for a kiosk.
"""

from __future__ import annotations

from pathlib import Path

from station.config import Settings
from station.doctor import Finding, finding

CAMERA_TITLE = ("摄像头", "camera")
DETECTOR_TITLE = ("人脸检测模型", "face detector")
CASCADE = "haarcascade_frontalface_alt2.xml"
STILL_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}

_FIX_CAMERA = (
    "检查摄像头连接与驱动，确认没有其他程序占用；或在 [camera].source 填写正确的设备序号、视频文件或图片目录",
    "check the webcam's cable and driver and that no other program holds it; or set [camera].source to the right index, a video file or a folder of stills",
)


def _first_frame(source: str | int) -> bool:
    import cv2

    quiet = cv2.utils.logging
    level = quiet.getLogLevel()
    quiet.setLogLevel(quiet.LOG_LEVEL_ERROR)  # the finding explains; no V4L2 warnings on stderr
    capture = cv2.VideoCapture(source)
    try:
        if not capture.isOpened():
            return False
        ok, frame = capture.read()
        return bool(ok) and frame is not None
    finally:
        capture.release()
        quiet.setLogLevel(level)


def check_camera(settings: Settings) -> Finding:
    source = settings.camera.source.strip()
    if source == "synthetic":
        return finding(
            "camera",
            CAMERA_TITLE,
            "warn",
            (
                "使用合成画面（演示模式），不是真实摄像头",
                "synthetic frames (demo mode), not a real camera",
            ),
            (
                '现场使用前把 [camera].source 设为摄像头序号，如 "0"',
                'set [camera].source to the webcam index, e.g. "0", before use at a kiosk',
            ),
        )
    if source.isdigit():
        if _first_frame(int(source)):
            return finding(
                "camera",
                CAMERA_TITLE,
                "ok",
                (f"摄像头 {source} 可打开并出图", f"webcam {source} opens and gives frames"),
            )
        return finding(
            "camera",
            CAMERA_TITLE,
            "fail",
            (f"无法打开摄像头 {source}", f"cannot open webcam {source}"),
            _FIX_CAMERA,
        )
    path = Path(source)
    if path.is_dir():
        stills = [p for p in path.iterdir() if p.suffix.lower() in STILL_SUFFIXES]
        if stills:
            return finding(
                "camera",
                CAMERA_TITLE,
                "ok",
                (
                    f"图片目录 {path}：{len(stills)} 张",
                    f"folder of stills {path}: {len(stills)} images",
                ),
            )
        return finding(
            "camera",
            CAMERA_TITLE,
            "fail",
            (f"图片目录 {path} 中没有图片", f"folder {path} holds no images"),
            _FIX_CAMERA,
        )
    if path.is_file() and _first_frame(str(path)):
        return finding(
            "camera",
            CAMERA_TITLE,
            "ok",
            (f"视频文件 {path} 可读取", f"video file {path} is readable"),
        )
    return finding(
        "camera",
        CAMERA_TITLE,
        "fail",
        (f"摄像头来源 {source!r} 无法打开", f"camera source {source!r} cannot be opened"),
        _FIX_CAMERA,
    )


def check_detector(settings: Settings) -> Finding:
    import cv2

    model = settings.camera.dnn_model
    if model:
        if not Path(model).is_file():
            return finding(
                "detector",
                DETECTOR_TITLE,
                "fail",
                (
                    f"[camera].dnn_model 指定的模型 {model} 不存在",
                    f"the model named by [camera].dnn_model, {model}, does not exist",
                ),
                (
                    "修正路径，或留空以使用自带的 Haar 级联模型",
                    "fix the path, or leave it empty to use the bundled Haar cascades",
                ),
            )
        return finding(
            "detector",
            DETECTOR_TITLE,
            "ok",
            (f"DNN 模型 {Path(model).name}", f"DNN model {Path(model).name}"),
        )
    folder = getattr(getattr(cv2, "data", None), "haarcascades", "")
    path = Path(folder) / CASCADE if folder else Path(CASCADE)
    classifier = cv2.CascadeClassifier(str(path)) if path.is_file() else None
    if classifier is None or classifier.empty():
        return finding(
            "detector",
            DETECTOR_TITLE,
            "fail",
            (f"找不到或无法加载 {CASCADE}", f"{CASCADE} is missing or does not load"),
            (
                "安装 opencv-contrib-python-headless（它附带 Haar 级联模型；opencv-python 5.x 不带）",
                "install opencv-contrib-python-headless (it ships the Haar cascades; opencv-python 5.x does not)",
            ),
        )
    return finding("detector", DETECTOR_TITLE, "ok", (f"已加载 {CASCADE}", f"{CASCADE} loaded"))
