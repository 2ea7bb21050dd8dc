"""The live camera preview with a face guide and the quality gate's hint in large text."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from station.ui.camera_worker import LiveView
from station.ui.i18n import tr
from station.ui.theme import BAD, OK, WARN
from station.ui.widgets import named


class PreviewCanvas(QWidget):
    """Paints the latest frame scaled to fit, the oval face guide and the detected face box."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("previewCanvas")
        self.setMinimumSize(360, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None
        self._view: LiveView | None = None
        self._message = "正在打开摄像头…"

    def show_frame(self, image: QImage, view: LiveView) -> None:
        self._image, self._view, self._message = image, view, ""
        self.update()

    def show_message(self, message: str) -> None:
        self._image, self._view, self._message = None, None, message
        self.update()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#0F172A"))
        if self._image is None:
            painter.setPen(QColor("#E5E7EB"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr(self._message))
            return
        img = self._image
        scale = min(self.width() / img.width(), self.height() / img.height())
        w, h = img.width() * scale, img.height() * scale
        x0, y0 = (self.width() - w) / 2, (self.height() - h) / 2
        painter.drawImage(QRectF(x0, y0, w, h), img)
        ok = bool(self._view and self._view.ok)
        guide = QRectF(x0 + w * 0.32, y0 + h * 0.12, w * 0.36, h * 0.66)
        painter.setPen(QPen(QColor(OK if ok else "#F8FAFC"), 3, Qt.PenStyle.DashLine))
        painter.drawEllipse(guide)
        if self._view and self._view.face:
            fx, fy, fw, fh = self._view.face
            painter.setPen(QPen(QColor(OK if ok else WARN), 3))
            painter.drawRect(QRectF(x0 + fx * scale, y0 + fy * scale, fw * scale, fh * scale))


class PreviewPanel(QWidget):
    """Canvas plus the hint line (green when the photo is good, amber with the reason otherwise)."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = PreviewCanvas()
        self.hint = named(QLabel(), "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.hint)
        self._hint_source = "请正对镜头"
        self._ok = False
        self.retranslate()

    def update_view(self, image: QImage, view: LiveView) -> None:
        self.canvas.show_frame(image, view)
        source = "照片合格，请保持不动" if view.ok else (view.hint or "请正对镜头")
        if (source, view.ok) != (self._hint_source, self._ok):
            self._hint_source, self._ok = source, view.ok
            self.retranslate()

    def camera_lost(self) -> None:
        self.canvas.show_message("未检测到摄像头，请检查连接（恢复后自动继续）")
        self._hint_source, self._ok = "未检测到摄像头", False
        self.retranslate()

    def retranslate(self) -> None:
        colour = OK if self._ok else (BAD if "摄像头" in self._hint_source else WARN)
        self.hint.setText(tr(self._hint_source))
        self.hint.setStyleSheet(f"background: {colour}; color: white;")
        self.canvas.update()


def photo_pixmap(jpeg: bytes, height: int) -> QPixmap:
    pixmap = QPixmap()
    pixmap.loadFromData(jpeg, "JPEG")
    return pixmap.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)
