"""The registration form: fields, catalog pickers (city → site → room → door device), escort.

Pickers are multi-select, devices are filled from the chosen rooms and stay editable, and every
list accepts free entry when the catalog lacks an item. Errors show under their field once the
field was touched (or after the clerk tries to submit), so a fresh form is not a wall of red.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.ui.form import Person, RegistrationForm
from station.ui.i18n import tr
from station.ui.ports import CatalogRow
from station.ui.widgets import CheckList, Field, named

ROLES = (("operator", "作业人员"), ("escort", "随工/监理"))
CONSENT_NOTICE = (
    "告知：本人的人脸照片和登记信息（姓名、账号、电话、工单）将发送至动环平台，仅用于本工单所列机房"
    "门禁的刷脸开门。照片在本站加密保存，写入门禁后最多保留 {days} 天，到期自动删除。"
)


class FormPanel(QWidget):
    changed = Signal()
    scanRequested = Signal()

    def __init__(self, *, escort_required: bool, retention_days: int) -> None:
        super().__init__()
        self.escort_required = escort_required
        self.retention_days = retention_days
        self.touched: set[str] = set()
        self._catalog: list[CatalogRow] = []
        self._rooms_before: set[str] = set()
        self.work_order = named(QLineEdit(), "work_order")
        self.scan_button = named(QPushButton(), "scanButton")
        self.scan_button.clicked.connect(self.scanRequested)
        self.name = named(QLineEdit(), "name")
        self.account = named(QLineEdit(), "account")
        self.phone = named(QLineEdit(), "phone")
        self.phone.setInputMask("")
        self.city = named(QComboBox(), "city")
        self.city.setEditable(True)
        self.sites = CheckList("输入站点名称后添加", "sites")
        self.rooms = CheckList("输入机房名称后添加", "rooms")
        self.devices = CheckList("输入门禁设备ID后添加", "devices")
        self.date = named(QDateEdit(), "date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.role = named(QComboBox(), "role")
        self.escort_box = named(QGroupBox(), "escortBox")
        self.escort_box.setCheckable(not escort_required)
        self.escort_box.setChecked(escort_required)
        self.escort_name = named(QLineEdit(), "escort_name")
        self.escort_phone = named(QLineEdit(), "escort_phone")
        self.escort_account = named(QLineEdit(), "escort_account")
        self.consent = named(QCheckBox(), "consent")
        self.notice = named(QLabel(), "muted")
        self.notice.setWordWrap(True)
        wo_row = QWidget()
        wo_layout = QHBoxLayout(wo_row)
        wo_layout.setContentsMargins(0, 0, 0, 0)
        wo_layout.addWidget(self.work_order, 1)
        wo_layout.addWidget(self.scan_button)
        self.fields: dict[str, Field] = {
            "work_order": Field("工单号", wo_row, "work_order"),
            "name": Field("姓名", self.name, "name"),
            "account": Field("账号", self.account, "account"),
            "phone": Field("联系电话", self.phone, "phone"),
            "role": Field("身份", self.role, "role"),
            "date": Field("登记日期（进入日期）", self.date, "date"),
            "city": Field("城市", self.city, "city"),
            "sites": Field("站点（可多选）", self.sites, "sites"),
            "rooms": Field("机房（可多选）", self.rooms, "rooms"),
            "devices": Field("门禁设备（按机房自动选中，可修改）", self.devices, "devices"),
            "escort_name": Field("随工/监理姓名", self.escort_name, "escort_name"),
            "escort_phone": Field("随工/监理电话", self.escort_phone, "escort_phone"),
            "escort_account": Field("随工/监理账号", self.escort_account, "escort_account"),
            "consent": Field("个人信息告知与同意", self.consent, "consent"),
        }
        self.fields["work_order"].editor = self.work_order
        self._build_layout()
        self._connect()
        self._escort_toggled(self.escort_on())
        self.retranslate()

    def _build_layout(self) -> None:
        f = self.fields
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        person = named(QGroupBox(), "personBox")
        grid = QGridLayout(person)
        grid.addWidget(f["work_order"], 0, 0, 1, 2)
        grid.addWidget(f["name"], 1, 0)
        grid.addWidget(f["account"], 1, 1)
        grid.addWidget(f["phone"], 2, 0)
        grid.addWidget(f["role"], 2, 1)
        place = named(QGroupBox(), "placeBox")
        pgrid = QGridLayout(place)
        pgrid.addWidget(f["city"], 0, 0)
        pgrid.addWidget(f["date"], 0, 1)
        pgrid.addWidget(f["sites"], 1, 0)
        pgrid.addWidget(f["rooms"], 1, 1)
        pgrid.addWidget(f["devices"], 2, 0, 1, 2)
        egrid = QGridLayout(self.escort_box)
        egrid.addWidget(f["escort_name"], 0, 0)
        egrid.addWidget(f["escort_account"], 0, 1)
        egrid.addWidget(f["escort_phone"], 1, 0)
        self.person_box, self.place_box = person, place
        layout.addWidget(person)
        layout.addWidget(place)
        layout.addWidget(self.escort_box)
        layout.addWidget(self.notice)
        layout.addWidget(f["consent"])

    def _connect(self) -> None:
        for key in (
            "work_order",
            "name",
            "account",
            "phone",
            "escort_name",
            "escort_phone",
            "escort_account",
        ):
            editor = getattr(self, key)
            editor.textEdited.connect(lambda _t, k=key: self._touch(k))
        self.city.currentTextChanged.connect(self._on_city)
        self.sites.changed.connect(self._on_sites)
        self.rooms.changed.connect(self._on_rooms)
        self.devices.changed.connect(lambda: self._touch("devices"))
        self.date.dateChanged.connect(lambda _d: self._touch("date"))
        self.consent.toggled.connect(lambda _c: self._touch("consent"))
        self.role.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.escort_box.toggled.connect(self._escort_toggled)

    def _escort_toggled(self, on: bool) -> None:
        for key in ("escort_name", "escort_phone", "escort_account"):
            self.fields[key].setVisible(on)
        self.changed.emit()

    def _touch(self, key: str) -> None:
        self.touched.add(key)
        self.changed.emit()

    # catalog pickers -------------------------------------------------------------------------
    def set_catalog(self, rows: Iterable[CatalogRow]) -> None:
        self._catalog = list(rows)
        current = self.city.currentText()
        self.city.blockSignals(True)
        self.city.clear()
        self.city.addItems(sorted({r.city for r in self._catalog}))
        self.city.setCurrentText(current)
        self.city.blockSignals(False)
        self._on_city(current, touch=False)

    def _on_city(self, _city: str = "", touch: bool = True) -> None:
        self._cascade()
        if touch:
            self._touch("city")

    def _on_sites(self) -> None:
        self._cascade()
        self._touch("sites")

    def _on_rooms(self) -> None:
        self._cascade()
        self._touch("rooms")

    def _cascade(self) -> None:
        """Offer the sites of the city, the rooms of the chosen sites, the devices of the chosen
        rooms; a newly chosen room checks its devices, an unchosen one unchecks them."""
        city = self.city.currentText().strip()
        self.sites.set_items(sorted({r.site for r in self._catalog if r.city == city}))
        chosen_sites = set(self.sites.checked())
        self.rooms.set_items(sorted({r.room for r in self._catalog if r.site in chosen_sites}))
        rooms = set(self.rooms.checked())
        self.devices.set_items([r.device_id for r in self._catalog if r.room in rooms])
        for row in self._catalog:
            if row.room in rooms - self._rooms_before:
                self.devices.set_checked(row.device_id, True)
            elif row.room in self._rooms_before - rooms:
                self.devices.set_checked(row.device_id, False)
        self._rooms_before = rooms

    def escort_on(self) -> bool:
        """The escort section is in use: always with v1.0 (required), else when ticked."""
        return self.escort_required or self.escort_box.isChecked()

    def device_rooms(self) -> dict[str, str]:
        return {r.device_id: r.room for r in self._catalog}

    # values -----------------------------------------------------------------------------------
    def values(self) -> RegistrationForm:
        qdate = self.date.date()
        escort = None
        if self.escort_on():
            escort = Person(
                self.escort_name.text().strip(),
                self.escort_phone.text().strip(),
                self.escort_account.text().strip(),
            )
        return RegistrationForm(
            work_order=self.work_order.text().strip(),
            name=self.name.text().strip(),
            account=self.account.text().strip(),
            phone=self.phone.text().strip(),
            city=self.city.currentText().strip(),
            sites=self.sites.checked(),
            rooms=self.rooms.checked(),
            devices=self.devices.checked(),
            date=date(qdate.year(), qdate.month(), qdate.day()),
            role=str(self.role.currentData() or "operator"),
            consent=self.consent.isChecked(),
            escort=escort,
        )

    def show_errors(self, problems: dict[str, str], show_all: bool) -> None:
        for key, field in self.fields.items():
            visible = show_all or key in self.touched
            field.set_error(problems.get(key) if visible else None)

    def fill_from_qr(self, text: str) -> None:
        """A work-order QR holds the number, or a JSON object with form fields (spec names)."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.work_order.setText(text.strip())
            self._touch("work_order")
            return
        for key, editor in (
            ("workOrdNum", self.work_order),
            ("name", self.name),
            ("account", self.account),
            ("phone", self.phone),
        ):
            if isinstance(data.get(key), str):
                editor.setText(data[key])
                self.touched.add({"workOrdNum": "work_order"}.get(key, key))
        if isinstance(data.get("city"), str):
            self.city.setCurrentText(data["city"])
        for key, picker in (("site", self.sites), ("room", self.rooms), ("deviceId", self.devices)):
            values = data.get(key)
            values = [values] if isinstance(values, str) else values or []
            if key == "deviceId" and values:
                picker.clear_checks()  # the QR names the devices: not all of the rooms'
            for value in values:
                if isinstance(value, str):
                    picker.add(value, checked=True)
        self.changed.emit()

    def reset(self, today: date) -> None:
        for editor in (self.work_order, self.name, self.account, self.phone):
            editor.clear()
        for editor in (self.escort_name, self.escort_phone, self.escort_account):
            editor.clear()
        for picker in (self.sites, self.rooms, self.devices):
            picker.clear_checks()
        self._rooms_before = set()
        self._cascade()
        self.date.setMinimumDate(QDate(today.year, today.month, today.day))
        self.date.setDate(QDate(today.year, today.month, today.day))
        self.consent.setChecked(False)
        self.touched.clear()
        self.changed.emit()

    def retranslate(self) -> None:
        self.person_box.setTitle(tr("工单与人员"))
        self.place_box.setTitle(tr("进入地点与日期"))
        self.escort_box.setTitle(
            tr("随工/监理（v1.0 接口必填）") if self.escort_required else tr("随工/监理（可选）")
        )
        self.scan_button.setText(tr("扫码"))
        self.work_order.setPlaceholderText(tr("如 JF-20251222-0313"))
        self.phone.setPlaceholderText(tr("11 位手机号或带区号固话"))
        index = self.role.currentIndex()
        self.role.blockSignals(True)
        self.role.clear()
        for value, label in ROLES:
            self.role.addItem(tr(label), value)
        self.role.setCurrentIndex(max(index, 0))
        self.role.blockSignals(False)
        self.consent.setText(tr("被登记人已阅读上述告知，同意采集并发送人脸照片"))
        self.notice.setText(tr(CONSENT_NOTICE, days=self.retention_days))
        for field in self.fields.values():
            field.retranslate()
        for picker in (self.sites, self.rooms, self.devices):
            picker.retranslate()
