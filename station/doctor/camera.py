"""Camera and face-detector checks (DESIGN §5), through the camera pipeline's own API.

The camera check opens ``[camera].source`` exactly as the preview does
(``station.camera.sources.capture_factory``) and reads one frame. A synthetic source is a
warning: fine for a demo, not for a kiosk. The detector check builds the pipeline's
``FaceDetector`` (Haar cascades shipped by opencv-contrib, or the configured YuNet model) and
runs it on the demo face still, so "loaded" also means "finds a face".
"""

from __future__ import annotations

from station.config import Settings
from station.doctor import Finding, finding

CAMERA_TITLE = ("摄像头", "camera")
DETECTOR_TITLE = ("人脸检测模型", "face detector")

_FIX_CAMERA = (
    "检查摄像头连接与驱动，确认没有其他程序占用；或在 [camera].source 填写正确的设备序号、视频文件或图片目录",
    "check the webcam's cable and driver and that no other program holds it; or set [camera].source to the right index, a video file or a folder of stills",
)


def _one_frame(settings: Settings) -> tuple[str, bool]:
    import cv2

    from station.camera.sources import capture_factory

    quiet = cv2.utils.logging
    level = quiet.getLogLevel()
    quiet.setLogLevel(quiet.LOG_LEVEL_ERROR)  # the finding explains; no V4L2 warnings on stderr
    try:
        name, factory = capture_factory(settings.camera)
        capture = factory()
        if capture is None:
            return name, False
        try:
            return name, capture.read() is not None
        finally:
            capture.close()
    finally:
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
    name, ok = _one_frame(settings)
    if ok:
        return finding(
            "camera", CAMERA_TITLE, "ok", (f"{name} 可打开并出图", f"{name} opens and gives frames")
        )
    return finding(
        "camera",
        CAMERA_TITLE,
        "fail",
        (
            f"无法打开摄像头来源 {source!r}（{name}）",
            f"cannot open camera source {source!r} ({name})",
        ),
        _FIX_CAMERA,
    )


def check_detector(settings: Settings) -> Finding:
    import cv2

    from station.camera.detect import DetectorError, FaceDetector
    from station.demo.media import face_stills

    try:
        detector = FaceDetector(settings.camera.dnn_model)
    except DetectorError as exc:
        configured = bool(settings.camera.dnn_model)
        return finding(
            "detector",
            DETECTOR_TITLE,
            "fail",
            (f"人脸检测模型无法加载：{exc}", f"the face detector does not load: {exc}"),
            (
                "修正 [camera].dnn_model 的路径，或留空以使用自带的 Haar 级联模型"
                if configured
                else "安装 opencv-contrib-python-headless（它附带 Haar 级联模型；opencv-python 5.x 不带）",
                "fix the path in [camera].dnn_model, or leave it empty to use the bundled Haar cascades"
                if configured
                else "install opencv-contrib-python-headless (it ships the Haar cascades; opencv-python 5.x does not)",
            ),
        )
    try:
        image = cv2.imread(str(face_stills()[0]))
    except FileNotFoundError:
        image = None
    if image is None:
        return finding(
            "detector", DETECTOR_TITLE, "ok", (f"{detector.kind} 已加载", f"{detector.kind} loaded")
        )
    faces = detector.detect(image, settings.photo.min_face_px)
    if len(faces) != 1:
        return finding(
            "detector",
            DETECTOR_TITLE,
            "fail",
            (
                f"{detector.kind} 已加载，但在样例照片中找到 {len(faces)} 张人脸（应为 1）",
                f"{detector.kind} loads but finds {len(faces)} faces in the sample photo (expected 1)",
            ),
            (
                "检查 [camera].dnn_model 是否为 YuNet 模型，以及 [photo].min_face_px 是否过大",
                "check that [camera].dnn_model is a YuNet model and that [photo].min_face_px is not too large",
            ),
        )
    return finding(
        "detector",
        DETECTOR_TITLE,
        "ok",
        (
            f"{detector.kind} 已加载，样例照片中检出人脸",
            f"{detector.kind} loaded and finds the face in the sample photo",
        ),
    )
