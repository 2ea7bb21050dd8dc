"""Editors generated from the settings model (``station.config``), with Chinese labels.

Each key of ``[station] [platform] [listener] [retry] [photo] [camera]`` gets an editor by its
type (bool → check box, int/float → spin box, Literal → choice, list → comma-separated line,
str → line). Validation is the model's own: a bad value is shown under its key.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.config import Settings
from station.ui.i18n import tr
from station.ui.widgets import named

SECTIONS = ("station", "platform", "listener", "retry", "photo", "camera")
SECTION_TITLES = {
    "station": "本站",
    "platform": "动环平台",
    "listener": "回调监听",
    "retry": "重推规则",
    "photo": "照片",
    "camera": "摄像头",
}
HIDDEN = {("station", "admin_pin_hash"), ("station", "consent_notice_version")}
SECRET = {("listener", "token"), ("listener", "hmac_secret")}
LABELS = {
    "station.kiosk": "全屏自助模式",
    "station.language": "界面语言",
    "station.timezone": "时区",
    "station.name": "本站名称（显示在标题栏）",
    "platform.base_url": "平台地址 (serverRoot)",
    "platform.protocol": "接口版本",
    "platform.encoding": "addFace 编码",
    "platform.v1_url": "v1.0 接口完整地址",
    "platform.v1_notation": "v1.0 数组字段写法",
    "platform.timeout_s": "读取超时（秒）",
    "platform.connect_timeout_s": "连接超时（秒）",
    "platform.ca_file": "平台证书的 CA 文件",
    "listener.host": "监听地址",
    "listener.port": "监听端口",
    "listener.tls_cert": "TLS 证书文件（空=HTTP，仅演示）",
    "listener.tls_key": "TLS 私钥文件",
    "listener.client_ca": "客户端证书 CA（双向 TLS）",
    "listener.allow": "允许回调的来源地址（CIDR，逗号分隔）",
    "listener.token": "X-Auth-Token 令牌",
    "listener.hmac_secret": "HMAC 签名密钥",
    "listener.max_skew_s": "签名时间允许偏差（秒）",
    "listener.max_body_bytes": "请求体上限（字节）",
    "retry.after_failure_s": "写入失败后重推（秒）",
    "retry.after_silence_s": "无结果多久后重推（秒）",
    "retry.after_not_effective_s": "未生效后重推（秒）",
    "retry.max_pushes": "每个设备最多推送次数",
    "retry.backoff_base_s": "网络重试起始间隔（秒）",
    "retry.backoff_max_s": "网络重试最大间隔（秒）",
    "retry.pause_probe_s": "暂停时探测间隔（秒）",
    "retry.poll_s": "检查待推送间隔（秒）",
    "photo.width": "照片宽度（像素）",
    "photo.height": "照片高度（像素）",
    "photo.max_bytes": "照片大小上限（字节）",
    "photo.min_face_px": "人脸最小宽度（像素）",
    "photo.face_fill": "人脸占照片宽度的比例",
    "photo.max_face_fraction": "人脸最大占画面比例",
    "photo.max_offset_x": "人脸水平偏离中心上限",
    "photo.max_offset_y": "人脸垂直偏离中心上限",
    "photo.min_brightness": "最低亮度（0–255）",
    "photo.max_brightness": "最高亮度（0–255）",
    "photo.min_contrast": "最低对比度",
    "photo.min_sharpness": "最低清晰度",
    "photo.max_yaw_deg": "最大左右转头角度（度）",
    "photo.max_roll_deg": "最大歪头角度（度）",
    "photo.jpeg_quality": "JPEG 初始质量",
    "photo.jpeg_quality_min": "JPEG 最低质量",
    "photo.jpeg_quality_step": "JPEG 质量递减步长",
    "camera.source": "摄像头（编号、视频文件、图片文件夹或 synthetic）",
    "camera.width": "采集宽度",
    "camera.height": "采集高度",
    "camera.mirror": "镜像预览",
    "camera.dnn_model": "DNN 人脸模型文件（可选）",
    "camera.fps": "帧率（图片/合成源；视频的备用值）",
    "camera.detect_width": "人脸检测使用的画面宽度",
    "camera.lost_after_s": "无画面多久判定摄像头断开（秒）",
    "camera.retry_s": "摄像头重连间隔（秒）",
    "camera.stable_s": "提示稳定时间（秒）",
    "camera.auto_capture_s": "合格多久后自动拍照（秒，0=手动）",
}


def _kind(annotation: Any) -> tuple[str, tuple[Any, ...]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice", typing.get_args(annotation)
    if origin is list:
        return "list", ()
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "float", ()
    return "str", ()


class SectionEditor(QWidget):
    def __init__(self, section: str, model: BaseModel) -> None:
        super().__init__()
        self.setObjectName(f"section_{section}")
        self.section = section
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setVerticalSpacing(6)
        for name, info in type(model).model_fields.items():
            if (section, name) in HIDDEN:
                continue
            kind, choices = _kind(info.annotation)
            editor = self._make(kind, choices, (section, name) in SECRET)
            editor.setObjectName(f"{section}.{name}")
            editor.setProperty("kind", kind)
            self.editors[name] = editor
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(editor)
            error = named(QLabel(), "fieldError")
            error.setWordWrap(True)
            error.hide()
            column.addWidget(error)
            self.errors[name] = error
            label = QLabel()
            label.setToolTip(f"[{section}] {name}")
            self.labels[name] = label
            form.addRow(label, box)
        self.load(model)
        self.retranslate()

    @staticmethod
    def _make(kind: str, choices: tuple[Any, ...], secret: bool) -> QWidget:
        if kind == "bool":
            return QCheckBox()
        if kind == "int":
            spin = QSpinBox()
            spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)  # typed; arrows are too small
            spin.setRange(-1, 2_000_000_000)
            return spin
        if kind == "float":
            dspin = QDoubleSpinBox()
            dspin.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
            dspin.setRange(-1, 1e9)
            dspin.setDecimals(2)
            return dspin
        if kind == "choice":
            combo = QComboBox()
            for choice in choices:
                combo.addItem(str(choice), choice)
            return combo
        line = QLineEdit()
        if secret:
            line.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        return line

    def load(self, model: BaseModel) -> None:
        for name, editor in self.editors.items():
            value = getattr(model, name)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                editor.setValue(value)
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QLineEdit):
                editor.setText(", ".join(value) if isinstance(value, list) else str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QCheckBox):
                out[name] = editor.isChecked()
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                out[name] = editor.value()
            elif isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            elif isinstance(editor, QLineEdit):
                text = editor.text().strip()
                if editor.property("kind") == "list":
                    out[name] = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
                else:
                    out[name] = text
        return out

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)

    def retranslate(self) -> None:
        for name, label in self.labels.items():
            label.setText(tr(LABELS.get(f"{self.section}.{name}", name)))


def validate_settings(
    base: Settings, edits: dict[str, dict[str, Any]]
) -> tuple[Settings | None, dict[tuple[str, str], str]]:
    """The edited settings, or the problems keyed by (section, key) with the model's message."""
    data = base.model_dump(mode="json")
    for section, values in edits.items():
        data[section].update(values)
    try:
        return Settings.model_validate(data), {}
    except ValidationError as exc:
        problems: dict[tuple[str, str], str] = {}
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            key = (loc[0], loc[1]) if len(loc) > 1 else (loc[0], "")
            got = error.get("input")
            problems[key] = f"{error['msg']}" + (
                "" if isinstance(got, dict | list) else f" ({got!r})"
            )
        return None, problems
