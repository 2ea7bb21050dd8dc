"""登记 (Register): live camera with the quality hint, photo capture/retake, the form, submit.

Submit stores the registration through the core (D16: stored before any network I/O, so it never
waits for the platform) and moves to the progress page. Submit stays disabled until the form is
valid; the line under it names what is still missing, so the clerk is never stuck.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QImage, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.ui.camera_worker import CameraThread, Capture, LiveView
from station.ui.form import RegistrationForm, validate
from station.ui.i18n import tr
from station.ui.pages.preview import PreviewPanel, photo_pixmap
from station.ui.pages.register_form import FormPanel
from station.ui.ports import CatalogRow, CoreFacade, FieldError
from station.ui.tasks import spawn
from station.ui.widgets import named

log = logging.getLogger(__name__)

FIELD_NAMES = {
    "work_order": "工单号",
    "name": "姓名",
    "account": "账号",
    "phone": "联系电话",
    "city": "城市",
    "sites": "站点",
    "rooms": "机房",
    "devices": "门禁设备",
    "date": "日期",
    "photo": "人脸照片",
    "consent": "同意告知",
    "escort_name": "随工姓名",
    "escort_phone": "随工电话",
    "escort_account": "随工账号",
    "escort_photo": "随工照片",
}


class PhotoSlot(QFrame):
    """A captured photo (or an empty placeholder) with its retake button."""

    def __init__(self, title: str, key: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.key, self._title = key, title
        self.jpeg: bytes | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.image = named(QLabel(), f"{key}_image")
        self.image.setFixedSize(120, 160)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setStyleSheet("background: #E5E7EB; border-radius: 6px;")
        self.retake = named(QPushButton(), f"{key}_retake")
        layout.addWidget(self.title)
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.retake)
        self.set_photo(None)

    def set_photo(self, jpeg: bytes | None) -> None:
        self.jpeg = jpeg
        self.retake.setEnabled(jpeg is not None)
        if jpeg is None:
            self.image.clear()
            self.image.setText(tr("未拍照"))
        else:
            self.image.setPixmap(photo_pixmap(jpeg, 160))

    def retranslate(self) -> None:
        self.title.setText(tr(self._title))
        self.retake.setText(tr("重拍"))
        if self.jpeg is None:
            self.image.setText(tr("未拍照"))


class RegisterPage(QWidget):
    def __init__(
        self,
        core: CoreFacade,
        camera: CameraThread | None,
        *,
        escort_required: bool,
        retention_days: int,
        today: Callable[[], date],
        on_submitted: Callable[[list[int]], None],
    ) -> None:
        super().__init__()
        self.setObjectName("page")
        self._core, self._camera, self._today = core, camera, today
        self._on_submitted = on_submitted
        self._show_all = False
        self._submitting = False
        self._live = False  # frames are arriving from the camera
        self.target = "photo"  # which slot the next capture fills: photo | escort_photo
        self.form = FormPanel(escort_required=escort_required, retention_days=retention_days)
        self.preview = PreviewPanel()
        self.capture_button = named(QPushButton(), "captureButton")
        self.auto_capture = named(QCheckBox(), "autoCapture")
        self.auto_capture.setChecked(True)
        self.photo = PhotoSlot("作业人员照片", "photo")
        self.escort_photo = PhotoSlot("随工/监理照片", "escort_photo")
        self.capture_message = named(QLabel(), "fieldError")
        self.capture_message.setWordWrap(True)
        self.submit = named(QPushButton(), "primary")
        self.submit.setAccessibleName("submitButton")
        self.missing = named(QLabel(), "muted")
        self.missing.setWordWrap(True)
        self.title = named(QLabel(), "pageTitle")
        self._build()
        self.form.changed.connect(self.revalidate)
        self.form.escort_box.toggled.connect(self.escort_photo.setVisible)
        self.escort_photo.setVisible(self.form.escort_on())
        self.form.scanRequested.connect(self._toggle_scan)
        self.capture_button.clicked.connect(self._capture_clicked)
        self.photo.retake.clicked.connect(lambda: self._retake("photo"))
        self.escort_photo.retake.clicked.connect(lambda: self._retake("escort_photo"))
        self.submit.clicked.connect(self._submit_clicked)
        self.auto_capture.toggled.connect(self._auto_toggled)
        if camera is not None:
            camera.worker.frameReady.connect(self._frame)
            camera.worker.captured.connect(self._captured)
            camera.worker.qrDecoded.connect(self._qr)
            camera.worker.cameraLost.connect(self._camera_lost)
        else:
            self.preview.camera_lost()
        self.form.reset(today())
        self.retranslate()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.addWidget(self.title)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.capture_button, 1)
        buttons.addWidget(self.auto_capture)
        left.addLayout(buttons)
        left.addWidget(self.capture_message)
        photos = QGridLayout()
        photos.addWidget(self.photo, 0, 0)
        photos.addWidget(self.escort_photo, 0, 1)
        left.addLayout(photos)
        right_inner = QWidget()
        right_layout = QVBoxLayout(right_inner)
        right_layout.setContentsMargins(0, 0, 8, 0)
        right_layout.addWidget(self.form)
        right_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(right_inner)
        # what is missing and the submit button stay in view below the scrolling form
        right = QVBoxLayout()
        right.addWidget(scroll, 1)
        right.addWidget(self.missing)
        right.addWidget(self.submit)
        body.addLayout(left, 5)
        body.addLayout(right, 6)
        outer.addLayout(body, 1)

    # camera --------------------------------------------------------------------------------
    def _frame(self, image: QImage, view: LiveView) -> None:
        self._live = True
        self.preview.update_view(image, view)

    def _camera_lost(self) -> None:
        self._live = False
        self.preview.camera_lost()

    def _capture_clicked(self) -> None:
        if self._camera is None or not self._live:
            self.capture_message.setText(tr("没有可用的摄像头，无法拍照"))
            return
        self.capture_message.clear()
        self._camera.worker.request_capture()

    def _auto_toggled(self, on: bool) -> None:
        if self._camera is not None:
            self._camera.worker.set_auto_capture(on)

    def _captured(self, result: Capture) -> None:
        if result.jpeg is None:
            problems = "，".join(tr(p) for p in result.problems) or tr("照片不合格")
            self.capture_message.setText(tr("照片未通过检查：{problems}", problems=problems))
            return
        self.capture_message.clear()
        slot = self.escort_photo if self.target == "escort_photo" else self.photo
        slot.set_photo(result.jpeg)
        if slot is self.photo and self.form.escort_on() and self.escort_photo.jpeg is None:
            self.target = "escort_photo"
            if self._camera is not None:
                self._camera.worker.rearm()
        self.revalidate()

    def _retake(self, key: str) -> None:
        slot = self.escort_photo if key == "escort_photo" else self.photo
        slot.set_photo(None)
        self.target = key
        if self._camera is not None:
            self._camera.worker.rearm()
        self.revalidate()

    def _toggle_scan(self) -> None:
        if self._camera is None:
            self.capture_message.setText(tr("没有可用的摄像头，无法扫码"))
            return
        scanning = self.form.scan_button.property("scanning") is True
        self._camera.worker.request_scan(not scanning)
        self.form.scan_button.setProperty("scanning", not scanning)
        self.retranslate()

    def _qr(self, text: str) -> None:
        self.form.scan_button.setProperty("scanning", False)
        self.form.fill_from_qr(text)
        self.retranslate()

    # validation and submit -------------------------------------------------------------------
    def current_form(self) -> RegistrationForm:
        form = self.form.values()
        form.photo = self.photo.jpeg
        if form.escort is not None:
            form.escort.photo = self.escort_photo.jpeg
        return form

    def revalidate(self) -> dict[str, str]:
        problems = validate(
            self.current_form(), today=self._today(), escort_required=self.form.escort_required
        )
        self.form.show_errors(problems, self._show_all)
        self.submit.setEnabled(not problems and not self._submitting)
        self._problems = problems
        self._update_missing()
        return problems

    def _update_missing(self) -> None:
        problems = getattr(self, "_problems", {})
        if problems:
            names = "、".join(tr(FIELD_NAMES.get(k, k)) for k in problems)
            self.missing.setText(tr("提交前还需：{names}", names=names))
        else:
            self.missing.setText(tr("信息完整，可以提交"))

    def show_all_errors(self) -> None:
        self._show_all = True
        self.revalidate()

    def _submit_clicked(self) -> None:
        if self.revalidate():
            self.show_all_errors()
            return
        self._submitting = True
        self.submit.setEnabled(False)
        spawn(self._submit())

    async def _submit(self) -> None:
        form = self.current_form()
        try:
            ids = await self._core.register(form)
        except FieldError as exc:
            self._submitting = False
            field = self.form.fields.get(exc.field)
            if field is not None:  # photo problems have no field of their own: the line says
                self.form.touched.add(exc.field)
                field.set_error(exc.message)
            self.missing.setText(tr("未能提交：{message}", message=tr(exc.message)))
            self.submit.setEnabled(True)
            return
        except Exception as exc:
            self._submitting = False
            log.exception("registration could not be stored")
            self.missing.setText(tr("未能保存登记，请重试或联系管理员：{error}", error=str(exc)))
            self.submit.setEnabled(True)
            return
        self._submitting = False
        self._show_all = False
        self.photo.set_photo(None)
        self.escort_photo.set_photo(None)
        self.target = "photo"
        if self._camera is not None:
            self._camera.worker.rearm()
        self.form.reset(self._today())
        self._on_submitted(ids)

    def showEvent(self, event: QShowEvent) -> None:
        if self._camera is not None:
            self._camera.worker.set_active(True)
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        if self._camera is not None:
            self._camera.worker.set_active(False)
        super().hideEvent(event)

    def set_catalog(self, rows: list[CatalogRow]) -> None:
        self.form.set_catalog(rows)

    def retranslate(self, *_: object) -> None:
        self.title.setText(tr("现场登记"))
        scanning = self.form.scan_button.property("scanning") is True
        self.capture_button.setText(tr("拍照"))
        self.auto_capture.setText(tr("合格后自动拍照"))
        self.submit.setText(tr("提交登记"))
        self.form.retranslate()
        if scanning:
            self.form.scan_button.setText(tr("取消扫码"))
        self.photo.retranslate()
        self.escort_photo.retranslate()
        self.preview.retranslate()
        self._update_missing()
